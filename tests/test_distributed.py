"""Corpus runs on a real Dask cluster (LocalCluster, two worker processes) and their partitions."""

from __future__ import annotations

import json
import socket

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geo import Article, DaskCluster, layer_collections, parse_records
from geo.cli import main
from geo.errors import ClusterError, ParseError
from geo.geojson import validate_feature_collection
from geo.layers import PROVENANCE_PROPERTIES, article_layers
from geo.partitions import LAYER_COLUMNS

TEXTS = {
    "z-route": "Rebels advanced south from Idlib toward Hama on Monday.",
    "b-aleppo": "Fighting in Aleppo.",
    "y-strike": "Russian warplanes struck near Palmyra.",
    "a-geneva": "Talks in Geneva.",
    "x-mosul": "Aid reached Mosul, then Erbil.",
}
IDS = list(TEXTS)
ARTICLES = [Article(id=i, text=t) for i, t in TEXTS.items()]
#: Lines 2 and 4 are malformed; the other five are the articles, in this order.
CORPUS_LINES = [
    json.dumps({"id": IDS[0], "text": TEXTS[IDS[0]], "published": "2017-06-02"}),
    "{not json",
    *(json.dumps({"id": i, "text": TEXTS[i]}) for i in IDS[1:3]),
    json.dumps({"id": "no-text"}),
    *(json.dumps({"id": i, "text": TEXTS[i]}) for i in IDS[3:]),
]
SKIPPED = [
    "corpus.jsonl line 2: Expecting property name enclosed in double quotes at column 2"
    " (not valid JSON); skipped",
    'corpus.jsonl line 5: expected an object with a "text" string; skipped',
]


