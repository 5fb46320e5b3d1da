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
