from __future__ import annotations

import json
import os
import sqlite3

import pytest

from geo.errors import GazetteerError
from geo.gazetteer import Candidate, LocalGazetteer
from geo.gazetteer_build import RECORD_FIELDS, build_index, default_index_path
from geo.gazetteer_sources import curated_aliases, supplement_records
from geo.names import expanded_key, name_key, name_keys, variant_key

DEIR_EZ_ZOR = "geonames:170794"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Deir\u00a0ez-Zor", "deir ez zor"),
        ("Sab\u2019 Biyar", "sab biyar"),
        ("Sab\u02bf Biyar", "sab biyar"),
        ("ḨALAB", "halab"),
        ("  Tell   Abyad ", "tell abyad"),
        ("U.S.", "us"),
        ("U. K.", "uk"),
    ],
)
def test_name_key(name, key):
    assert name_key(name) == key


def test_arabic_article_gives_a_second_key():
    assert name_keys("al-Tanf") == ["al tanf", "tanf"]
    assert name_keys("Alabama") == ["alabama"]


@pytest.mark.parametrize(
    "spellings",
    [
        ["Deir Ezzor", "Deir ez-Zor", "Dayr az Zawr", "Deir el-Zor", "Dair al-Zour"],
        ["Hassakeh", "Hasakah", "Hasaka", "al-Hasakah", "El Hassakeh"],
        ["Sukhna", "Sukhnah", "as-Sukhnah", "Soukhneh"],
        ["Sabaa Biyar", "Sab' Biyar", "Sab\u2019 Biyar", "Saba Biyar"],
        ["Tanf", "al-Tanf", "At Tanf"],
        ["Qamishli", "Kamishli", "Qamishly"],
        ["Yarmouk", "Yarmuk"],
        ["Sheikh Maqsoud", "Shaykh Maqsud", "Sheikh Maksoud"],
        ["Tell Abyad", "Tal Abyad"],
        # an article inside a name, assimilated or not
        ["Jisr al-Shughur", "Jisr ash-Shughur", "Jisr as-Shughur", "Jisr ash Shughūr"],
        ["Busra al-Sham", "Bosra ash-Sham", "Buşrá ash Shām"],
    ],
)
def test_transliteration_variants_share_a_skeleton(spellings):
    assert len({variant_key(s) for s in spellings}) == 1


def test_short_or_foreign_script_names_have_no_skeleton():
    assert variant_key("Iraqi") is None  # two consonants: too many places share it
    assert variant_key("دير الزور") is None


def test_a_place_record_holds_the_candidate_fields_of_the_place_in_their_order():
    # a look-up makes a candidate of a record by position, the score put in between
    match_fields = ("score", "match", "matched", "adjective")
    assert RECORD_FIELDS == tuple(f for f in Candidate._fields if f not in match_fields)
    assert Candidate._fields.index("score") == RECORD_FIELDS.index("feature_code")


@pytest.mark.parametrize(
    ("name", "country", "kind"),
    [
        ("Syria", "SY", "country"),
        ("Palmyra", "SY", "city"),
        ("BEIRUT", "LB", "city"),
        ("Deir ez-Zor", "SY", "city"),
        ("Baghdad", "IQ", "city"),
        ("Aleppo", "SY", "city"),  # the city, not the governorate of the same name
        ("Aleppo Governorate", "SY", "admin1"),
        ("Anbar province", "IQ", "admin1"),
        ("Texas", "US", "admin1"),
        ("Harris County", "US", "admin2"),
        ("United States", "US", "country"),
        ("U.S.", "US", "country"),
        ("Hungary", "HU", "country"),  # no outline in countryinfo: its point instead
        ("Jisr al-Shughur", "SY", "city"),  # GeoNames: Jisr ash Shughūr
        # on a tie, a named region or natural feature before a town of its name
        ("Middle East", "", "region"),  # not Middle East, Maryland
        ("Pacific", "", "ocean"),  # not Pacific, Missouri
        ("Andes", "", "mountain"),  # not Los Andes, Chile (also "Andes" in GeoNames)
    ],
)
def test_lookup_puts_the_obvious_place_first(gazetteer, name, country, kind):
    best = gazetteer.lookup(name)[0]
    assert (best.country, best.kind) == (country, kind)


