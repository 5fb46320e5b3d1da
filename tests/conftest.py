"""Shared fixtures: the gazetteer, the sample article, and the real app in real Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from geo import LocalGazetteer, load_article, parse_article

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "data" / "articles" / "syria-deeply-2017-06-02-iran-backed-forces.txt"
CHROMIUM = os.environ.get("GEO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _own_user_data(tmp_path_factory):
    """Keep the tests away from the user's imported gazetteer (and the app they start)."""
    os.environ["GEO_DATA_DIR"] = str(tmp_path_factory.mktemp("geo-data"))


@pytest.fixture(scope="session")
def gazetteer(_own_user_data) -> LocalGazetteer:
    return LocalGazetteer()


@pytest.fixture(scope="session")
def sample_parsed(gazetteer):
    return parse_article(load_article(SAMPLE), gazetteer)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class AppServer:
    """A Streamlit server running app.py: its URL, its process (python itself, no shell
    in between) and its log."""

    url: str
    process: subprocess.Popen
    log_path: Path


def start_app(log_path: Path, *, data_dir: Path | None = None) -> AppServer:
    """Start ``streamlit run app.py`` on a free loopback port and wait until it answers.

    ``data_dir`` (``$GEO_DATA_DIR``, where the library file lives) defaults to the tests'
    own folder. The server's output goes to ``log_path``; a server that does not start
    fails the test with the end of that log.
    """
    env = os.environ | ({"GEO_DATA_DIR": str(data_dir)} if data_dir is not None else {})
    port = _free_port()
    with open(log_path, "w") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return AppServer(url, proc, log_path)
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(
                f"the Streamlit server did not start (exit code {proc.poll()}):\n"
                + log_path.read_text()[-2000:]
            )
        time.sleep(0.3)


def stop_app(server: AppServer) -> None:
    """Stop a server (one that already ended, e.g. was killed, is left as it is)."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def app_url(gazetteer, tmp_path_factory) -> str:
    """The real Streamlit server running app.py on a free loopback port (shared by the tests)."""
    server = start_app(tmp_path_factory.mktemp("streamlit") / "server.log")
    yield server.url
    stop_app(server)


@pytest.fixture()
def app_servers(gazetteer, tmp_path):
    """Start servers of this test's own (``start(data_dir)`` returns an :class:`AppServer`);
    each is stopped at teardown unless the test ended it."""
    started: list[AppServer] = []

    def start(data_dir: Path) -> AppServer:
        server = start_app(tmp_path / f"server-{len(started)}.log", data_dir=data_dir)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_app(server)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; a missing browser fails, never skips."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's 'chromium' package (scripts/test.sh does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def offline_context(browser):
    """A new browser context (its own cookies, so its own Streamlit session) on which every
    request not to 127.0.0.1 is blocked; returns the context and the list of blocked URLs."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    blocked: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, blocked


@pytest.fixture()
def new_page(browser):
    """Open pages as the ``page`` fixture does, each in a context of its own (``new_page()``).

    The test fails afterwards if any of them attempted a request off the machine.
    """
    opened = []

    def new():
        context, blocked = offline_context(browser)
        opened.append((context, blocked))
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        return pg

    yield new
    for context, _ in opened:
        context.close()
    attempted = [url for _, blocked in opened for url in blocked]
    assert attempted == [], f"requests off the machine were attempted: {attempted}"


@pytest.fixture()
def page(new_page):
    """A fresh page on which every request not to 127.0.0.1 is blocked and counted.

    The test fails afterwards if any such request was attempted.
    """
    return new_page()
