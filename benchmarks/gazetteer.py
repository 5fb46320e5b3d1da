"""Measure the local gazetteer: build and open time, lookup latency, size, memory, coverage.

Usage:
    .venv/bin/python benchmarks/gazetteer.py [--corpus GOLD.jsonl ...] [--skip-build]

Coverage ceiling: over the gold toponyms that have coordinates, the share for
which *some* candidate of the gazetteer (any rank) lies within 161 km of the
gold point: no resolver can do better with this gazetteer. By default the
corpora are ../shared/bench/trnews.jsonl and geovirus.jsonl. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from geopy.distance import great_circle

from geo.gazetteer import LocalGazetteer
from geo.gazetteer_build import build_index, default_index_path

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--corpus",
        action="append",
        type=Path,
        help="gold JSONL (repeatable); default: TR-News and GeoVirus",
    )
    ap.add_argument("--skip-build", action="store_true", help="do not time a fresh build")
    args = ap.parse_args()
    corpora = args.corpus or [BENCH / "trnews.jsonl", BENCH / "geovirus.jsonl"]

    if not args.skip_build:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            build_index(Path(tmp) / "g.sqlite")
            print(f"build: {time.perf_counter() - t:.1f} s (from installed packages)")
    path = default_index_path()
    t = time.perf_counter()
    gaz = LocalGazetteer(path)
    opened_ms = (time.perf_counter() - t) * 1000
    print(f"open: {opened_ms:.1f} ms   index: {path.stat().st_size / 1e6:.1f} MB")

    for corpus in corpora:
        gold = [
            t
            for line in corpus.open(encoding="utf-8")
            if line.strip()
            for t in json.loads(line)["toponyms"]
            if t.get("lat") is not None
        ]
        latencies, covered, missing = [], 0, Counter()
        for toponym in gold:
            t = time.perf_counter()
            candidates = gaz.lookup(toponym["name"], limit=1000)
            latencies.append(time.perf_counter() - t)
            gold_point = (toponym["lat"], toponym["lon"])
            if any(great_circle((c.lat, c.lon), gold_point).km <= 161 for c in candidates):
                covered += 1
            else:
                missing[toponym["name"]] += 1
        latencies.sort()
        p99 = latencies[int(0.99 * (len(latencies) - 1))]
        print(f"\n{corpus.name}: {len(gold)} gold toponyms with coordinates")
        print(f"  coverage ceiling (some candidate within 161 km): {covered / len(gold):.3f}")
        print(
            f"  lookup latency: median {statistics.median(latencies) * 1e6:.0f} us,"
            f" p99 {p99 * 1e6:.0f} us (limit=1000)"
        )
        print(
            "  most frequent uncovered names:",
            ", ".join(f"{n} ({c})" for n, c in missing.most_common(15)),
        )
    print(f"\npeak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