@pytest.mark.parametrize(
    "spelling",
    ["Deir ez-Zor", "Deir Ezzor", "Deir\u00a0Ezzor", "Dayr az Zawr", "Deir el-Zor", "DEIR EZ-ZOR"],
)
def test_every_spelling_finds_the_same_town(gazetteer, spelling):
    best = gazetteer.lookup(spelling, country="SY")[0]
    assert best.id == DEIR_EZ_ZOR
    assert best.score >= 0.8


def test_match_kinds_are_reported_and_ranked(gazetteer):
    exact = gazetteer.lookup("Deir ez-Zor")[0]
    variant = gazetteer.lookup("Hassakeh")[0]
    assert (exact.match, exact.score) == ("name", 1.0)
    assert variant.match == "variant" and variant.score < exact.score
    # a spelling that differs only in its spaces is the name itself
    joined = gazetteer.lookup("Deir Ezzor")[0]
    assert (joined.id, joined.match, joined.score) == (exact.id, "name", 1.0)
    assert gazetteer.lookup("at-Tanf")[0].match == "article"


def test_adjectives_resolve_to_their_place_and_are_flagged(gazetteer):
    iraqi = gazetteer.lookup("Iraqi")[0]
    assert (iraqi.kind, iraqi.country, iraqi.adjective, iraqi.match) == (
        "country",
        "IQ",
        True,
        "adjective",
    )
    assert not gazetteer.knows("Iraqi")  # adjectives are not place names in running text
    assert gazetteer.knows("Iraq")


def test_abbreviations_match_below_full_names(gazetteer):
    ky = gazetteer.lookup("Ky.")[0]
    assert (ky.name, ky.kind) == ("Kentucky", "admin1")
    assert ky.score < 1.0


def test_abbreviated_words_are_spelt_out_on_both_sides():
    assert expanded_key(name_key("Ft. Worth")) == "fort worth"
    assert expanded_key(name_key("Mt. Hermon")) == "mount hermon"
    assert expanded_key("costa rica") is None  # only whole words, and "co" only at the end


def test_abbreviations_and_of_the_match_the_full_name(gazetteer):
    congo = gazetteer.lookup("Democratic Republic of Congo")[0]
    assert (congo.country, congo.kind, congo.match, congo.score) == ("CD", "country", "name", 1.0)
    county = gazetteer.lookup("PLYMOUTH CO.")[0]
    assert (county.name, county.kind, county.country) == ("Plymouth County", "admin2", "US")


def test_airports_by_full_and_core_name(gazetteer):
    full = gazetteer.lookup("London Heathrow Airport")[0]
    assert (full.kind, full.country, full.score) == ("airport", "GB", 1.0)
    core = gazetteer.lookup("Gatwick")[0]
    assert (core.kind, core.country, core.match) == ("airport", "GB", "name")
    assert core.score < 1.0  # a core name ranks below a town of that name
    assert gazetteer.lookup("Palmyra", country="SY")[0].kind == "city"
    assert gazetteer.lookup("Incirlik Air Base")[0].kind == "airbase"


def test_admin1_points_are_published_ones_inside_their_extent(gazetteer):
    ontario = gazetteer.lookup("Ontario", country="CA")[0]
    assert ontario.kind == "admin1" and "countries-states-cities" in ontario.source
    west, south, east, north = ontario.bbox
    assert west <= ontario.lon <= east and south <= ontario.lat <= north


def test_a_region_is_not_placed_on_the_town_of_its_name(gazetteer):
    # the published point of New York state is New York City's: a geocoder's reading
    state = next(c for c in gazetteer.lookup("New York", limit=20) if c.kind == "admin1")
    city = next(c for c in gazetteer.lookup("New York City") if c.kind == "city")
    assert "derived from its GeoNames towns" in state.source
    assert state.lat - city.lat > 1.0  # upstate, about 200 km north of the city
    west, south, east, north = state.bbox
    assert west <= state.lon <= east and south <= state.lat <= north


