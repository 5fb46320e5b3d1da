"""The conflict-map dashboard: the page, put together from ``geo.dashboard``.

Run with ``streamlit run app.py`` (the README's command sets everything up first).
The chosen article and the focused place live in the URL (``?article=...&focus=...``),
so a mention in the text is a link that puts its place in the middle of the map.
"""

from __future__ import annotations

import streamlit as st

from geo.corpus import user_inputs_stamp
from geo.dashboard.article_view import article_view
from geo.dashboard.corpus_view import corpus_view
from geo.dashboard.resources import APP_DIR, actor_book, library_of_articles, static_assets
from geo.dashboard.sidebar import sidebar

st.set_page_config(page_title="Conflict map", layout="wide")
static_assets()
st.html(f"<style>{(APP_DIR / 'assets' / 'app.css').read_text(encoding='utf-8')}</style>")
library = library_of_articles()
_, actor_problem = actor_book(user_inputs_stamp())
if actor_problem:
    st.warning(actor_problem)
selection = sidebar(library)
if selection.view == "Corpus":
    corpus_view(library, selection)
elif selection.article is None:
    st.info("No article matches. Clear the search, or add articles in the sidebar.")
else:
    article_view(library, selection.article, selection.shown, selection.tiles)