@pytest.fixture(scope="module")
def scheduler(gazetteer):
    """The address of a LocalCluster of two worker processes, one thread each."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    path.write_text("\n".join(CORPUS_LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def local_layers(corpus, tmp_path_factory):
    """``geo layers --jsonl corpus.jsonl`` in two local worker processes: what to expect."""
    out = tmp_path_factory.mktemp("local") / "layers.geojson"
    args = ["layers", "--jsonl", str(corpus), "--processes", "2", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_parse_on_the_cluster_writes_what_a_local_run_writes(run, scheduler, corpus, tmp_path):
    local, remote = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    assert run("parse", "--jsonl", corpus, "--processes", 1, "-o", local).exit_code == 0
    result = run(
        "parse", "--jsonl", corpus, "--scheduler", scheduler, "--partition-size", 2, "-o", remote
    )
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()
    records = [json.loads(line) for line in remote.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == IDS
    assert [t["name"] for t in records[4]["toponyms"]] == ["Mosul", "Erbil"]
    assert result.stderr.splitlines() == [f"geo: warning: {corpus.parent}/{s}" for s in SKIPPED]


def test_layers_on_the_cluster_write_what_local_processes_write(
    run, scheduler, corpus, local_layers, tmp_path
):
    out = tmp_path / "cluster.geojson"
    result = run("layers", "--jsonl", corpus, "--scheduler", scheduler, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == local_layers
    assert result.stderr.splitlines() == [f"geo: warning: {corpus.parent}/{s}" for s in SKIPPED]
    fc = json.loads(local_layers)
    validate_feature_collection(fc)
    layers = [f["properties"]["layer"] for f in fc["features"]]
    assert layers[0] == "reference" and layers.count("reference") == 1  # once, not per article
    drawn = [f["properties"] for f in fc["features"][1:]]
    assert list(dict.fromkeys(p["article"] for p in drawn)) == IDS  # in input order
    assert {"route", "event", "place"} <= {p["layer"] for p in drawn}
    route = next(p for p in drawn if p["layer"] == "route")
    assert (route["article"], route["date"], route["date_stated"]) == (
        "z-route",
        "2017-05-29",
        True,
    )


def test_parse_partitions_hold_the_records_in_input_order(run, scheduler, corpus, tmp_path):
    folder = tmp_path / "toponyms"
    args = ("parse", "--jsonl", corpus, "--partitions", folder, "--partition-size", 2)
    result = run(*args, "--scheduler", scheduler, "--progress")
    assert result.exit_code == 0, result.output
    assert f"wrote 5 articles in 3 partitions to {folder}" in result.stderr
    assert "5/5" in result.stderr  # the progress bar
    paths = sorted(folder.iterdir())
    assert [p.name for p in paths] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    parts = [[json.loads(line) for line in p.read_text().splitlines()] for p in paths]
    assert [[r["id"] for r in part] for part in parts] == [IDS[0:2], IDS[2:4], IDS[4:]]
    assert [r for part in parts for r in part] == list(parse_records(ARTICLES, processes=1))


def test_layers_partitions_are_geoparquet_with_provenance_columns(
    run, scheduler, corpus, local_layers, tmp_path
):
    folder = tmp_path / "layers"
    args = ("layers", "--jsonl", corpus, "--partitions", folder, "--partition-size", 2)
    result = run(*args, "--scheduler", scheduler)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["_reference.parquet", *(f"part-0000{k}.parquet" for k in range(3))]
    parts = [gpd.read_parquet(folder / name) for name in names[1:]]
    assert [list(dict.fromkeys(part["article"])) for part in parts] == [
        IDS[0:2],
        IDS[2:4],
        IDS[4:],
    ]
    for part in parts:
        assert part.crs.to_epsg() == 4326
        assert list(part.columns) == [*LAYER_COLUMNS, "geometry"]  # the same in every partition
        assert set(PROVENANCE_PROPERTIES) <= set(part.columns)
        known = ["layer", "claim", "article", "passage", "start", "end", "confidence"]
        assert part[known].notna().all().all()
    table = gpd.read_parquet(folder)  # the folder as one table: the articles' features, in order
    expected = [f for f in json.loads(local_layers)["features"] if f["properties"]["article"]]
    assert list(table["feature_id"]) == [f["id"] for f in expected]
    assert list(table["start"]) == [f["properties"]["start"] for f in expected]
    assert [json.loads(m) for m in table["mentions"].dropna()] == [
        f["properties"]["mentions"] for f in expected if f["properties"]["layer"] == "place"
    ]
    assert table.geometry.is_valid.all() and not table.geometry.is_empty.any()
    reference = gpd.read_parquet(folder / "_reference.parquet")
    assert set(reference["layer"]) == {"reference"} and reference.crs.to_epsg() == 4326


def test_layers_of_files_on_the_cluster_can_keep_some_layers(run, scheduler, tmp_path):
    files = []
    for article in ARTICLES[:3]:
        files.append(tmp_path / f"{article.id}.txt")
        files[-1].write_text(article.text, encoding="utf-8")
    out = tmp_path / "places.geojson"
    result = run("layers", *files, "--layer", "place", "--scheduler", scheduler, "-o", out)
    assert result.exit_code == 0, result.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["layer"] for f in features} == {"place"}
    assert list(dict.fromkeys(f["properties"]["article"] for f in features)) == IDS[:3]


def test_each_worker_keeps_its_gazetteer(scheduler):
    from distributed import Client

    def _worker_gazetteer_id() -> int | None:  # nested: sent by value, the workers lack tests/
        import geo.batch

        gazetteer = geo.batch._worker_gazetteer
        return None if gazetteer is None else id(gazetteer)

    cluster = DaskCluster(scheduler, partition_size=1)
    assert len(list(parse_records(ARTICLES, cluster=cluster))) == 5
    with Client(scheduler, set_as_default=False) as client:
        opened = client.run(_worker_gazetteer_id)
        assert len(opened) == 2 and None not in opened.values()
        list(layer_collections(ARTICLES, cluster=cluster))
        assert client.run(_worker_gazetteer_id) == opened  # the same objects: not opened again


def test_a_failing_article_on_the_cluster_is_named(scheduler):
    articles = [ARTICLES[0], Article(id="broken", text=None), ARTICLES[1]]
    records = parse_records(articles, cluster=DaskCluster(scheduler, partition_size=1))
    assert next(records)["id"] == IDS[0]
    with pytest.raises(
        ParseError, match=r"^article 'broken': the parser failed \(AttributeError: "
    ):
        next(records)
    records.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_clear_line(run, corpus):
    address = f"tcp://127.0.0.1:{_free_port()}"
    result = run("parse", "--jsonl", corpus, "--scheduler", address, "--connect-timeout", 1)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"geo: error: cannot reach the Dask scheduler at {address} within 1 s; check the"
        " address, or start one with 'dask scheduler' and workers with"
        " 'dask worker tcp://HOST:8786'"
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("address", "problem"),
    [("http://10.0.0.5:8787", "unknown scheme 'http'"), ("", "no host and port")],
)
def test_a_bad_scheduler_address_is_refused_before_anything_runs(run, corpus, address, problem):
    result = run("layers", "--jsonl", corpus, "--scheduler", address)
    assert result.exit_code == 2
    assert result.stderr == (
        f"geo: error: {address!r} is not a Dask scheduler address: {problem};"
        " give one such as tcp://HOST:8786\n"
    )


def test_the_library_raises_cluster_error_for_an_unreachable_scheduler():
    cluster = DaskCluster(f"tcp://127.0.0.1:{_free_port()}", connect_timeout=0.5)
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as caught:
        list(parse_records(ARTICLES, cluster=cluster))
    assert isinstance(caught.value, ConnectionError)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--processes", "2", "--scheduler", "tcp://127.0.0.1:8786"], "--processes or --scheduler"),
        (["-o", "out.jsonl", "--partitions", "out"], "-o OUT or --partitions DIR, not both"),
    ],
)
def test_clashing_options_are_usage_errors(run, corpus, extra, message):
    result = run("parse", "--jsonl", corpus, *extra)
    assert result.exit_code == 2 and message in result.stderr


def test_partitions_never_mix_with_an_earlier_run(run, corpus, tmp_path):
    (tmp_path / "part-00000.jsonl").write_text("{}\n", encoding="utf-8")
    result = run("parse", "--jsonl", corpus, "--processes", 1, "--partitions", tmp_path)
    assert result.exit_code == 2
    assert "the partition folder is not empty (it holds part-00000.jsonl)" in result.stderr
    assert (tmp_path / "part-00000.jsonl").read_text(encoding="utf-8") == "{}\n"


def test_every_property_the_layers_draw_has_a_typed_column(sample_parsed, gazetteer):
    fc = article_layers(sample_parsed, gazetteer, reference=False)
    assert {"control", "route", "event", "area", "distance", "place"} <= {
        f["properties"]["layer"] for f in fc["features"]
    }
    drawn = {key for f in fc["features"] for key in f["properties"]}
    assert drawn - set(LAYER_COLUMNS) == set()
