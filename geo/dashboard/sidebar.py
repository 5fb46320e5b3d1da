"""The sidebar: the view, the library list and its filters, adding articles, the layer switch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from geo.dashboard.panes import counted
from geo.dashboard.resources import CREDITS
from geo.errors import GeoError
from geo.geojson import LAYERS
from geo.ingest import article_from_paste, articles_from_upload
from geo.mapview import WEB_TILES
from geo.store import ArticleSummary, Library


@dataclass(frozen=True)
class Selection:
    """What the reader chose in the sidebar, for the view to draw."""

    view: str  # "Article" or "Corpus"
    article: str | None  # the chosen article's id; None when no article matches
    found: list[ArticleSummary]  # the articles the search and dates let through
    shown: list[str]  # the layers shown and exported
    tiles: str | None  # web tiles over the basemap, or None (offline)
    start: dt.date | None  # published from
    end: dt.date | None  # published until

    def date_bounds(self) -> tuple[str | None, str | None]:
        """``start`` and ``end`` as ISO dates (None where open)."""
        return tuple(d.isoformat() if d else None for d in (self.start, self.end))


def sidebar(library: Library) -> Selection:
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
    return Selection(
        view=view,
        article=chosen,
        found=found,
        shown=shown,
        tiles=WEB_TILES if web_tiles else None,
        start=start,
        end=end,
    )


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
                notices.append(("success", f"{upload.name}: {counted(len(ids), 'article')} added"))
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


def _select_next(article_id: str) -> None:
    """Show this article after the rerun (a widget's value is set before it is drawn)."""
    st.session_state["select_next"] = article_id
    st.query_params["article"] = article_id
    st.query_params.pop("focus", None)
