from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.geojson import validate_feature_collection
from geo.layers import PROVENANCE_PROPERTIES

from .conftest import DATA, SAMPLE


@pytest.fixture()
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["parse"],
        ["layers"],
        ["gazetteer"],
        ["gazetteer", "build"],
        ["gazetteer", "lookup"],
        ["gazetteer", "import"],
    ],
)
def test_every_command_explains_itself(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.output and len(result.output.splitlines()) > 4


def test_parse_files_writes_one_scorable_line_each(run, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("parse", SAMPLE, DATA / "aleppo-note.txt", "-o", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [SAMPLE.stem, "aleppo-note"]
    aleppo = records[1]["toponyms"]
    names = [t["name"] for t in aleppo]
    assert names[0] == "ALEPPO" and "Idlib" in names  # the dateline, and a town in the text
    assert all({"start", "end", "name", "lat", "lon", "geonameid"} <= set(t) for t in aleppo)


def test_parse_jsonl_reports_bad_lines_and_keeps_the_rest(run):
    result = run("parse", "--jsonl", DATA / "corpus.jsonl")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "c"]
    assert [t["name"] for t in records[0]["toponyms"]] == ["Homs", "Hama"]
    assert "corpus.jsonl line 2: Expecting property name" in result.stderr
    assert 'corpus.jsonl line 5: expected an object with a "text" string; skipped' in result.stderr


def test_parse_jsonl_in_worker_processes_keeps_the_input_order(run, tmp_path):
    texts = ["Fighting in Aleppo.", "Talks in Geneva.", "Clashes in Homs.", "Aid reached Mosul."]
    ids = ["z", "b", "y", "a"]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts, strict=True)),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run("parse", "--jsonl", corpus, "--processes", 2, "-o", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ids
    assert [r["toponyms"][0]["name"] for r in records] == ["Aleppo", "Geneva", "Homs", "Mosul"]
    assert result.stderr == ""  # not a terminal: no progress bar unless asked


@pytest.mark.parametrize(("flag", "shown"), [("--progress", True), ("--no-progress", False)])
def test_parse_progress_bar_on_request(run, flag, shown):
    result = run("parse", "--jsonl", DATA / "corpus.jsonl", "--processes", 1, flag)
    assert result.exit_code == 0
    assert ("2/2" in result.stderr) is shown
    assert len(result.stdout.splitlines()) == 2


def test_layers_writes_valid_geojson(run, tmp_path):
    out = tmp_path / "layers.geojson"
    assert run("layers", DATA / "aleppo-note.txt", "-o", out).exit_code == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    validate_feature_collection(fc)
    drawn = [f for f in fc["features"] if f["properties"]["layer"] != "reference"]
    validate_feature_collection(
        {**fc, "features": drawn}, required_properties=PROVENANCE_PROPERTIES
    )
    assert {f["properties"]["article"] for f in drawn} == {"aleppo-note"}
    assert any(f["properties"]["layer"] == "reference" for f in fc["features"])


def test_layers_can_keep_some_layers_and_leave_out_reference(run, tmp_path):
    out = tmp_path / "places.geojson"
    args = ("layers", DATA / "aleppo-note.txt", "--layer", "place", "--no-reference", "-o", out)
    assert run(*args).exit_code == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["features"] and {f["properties"]["layer"] for f in fc["features"]} == {"place"}


def test_layers_writes_a_geopackage(run, tmp_path):
    import pyogrio

    out = tmp_path / "layers.gpkg"
    result = run("layers", DATA / "aleppo-note.txt", "--format", "gpkg", "-o", out)
    assert result.exit_code == 0, result.output
    assert "place" in {name for name, _ in pyogrio.list_layers(out)}


def test_geopackage_needs_an_output_file(run):
    result = run("layers", DATA / "aleppo-note.txt", "--format", "gpkg")
    assert result.exit_code == 2
    assert "--format gpkg needs -o OUT.gpkg" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["parse", "nothere.txt"], "geo: error: nothere.txt: no such file"),
        (["layers", "nothere.txt"], "geo: error: nothere.txt: no such file"),
        (["parse", DATA / "utf16.txt"], "binary data, not text (NUL byte at offset 3)"),
        (["layers", DATA / "blank.txt"], "blank.txt: the article is empty"),
        (["parse", "--jsonl", "nothere.jsonl"], "geo: error: nothere.jsonl: cannot be read"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_parse_needs_files_or_jsonl(run):
    result = run("parse")
    assert result.exit_code == 2 and "give either FILE... or --jsonl" in result.stderr


def test_gazetteer_build_keeps_an_existing_index_unless_forced(run, tmp_path):
    index = tmp_path / "g.sqlite"
    result = run("gazetteer", "build", "--output", index)
    assert result.exit_code == 0 and result.stdout.strip() == str(index)
    built = index.stat().st_mtime_ns
    assert run("gazetteer", "build", "--output", index).exit_code == 0
    assert index.stat().st_mtime_ns == built
    assert run("gazetteer", "build", "--output", index, "--force").exit_code == 0
    assert index.stat().st_mtime_ns != built


def test_gazetteer_lookup_json_lines_in_order(run):
    result = run("gazetteer", "lookup", "Deir Ezzor", "Qwxzrt", "Tanf", "--json", "--limit", "3")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["query"] for r in records] == ["Deir Ezzor", "Qwxzrt", "Tanf"]
    best = records[0]["candidates"][0]
    assert {"lat", "lon", "name", "id", "kind", "country", "score"} <= best.keys()
    assert (best["name"], best["country"]) == ("Deir ez-Zor", "SY")
    assert records[1]["candidates"] == []  # unknown is not an error
    assert len(records[2]["candidates"]) <= 3


def test_gazetteer_lookup_text_and_country(run):
    result = run("gazetteer", "lookup", "Tehran", "--country", "IR", "--limit", "2")
    assert result.exit_code == 0
    assert result.output.startswith("Tehran: ") and "(city, IR)" in result.output


def test_gazetteer_import_then_lookup(run, tmp_path):
    index = tmp_path / "user.sqlite"
    result = run("gazetteer", "import", DATA / "gazetteer" / "places.csv", "--index", index)
    assert result.exit_code == 0, result.output
    assert "imported" in result.output and index.is_file()


def test_gazetteer_import_malformed_file_names_the_line(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nGood,33.5,36.3\nBad,north,36.3\n", encoding="utf-8")
    index = tmp_path / "user.sqlite"
    result = run("gazetteer", "import", bad, "--index", index)
    assert result.exit_code == 2
    assert "bad.csv" in result.output and ":3" in result.output
    assert not index.exists()


def test_a_20_mb_text_gets_a_clear_error_and_no_output_file(run, tmp_path):
    book = tmp_path / "book.txt"
    book.write_bytes(b"Clashes in Homs. " * (20 * 1024 * 1024 // 17))
    out = tmp_path / "out.jsonl"
    result = run("parse", book, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"geo: error: {book}: the article has {book.stat().st_size:,} characters; one article"
        " can have at most 1,000,000 (about 500 pages). Split it into several articles, such"
        " as one per chapter, or a JSONL corpus with one article per line\n"
    )
    assert not out.exists()
