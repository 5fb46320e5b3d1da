from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, shape

from geo.errors import GeoError, ReferenceLayerError
from geo.geojson import validate_feature_collection
from geo.geometry import geodesic_distance_km
from geo.layers import PROVENANCE_PROPERTIES
from geo.reference_layers import (
    BUNDLED_FOLDER,
    layer_folders,
    load_reference_layer,
    load_reference_layers,
)

TANF = (33.50583, 38.61778)  # data/gazetteer/supplement/syria.geojson, sy-al-tanf-garrison
DAMASCUS = (33.5102, 36.29128)
RUKBAN = (33.29, 38.71)  # the camp inside the zone, about 25 km south of the garrison
SQUARE_CCW = [[38.0, 33.0], [39.0, 33.0], [39.0, 34.0], [38.0, 34.0], [38.0, 33.0]]
SQUARE_CW = SQUARE_CCW[::-1]
HOLE_CW = [[38.2, 33.2], [38.2, 33.4], [38.4, 33.4], [38.4, 33.2], [38.2, 33.2]]
BOWTIE = [[38.0, 33.0], [39.0, 34.0], [39.0, 33.0], [38.0, 34.0], [38.0, 33.0]]
REFERENCE_PROPERTIES = (
    *PROVENANCE_PROPERTIES,
    "reference",
    "source",
    "date",
    "confidence",
)


def _layer(*geometries, **members):
    doc = {"type": "FeatureCollection", "name": "Test layer", "source": "https://example.org/s"}
    doc.update(members)
    doc.setdefault(
        "features",
        [
            {"type": "Feature", "properties": {"n": i}, "geometry": g}
            for i, g in enumerate(geometries)
        ],
    )
    return doc


def _polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(map(list, r)) for r in rings]}


def _write(folder, name, doc):
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def _contains(features, lat_lon):
    point = Point(lat_lon[1], lat_lon[0])
    return any(shape(f["geometry"]).contains(point) for f in features)


def test_bundled_tanf_zone_is_valid_and_sourced():
    features, warnings = load_reference_layer(BUNDLED_FOLDER / "tanf-deconfliction-zone.geojson")
    assert warnings == []
    fc = {"type": "FeatureCollection", "features": features}
    validate_feature_collection(fc, required_properties=REFERENCE_PROPERTIES)
    (zone,) = features
    props = zone["properties"]
    assert props["layer"] == "reference"
    assert props["reference"] == "Al-Tanf deconfliction zone (55 km)"
    assert "https://www.centcom.mil/" in props["source"] and "55" in props["source"]
    assert props["date"] == "2017-05" and props["confidence"] == 1.0
    assert [props[k] for k in ("article", "passage", "start", "end")] == [None] * 4
    assert props["radius_km"] == 55 and props["kind"] == "deconfliction_zone"
    assert _contains(features, TANF) and _contains(features, RUKBAN)
    assert not _contains(features, DAMASCUS)
    for lon, lat in zone["geometry"]["coordinates"][0]:
        assert geodesic_distance_km(TANF, (lat, lon)) == pytest.approx(55, abs=0.01)


def test_bundled_centre_is_the_gazetteer_garrison():
    supplement = BUNDLED_FOLDER.parent / "gazetteer" / "supplement" / "syria.geojson"
    garrison = next(
        f
        for f in json.loads(supplement.read_text(encoding="utf-8"))["features"]
        if f["properties"]["id"] == "sy-al-tanf-garrison"
    )
    layer = json.loads((BUNDLED_FOLDER / "tanf-deconfliction-zone.geojson").read_text())
    assert layer["features"][0]["properties"]["centre"] == garrison["geometry"]["coordinates"]


