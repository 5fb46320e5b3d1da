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


def test_click_palmyra_shows_its_passage_offline(page, app_url, sample_parsed, gazetteer):
    page.goto(app_url)
    palmyra = _place_id(sample_parsed, "Palmyra")
    pin = page.frame_locator(MAP_FRAME).locator(f'.geo-pin[data-place-id="{palmyra}"]')
    pin.click()
    passage = page.locator(".geo-passage", has_text="ancient town of Palmyra")
    passage.first.wait_for()
    assert passage.first.locator("mark").first.inner_text() == "Palmyra"
    found = sum(m.place.id == palmyra for m in sample_parsed.mentions)
    assert found >= 2 and page.locator(".geo-passage").count() == found  # one per mention


def test_download_is_valid_rfc7946_with_provenance(page, app_url, sample_parsed, gazetteer):
    page.goto(app_url)
    button = page.get_by_role("button", name="Download layers (GeoJSON)")
    with page.expect_download() as info:
        button.click()
    fc = json.loads(open(info.value.path(), encoding="utf-8").read())
    validate_feature_collection(fc)
    assert fc == json.loads(json.dumps(article_layers(sample_parsed, gazetteer)))
    drawn = [f for f in fc["features"] if f["properties"]["layer"] != "reference"]
    validate_feature_collection(
        {**fc, "features": drawn}, required_properties=PROVENANCE_PROPERTIES
    )
    assert {f["properties"]["layer"] for f in fc["features"]} >= {"place", "route", "control"}
    for feature in drawn:
        props = feature["properties"]
        text = sample_parsed.article.text
        assert text[props["start"] : props["end"]] in props["passage"]


def test_click_a_route_shows_the_claim_and_its_passage(page, app_url, sample_parsed, gazetteer):
    fc = article_layers(sample_parsed, gazetteer)
    retreat = next(
        f
        for f in fc["features"]
        if f["properties"]["layer"] == "route" and f["properties"]["movement"] == "retreat"
    )
    (lon0, lat0), (lon1, lat1) = retreat["geometry"]["coordinates"][:2]
    page.goto(app_url)
    map_div = page.frame_locator(MAP_FRAME).locator("#map_div")
    map_div.locator(".leaflet-overlay-pane path.leaflet-interactive").first.wait_for()
    # where the middle of the route's first leg is drawn, asked of the Leaflet map itself
    # once the map has stopped moving (it fits its bounds after loading)
    where = """(el, at) => {
        const name = Object.keys(window).find(k => k.startsWith("map_")
            && window[k] && window[k].latLngToContainerPoint);
        const p = window[name].latLngToContainerPoint(at);
        return [Math.round(p.x), Math.round(p.y)];
    }"""
    middle = [(lat0 + lat1) / 2, (lon0 + lon1) / 2]
    point, previous = map_div.evaluate(where, middle), None
    while point != previous:
        page.wait_for_timeout(500)
        point, previous = map_div.evaluate(where, middle), point
    map_div.click(position={"x": point[0], "y": point[1]})
    passage = page.locator(".geo-passage", has_text="retreat north")
    passage.first.wait_for()
    assert passage.first.locator("mark").first.inner_text().startswith("retreat north toward")
    assert page.get_by_text("2017-05-18", exact=False).count() >= 1
