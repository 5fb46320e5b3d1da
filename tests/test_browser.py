"""The dashboard in real Chromium, offline: click a place, read its passage, export."""

from __future__ import annotations

import json

import pytest

from geo.geojson import validate_feature_collection
from geo.layers import PROVENANCE_PROPERTIES, article_layers

pytestmark = pytest.mark.browser
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _place_id(parsed, surface: str) -> str:
    return next(m.place.id for m in parsed.mentions if m.name == surface)


def test_click_palmyra_shows_its_passage_offline(page, app_url, sample_parsed):
    page.goto(app_url)
    palmyra = _place_id(sample_parsed, "Palmyra")
    pin = page.frame_locator(MAP_FRAME).locator(f'.geo-pin[data-place-id="{palmyra}"]')
    pin.click()
    passage = page.locator(".geo-passage", has_text="ancient town of Palmyra")
    passage.first.wait_for()
    assert passage.first.locator("mark").first.inner_text() == "Palmyra"
    found = sum(m.place.id == palmyra for m in sample_parsed.mentions)
    assert found >= 2 and page.locator(".geo-passage").count() == found  # one per mention


def test_download_is_valid_rfc7946_with_provenance(page, app_url, sample_parsed):
    page.goto(app_url)
    button = page.get_by_role("button", name="Download layers (GeoJSON)")
    with page.expect_download() as info:
        button.click()
    fc = json.loads(open(info.value.path(), encoding="utf-8").read())
    validate_feature_collection(fc, required_properties=PROVENANCE_PROPERTIES)
    assert fc == json.loads(json.dumps(article_layers(sample_parsed)))
    for feature in fc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        text = sample_parsed.article.text
        assert text[props["start"] : props["end"]] in props["passage"]
