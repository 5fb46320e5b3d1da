from __future__ import annotations

import copy
import json

import pytest

from geo.actors import ActorBook
from geo.errors import GeoJSONError
from geo.geojson import LAYERS, validate_feature_collection
from geo.layers import PROVENANCE_PROPERTIES, article_layers, to_geodataframe, write_geopackage

POINT = {"type": "Point", "coordinates": [38.28, 34.56]}
SQUARE_CCW = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def _fc(geometry, **props):
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": props}],
    }


@pytest.fixture(scope="module")
def sample_layers(sample_parsed, gazetteer):
    return article_layers(sample_parsed, gazetteer)


def test_sample_layers_are_valid_and_carry_provenance(sample_layers, sample_parsed):
    fc = sample_layers
    drawn = [f for f in fc["features"] if f["properties"]["layer"] != "reference"]
    validate_feature_collection(
        {"type": "FeatureCollection", "features": drawn}, required_properties=PROVENANCE_PROPERTIES
    )
    text = sample_parsed.article.text
    assert {f["properties"]["layer"] for f in fc["features"]} == set(LAYERS)
    for feature in drawn:
        props = feature["properties"]
        assert props["article"] == sample_parsed.article.id
        assert props["date"] and props["date"] <= "2017-06-02"
        assert text[props["start"] : props["end"]] in props["passage"]
        assert 0 < props["confidence"] <= 1
        for m in props.get("mentions", []):
            assert text[m["start"] : m["end"]] == m["name"]
            assert text[m["passage_start"] : m["passage_end"]] == m["passage"]
    places = [f for f in drawn if f["properties"]["layer"] == "place"]
    palmyra = next(f for f in places if f["properties"]["name"] == "Tadmur")
    assert any("ancient town of Palmyra" in m["passage"] for m in palmyra["properties"]["mentions"])
    reference = [f for f in fc["features"] if f["properties"]["layer"] == "reference"]
    assert reference and all(f["properties"]["source"] for f in reference)
    validate_feature_collection(fc, required_properties=PROVENANCE_PROPERTIES)
    actors = {a.id for a in ActorBook.load()}
    claimed = [f["properties"]["actor"] for f in drawn if f["properties"]["layer"] != "place"]
    assert {a for a in claimed if a} <= actors and len(set(claimed)) >= 5


def test_layers_round_trip_through_geopandas(sample_layers, tmp_path):
    fc = sample_layers
    gdf = to_geodataframe(fc)
    assert len(gdf) == len(fc["features"]) and gdf.crs.to_epsg() == 4326
    path = tmp_path / "layers.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    import geopandas as gpd

    back = gpd.read_file(path)
    assert list(back["layer"]) == list(gdf["layer"])
    assert back.geometry.is_valid.all()


def test_geopackage_has_one_table_per_layer(sample_layers, tmp_path):
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "layers.gpkg"
    written = write_geopackage(sample_layers, path)
    tables = {name for name, _ in pyogrio.list_layers(path)}
    assert tables == set(written) == set(LAYERS)
    routes = gpd.read_file(path, layer="route")
    assert len(routes) == written["route"] and routes.crs.to_epsg() == 4326
    places = json.loads(routes.iloc[0]["places"])
    assert {"role", "name", "place", "place_id"} <= set(places[0])
    assert [p.name for p in tmp_path.iterdir()] == ["layers.gpkg"]


def test_geopackage_of_nothing_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / "empty.gpkg"
    with pytest.raises(GeoJSONError, match="nothing to write"):
        write_geopackage({"type": "FeatureCollection", "features": []}, path)
    assert not path.exists()


@pytest.mark.parametrize(
    ("fc", "message"),
    [
        ({"type": "Feature"}, "top level must be a FeatureCollection"),
        ({**_fc(POINT), "crs": {"type": "name"}}, "has a 'crs' member"),
        (_fc({"type": "Point", "coordinates": [34.56, 238.28]}), "out of range"),
        (_fc({"type": "Point", "coordinates": ["38", 34]}), "has a non-number"),
        (
            _fc({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0.5]]]}),
            "ring 0 is not closed",
        ),
        (
            _fc({"type": "Polygon", "coordinates": [SQUARE_CCW["coordinates"][0][::-1]]}),
            "ring 0 winds the wrong way",
        ),
        (_fc({"type": "Circle", "coordinates": [0, 0]}), "unknown geometry type 'Circle'"),
        (_fc(POINT), "missing properties ['layer']"),
    ],
)
def test_invalid_geojson_is_named(fc, message):
    with pytest.raises(GeoJSONError, match=message.replace("[", r"\[").replace("(", r"\(")):
        validate_feature_collection(copy.deepcopy(fc), required_properties=["layer"])


def test_valid_polygon_passes():
    validate_feature_collection(_fc(SQUARE_CCW, layer="area"), required_properties=["layer"])
