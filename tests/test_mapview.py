from __future__ import annotations

import re

import folium
import pytest

from geo.errors import MapAssetError
from geo.layers import article_layers
from geo.mapview import ASSET_URL_PREFIX, build_map, localize_assets, write_static_assets
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
