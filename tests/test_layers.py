from __future__ import annotations

import copy
import json

import pytest

from geo.errors import GeoJSONError
from geo.geojson import validate_feature_collection
from geo.layers import PROVENANCE_PROPERTIES, article_layers, to_geodataframe

POINT = {"type": "Point", "coordinates": [38.28, 34.56]}
SQUARE_CCW = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def _fc(geometry, **props):
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": props}],
    }


def test_sample_layers_are_valid_and_carry_provenance(sample_parsed):
    fc = article_layers(sample_parsed)
    validate_feature_collection(fc, required_properties=PROVENANCE_PROPERTIES)
    text = sample_parsed.article.text
    for feature in fc["features"]:
        props = feature["properties"]
        assert props["layer"] == "place"
        assert props["article"] == sample_parsed.article.id
        assert props["date"] == "2017-06-02"
        assert text[props["start"] : props["end"]] in props["passage"]
        for m in props["mentions"]:
            assert text[m["start"] : m["end"]] == m["name"]
            assert text[m["passage_start"] : m["passage_end"]] == m["passage"]
    palmyra = next(f for f in fc["features"] if f["properties"]["name"] == "Tadmur")
    assert any("ancient town of Palmyra" in m["passage"] for m in palmyra["properties"]["mentions"])


def test_layers_round_trip_through_geopandas(sample_parsed, tmp_path):
    fc = article_layers(sample_parsed)
    gdf = to_geodataframe(fc)
    assert len(gdf) == len(fc["features"]) and gdf.crs.to_epsg() == 4326
    path = tmp_path / "layers.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    import geopandas as gpd

    back = gpd.read_file(path)
    assert sorted(back["name"]) == sorted(gdf["name"])


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
