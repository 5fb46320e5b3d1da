"""The library (a real SQLite file) and corrections applied to real parses."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from geo.article import Article
from geo.corrections import apply_corrections, candidate_json
from geo.errors import ArticleError, StoreError
from geo.layers import article_layers
from geo.pipeline import parse_article
from geo.store import SCHEMA_VERSION, Correction, Library

OLD = Article(id="old", text="Shelling in Homs.", title="Homs", published=dt.date(2016, 3, 1))
NEW = Article(
    id="new",
    text="Rebels left Idlib; 100% of the_town fled.",
    title="Idlib",
    source="Wire",
    published=dt.date(2017, 6, 2),
    url="https://example.org/idlib",
)
UNDATED = Article(id="undated", text="A note on Aleppo.")


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "library.sqlite")
    lib.add_all([OLD, NEW, UNDATED])
    return lib


def test_articles_round_trip_and_outlive_the_object(library, tmp_path):
    assert Library(tmp_path / "library.sqlite").get("new") == NEW
    assert len(library) == 3


def test_same_article_twice_is_kept_once_and_a_clash_is_refused(library):
    assert library.add(NEW) == "new" and len(library) == 3
    with pytest.raises(ArticleError, match="already has an article 'new' with another text"):
        library.add(Article(id="new", text="Other text."))


def test_summaries_are_newest_first_and_searchable(library):
    assert [s.id for s in library.summaries()] == ["new", "old", "undated"]
    assert [s.id for s in library.summaries(query="ALEPPO")] == ["undated"]
    assert [s.id for s in library.summaries(query="wire")] == ["new"]
    assert [s.id for s in library.summaries(query="100%")] == ["new"]
    assert [s.id for s in library.summaries(query="e_t")] == ["new"]  # "_" is not a wildcard
    assert library.summaries(query="0_") == []
    between = library.summaries(start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))
    assert [s.id for s in between] == ["new"]
    assert library.summaries()[0].label == "Idlib · Wire · 2017-06-02"


def test_unknown_article_is_a_clear_error(library):
    with pytest.raises(StoreError, match="the library has no article 'nope'"):
        library.get("nope")


def test_corrections_in_force_and_undo(library):
    mine = library.add_correction(Correction("Homs", "drop", "old"))
    everywhere = library.add_correction(Correction("Aleppo", "drop"))
    assert [c.id for c in library.corrections("old")] == [mine.id, everywhere.id]
    assert [c.id for c in library.corrections("new")] == [everywhere.id]
    assert library.undo_last("old").id == everywhere.id
    assert [c.id for c in library.corrections("old")] == [mine.id]
    assert library.corrections("new") == []


def test_removing_an_article_removes_its_corrections(library):
    library.add_correction(Correction("Homs", "drop", "old"))
    library.remove("old")
    assert len(library) == 2 and library.corrections("old") == []


@pytest.mark.parametrize(
    ("correction", "message"),
    [
        (Correction("Homs", "move", "old"), "action is one of"),
        (Correction("Homs", "place", "old"), "a 'place' correction needs its place"),
        (Correction("Homs", "drop", "old", place="{}"), "a 'drop' correction has none"),
    ],
)
def test_malformed_corrections_are_refused(library, correction, message):
    with pytest.raises(StoreError, match=message):
        library.add_correction(correction)


def test_a_file_that_is_not_a_library_is_named(tmp_path):
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="is not a usable library"):
        Library(path)


def test_a_newer_library_is_refused(tmp_path):
    path = tmp_path / "library.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="written by a newer geo"):
        Library(path)


def test_the_library_runs_in_wal_mode(library):
    with sqlite3.connect(library.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- corrections applied to the sample --------------------------------------------------------


def test_dropping_a_name_removes_its_place_and_the_claims_on_it(sample_parsed, gazetteer):
    before = article_layers(sample_parsed, gazetteer, reference=False)
    fixed = apply_corrections(sample_parsed, [Correction("Sukhna", "drop")])
    after = article_layers(fixed, gazetteer, reference=False)
    names = {f["properties"].get("name") for f in after["features"]}
    assert "As Sukhnah" in {f["properties"].get("name") for f in before["features"]}
    assert "As Sukhnah" not in names
    held = [
        f
        for f in after["features"]
        if f["properties"]["layer"] == "control" and "Sukhna" in f["properties"].get("text", "")
    ]
    assert held == []


def test_choosing_a_place_moves_every_mention_and_marks_it(sample_parsed, gazetteer):
    elsewhere = next(c for c in gazetteer.lookup("Palmyra", limit=50) if c.country == "US")
    fixed = apply_corrections(
        sample_parsed, [Correction("palmyra", "place", place=candidate_json(elsewhere))]
    )
    moved = [m for m in fixed.mentions if m.name == "Palmyra"]
    named = [m for m in sample_parsed.mentions if m.name == "Palmyra"]
    assert len(moved) == len(named) > 1
    assert all(m.place == elsewhere and m.corrected for m in moved)
    layers = article_layers(fixed, gazetteer, reference=False)
    place = next(f for f in layers["features"] if f["properties"].get("id") == elsewhere.id)
    assert place["properties"]["corrected"] is True
    routes = [f for f in layers["features"] if f["properties"]["layer"] == "route"]
    assert any(f["properties"]["corrected"] for f in routes)  # the push from Palmyra follows


def test_placing_an_unplaced_name(gazetteer):
    text = "Syrian troops retreated toward Zaza near Palmyra in Syria."
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    assert [m.name for m in parsed.unplaced] == ["Zaza"]  # only a town in Cuba has the name
    somewhere = gazetteer.lookup("Sabaa Biyar", limit=1)[0]
    fixed = apply_corrections(
        parsed, [Correction("Zaza", "place", place=candidate_json(somewhere))]
    )
    assert fixed.unplaced == () and any(m.name == "Zaza" and m.corrected for m in fixed.mentions)


# --- crash safety -------------------------------------------------------------------------------

_WRITER = """
import sys
from pathlib import Path
from geo.article import Article
from geo.store import Correction, Library

