"""The dashboard script run by Streamlit's AppTest (no browser): what it says about bad input."""

from __future__ import annotations

import sys

import pytest
from streamlit.runtime.caching import cache_data, cache_resource
from streamlit.testing.v1 import AppTest

from geo.actors import COLUMNS

from .conftest import ROOT, SAMPLE


@pytest.fixture()
def app(tmp_path, monkeypatch):
    """app.py on the sample, with its own library and user data in ``tmp_path``."""
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    # AppTest leaves app.py as __main__, and worker processes started later
    # (spawn) would run it again: put pytest's back afterwards
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["article"] = SAMPLE.stem
    yield at
    cache_data.clear()
    cache_resource.clear()  # the next test gets its own library


def test_a_bad_actor_file_is_reported_and_the_map_still_drawn(app, tmp_path):
    bad = tmp_path / "actors.csv"
    bad.write_text(
        ",".join(COLUMNS) + "\nwagner,Wagner Group,Wagner,proxy,nobody,,#123456,\n",
        encoding="utf-8",
    )
    app.run()
    assert not app.exception
    assert [w.value for w in app.warning] == [
        f"{bad}:2: patron 'nobody' is not the id of any actor; give the id of an actor in this"
        " or the built-in file, or leave it empty. The built-in actors are used until the file"
        " is fixed."
    ]
    assert app.subheader[-1].value == "Text"  # the article view was drawn to its end
    assert any("Download layers" in b.label for b in app.get("download_button"))

    bad.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")  # fixed: read again
    app.run()
    assert not app.exception and not app.warning
