"""Several readers at once, and a server killed while it writes: real Chromium, real server.

What the library holds (articles, corrections) is shared by every session; what a reader
is doing (a search, the layers shown, the article chosen, a form not yet sent) lives in
that reader's Streamlit session only. A server killed with SIGKILL loses nothing it had
confirmed, and its library file opens clean.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from geo.article import Article
from geo.geojson import LAYERS
from geo.store import Library

from .browser_helpers import (
    BUSY,
    correct_as_not_a_place,
    eventually,
    idle,
    map_frame,
    open_add_articles,
    remove_layer,
    settled,
)

pytestmark = pytest.mark.browser
SAMPLE_TITLE = "Why Iran-Backed Forces in Iraq and Syria Can't Link Up Yet"
#: What a reader's sidebar and page show of its own session (see ``_session_view``).
_VIEW = """() => {
    const side = document.querySelector('[data-testid="stSidebar"]');
    const value = sel => side.querySelector(sel)?.value ?? null;
    return {
        heading: [...document.querySelectorAll('[data-testid="stMain"] h1')]
            .map(h => h.innerText.trim()).join(' | '),
        article: value('[data-testid="stSelectbox"] input[role="combobox"]'),
        query: value('input[aria-label="Search titles and texts"]'),
        draftTitle: value('[data-testid="stForm"] input[aria-label="Title"]'),
        draftText: value('[data-testid="stForm"] textarea[aria-label="Text"]'),
        layers: [...side.querySelectorAll('[data-testid="stMultiSelect"] [data-tag]')]
            .map(t => t.getAttribute('aria-label')),
    };
}"""


def _session_view(page) -> dict:
    """The session's own state as the page shows it, once no script run is pending."""
    page.wait_for_function(f"!({BUSY})")
    return page.evaluate(_VIEW)


def _library_label(page) -> str:
    """The label of the sidebar's article list: 'Article (shown of all)'."""
    idle(page)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    return box.locator('[data-testid="stWidgetLabel"]').inner_text().strip()


def _choose_article(page, label: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=label, exact=True).click()


