"""Importing GeoNames dumps and the user's own tables into the user index: real small files."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from geo.errors import GazetteerError, InputFileError
from geo.gazetteer import LocalGazetteer
from geo.gazetteer_import import ImportReport, import_geonames, import_table

DATA = Path(__file__).resolve().parent / "data" / "gazetteer"
DUMP = DATA / "SY.txt"
ADMIN1_CODES = DATA / "admin1CodesASCII.txt"
CSV_TABLE = DATA / "places.csv"
GEOJSON_TABLE = DATA / "places.geojson"
DUMP_LINES = DUMP.read_text(encoding="utf-8").splitlines()

#: A GeoNames line broken in the ways a dump can be, and what the error must say.
BAD_DUMP_LINES = [
    ("169577\tHoms\tHoms\t34.7", "expected 19 tab-separated columns, found 4"),
    ("x1\t" + DUMP_LINES[1].split("\t", 1)[1], "geonameid 'x1' is not a number"),
    (DUMP_LINES[1].replace("34.72682", "95.5"), "latitude 95.5 is out of range"),
    (DUMP_LINES[1].replace("36.72339", "east"), "longitude 'east' is not a number"),
    (DUMP_LINES[1].replace("\tHoms\tHoms\t", "\t \tHoms\t"), "empty name"),
    (DUMP_LINES[1].replace("775404", "many"), "population 'many' is not a number"),
]


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


_GOOD_FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [38.6, 33.5]},
    "properties": {"name": "Tanf"},
}


def _table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _place_count(index: Path) -> int:
    with closing(sqlite3.connect(index)) as db:
        return db.execute("SELECT count(*) FROM places").fetchone()[0]


@pytest.fixture(scope="module")
def imported(tmp_path_factory, gazetteer):
    """The sample dump imported with its admin-1 codes, searched with the built index."""
    index = tmp_path_factory.mktemp("user") / "user.sqlite"
    report = import_geonames(DUMP, admin1_codes=ADMIN1_CODES, index=index)
    gaz = LocalGazetteer(gazetteer.path, user_index=index)
    yield report, gaz
    gaz.close()


# -- GeoNames dumps --------------------------------------------------------------------


def test_dump_import_reports_what_it_did(imported, tmp_path):
    report, _ = imported
    assert (report.imported, report.skipped, report.first_bad_lines) == (6, 0, ())
    assert report.source == DUMP and report.index.name == "user.sqlite"
    assert str(report).startswith(f"imported 6 places from {DUMP} into ")


@pytest.mark.parametrize(
    ("name", "place_id", "kind", "feature_code"),
    [
        ("Al-Seen Airbase", "geonames:7910901", "airbase", "AIRB"),
        ("Jebel Bilas", "geonames:172273", "mountain", "MTS"),
        ("Northern Kabir River", "geonames:173196", "river", "STM"),
        ("Bab al-Nour crossing", "geonames:7303845", "border_crossing", "PSTB"),
        ("Homs Governorate", "geonames:169575", "admin1", "ADM1"),
    ],
)
def test_imported_places_are_found_with_kind_code_and_source(
    imported, name, place_id, kind, feature_code
):
    best = imported[1].lookup(name)[0]
    assert (best.id, best.kind, best.feature_code) == (place_id, kind, feature_code)
    assert (best.country, best.source) == ("SY", "GeoNames dump SY.txt")


def test_dump_import_drops_codes_and_sizes_towns(imported):
    report, gaz = imported
    homs = gaz.lookup("Emesa")[0]
    assert (homs.id, homs.precision_km, homs.population) == ("geonames:169577", 11.1, 775404)
    with closing(sqlite3.connect(report.index)) as db:
        names = {r[0] for r in db.execute("SELECT name FROM names")}
    assert {"Emesa", "Al-Seen Airbase", "Jabal al Bil‘ās"} <= names
    assert not names & {"HMS", "SN"}


def test_admin1_short_name_comes_from_the_codes_file_but_the_town_wins(imported, gazetteer):
    _, gaz = imported
    found = gaz.lookup("Homs", country="SY")
    assert [c.id for c in found[:2]] == ["geonames:169577", "geonames:169575"]
    assert (found[0].source, found[1].source) == ("GeoNames dump SY.txt",) * 2
    assert found[1].score == 0.9  # a region's name shared with a town inside it
    assert found[1].precision_km == 50.0
    # a dump has no extents: the imported region keeps the one of the built region it replaces
    (built,) = [c for c in gazetteer.lookup("Homs", country="SY") if c.id == "geonames:169575"]
    assert built.bbox is not None and found[1].bbox == built.bbox


def test_imported_place_replaces_the_built_one(imported, gazetteer):
    built = [c for c in gazetteer.lookup("Homs", country="SY") if c.id == "geonames:169577"]
    assert built and built[0].source != "GeoNames dump SY.txt"
    found = [c for c in imported[1].lookup("Homs", country="SY") if c.id == "geonames:169577"]
    assert len(found) == 1 and found[0].source == "GeoNames dump SY.txt"


def test_corrupt_lines_are_skipped_counted_and_named(tmp_path):
    lines = [*DUMP_LINES[:2], BAD_DUMP_LINES[0][0], *DUMP_LINES[2:], BAD_DUMP_LINES[2][0]]
    dump = _table(tmp_path, "SY.txt", "\n".join(lines) + "\n")
    report = import_geonames(dump, index=tmp_path / "user.sqlite")
    assert (report.imported, report.skipped, report.first_bad_lines) == (6, 2, (3, 8))
    assert report.problems == (
        f"{dump}:3: expected 19 tab-separated columns, found 4",
        f"{dump}:8: latitude 95.5 is out of range (-90 to 90)",
    )
    assert str(report).endswith("skipped 2 corrupt lines (3, 8)")
    assert _place_count(tmp_path / "user.sqlite") == 6


@pytest.mark.parametrize(("line", "problem"), BAD_DUMP_LINES)
def test_mostly_corrupt_dump_fails_naming_the_line_and_leaves_the_index(tmp_path, line, problem):
    index = tmp_path / "user.sqlite"
    import_table(CSV_TABLE, index=index)
    before = index.read_bytes()
    dump = _table(tmp_path, "SY.txt", "\n".join([DUMP_LINES[2], line, line]) + "\n")
    with pytest.raises(GazetteerError, match=f"SY.txt:2: {problem}") as caught:
        import_geonames(dump, index=index)
    assert "(2 of 3 lines are corrupt;" in str(caught.value)
    assert index.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SY.txt", "user.sqlite"]


def test_dump_that_is_not_a_dump_fails_and_writes_nothing(tmp_path):
    dump = _table(tmp_path, "places.txt", CSV_TABLE.read_text(encoding="utf-8"))
    with pytest.raises(GazetteerError, match="places.txt:1: expected 19 tab-separated columns"):
        import_geonames(dump, index=tmp_path / "user.sqlite")
    assert not (tmp_path / "user.sqlite").exists()


def test_empty_dump_fails(tmp_path):
    with pytest.raises(GazetteerError, match="empty file"):
        import_geonames(_table(tmp_path, "SY.txt", "\n\n"), index=tmp_path / "user.sqlite")


def test_reimport_replaces_instead_of_doubling(tmp_path):
    index = tmp_path / "user.sqlite"
    import_geonames(DUMP, index=index)
    renamed = DUMP.read_text(encoding="utf-8").replace("Seen Airbase", "Sin Air Base")
    report = import_geonames(_table(tmp_path, "SY.txt", renamed), index=index)
    assert report.imported == 6 and _place_count(index) == 6
    with closing(sqlite3.connect(index)) as db:
        names = {r[0] for r in db.execute("SELECT name FROM names")}
    assert "Al-Sin Air Base" in names and "Al-Seen Airbase" not in names


def test_dump_lines_that_are_not_utf8_are_skipped(tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_bytes(DUMP.read_bytes() + b"1\t\xff\xfeHoms\n")
    report = import_geonames(dump, index=tmp_path / "user.sqlite")
    assert report.problems == (f"{dump}:7: not UTF-8 text (byte 0xff at column 3)",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "a zip archive, not a GeoNames dump .*; unzip it"),
        (b"\x1f\x8b\x08\x00", "gzip-compressed"),
        (b"169577\tHoms\n\x00\x01\x02", r"SY.txt:2: NUL byte: a binary file"),
        (
            "169577\tHoms\n".encode("utf-16"),
            "UTF-16 text, not a GeoNames dump .*; save it as UTF-8",
        ),
    ],
)
def test_binary_dump_is_refused(tmp_path, content, message):
    dump = tmp_path / "SY.txt"
    dump.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        import_geonames(dump, index=tmp_path / "user.sqlite")
    assert not (tmp_path / "user.sqlite").exists()


def test_bad_admin1_codes_file_is_refused(tmp_path):
    codes = _table(tmp_path, "admin1.txt", "SY.11\tHoms\n")
    with pytest.raises(GazetteerError, match="admin1.txt:1: expected 4 tab-separated columns"):
        import_geonames(DUMP, admin1_codes=codes, index=tmp_path / "user.sqlite")


def test_unusable_existing_index_is_refused_and_kept(tmp_path):
    index = _table(tmp_path, "user.sqlite", "not a database, but the user's file")
    with pytest.raises(GazetteerError, match="not a usable gazetteer index"):
        import_geonames(DUMP, index=index)
    assert index.read_text(encoding="utf-8") == "not a database, but the user's file"


# -- CSV and GeoJSON tables ------------------------------------------------------------


def test_csv_import_is_found(tmp_path, gazetteer):
    index = tmp_path / "user.sqlite"
    report = import_table(CSV_TABLE, index=index)
    assert (report.imported, report.skipped) == (3, 0)
    assert report.warnings == (f"{CSV_TABLE}: columns ignored: notes",)
    gaz = LocalGazetteer(gazetteer.path, user_index=index)
    try:
        camp = gaz.lookup("Hol annex")[0]
        assert (camp.id, camp.kind, camp.country) == ("user:places.csv:1", "camp", "SY")
        assert (camp.lat, camp.lon, camp.source) == (36.379, 41.152, "UNHCR site list (example)")
        garrison = gaz.lookup("Zaza garrison")[0]
        assert (garrison.id, garrison.kind, garrison.country) == (
            "user:places.csv:2", "military_base", "SY",
        )  # fmt: skip
        palmyra = [c for c in gaz.lookup("Tadmur", country="SY") if c.id == "geonames:163808"]
        assert [(c.lat, c.lon, c.population) for c in palmyra] == [(34.556, 38.267, 51015)]
    finally:
        gaz.close()


def test_geojson_import_keeps_lines_and_areas(tmp_path, gazetteer):
    index = tmp_path / "user.sqlite"
    assert import_table(GEOJSON_TABLE, index=index).imported == 3
    gaz = LocalGazetteer(gazetteer.path, user_index=index)
    try:
        base = gaz.lookup("Hamdan post")[0]
        assert (base.id, base.kind, base.lat, base.lon) == (
            "hamdan-outpost",
            "military_base",
            33.6211,
            38.9012,
        )
        assert base.geometry is None and base.source == "press reports (example)"
        zone = gaz.lookup("Zakf sector")[0]
        assert (zone.id, zone.kind, zone.geometry["type"]) == (
            "user:places.geojson:2",
            "zone",
            "Polygon",
        )
        assert zone.bbox == (39.6, 33.5, 40.45, 34.0)
        assert 39.6 < zone.lon < 40.45 and 33.5 < zone.lat < 34.0
        assert zone.precision_km > 10 and zone.source == "user table places.geojson"
        road = gaz.lookup("Sukhnah-Zakf track")[0]
        assert (road.kind, road.precision_km, road.geometry["type"]) == ("road", 2.0, "LineString")
    finally:
        gaz.close()


def test_geojson_feature_id_is_used(tmp_path):
    feature = {**_GOOD_FEATURE, "id": 17}
    index = tmp_path / "user.sqlite"
    import_table(_table(tmp_path, "ids.geojson", _collection(feature)), index=index)
    with closing(sqlite3.connect(index)) as db:
        assert db.execute("SELECT id, kind, precision_km FROM places").fetchall() == [
            ("17", "place", 1.0)
        ]


def test_reimporting_a_table_replaces_its_rows(tmp_path):
    index = tmp_path / "user.sqlite"
    import_table(CSV_TABLE, index=index)
    import_table(GEOJSON_TABLE, index=index)
    import_table(CSV_TABLE, index=index)
    assert _place_count(index) == 6


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Checkpoint 3,north,38.1", "bad.csv:3: lat 'north' is not a number"),
        ("Checkpoint 3,34.1,238.1", r"bad.csv:3: lon 238.1 is out of range \(-180 to 180\)"),
        ("Checkpoint 3,,38.1", "bad.csv:3: no lat"),
        (" ,34.1,38.1", "bad.csv:3: no name"),
        ("Checkpoint 3,34.1", "bad.csv:3: 2 fields, the header has 3"),
    ],
)
def test_malformed_csv_row_fails_naming_the_line_and_writes_nothing(tmp_path, row, message):
    table = _table(tmp_path, "bad.csv", f"name,lat,lon\nCheckpoint 2,34.0,38.0\n{row}\n")
    with pytest.raises(GazetteerError, match=message):
        import_table(table, index=tmp_path / "user.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,latitude,lon\nA,1,2\n", "bad.csv:1: the header has no lat column"),
        ("name;lat;lon\nA;1;2\n", "seems to use ';'"),
        ("name,lat,lon,country\nA,1,2,Syria\n", "bad.csv:2: country 'SYRIA' is not an ISO"),
        ("name,lat,lon,population\nA,1,2,1.5\n", "bad.csv:2: population '1.5' is not a whole"),
        ("name,lat,lon,id\nA,1,2,x\nB,3,4,x\n", "bad.csv:3: id 'x' is used on line 2 too"),
        ("name,lat,lon\n", "bad.csv: no places in it"),
        ("", "bad.csv: empty file"),
    ],
)
def test_malformed_csv_file_fails(tmp_path, text, message):
    with pytest.raises(GazetteerError, match=message):
        import_table(_table(tmp_path, "bad.csv", text), index=tmp_path / "user.sqlite")


def test_failed_table_import_leaves_the_index_byte_identical(tmp_path):
    index = tmp_path / "user.sqlite"
    import_geonames(DUMP, index=index)
    before = index.read_bytes()
    table = _table(tmp_path, "bad.csv", "name,lat,lon\nA,1,2\nB,91,2\n")
    with pytest.raises(GazetteerError, match="bad.csv:3: lat 91.0 is out of range"):
        import_table(table, index=index)
    assert index.read_bytes() == before


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        ({**_GOOD_FEATURE, "properties": {"kind": "base"}}, "feature 2: no name"),
        ({**_GOOD_FEATURE, "geometry": None}, r"feature 2 \('Tanf'\): no geometry"),
        (
            {**_GOOD_FEATURE, "geometry": {"type": "GeometryCollection", "geometries": []}},
            "feature 2 .*geometry type 'GeometryCollection' is not supported",
        ),
        (
            {**_GOOD_FEATURE, "geometry": {"type": "Point", "coordinates": [338.6, 33.5]}},
            "feature 2 .*coordinates out of range",
        ),
        (
            {**_GOOD_FEATURE, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}},
            "feature 2 .*Polygon coordinates are malformed",
        ),
        (
            {
                **_GOOD_FEATURE,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                },
            },
            "feature 2 .*the Polygon is not valid",
        ),
        (
            {**_GOOD_FEATURE, "properties": {"name": "Tanf", "aliases": 5}},
            "feature 2 .*aliases must be a list",
        ),
        (
            {**_GOOD_FEATURE, "properties": {"name": "Tanf", "precision_km": -1}},
            "feature 2 .*precision_km -1.0 is not a positive number",
        ),
        ({"type": "Point", "coordinates": [1, 2]}, "feature 2: not a Feature"),
    ],
)
def test_malformed_geojson_feature_fails_naming_it(tmp_path, feature, message):
    table = _table(tmp_path, "bad.geojson", _collection(_GOOD_FEATURE, feature))
    with pytest.raises(GazetteerError, match=message):
        import_table(table, index=tmp_path / "user.sqlite")
    assert not (tmp_path / "user.sqlite").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection",\n "features": [}', "bad.geojson:2: not valid JSON"),
        (json.dumps(_GOOD_FEATURE), "not a GeoJSON FeatureCollection"),
        ("[]", "not a GeoJSON FeatureCollection"),
        (_collection(), "no places in it"),
    ],
)
def test_malformed_geojson_file_fails(tmp_path, text, message):
    with pytest.raises(GazetteerError, match=message):
        import_table(_table(tmp_path, "bad.geojson", text), index=tmp_path / "user.sqlite")


# -- files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("places.xlsx", r"cannot import a \.xlsx file; import a \.csv .* or a \.geojson"),
        ("SY.txt", "a GeoNames dump .* goes through import_geonames"),
        ("places", "a file without an extension"),
    ],
)
def test_unsupported_extension_is_refused(tmp_path, name, message):
    with pytest.raises(InputFileError, match=message):
        import_table(_table(tmp_path, name, "name,lat,lon\nA,1,2\n"), index=tmp_path / "u.sqlite")


@pytest.mark.parametrize("importer", [import_table, import_geonames])
def test_missing_file_is_an_input_file_error(tmp_path, importer):
    with pytest.raises(InputFileError, match="missing.csv: no such file") as caught:
        importer(tmp_path / "missing.csv", index=tmp_path / "user.sqlite")
    assert isinstance(caught.value, OSError)


def test_folder_is_an_input_file_error(tmp_path):
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputFileError, match="a folder, not a file"):
        import_table(tmp_path / "dir.csv", index=tmp_path / "user.sqlite")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,lat,lon\nA,1,2\nB\xe9,3,4\n", r"bad.csv:3: not UTF-8 text \(byte 0xe9\)"),
        (b"name,lat,lon\nA,1,2\n\x00\x00\x00", "bad.csv:3: NUL byte: a binary file"),
        (b"PK\x03\x04rest of a zip", "a zip archive"),
    ],
)
def test_binary_table_is_refused_naming_the_line(tmp_path, content, message):
    table = tmp_path / "bad.csv"
    table.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        import_table(table, index=tmp_path / "user.sqlite")


def test_utf8_bom_from_spreadsheets_is_accepted(tmp_path):
    table = tmp_path / "excel.csv"
    table.write_bytes("\ufeffname,lat,lon\nḨimş checkpoint,34.7,36.7\n".encode())
    report = import_table(table, index=tmp_path / "user.sqlite")
    assert isinstance(report, ImportReport) and report.imported == 1


def test_user_index_of_an_older_version_is_refused_with_advice(tmp_path, gazetteer):
    index = tmp_path / "user.sqlite"
    import_table(CSV_TABLE, index=index)
    with closing(sqlite3.connect(index)) as db:
        db.execute("ALTER TABLE places DROP COLUMN record")  # as written before records
    with pytest.raises(GazetteerError, match="no such column: record.*import again"):
        LocalGazetteer(gazetteer.path, user_index=index)
    with pytest.raises(GazetteerError, match="not a usable gazetteer index"):
        import_table(CSV_TABLE, index=index)
