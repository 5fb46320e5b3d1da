"""The corpus view: every article found at once, places by mentions, clustered pins."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.corpus import corpus_places, in_dates, library_layers, user_inputs_stamp
from geo.dashboard.panes import claim_pane, counted, exports, legend
from geo.dashboard.resources import actor_book, gazetteer, library_of_articles
from geo.dashboard.sidebar import Selection
from geo.export import only_layers
from geo.layers import feature_at
from geo.mapview import build_map
from geo.passages import passage_html
from geo.reference_layers import load_reference_layers
from geo.store import Library

#: Cluster the corpus map's pins when there are more places than this.
_CLUSTER_FROM = 60
#: Passages listed for one place in the corpus view.
_PASSAGES_SHOWN = 100


@st.cache_data(max_entries=8, show_spinner=False)
def _corpus_layers(ids: tuple[str, ...], corrections_state: str, user_inputs: str) -> list[dict]:
    bar = st.progress(0.0, text=f"Drawing the layers of {counted(len(ids), 'article')}")
    done = library_layers(
        library_of_articles(),
        gazetteer(),
        ids,
        actors=actor_book(user_inputs)[0],
        progress=lambda n, total: bar.progress(n / total, text=f"{n} of {total} articles"),
    )
    bar.empty()
    return done


def corpus_view(library: Library, selection: Selection) -> None:
    """Every article of ``selection`` at once: places by mentions, claims, passages."""
    found, shown = selection.found, selection.shown
    start, end = selection.date_bounds()
    st.title(f"Corpus: {counted(len(found), 'article')}")
    ids, corrections_state = tuple(s.id for s in found), library.corrections_state()
    collections = _corpus_layers(ids, corrections_state, user_inputs_stamp())
    places = corpus_places(collections, start=start, end=end)
    claims = [
        f
        for fc in collections
        for f in fc["features"]
        if f["properties"]["layer"] != "place" and in_dates(f, start, end)
    ]
    reference, _ = load_reference_layers()
    features = reference + claims + places["features"]
    fc = only_layers({"type": "FeatureCollection", "features": features}, shown)
    st.caption(
        f"{len(places['features'])} places, {len(claims)} claims"
        + (f", dated {start or '…'} to {end or '…'}" if start or end else "")
    )
    map_col, side_col = st.columns([3, 2])
    with map_col:
        clicked = st_folium(
            build_map(fc, cluster=len(places["features"]) > _CLUSTER_FROM, tiles=selection.tiles),
            key="corpus-map",
            height=560,
            use_container_width=True,
            returned_objects=["last_object_clicked"],
        )
        legend(fc)
        exports(fc, "corpus", (ids, corrections_state, tuple(shown), start, end))
    point = (clicked or {}).get("last_object_clicked")
    feature = feature_at(fc, point["lat"], point["lng"]) if point else None
    with side_col:
        if feature is None:
            top = ", ".join(
                f"{f['properties']['name']} ({f['properties']['count']})"
                for f in places["features"][:10]
            )
            st.info(f"Most named: {top}. Click a place for every passage that names it.")
        elif feature["properties"]["layer"] == "place":
            props = feature["properties"]
            st.subheader(props["name"])
            st.caption(
                f"{counted(props['count'], 'mention')} in {counted(props['articles'], 'article')}"
            )
            for mention in props["mentions"][:_PASSAGES_SHOWN]:
                st.caption(
                    f"{mention['article_title'] or mention['article']} · {mention['date'] or ''}"
                )
                st.html(f'<div class="geo-passage">{passage_html(mention)}</div>')
        else:
            claim_pane(feature["properties"])
