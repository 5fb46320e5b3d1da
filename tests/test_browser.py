"""The dashboard in real Chromium, offline: click a place, read its passage, export."""

from __future__ import annotations

import json

import pytest

from geo.article import Article
from geo.geojson import validate_feature_collection
from geo.layers import PROVENANCE_PROPERTIES, article_layers
from geo.pipeline import parse_article

from .browser_helpers import (
    click_map_at,
    correct_as_not_a_place,
    eventually,
    map_frame,
    open_add_articles,
    remove_layer,
    settled,
)

pytestmark = pytest.mark.browser


def _place_id(parsed, surface: str) -> str:
    return next(m.place.id for m in parsed.mentions if m.name == surface)


def test_click_palmyra_shows_its_passage_offline(page, app_url, sample_parsed, gazetteer):
    page.goto(app_url)
    palmyra = _place_id(sample_parsed, "Palmyra")
    pin = map_frame(page).locator(f'.geo-pin[data-place-id="{palmyra}"]')
    pin.click()
    passage = page.locator(".geo-passage", has_text="ancient town of Palmyra")
    passage.first.wait_for()
    assert passage.first.locator("mark").first.inner_text() == "Palmyra"
    found = sum(m.place.id == palmyra for m in sample_parsed.mentions)
    assert found >= 2 and page.locator(".geo-passage").count() == found  # one per mention


def test_download_is_valid_rfc7946_with_provenance(page, app_url, sample_parsed, gazetteer):
    page.goto(app_url)
    settled(page)
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
    click_map_at(page, (lat0 + lat1) / 2, (lon0 + lon1) / 2)  # the middle of its first leg
    passage = page.locator(".geo-passage", has_text="retreat north")
    passage.first.wait_for()
    assert passage.first.locator("mark").first.inner_text().startswith("retreat north toward")
    assert page.get_by_text("2017-05-18", exact=False).count() >= 1


