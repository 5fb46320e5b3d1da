"""Waiting on the dashboard's page in Chromium: shared by the browser tests."""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: True while a script run is pending or running, or the page shows a stale render.
BUSY = (
    "!!document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " || !!document.querySelector('[data-stale=\"true\"]')"
)


def map_frame(page):
    """The map's frame once the page has settled (a rerun briefly shows the old map too)."""
    page.wait_for_function(
        f"document.querySelectorAll('{MAP_FRAME}').length === 1"
        " && !document.querySelector('[data-stale=\"true\"]')"
    )
    return page.frame_locator(MAP_FRAME)


def click_map_at(page, lat: float, lon: float) -> None:
    """Click the map where (lat, lon) is drawn, once the map has stopped moving (it fits
    its bounds after loading); the point is asked of the Leaflet map itself."""
    map_div = map_frame(page).locator("#map_div")
    map_div.locator(".leaflet-overlay-pane path.leaflet-interactive").first.wait_for()
    where = """(el, at) => {
        const name = Object.keys(window).find(k => k.startsWith("map_")
            && window[k] && window[k].latLngToContainerPoint);
        const p = window[name].latLngToContainerPoint(at);
        return [Math.round(p.x), Math.round(p.y)];
    }"""
    point, previous = map_div.evaluate(where, [lat, lon]), None
    while point != previous:
        page.wait_for_timeout(500)
        point, previous = map_div.evaluate(where, [lat, lon]), point
    map_div.click(position={"x": point[0], "y": point[1]})


def settled(page) -> None:
    """Wait until the map is drawn and no script run is pending (the map's first value
    reruns the page once; a click on a download button during that rerun is lost)."""
    map_frame(page).locator(".geo-pin").first.wait_for()
    idle(page)


def idle(page) -> None:
    """Wait until no script run is pending, twice a moment apart."""
    for _ in range(2):
        page.wait_for_function(f"!({BUSY})")
        page.wait_for_timeout(300)


def correct_as_not_a_place(page, place_id: str) -> None:
    """Click a place's pin and correct it as "not a place", each click once the page
    has settled (a click during a rerun is lost); wait until the app offers the undo."""
    settled(page)
    map_frame(page).locator(f'.geo-pin[data-place-id="{place_id}"]').click()
    page.get_by_text("Correct this place").wait_for()
    idle(page)
    page.get_by_text("Correct this place").click()
    page.get_by_role("button", name="Not a place").wait_for()
    idle(page)
    page.get_by_role("button", name="Not a place").click()
    page.get_by_role("button", name="Undo the last correction (1)").wait_for()


def eventually(check, failure: str, seconds: float = 30.0) -> None:
    """Wait until ``check()`` holds (the page reruns in between); fail with ``failure``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except PlaywrightError:
            pass  # the page was between two renders
        if time.monotonic() > deadline:
            raise AssertionError(failure)
        time.sleep(0.25)


def open_add_articles(page):
    """Open the sidebar's 'Add articles' expander (left as it is when already open)."""
    expander = page.locator('[data-testid="stExpander"]', has_text="Add articles")
    if expander.locator("details[open]").count() == 0:
        expander.locator("summary").click()
    page.locator('[data-testid="stForm"]').get_by_label("Title", exact=True).wait_for()


def remove_layer(page, layer: str) -> None:
    """Take a layer out of the sidebar's 'Layers shown and exported' switch."""
    switch = page.locator('[data-testid="stMultiSelect"]')
    switch.get_by_role("button", name=f"Remove {layer}").click()
