"""Take the documentation's screenshots of the dashboard, offline, in Debian's Chromium.

Starts the real Streamlit server on a fresh library (the bundled sample, plus
``--corpus N`` articles of the dev corpora for the corpus view) and writes:

* ``screenshot-reading.png``: the sample article, Palmyra clicked (the README shows it);
* ``screenshot-correct.png``: the correction panel of that place;
* ``screenshot-claim.png``: the retreat route clicked, its sentence shown;
* ``screenshot-corpus.png``: the corpus view.

Usage::

    .venv/bin/python scripts/screenshots.py [--out docs] [--corpus 40]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from corpora import CORPORA, documents  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from geo import LocalGazetteer, article_layers, load_article, parse_article  # noqa: E402
from geo.article import Article  # noqa: E402
from geo.store import Library  # noqa: E402
from tests.browser_helpers import click_map_at, idle, map_frame, settled  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, SAMPLE, start_app, stop_app  # noqa: E402

VIEWPORT = {"width": 1500, "height": 950}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder (default: docs)")
    parser.add_argument(
        "--corpus", type=int, default=40, help="dev-corpus articles added (default: 40)"
    )
    args = parser.parse_args()
    gazetteer = LocalGazetteer()
    parsed = parse_article(load_article(SAMPLE), gazetteer)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        Library(data / "library.sqlite").add_all(_corpus(args.corpus))
        server = start_app(data / "server.log", data_dir=data)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.set_default_timeout(120_000)
                _shoot(
                    page, f"{server.url}/?article={parsed.article.id}", parsed, gazetteer, args.out
                )
                browser.close()
        finally:
            stop_app(server)


def _corpus(count: int) -> list[Article]:
    out: list[Article] = []
    for path in CORPORA.values():
        for doc in documents(path):
            if len(out) >= count:
                return out
            out.append(Article(id=str(doc["id"]), text=doc["text"]))
    return out


def _shoot(page, url: str, parsed, gazetteer: LocalGazetteer, out: Path) -> None:
    palmyra = next(m.place.id for m in parsed.mentions if m.name == "Palmyra")
    page.goto(url)
    settled(page)
    map_frame(page).locator(f'.geo-pin[data-place-id="{palmyra}"]').click()
    page.locator(".geo-passage", has_text="ancient town of Palmyra").first.wait_for()
    idle(page)
    _save(page, out / "screenshot-reading.png")

    expander = page.locator('[data-testid="stExpander"]', has_text="Correct this place")
    expander.locator("summary").click()
    expander.get_by_text("Search the gazetteer").wait_for()
    expander.scroll_into_view_if_needed()
    idle(page)
    _save(page, out / "screenshot-correct.png")

    retreat = next(
        f
        for f in article_layers(parsed, gazetteer)["features"]
        if f["properties"]["layer"] == "route" and f["properties"].get("movement") == "retreat"
    )
    (lon0, lat0), (lon1, lat1) = retreat["geometry"]["coordinates"][:2]
    page.goto(url)
    settled(page)
    click_map_at(page, (lat0 + lat1) / 2, (lon0 + lon1) / 2)
    page.locator(".geo-passage", has_text="retreat north").first.wait_for()
    idle(page)
    _save(page, out / "screenshot-claim.png")

    page.get_by_text("Corpus", exact=True).click()
    page.get_by_role("heading", name="Corpus:").wait_for()
    map_frame(page).locator(".leaflet-marker-icon").first.wait_for()
    idle(page)
    page.wait_for_timeout(1000)  # clusters animate into place
    _save(page, out / "screenshot-corpus.png")


def _save(page, path: Path) -> None:
    page.screenshot(path=str(path))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