def test_second_level_regions_with_iso_codes_are_indexed(gazetteer):
    # the governorates of Iraqi Kurdistan sit under the region in ISO 3166-2
    erbil = gazetteer.lookup("Erbil province")[0]
    assert (erbil.kind, erbil.country, erbil.feature_code) == ("admin2", "IQ", "ADM2")
    assert gazetteer.lookup("Erbil")[0].kind == "city"  # the town keeps the bare name
    assert gazetteer.lookup("Nueva Ecija")[0].country == "PH"


def test_an_area_word_after_a_name_finds_the_region(gazetteer):
    # the index knows "Sichuan Sheng" and "Sichuan", not "Sichuan province"
    (sichuan, *_) = gazetteer.lookup("Sichuan province")
    assert (sichuan.kind, sichuan.country) == ("admin1", "CN") and sichuan.score < 1.0
    assert gazetteer.lookup("Palmyra region") == []  # a town, and no region is called so


def test_a_town_word_after_a_name_finds_the_town(gazetteer):
    # "Raqqa city", as against the province; a name that has the word keeps it
    (raqqa, *_) = gazetteer.lookup("Raqqa city")
    assert (raqqa.kind, raqqa.country) == ("city", "SY") and raqqa.score < 1.0
    assert gazetteer.lookup("Raqqa town")[0].id == raqqa.id  # not a variant of another name
    assert gazetteer.lookup("Quebec City")[0].score == 1.0
    assert gazetteer.lookup("Darfur town") == []  # a region, and no town is called so


def test_continents_and_curated_places(gazetteer):
    assert gazetteer.lookup("Africa")[0].kind == "continent"
    tanf = gazetteer.lookup("al-Tanf")[0]
    assert tanf.id.startswith("supplement:") and tanf.country == "SY"
    assert tanf.source.startswith("https://")


def test_curated_towns_that_cities500_lacks(gazetteer):
    # besieged together in 2015-2018; GeoNames' cities500 has neither
    foua, kefraya = gazetteer.lookup("Foua")[0], gazetteer.lookup("Kefraya")[0]
    assert (foua.kind, foua.country) == ("city", "SY") and foua.population > 0
    assert foua.id.startswith("supplement:") and kefraya.country == "SY"
    assert 0 < abs(foua.lon - kefraya.lon) < 0.1  # neighbours


def test_curated_spellings_of_geonames_towns(gazetteer):
    # aliases.csv may name a GeoNames town by its id: "Makhmour" is GeoNames' Mexmur
    (makhmour, *_) = gazetteer.lookup("Makhmour")
    assert (makhmour.id, makhmour.match) == ("geonames:93818", "name")
    assert gazetteer.lookup("Makhmoor", country="IQ")[0].id == "geonames:93818"  # by skeleton


def test_lines_and_areas_carry_their_geometry(gazetteer):
    river = next(c for c in gazetteer.lookup("Euphrates", limit=20) if c.kind == "river")
    assert river.geometry["type"] in ("LineString", "MultiLineString")
    syria = gazetteer.lookup("Syria")[0]
    assert syria.geometry["type"] in ("Polygon", "MultiPolygon")
    west, south, east, north = syria.bbox
    assert west < syria.lon < east and south < syria.lat < north


def test_a_country_without_an_outline_spans_its_towns(gazetteer):
    # countryinfo has no outline of Myanmar: its extent is its towns', so
    # "northern Myanmar" is a part of it and Yangon lies inside it
    myanmar = gazetteer.lookup("Myanmar")[0]
    assert myanmar.kind == "country" and myanmar.geometry is None
    yangon = gazetteer.lookup("Yangon", country="MM")[0]
    west, south, east, north = myanmar.bbox
    assert west <= yangon.lon <= east and south <= yangon.lat <= north
    northern = gazetteer.lookup("northern Myanmar")[0]
    assert northern.match == "directional" and northern.lat > myanmar.lat


def test_a_towns_former_name_that_other_towns_bear_ranks_below_them(gazetteer):
    # GeoNames lists "Milton" among Kansas City's alternate names
    miltons = gazetteer.lookup("Milton", limit=50)
    kansas_city = next(c for c in miltons if c.name == "Kansas City")
    assert kansas_city.score < 1.0 and miltons[0].name == "Milton"
    assert gazetteer.lookup("Palmyra")[0].name == "Tadmur"  # no Syrian town is called so