def _lists_article(page, label: str) -> bool:
    """Whether the sidebar's article list offers ``label`` (the list is closed again)."""
    idle(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
    option = page.get_by_role("option", name=label, exact=True)
    page.get_by_role("option").first.wait_for()
    found = option.count() == 1
    page.keyboard.press("Escape")
    page.get_by_role("listbox").wait_for(state="detached")
    return found


def _paste(page, title: str, text: str) -> None:
    """Fill the sidebar's paste form and send it once no run is pending (a click during
    a rerun is lost); no wait for the answer."""
    open_add_articles(page)
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Text", exact=True).fill(text)
    idle(page)
    form.get_by_role("button", name="Add the pasted text").click()


def test_five_sessions_share_the_library_and_keep_their_own_state(app_url, new_page):
    token = uuid.uuid4().hex[:8]
    other = Article(
        id=f"other-{token}", text="Shelling near Homs was reported.", title=f"Other {token}"
    )
    Library().add(other)  # the server's own library file ($GEO_DATA_DIR of the tests)
    pages = [new_page() for _ in range(5)]
    for page in pages:  # five sessions load at once; the server runs their scripts together
        page.goto(app_url, wait_until="commit")
    for page in pages:
        settled(page)
    writer, drafter, filterer, searcher, chooser = pages
    default = {
        "heading": SAMPLE_TITLE,
        "article": next(s.label for s in Library().summaries() if s.title == SAMPLE_TITLE),
        "query": "",
        "draftTitle": "",
        "draftText": "",
        "layers": list(LAYERS),
    }
    assert [_session_view(p) for p in pages] == [default] * 5
    before = len(Library())

    # each reader starts something of its own, all at once; the writer adds an article meanwhile
    added_title = f"Sessions check {token}"
    added_text = f"Shelling was reported near Homs on Monday ({token})."
    remove_layer(filterer, "route")
    searcher.get_by_label("Search titles and texts").fill("Iran-Backed")
    searcher.get_by_label("Search titles and texts").press("Enter")
    _choose_article(chooser, other.title)
    _paste(writer, added_title, added_text)
    open_add_articles(drafter)
    draft = drafter.locator('[data-testid="stForm"]')
    draft.get_by_label("Title", exact=True).fill(f"Unsent draft {token}")
    draft.get_by_label("Text", exact=True).fill(f"Not sent: fighting near Raqqa ({token}).")
    writer.get_by_role("heading", name=added_title).wait_for()
    chooser.get_by_role("heading", name=other.title).wait_for()
    searcher.get_by_text("Article (1 of ").wait_for()
    assert len(Library()) == before + 1
    added_label = next(s.label for s in Library().summaries() if s.title == added_title)

    # no session shows another's state (a session's own choices survive the others' reruns)
    expected = [
        {**default, "heading": added_title, "article": added_label},
        {
            **default,
            "draftTitle": f"Unsent draft {token}",
            "draftText": f"Not sent: fighting near Raqqa ({token}).",
        },
        {**default, "layers": [layer for layer in LAYERS if layer != "route"]},
        {**default, "query": "Iran-Backed"},
        {**default, "heading": other.title, "article": other.title},
    ]
    eventually(
        lambda: map_frame(filterer).locator("path.geo-layer-route").count() == 0,
        "the session that switched routes off still draws them",
    )
    for page in (drafter, searcher):  # the others on the sample article still draw them
        map_frame(page).locator("path.geo-layer-route").first.wait_for()
    assert [_session_view(p) for p in pages] == expected
    for page in pages[1:]:  # the writer's notice is the writer's alone
        assert page.get_by_text(f"added “{added_title}”").count() == 0

    # a live session sees the new article on its next run; reloaded ones see it too
    searcher.get_by_label("Search titles and texts").fill(token)
    searcher.get_by_label("Search titles and texts").press("Enter")
    searcher.get_by_role("heading", name=added_title).wait_for()
    total = len(Library())
    assert _library_label(searcher) == f"Article (2 of {total})"  # the added one and `other`
    assert _library_label(writer) == f"Article ({total} of {total})"
    for page in (drafter, filterer, chooser):
        page.reload(wait_until="commit")
    for page in (drafter, filterer, chooser):
        settled(page)
        assert _library_label(page) == f"Article ({total} of {total})"
        assert _lists_article(page, added_label)
    assert _session_view(drafter) == default  # nothing of the others' state came back
    assert _session_view(filterer) == default
    assert _session_view(chooser) == {**default, "heading": other.title, "article": other.title}
    assert _session_view(writer)["heading"] == added_title  # the writer kept its own view
    assert Library().summaries(query=f"Unsent draft {token}") == []  # a draft stays a draft


# --- crash safety -------------------------------------------------------------------------------

#: Articles in the upload the server is killed in the middle of (one transaction each).
_BATCH = 1000


def _batch_written(path: Path, token: str) -> int:
    """How many articles of the upload the library file holds (read beside the server)."""
    with closing(sqlite3.connect(path, timeout=30)) as db:
        return db.execute(
            "SELECT count(*) FROM articles WHERE id LIKE ?", (f"batch-{token}-%",)
        ).fetchone()[0]


def test_killed_server_loses_no_confirmed_write_and_reopens_clean(
    app_servers, new_page, tmp_path, sample_parsed
):
    data = tmp_path / "data"
    data.mkdir()
    server = app_servers(data)
    pid = server.process.pid
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    assert Path(argv[0]).name.startswith("python") and argv[1:4] == ["-m", "streamlit", "run"]
    token = uuid.uuid4().hex[:8]
    page = new_page()
    page.goto(server.url)

    # writes the app confirms: a correction, then a pasted article
    palmyra = next(m.place.id for m in sample_parsed.mentions if m.name == "Palmyra")
    correct_as_not_a_place(page, palmyra)
    settled(page)
    pasted = {f"Crash check {token}": f"Shelling was reported near Homs ({token})."}
    for title, text in pasted.items():
        _paste(page, title, text)
        page.get_by_role("heading", name=title).wait_for()  # the app shows it: it is kept

    # then an upload of many articles, and the server killed while it writes them
    batch = [
        {"id": f"batch-{token}-{i:04d}", "title": f"Batch {token} {i}", "text": f"Homs, {i}."}
        for i in range(_BATCH)
    ]
    upload = tmp_path / f"batch-{token}.jsonl"
    upload.write_text("".join(json.dumps(a) + "\n" for a in batch), encoding="utf-8")
    open_add_articles(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.locator('[data-testid="stButton"]', has_text="Add the uploaded files").wait_for(
        state="attached"
    )
    idle(page)
    open_add_articles(page)
    page.get_by_role("button", name="Add the uploaded files").click()
    path = data / "library.sqlite"
    deadline = time.monotonic() + 30
    while _batch_written(path, token) == 0:  # kill once the first articles are committed
        assert time.monotonic() < deadline, "no article of the upload was ever committed"
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    assert server.process.wait(timeout=10) == -signal.SIGKILL

    # the file is clean, in WAL mode, and holds every confirmed write
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        kept = dict(db.execute("SELECT title, text FROM articles WHERE title LIKE 'Crash check %'"))
        corrections = db.execute(
            "SELECT surface, action, article_id, undone FROM corrections"
        ).fetchall()
        written = [
            row
            for row in db.execute(
                "SELECT id, title, text FROM articles WHERE id LIKE ? ORDER BY id",
                (f"batch-{token}-%",),
            )
        ]
    assert kept == pasted, "an article the app had shown was lost"
    assert corrections == [("Palmyra", "drop", sample_parsed.article.id, None)]
    # the upload was cut short (it commits article by article, see Library.add_all): what it
    # wrote is whole, in order, with no gap
    assert 0 < len(written) < _BATCH, f"the kill did not land mid-upload ({len(written)})"
    assert written == [(a["id"], a["title"], a["text"]) for a in batch[: len(written)]]

    library = Library(path)  # opens clean and reads it all back
    assert len(library) == 1 + len(pasted) + len(written)
    assert [c.surface for c in library.corrections(sample_parsed.article.id)] == ["Palmyra"]

    # a new server on the same file shows the confirmed writes
    page = new_page()
    page.goto(app_servers(data).url)
    settled(page)
    page.get_by_role("button", name="Undo the last correction (1)").wait_for()
    assert map_frame(page).locator(f'.geo-pin[data-place-id="{palmyra}"]').count() == 0
    search = page.get_by_label("Search titles and texts")
    search.fill("Crash check")
    search.press("Enter")
    eventually(
        lambda: _library_label(page) == f"Article ({len(pasted)} of {len(library)})",
        "the restarted app does not list the pasted article",
    )
    for title in pasted:
        assert _lists_article(page, title)
