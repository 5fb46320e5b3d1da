from __future__ import annotations

import json
import re

import folium
import pytest
import shapely
from pyogrio.raw import read

from geo.basemap import NATURAL_EARTH_LAYERS, natural_earth_dir, region_around, region_layers
from geo.errors import MapAssetError
from geo.layers import article_layers
from geo.mapview import (
    ASSET_URL_PREFIX,
    WEB_TILES,
    build_map,
    localize_assets,
    main_cluster,
    write_static_assets,
)
from geo.passages import passage_html


def test_map_html_needs_no_network(sample_parsed, gazetteer, tmp_path):
    html = build_map(article_layers(sample_parsed, gazetteer)).get_root().render()
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []
    local = re.findall(rf"""(?:src|href)=["']({re.escape(ASSET_URL_PREFIX)}/[^"']+)""", html)
    assert any(u.endswith("leaflet.js") for u in local)
    vendor = write_static_assets(tmp_path)
    for url in local:
        assert (vendor / url.rsplit("/", 1)[1]).is_file()
    assert not (vendor / "leaflet.css").exists()  # Leaflet would guess a wrong image path


def test_asset_without_local_copy_is_refused():
    fmap = folium.Map(tiles=None)
    fmap.default_js = [*fmap.default_js, ("x", "https://example.invalid/x.js")]
    with pytest.raises(MapAssetError, match="https://example.invalid/x.js"):
        localize_assets(fmap)


def test_article_text_is_never_live_html():
    passage = "Hit <script>alert(1)</script> <img src=x onerror=alert(2)> near Homs."
    start = passage.index("Homs")
    html = passage_html(
        {
            "start": start,
            "end": start + 4,
            "passage": passage,
            "passage_start": 0,
            "passage_end": len(passage),
        }
    )
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<mark>Homs</mark>" in html


def _pin(i: int, name: str) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [36.0 + i / 100, 34.0 + i / 100]},
        "properties": {"layer": "place", "id": f"test:{i}", "name": name, "count": i + 1},
    }


def test_clustered_pins_are_data_escaped_and_offline(tmp_path):
    hostile = '<img src=x onerror="alert(1)">'
    fc = {"features": [_pin(i, hostile if i == 0 else f"Town {i}") for i in range(500)]}
    html = build_map(fc, cluster=True).get_root().render()
    # escaped before it is data (JSON then writes & as \u0026); no live markup anywhere
    assert "<img src=x" not in html and "\\u0026lt;img src=x onerror=" in html
    assert html.count("Town 1") >= 1 and html.count("L.marker(") == 1  # one callback, not 500
    assert '"maxZoom": 18' in html  # marker clusters refuse a map without one
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []


# --- the offline vector basemap ------------------------------------------------------------

BASEMAP_LAYERS = ("sea", "land", "lakes", "admin1", "admin0", "coast")
#: A URL as far as a browser would read it in HTML, JSON or JS text.
URL = re.compile(r"""https?://[^\s"'<>\\&)]+""")


@pytest.fixture(scope="module")
def sample_layers(sample_parsed, gazetteer) -> dict:
    return article_layers(sample_parsed, gazetteer)


def _basemap(html: str) -> dict[str, dict]:
    """The basemap features of a rendered map, by layer name, read back from its data."""
    found = {}
    for data in re.findall(r"_add\((\{.*\})\);\n", html):
        for feature in json.loads(data)["features"]:
            if str(feature.get("id", "")).startswith("basemap-"):
                found[feature["id"].removeprefix("basemap-")] = feature["geometry"]
    return found


def _sample_region(layers: dict) -> tuple[float, float, float, float]:
    points = [
        f["geometry"]["coordinates"]
        for f in layers["features"]
        if f["properties"]["layer"] == "place" and f["geometry"]["type"] == "Point"
    ]
    return region_around(main_cluster(points))


def test_basemap_lies_under_the_layers_and_needs_no_network(sample_layers):
    html = build_map(sample_layers).get_root().render()
    assert list(_basemap(html)) == list(BASEMAP_LAYERS)
    # in a pane below Leaflet's tile pane (200) and data panes; never clickable
    assert re.search(r'createPane\(\s*"basemap"\);\s*\S+\.style\.zIndex = 150;', html)
    assert html.count('"pane": "basemap"') == 1 + len(BASEMAP_LAYERS)  # + world outlines
    assert "Natural Earth" in html  # credited in the map's attribution
    # no tiles, and every URL in the page is text of the layers (a source), not a request
    assert "L.tileLayer" not in html
    assert set(URL.findall(html)) <= set(URL.findall(json.dumps(sample_layers)))


def test_basemap_is_clipped_and_simplified(sample_layers):
    region = _sample_region(sample_layers)
    west, south, east, north = region
    drawn = _basemap(build_map(sample_layers).get_root().render())
    assert drawn["sea"]["coordinates"][0][:2] == [[east, south], [east, north]]
    for name in ("land", "admin1", "admin0", "coast"):
        x0, y0, x1, y1 = shapely.bounds(shapely.from_geojson(json.dumps(drawn[name])))
        assert west <= x0 and x1 <= east and south <= y0 and y1 <= north, name
    vertices = {
        n: int(shapely.get_num_coordinates(shapely.from_geojson(json.dumps(g))))
        for n, g in drawn.items()
    }
    assert sum(vertices.values()) <= 6_000
    # against the Natural Earth file itself, cut to the same box
    _, _, wkb, _ = read(natural_earth_dir() / f"{NATURAL_EARTH_LAYERS['admin1']}.shp", bbox=region)
    source = shapely.get_num_coordinates(shapely.clip_by_rect(shapely.from_wkb(wkb), *region))
    assert vertices["admin1"] < source.sum() / 2
    # the page grows by tens of kilobytes, not megabytes
    assert len(json.dumps(drawn)) < 90_000


def test_web_tiles_are_an_option_over_the_vector_basemap(sample_layers):
    html = build_map(sample_layers, tiles=WEB_TILES).get_root().render()
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "Web map tiles (OpenStreetMap)" in html  # a switch in the layer control
    assert list(_basemap(html)) == list(BASEMAP_LAYERS)  # still there when tiles fail


def test_a_far_focus_gets_its_own_basemap_region(sample_layers):
    html = build_map(sample_layers, focus=(38.9, -77.0)).get_root().render()
    west, south, east, north = shapely.bounds(
        shapely.from_geojson(json.dumps(_basemap(html)["sea"]))
    )
    assert west < -77.0 < east and south < 38.9 < north


@pytest.mark.parametrize(
    ("points", "region"),
    [
        ([], None),
        ([(36.3, 33.5)], (34.0, 31.0, 39.0, 36.0)),  # one place: 2 degrees around it
        ([(179.5, 84.0)], (177.0, 82.0, 180.0, 85.0)),  # clamped at the map's edges
        ([(-77.0, 38.9), (36.3, 33.5)], None),  # wider than a region: world outlines only
    ],
)
def test_region_around_edge_cases(points, region):
    assert region_around(points) == region


def test_a_wide_region_keeps_to_its_budget():
    layers = dict(region_layers((20.0, 20.0, 60.0, 50.0)))
    assert "admin1" not in layers and {"land", "admin0", "coast"} <= set(layers)
    vertices = sum(
        shapely.get_num_coordinates(shapely.from_geojson(json.dumps(g))) for g in layers.values()
    )
    assert vertices <= 6_000


def test_a_region_is_cut_once():
    bounds = (34.0, 31.0, 39.0, 36.0)
    assert region_layers(bounds) is region_layers(bounds)
