"""The article view: the map of one article, the passages behind a click, the text."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.corpus import user_inputs_stamp
from geo.corrections import apply_corrections
from geo.dashboard.panes import claim_pane, exports, legend, place_pane, text_html
from geo.dashboard.resources import actor_book, gazetteer, library_of_articles, parsed_article
from geo.export import only_layers
from geo.layers import article_layers, feature_at, layer_counts
from geo.mapview import build_map
from geo.store import Library


@st.cache_data(max_entries=64)
def _article_layers(
    article_id: str, corrections: tuple[int, ...], user_inputs: str
) -> tuple[dict, object]:
    fixed = apply_corrections(
        parsed_article(article_id), library_of_articles().corrections(article_id)
    )
    actors, _ = actor_book(user_inputs)
    return article_layers(fixed, gazetteer(), actors=actors), fixed


def article_view(
    library: Library, article_id: str, shown: list[str], tiles: str | None = None
) -> None:
    """One article: its map and layers, what a click shows, the exports and the text."""
    article = library.get(article_id)
    corrections = tuple(c.id for c in library.corrections(article_id))
    all_layers, parsed = _article_layers(article_id, corrections, user_inputs_stamp())
    layers = only_layers(all_layers, shown)
    st.title(article.label)
    byline = (article.source, article.author, str(article.published or ""))
    st.caption(" · ".join(x for x in byline if x))
    for warning in all_layers.get("warnings", []):
        st.warning(f"Reference layer: {warning}")
    focus_id = st.query_params.get("focus")
    places = [f for f in layers["features"] if f["properties"]["layer"] == "place"]
    focused = next((f for f in places if focus_id and f["properties"]["id"] == focus_id), None)
    focus = tuple(reversed(focused["geometry"]["coordinates"][:2])) if focused else None
    map_col, side_col = st.columns([3, 2])
    with map_col:
        clicked = st_folium(
            build_map(layers, focus=focus, tiles=tiles),
            key=f"map-{article_id}-{focus_id}",
            height=560,
            use_container_width=True,
            returned_objects=["last_object_clicked"],
        )
        legend(layers)
        exports(layers, article_id, (article_id, corrections, tuple(shown)))
    point = (clicked or {}).get("last_object_clicked")
    feature = feature_at(layers, point["lat"], point["lng"]) if point else focused
    with side_col:
        if corrections and st.button(f"Undo the last correction ({len(corrections)})", key="undo"):
            library.undo_last(article_id)
            st.rerun()
        if feature is None:
            counts = " · ".join(f"{n} {layer}" for layer, n in layer_counts(layers).items())
            st.info(
                f"{counts}. Click a place, zone, route or area on the map, or a name in the text."
            )
        elif feature["properties"]["layer"] == "place":
            place_pane(feature["properties"], parsed, library, article_id)
        else:
            claim_pane(feature["properties"])
    st.subheader("Text")
    st.html(f'<div class="geo-article">{text_html(layers, article)}</div>')
