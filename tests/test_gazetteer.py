from __future__ import annotations

import sqlite3

import pytest

from geo.errors import GazetteerError
from geo.gazetteer import LocalGazetteer
from geo.gazetteer_build import build_index
from geo.names import name_key, name_keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Deir\u00a0ez-Zor", "deir ez zor"),
        ("Sab\u2019 Biyar", "sab biyar"),
        ("Sab\u02bf Biyar", "sab biyar"),
        ("ḨALAB", "halab"),
        ("  Tell   Abyad ", "tell abyad"),
    ],
)
def test_name_key(name, key):
    assert name_key(name) == key


def test_arabic_article_gives_a_second_key():
    assert name_keys("al-Tanf") == ["al tanf", "tanf"]
    assert name_keys("Alabama") == ["alabama"]


@pytest.mark.parametrize(
    ("name", "country", "kind"),
    [
        ("Syria", "SY", "country"),
        ("Palmyra", "SY", "city"),
        ("BEIRUT", "LB", "city"),
        ("Deir ez-Zor", "SY", "city"),
        ("Baghdad", "IQ", "city"),
    ],
)
def test_lookup_puts_the_obvious_place_first(gazetteer, name, country, kind):
    best = gazetteer.lookup(name)[0]
    assert (best.country, best.kind) == (country, kind)


def test_lookup_filters_by_country_and_limits(gazetteer):
    assert all(c.country == "IR" for c in gazetteer.lookup("Tehran", country="ir"))
    assert len(gazetteer.lookup("Springfield", limit=3)) == 3


def test_unknown_name_has_no_candidates(gazetteer):
    assert gazetteer.lookup("Xqzvwt") == []
    assert gazetteer.lookup("") == []
    assert not gazetteer.knows("Xqzvwt")


def test_codes_are_not_names(gazetteer):
    assert not any(c.name == "Deir ez-Zor" for c in gazetteer.lookup("DEZ"))


def test_corrupt_index_is_reported(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerError, match="not a usable gazetteer index"):
        LocalGazetteer(bad, build=False)


def test_missing_index_without_build_is_reported(tmp_path):
    with pytest.raises(GazetteerError, match="run 'geo gazetteer build'"):
        LocalGazetteer(tmp_path / "none.sqlite", build=False)


def test_build_writes_a_complete_index_atomically(tmp_path):
    path = build_index(tmp_path / "g.sqlite")
    assert [p.name for p in tmp_path.iterdir()] == ["g.sqlite"]  # no temporary file left
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM places WHERE kind = 'country'").fetchone()[0] > 200
        assert db.execute("SELECT COUNT(*) FROM places").fetchone()[0] > 200_000
    assert LocalGazetteer(path, build=False).lookup("Homs")[0].country == "SY"