def test_default_folders_are_the_bundled_and_the_users(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    assert layer_folders() == [BUNDLED_FOLDER, tmp_path / "layers"]
    features, warnings = load_reference_layers()
    assert warnings == [] and {f["properties"]["reference"] for f in features} == {
        "Al-Tanf deconfliction zone (55 km)"
    }
    user = tmp_path / "layers"
    user.mkdir()
    _write(user, "mine.geojson", _layer({"type": "Point", "coordinates": [38.6, 33.5]}))
    _write(user, "broken.geojson", "{")
    features, warnings = load_reference_layers()
    assert sorted(f["properties"]["reference"] for f in features) == [
        "Al-Tanf deconfliction zone (55 km)",
        "Test layer",
    ]
    assert warnings == [
        "broken.geojson: not JSON (Expecting property name enclosed in double quotes at line 1 "
        "column 2) (file skipped)"
    ]


def test_a_user_file_replaces_the_bundled_file_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    (tmp_path / "layers").mkdir()
    point = {"type": "Point", "coordinates": [38.6, 33.5]}
    _write(tmp_path / "layers", "tanf-deconfliction-zone.geojson", _layer(point, name="Mine"))
    features, _ = load_reference_layers()
    assert [f["properties"]["reference"] for f in features] == ["Mine"]


def test_properties_kept_and_filled(tmp_path):
    doc = _layer(date="2017")
    doc["features"] = [
        {
            "type": "Feature",
            "id": "cp-1",
            "properties": {"name": "Checkpoint", "source": "own citation", "date": "2017-06-02"},
            "geometry": {"type": "Point", "coordinates": [38.6, 33.5]},
        },
        {
            "type": "Feature",
            "properties": None,
            "geometry": {"type": "Point", "coordinates": [38, 33]},
        },
        {
            "type": "Feature",
            "properties": {"layer": "place", "confidence": 0.2},
            "geometry": {"type": "LineString", "coordinates": [[38, 33], [39, 34, 100]]},
        },
    ]
    features, warnings = load_reference_layers(_write(tmp_path, "a.geojson", doc).parent)
    assert warnings == []
    first, second, third = (f["properties"] for f in features)
    assert features[0]["id"] == "cp-1" and "id" not in features[1]
    assert (first["name"], first["source"], first["date"]) == (
        "Checkpoint",
        "own citation",
        "2017-06-02",
    )
    assert (second["name"], second["source"], second["date"]) == (
        "Test layer",
        "https://example.org/s",
        "2017",
    )
    assert (third["layer"], third["confidence"], third["reference"]) == (
        "reference",
        1.0,
        "Test layer",
    )
    assert features[2]["geometry"]["coordinates"] == [[38, 33], [39, 34, 100]]


def test_without_a_date_the_date_is_none(tmp_path):
    path = _write(tmp_path, "a.geojson", _layer({"type": "Point", "coordinates": [38, 33]}))
    (feature,), _ = load_reference_layer(path)
    assert feature["properties"]["date"] is None


ERRORS = [
    ("not-json.geojson", '{"type": "FeatureCollection",', "not-json.geojson: not JSON ("),
    ("list.geojson", [], 'list.geojson: not a GeoJSON FeatureCollection (needs "type"'),
    ("feature.geojson", {"type": "Feature"}, "feature.geojson: not a GeoJSON FeatureCollection"),
    (
        "no-source.geojson",
        {"type": "FeatureCollection", "name": "x", "features": []},
        'no-source.geojson: missing the top-level "source" member (a URL or citation',
    ),
    (
        "no-name.geojson",
        {"type": "FeatureCollection", "source": "s", "name": " ", "features": []},
        'no-name.geojson: missing the top-level "name" member (a title for the layer)',
    ),
    ("date.geojson", _layer(date=2017), 'date.geojson: "date" must be a string such as "2017-05"'),
    ("features.geojson", _layer(features={}), 'features.geojson: "features" must be a list'),
    (
        "crs.geojson",
        _layer(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}),
        "crs.geojson: declares a CRS other than WGS84",
    ),
    (
        "swapped.geojson",
        _layer(
            {"type": "Point", "coordinates": [38.6, 33.5]},
            _polygon([[33, 38], [34, 38], [34, 139], [33, 38]]),
        ),
        "swapped.geojson: feature 1: position [34, 139] out of range (longitude -180..180, "
        "latitude -90..90); it looks like [lat, lon], but GeoJSON is [lon, lat]",
    ),
    (
        "projected.geojson",
        _layer({"type": "Point", "coordinates": [4298000.0, 3963000.0]}),
        "projected.geojson: feature 0: position [4298000.0, 3963000.0] out of range",
    ),
    (
        "unknown.geojson",
        _layer({"type": "Circle", "coordinates": [38, 33], "radius": 5}),
        "unknown.geojson: feature 0: unknown geometry type 'Circle' (use one of Point, ",
    ),
    (
        "collection.geojson",
        _layer({"type": "GeometryCollection", "geometries": []}),
        "collection.geojson: feature 0: unknown geometry type 'GeometryCollection'",
    ),
    (
        "no-geometry.geojson",
        _layer(None),
        "no-geometry.geojson: feature 0: has no geometry (a reference feature needs one)",
    ),
    (
        "not-feature.geojson",
        _layer(features=[{"type": "Point", "coordinates": [38, 33]}]),
        'not-feature.geojson: feature 0: not a Feature object ("type": "Feature")',
    ),
    (
        "properties.geojson",
        _layer(features=[{"type": "Feature", "properties": [], "geometry": None}]),
        'properties.geojson: feature 0: "properties" must be an object or null',
    ),
    (
        "nesting.geojson",
        _layer({"type": "Polygon", "coordinates": [38, 33]}),
        "nesting.geojson: feature 0: coordinates are not nested lists of positions",
    ),
    (
        "strings.geojson",
        _layer({"type": "Point", "coordinates": ["38", "33"]}),
        "strings.geojson: feature 0: position ['38', '33'] is not [lon, lat] numbers",
    ),
    (
        "short-line.geojson",
        _layer({"type": "LineString", "coordinates": [[38, 33]]}),
        "short-line.geojson: feature 0: a line needs at least 2 positions",
    ),
    (
        "short-ring.geojson",
        _layer(_polygon([[38, 33], [39, 33], [38, 33]])),
        "short-ring.geojson: feature 0: ring 0 needs at least 3 distinct positions",
    ),
    (
        "flat.geojson",
        _layer(_polygon([[38, 33], [39, 33], [40, 33], [38, 33]])),
        "flat.geojson: feature 0: invalid polygon (Self-intersection[39 33]) with no area to keep",
    ),
]