lib = Library(Path(sys.argv[1]))
for i in range(100000):
    lib.add(Article(id=f"a{i}", text=f"Shelling near Homs, report {i}." * 50))
    c = lib.add_correction(Correction("Homs", "drop", f"a{i}"))
    print(f"a{i} {c.id}", flush=True)  # said only once both are committed
"""


def test_killed_writer_loses_nothing_committed_and_the_file_opens_clean(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "library.sqlite"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    committed = []
    deadline = time.monotonic() + 60
    while len(committed) < 200 and time.monotonic() < deadline:
        committed.append(writer.stdout.readline().split())
    os.kill(writer.pid, signal.SIGKILL)  # in the middle of the next writes
    writer.wait()
    assert writer.returncode == -signal.SIGKILL and len(committed) == 200
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lib = Library(path)
    for article_id, correction_id in committed:
        assert lib.get(article_id).text.startswith("Shelling near Homs")
        assert [c.id for c in lib.corrections(article_id)] == [int(correction_id)]


_ADDER = """
import sys, time
from pathlib import Path
from geo.article import Article
from geo.store import Library
path, go = Path(sys.argv[1]), Path(sys.argv[2])
lib = Library(path)
while not go.exists():
    time.sleep(0.001)
lib.add_all(Article(id=f"a{i}", text=f"Shelling near Homs, report {i}.") for i in range(100))
"""


def test_processes_adding_the_same_articles_at_once_all_succeed(tmp_path):
    # two servers starting together on a new library both add the bundled articles
    import subprocess
    import sys

    path, go = tmp_path / "library.sqlite", tmp_path / "go"
    Library(path)
    adders = [
        subprocess.Popen(
            [sys.executable, "-c", _ADDER, str(path), str(go)], stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    go.touch()
    errors = [adder.communicate(timeout=120)[1] for adder in adders]
    assert [adder.returncode for adder in adders] == [0] * 4, errors
    assert len(Library(path)) == 100