def test_former_names_of_countries(gazetteer):
    assert gazetteer.lookup("Zaire")[0].country == "CD"  # before the Angolan province
    assert gazetteer.lookup("Ceylon")[0].country == "LK"


def test_directional_names_are_parts_of_an_area(gazetteer):
    anbar = gazetteer.lookup("Anbar Governorate")[0]
    western = [c for c in gazetteer.lookup("western Anbar") if c.match == "directional"]
    assert western and western[0].id == f"{anbar.id}#west"
    assert anbar.bbox[0] <= western[0].lon < anbar.lon  # west of the centre, inside the box
    assert western[0].score < 1.0


def test_fuzzy_is_opt_in_bounded_and_scored(gazetteer):
    assert gazetteer.lookup("Damascsu") == []
    fuzzy = gazetteer.lookup("Damascsu", fuzzy=True)
    assert fuzzy and all(c.match == "fuzzy" and c.score <= 0.8 for c in fuzzy)
    assert "Damascus" in [c.name for c in fuzzy]
    assert gazetteer.lookup("Xqzvwtpl", fuzzy=True) == []


def test_lookup_filters_by_country_and_limits(gazetteer):
    assert all(c.country == "IR" for c in gazetteer.lookup("Tehran", country="ir"))
    assert len(gazetteer.lookup("Springfield", limit=3)) == 3


def test_unknown_name_has_no_candidates(gazetteer):
    assert gazetteer.lookup("Xqzvwt") == []
    assert gazetteer.lookup("") == []
    assert gazetteer.lookup("   ") == []
    assert not gazetteer.knows("Xqzvwt")


def test_codes_are_not_names(gazetteer):
    assert not any(c.name == "Deir ez-Zor" for c in gazetteer.lookup("DEZ"))


def test_nearest_places_are_sorted_by_distance(gazetteer):
    near = gazetteer.nearest(35.3359, 40.1408, radius_km=20, limit=10)
    assert DEIR_EZ_ZOR in [c.id for c in near]
    assert [c.score for c in near] == sorted((c.score for c in near), reverse=True)
    assert gazetteer.nearest(0.0, -140.0, radius_km=5) == []  # mid-Pacific


def test_corrupt_index_is_reported(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerError, match="not a usable gazetteer index"):
        LocalGazetteer(bad, build=False)


def test_missing_index_without_build_is_reported(tmp_path):
    with pytest.raises(GazetteerError, match="run 'geo gazetteer build'"):
        LocalGazetteer(tmp_path / "none.sqlite", build=False)


def test_bad_curated_data_names_the_file_and_row(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("place,alias,form,source\nUS,USA,nickname,x\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"aliases.csv:2: .*form"):
        curated_aliases(aliases)
    (tmp_path / "bad.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [38.6, 33.5]},
                        "properties": {"id": "x", "name": "X"},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match=r"bad.geojson: feature 1 lacks kind"):
        list(supplement_records({}, tmp_path))


def test_build_writes_a_complete_index_atomically(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    stale, recent = tmp_path / "gazetteer-0ld.sqlite", tmp_path / "gazetteer-n3w.sqlite"
    stale.write_bytes(b"")
    recent.write_bytes(b"")
    os.utime(stale, (0, 0))  # an index of other sources, not rebuilt since 1970
    path = build_index()
    assert path == default_index_path()
    # no temporary file left; the stale index pruned, the recent one kept
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, recent.name])
    with sqlite3.connect(path) as db:
        kinds = dict(db.execute("SELECT kind, COUNT(*) FROM places GROUP BY kind").fetchall())
    assert kinds["country"] > 240 and kinds["continent"] == 7
    assert kinds["admin1"] > 3000 and kinds["admin2"] > 3000  # US and UK counties
    assert kinds["city"] > 200_000
    assert kinds["airport"] > 20_000 and kinds["airbase"] > 100
    assert LocalGazetteer(path, build=False).lookup("Homs")[0].country == "SY"