@pytest.mark.parametrize(("name", "doc", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_files_raise_naming_the_file(tmp_path, name, doc, message):
    path = _write(tmp_path, name, doc)
    with pytest.raises(ReferenceLayerError) as info:
        load_reference_layer(path)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, GeoError) and isinstance(info.value, ValueError)
    features, warnings = load_reference_layers(tmp_path)
    assert features == [] and warnings == [f"{info.value} (file skipped)"]


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    _write(tmp_path, "a-bad.geojson", {"type": "FeatureCollection", "features": []})
    _write(tmp_path, "b-good.geojson", _layer({"type": "Point", "coordinates": [38, 33]}))
    _write(tmp_path, "notes.json", "not a layer")
    features, warnings = load_reference_layers(tmp_path)
    assert len(features) == 1
    assert [w.split(":")[0] for w in warnings] == ["a-bad.geojson"]


def test_an_unreadable_file_is_an_error(tmp_path):
    path = tmp_path / "latin1.geojson"
    path.write_bytes(b'{"name": "Dar\xe2a"}')
    with pytest.raises(ReferenceLayerError, match="latin1.geojson: not UTF-8 text"):
        load_reference_layer(path)
    with pytest.raises(ReferenceLayerError, match="missing.geojson: cannot read it"):
        load_reference_layer(tmp_path / "missing.geojson")


def test_a_missing_folder_is_a_warning(tmp_path):
    assert load_reference_layers(tmp_path / "nope") == (
        [],
        [f"{tmp_path / 'nope'}: no such folder of reference layers"],
    )


def test_wgs84_crs_member_is_accepted(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path = _write(tmp_path, "qgis.geojson", _layer(_polygon(SQUARE_CCW), crs=crs))
    assert load_reference_layer(path)[1] == []


def test_repair_winding(tmp_path):
    path = _write(
        tmp_path,
        "cw.geojson",
        _layer({"type": "Point", "coordinates": [38, 33]}, _polygon(SQUARE_CW)),
    )
    features, warnings = load_reference_layer(path)
    assert warnings == [
        "cw.geojson: feature 1: rings wound the wrong way; re-oriented (exterior "
        "counter-clockwise, holes clockwise)"
    ]
    validate_feature_collection({"type": "FeatureCollection", "features": features})
    assert shape(features[1]["geometry"]).equals(shape(_polygon(SQUARE_CCW)))


def test_repair_winding_of_a_hole_and_a_multipolygon(tmp_path):
    hole_ccw = HOLE_CW[::-1]
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE_CCW, hole_ccw]]}
    path = _write(tmp_path, "hole.geojson", _layer(multi))
    features, warnings = load_reference_layer(path)
    assert warnings == [
        "hole.geojson: feature 0: rings wound the wrong way; re-oriented (exterior "
        "counter-clockwise, holes clockwise)"
    ]
    validate_feature_collection({"type": "FeatureCollection", "features": features})
    assert features[0]["geometry"]["type"] == "MultiPolygon"


def test_correct_polygons_are_kept_as_written(tmp_path):
    doc = _layer(_polygon(SQUARE_CCW, HOLE_CW))
    path = _write(tmp_path, "ok.geojson", doc)
    features, warnings = load_reference_layer(path)
    assert warnings == []
    assert features[0]["geometry"] == doc["features"][0]["geometry"]


def test_repair_unclosed_ring(tmp_path):
    path = _write(tmp_path, "open.geojson", _layer(_polygon(SQUARE_CCW[:-1])))
    features, warnings = load_reference_layer(path)
    assert warnings == ["open.geojson: feature 0: ring 0 was not closed; closed it"]
    assert features[0]["geometry"]["coordinates"] == [SQUARE_CCW]


def test_repair_unclosed_clockwise_ring_gives_two_warnings(tmp_path):
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE_CW[:-1]]]}
    features, warnings = load_reference_layer(_write(tmp_path, "both.geojson", _layer(multi)))
    assert warnings == [
        "both.geojson: feature 0: polygon 0 ring 0 was not closed; closed it",
        "both.geojson: feature 0: rings wound the wrong way; re-oriented (exterior "
        "counter-clockwise, holes clockwise)",
    ]
    validate_feature_collection({"type": "FeatureCollection", "features": features})


def test_repair_self_intersecting_polygon(tmp_path):
    path = _write(tmp_path, "bowtie.geojson", _layer(_polygon(BOWTIE)))
    features, warnings = load_reference_layer(path)
    assert warnings == [
        "bowtie.geojson: feature 0: invalid polygon (Self-intersection[38.5 33.5]); "
        "repaired with make_valid as a MultiPolygon"
    ]
    geometry = features[0]["geometry"]
    validate_feature_collection({"type": "FeatureCollection", "features": features})
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    assert shape(geometry).area == pytest.approx(0.5)
    assert isinstance(geometry["coordinates"][0][0][0], list)