def test_upload_an_article_and_see_its_places(page, app_url, tmp_path, gazetteer):
    text = (
        "Rebels advance on Hama\n\nRebels advanced south from Idlib toward the city of Hama "
        "in Syria on Monday, residents said.\n"
    )
    upload = tmp_path / "idlib-report.txt"
    upload.write_text(text, encoding="utf-8")
    expected = {m.place.id for m in parse_article(Article(id="x", text=text), gazetteer).mentions}
    page.goto(app_url)
    open_add_articles(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_role("button", name="Add the uploaded files").click()
    page.get_by_text("idlib-report.txt: 1 article added").wait_for()
    # the notice above the form does not close it: the reader can add the next file
    expander = page.locator('[data-testid="stExpander"]', has_text="Add articles")
    assert expander.locator("details[open]").count() == 1
    page.get_by_role("heading", name="Rebels advance on Hama").wait_for()
    frame = map_frame(page)
    assert len(expected) >= 3  # Idlib, Hama, Syria
    for place_id in expected:
        frame.locator(f'.geo-pin[data-place-id="{place_id}"]').wait_for()
    assert "article=idlib-report-" in page.url


def test_a_correction_survives_a_reload_and_can_be_undone(page, app_url, sample_parsed):
    palmyra = _place_id(sample_parsed, "Palmyra")
    pin = f'.geo-pin[data-place-id="{palmyra}"]'
    page.goto(app_url)
    correct_as_not_a_place(page, palmyra)
    page.reload()
    page.get_by_role("button", name="Undo the last correction (1)").wait_for()
    frame = map_frame(page)
    frame.locator(".geo-pin").first.wait_for()
    assert frame.locator(pin).count() == 0  # Palmyra is off the map, after a reload too
    page.get_by_role("button", name="Undo the last correction (1)").click()
    page.get_by_role("button", name="Undo the last correction (1)").wait_for(state="detached")
    map_frame(page).locator(pin).wait_for()
    assert page.get_by_role("button", name="Undo the last correction (1)").count() == 0


def test_click_a_mention_in_the_text_focuses_the_map(page, app_url, sample_parsed):
    palmyra = _place_id(sample_parsed, "Palmyra")
    page.goto(app_url)
    link = page.locator(f'a.geo-mention[href*="focus={palmyra}"]').first
    link.click()
    page.wait_for_url(f"**focus={palmyra}**")
    page.get_by_role("heading", name="Tadmur").wait_for()
    map_div = map_frame(page).locator("#map_div")
    map_div.locator(f'.geo-pin[data-place-id="{palmyra}"]').wait_for()
    centre = map_div.evaluate(
        """el => {
            const name = Object.keys(window).find(k => k.startsWith("map_")
                && window[k] && window[k].getCenter);
            const c = window[name].getCenter();
            return [c.lat, c.lng, window[name].getZoom()];
        }"""
    )
    place = next(m.place for m in sample_parsed.mentions if m.place.id == palmyra)
    assert abs(centre[0] - place.lat) < 0.05 and abs(centre[1] - place.lon) < 0.05
    assert centre[2] >= 8


def test_pasted_html_and_scripts_stay_text(page, app_url):
    hostile = (
        "Clashes near Aleppo <script>window.__geo_xss = 1</script> and "
        '<img src=x onerror="window.__geo_xss = 2"> in Syria.'
    )
    page.goto(app_url)
    open_add_articles(page)
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Title").fill("Hostile <b>title</b>")
    form.get_by_label("Text").fill(hostile)
    form.get_by_role("button", name="Add the pasted text").click()
    page.get_by_role("heading", name="Hostile <b>title</b>").wait_for()
    article = page.locator(".geo-article")
    article.get_by_text("<script>window.__geo_xss = 1</script>", exact=False).wait_for()
    assert article.locator("script, img").count() == 0
    assert page.evaluate("window.__geo_xss") is None
    assert page.locator('img[src="x"]').count() == 0


def test_a_layer_switched_off_leaves_map_and_exports(page, app_url):
    page.goto(app_url)
    map_frame(page).locator("path.geo-layer-route").first.wait_for()
    assert map_frame(page).locator(".leaflet-control-layers").count() == 0  # one switch only
    remove_layer(page, "route")

    def routes_gone() -> bool:
        frame = map_frame(page)
        return frame.locator(".geo-pin").count() > 0 and (
            frame.locator("path.geo-layer-route").count() == 0
        )

    eventually(routes_gone, "the Routes layer stayed on the map")
    settled(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download layers (GeoJSON)").click()
    fc = json.loads(open(info.value.path(), encoding="utf-8").read())
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert "route" not in layers and {"place", "control"} <= layers


def test_exports_download_and_open(page, app_url, tmp_path):
    import csv

    import pyogrio

    from geo.export import MENTION_COLUMNS

    page.goto(app_url)
    settled(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download GeoPackage").click()
    gpkg = tmp_path / "layers.gpkg"
    info.value.save_as(gpkg)
    assert {"place", "route", "control"} <= {name for name, _ in pyogrio.list_layers(gpkg)}
    with page.expect_download() as info:
        page.get_by_role("button", name="Download mentions (CSV)").click()
    rows = list(csv.reader(open(info.value.path(), encoding="utf-8")))
    assert tuple(rows[0]) == MENTION_COLUMNS and len(rows) > 50
    assert any(row[3] == "Palmyra" and row[6] == "Tadmur" for row in rows)


def test_corpus_view_lists_every_passage_of_a_place(page, app_url, sample_parsed):
    palmyra = _place_id(sample_parsed, "Palmyra")
    page.goto(app_url)
    page.get_by_text("Corpus", exact=True).click()
    page.get_by_role("heading", name="Corpus:").wait_for()
    settled(page)  # the corpus map's first value reruns the page; a click then is lost
    mentions = sum(m.place.id == palmyra for m in sample_parsed.mentions)
    map_frame(page).locator(f'.geo-pin[data-place-id="{palmyra}"]').click()
    page.get_by_text(f"{mentions} mentions in 1 article").wait_for()
    title = "Why Iran-Backed Forces in Iraq and Syria Can't Link Up Yet"
    passages = page.get_by_text(f"{title} · 2017-06-02")
    passages.nth(mentions - 1).wait_for()  # the list is drawn after its heading
    assert mentions > 1 and passages.count() == mentions
