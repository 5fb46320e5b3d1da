"""Measure how corpus runs scale: articles per second and peak memory, locally and on Dask.

Usage:
    .venv/bin/python benchmarks/scale.py [--corpus GOLD.jsonl ...] [--limit N]
        [--jobs parse layers] [--partition-size N]

The corpora (default: TR-News and GeoVirus, concatenated, as in the other
benchmarks) go through :func:`geo.batch.parse_records` (``geo parse``) and
:func:`geo.batch.layer_collections` (``geo layers``, without reference layers)
with each runner:

* ``1 process``: everything in one process (``processes=1``);
* ``2 processes``: a pool of two worker processes (``processes=2``);
* ``dask, cold``: a Dask ``LocalCluster`` of two worker processes, one thread
  each, just started: its workers open their gazetteer and spaCy model on
  their first partition, as the pool's do;
* ``dask, warm``: a second run on the same cluster, whose workers have kept
  theirs (what a long-running cluster gives).

Each runner runs in a fresh child process. The seconds count from the call to
the last result, so they include starting the pool and the workers' loading,
but not loading the corpus or starting the LocalCluster (printed apart). Peak
memory is the largest sum of the resident set sizes (RSS) of the child and all
its descendants (workers, Dask nannies), sampled every 0.05 s with psutil
while the run lasts; shared pages are counted once per process. The load
average is printed with each row: other work on the machine slows the runs.

Prints a Markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, documents  # noqa: E402

from geo.article import Article  # noqa: E402
from geo.cluster import DEFAULT_PARTITION_SIZE  # noqa: E402

RUNNERS = ("1 process", "2 processes", "dask, cold", "dask, warm")
_SAMPLE_S = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", type=Path, help="gold JSONL (repeatable)")
    parser.add_argument("--limit", type=int, default=0, help="articles per corpus (0: all)")
    parser.add_argument(
        "--jobs", nargs="+", choices=["parse", "layers"], default=["parse", "layers"]
    )
    parser.add_argument(
        "--partition-size",
        type=int,
        default=DEFAULT_PARTITION_SIZE,
        help="articles per Dask task (default: %(default)s, as geo parse --scheduler)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # JOB:RUNNER, run in a child process
    args = parser.parse_args()
    paths = args.corpus or list(CORPORA.values())
    if args.child:
        _child(args.child, _articles(paths, args.limit), args.partition_size)
        return
    articles = _articles(paths, args.limit)
    kb = sum(len(a.text.encode("utf-8")) for a in articles) / 1024
    print(f"corpus: {' + '.join(p.name for p in paths)}, {len(articles)} articles, {kb:.0f} KB")
    print(
        f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GB;"
        f" load average at start {_load()}; Dask partition size {args.partition_size}"
    )
    print()
    print("| job | runner | articles | seconds | articles/s | × 1 process | peak RSS, MB | load |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    notes = []
    for job in args.jobs:
        single = None
        for runner in ("1 process", "2 processes", "dask"):
            command = [sys.executable, __file__, "--child", f"{job}:{runner}"]
            command += ["--partition-size", str(args.partition_size), "--limit", str(args.limit)]
            for path in args.corpus or []:
                command += ["--corpus", str(path)]
            for row in _measured(command):
                rate = row["articles"] / row["seconds"]
                single = rate if row["runner"] == "1 process" else single
                ratio = f"{rate / single:.2f}" if single else "-"
                print(
                    f"| {job} | {row['runner']} | {row['articles']} | {row['seconds']:.1f} |"
                    f" {rate:.2f} | {ratio} | {row['peak_mb']:.0f} | {row['load']} |"
                )
                if "cluster_start_s" in row:
                    notes.append(f"{job}: LocalCluster start {row['cluster_start_s']:.1f} s")
    print()
    print(f"not counted above: {'; '.join(notes) or 'no cluster'}")
    print(f"load average at end {_load()}")


def _articles(paths: list[Path], limit: int) -> list[Article]:
    articles = []
    for path in paths:
        for i, doc in enumerate(documents(path)):
            if limit and i >= limit:
                break
            articles.append(Article(id=f"{path.stem}-{doc['id']}", text=doc["text"]))
    return articles


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _measured(command: list[str]) -> list[dict]:
    """Run ``command`` (a ``--child``), sampling its process tree's RSS; its rows, with peaks."""
    samples: list[tuple[float, int]] = []
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(child.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = 0
            for process in tree:
                try:
                    rss += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            samples.append((time.time(), rss))
            time.sleep(_SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed with exit code {child.returncode}")
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for row in rows:
        during = [rss for t, rss in samples if row["started"] <= t <= row["ended"]]
        row["peak_mb"] = max(during, default=0) / 2**20
    return rows


def _child(spec: str, articles: list[Article], partition_size: int) -> None:
    job, runner = spec.split(":")
    if runner != "dask":
        _report(job, runner, articles, processes=1 if runner == "1 process" else 2)
        return
    from distributed import LocalCluster

    from geo.cluster import DaskCluster

    started = time.perf_counter()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        start_s = time.perf_counter() - started
        cluster = DaskCluster(local.scheduler_address, partition_size=partition_size)
        _report(job, "dask, cold", articles, cluster=cluster, cluster_start_s=start_s)
        _report(job, "dask, warm", articles, cluster=cluster)


def _report(job: str, runner: str, articles: list[Article], **how) -> None:
    from geo.batch import layer_collections, parse_records

    run = parse_records if job == "parse" else layer_collections
    extra = {"cluster_start_s": how.pop("cluster_start_s")} if "cluster_start_s" in how else {}
    started = time.time()
    t0 = time.perf_counter()
    count = sum(1 for _ in run(articles, **how))
    seconds = time.perf_counter() - t0
    row = {"runner": runner, "articles": count, "seconds": seconds, **extra}
    print(
        json.dumps({**row, "started": started, "ended": time.time(), "load": _load()}), flush=True
    )


if __name__ == "__main__":
    main()
