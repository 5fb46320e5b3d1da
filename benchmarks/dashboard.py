"""Measure the dashboard in real Chromium: page ready, click to passage, and an 800-article corpus.

Usage:
    .venv/bin/python benchmarks/dashboard.py [--articles 800] [--repeats 5]

It starts the real Streamlit server on a free loopback port with a fresh data
folder, fills the library with the sample article plus the first
``--articles`` - 1 articles of TR-News, GeoVirus and then WikToR (news and
Wikipedia texts of many places), and drives Debian's Chromium, in which no
host but the loopback resolves. Printed:

* page ready, warm: from navigation until the map shows its pins and the
  text its marks (the sample article; median and worst of ``--repeats``);
* the server's time for one warm run of the page (Streamlit's AppTest, no
  browser): every click reruns the page, so this is the server's share of a
  click to passage;
* click to passage: from a click on a pin until its passages are shown
  (browser time: the server's run, the transfer and the drawing);
* the corpus: time to draw and keep the layers of every article (once,
  single process, as the first corpus view would), then corpus view ready
  (warm) and a click on a place there.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from corpora import BENCH, CORPORA, WIKTOR, documents  # noqa: E402

from geo.article import Article, load_article  # noqa: E402
from geo.corpus import library_layers  # noqa: E402
from geo.gazetteer import LocalGazetteer  # noqa: E402
from geo.store import Library  # noqa: E402
from tests.browser_helpers import MAP_FRAME as MAP  # noqa: E402
from tests.browser_helpers import idle  # noqa: E402
from tests.conftest import start_app, stop_app  # noqa: E402

# every host but the loopback resolves to nothing: offline, without a per-request hook that
# would slow the page it measures (the browser tests block and count requests instead)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SAMPLE = ROOT / "data" / "articles" / "syria-deeply-2017-06-02-iran-backed-forces.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="geo-dashboard-bench-"))
    os.environ["GEO_DATA_DIR"] = str(data)
    library = Library()
    sample = load_article(SAMPLE)
    library.add(sample)
    extra = 0
    for path in [*CORPORA.values(), WIKTOR]:
        for doc in documents(path):
            if extra >= args.articles - 1:
                break
            library.add(Article(id=f"{path.stem}-{doc['id']}", text=doc["text"], title=path.stem))
            extra += 1
    print(f"library: {len(library)} articles ({BENCH})")
    t0 = time.perf_counter()
    kept = library_layers(library, LocalGazetteer(), [s.id for s in library.summaries()])
    took = time.perf_counter() - t0
    size = sum(len(json.dumps(fc)) for fc in kept) / 1e6
    print(
        f"layers of every article, drawn and kept: {took:.1f} s "
        f"({1000 * took / len(kept):.0f} ms each, {size:.0f} MB of GeoJSON kept)"
    )
    print(f"server time of one warm run of the page (AppTest): {_script_ms(args.repeats):.0f} ms")
    server = start_app(data / "server.log", data_dir=data)
    try:
        _browse(server.url, args.repeats)
    finally:
        stop_app(server)


def _script_ms(repeats: int) -> float:
    """Median time of a warm run of app.py on the sample, without a browser: what the server
    does on every rerun, a click's included (a click adds one passage pane)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.query_params["article"] = load_article(SAMPLE).id
    app.run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
    if app.exception:
        raise SystemExit(f"app.py failed: {app.exception}")
    return statistics.median(times) * 1000


def _browse(url: str, repeats: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        article = f"{url}/?article={load_article(SAMPLE).id}"
        ready = [_ready(page, article) for _ in range(repeats + 1)][1:]  # the first one warms
        print(
            f"page ready (sample, warm): median {statistics.median(ready):.2f} s, "
            f"worst {max(ready):.2f} s over {repeats}"
        )
        clicks = []
        for _ in range(repeats):
            _ready(page, article)
            idle(page)  # the map's first value reruns the page; a click then would be lost
            clicks.append(_click_first_pin(page))
        print(
            f"click to passage (browser): median {statistics.median(clicks) * 1000:.0f} ms, "
            f"worst {max(clicks) * 1000:.0f} ms"
        )
        corpus = []
        for _ in range(repeats + 1):
            page.goto(article)
            page.locator(".geo-article").wait_for(timeout=120_000)
            start = time.perf_counter()
            page.get_by_text("Corpus", exact=True).click()
            page.get_by_role("heading", name="Corpus:").wait_for(timeout=600_000)
            # clustered pins: only the corpus map has them (many places)
            page.frame_locator(MAP).last.locator(".marker-cluster").first.wait_for(timeout=600_000)
            corpus.append(time.perf_counter() - start)
        print(
            f"corpus view ready (warm): median {statistics.median(corpus[1:]):.2f} s, "
            f"first {corpus[0]:.2f} s"
        )
        browser.close()


def _ready(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.frame_locator(MAP).last.locator(".geo-pin").first.wait_for(timeout=120_000)
    page.locator(".geo-article mark").first.wait_for(timeout=120_000)
    return time.perf_counter() - start


def _click_first_pin(page) -> float:
    pin = page.frame_locator(MAP).last.locator(".geo-pin").nth(3)
    start = time.perf_counter()
    pin.click()
    page.locator(".geo-passage").first.wait_for(timeout=60_000)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
