"""Measure the local gazetteer: build and open time, lookup latency, size, memory, coverage.

Usage:
    .venv/bin/python benchmarks/gazetteer.py [--corpus GOLD.jsonl ...] [--seed GOLD.json]
                                             [--skip-build]

* Build time from the installed packages and ``data/gazetteer`` (into a
  temporary folder), open time, index size, peak memory of this process.
* Lookup latency over every gold toponym name in text order, median and p99
  (default limit; the key cache starts empty). The first look-up of each
  name is timed twice: in a fresh process, whose first look-ups also pay for
  mapping the index's pages in and warming Python up, and in a warmed process,
  after look-ups of a fixed sample of other names from the index (the state
  of a parser some articles into a batch). The difference, summed over the
  names, is what a new process pays once.
* Seed spellings: for every place of the sample article's gold
  (``../shared/bench/seed/gold.json``), each of its surface spellings is looked
  up; the top candidate must lie within the gold tolerance of its point or line
  (distance to the line, as ``check_seed.py`` measures it), or inside its box.
* Coverage ceiling: over the gold toponyms that have coordinates, the share for
  which *some* candidate (any rank) lies within 161 km of the gold point (geopy's
  geodesic): no resolver can do better with this gazetteer. Printed twice:
  by the candidates' points (the ceiling of a resolver that answers with a
  point, as the parser does), and by their lines and areas too (a country's
  outline, a region's box; 0 km from a gold point inside it). The
  uncovered names are split into "not in the gazetteer" and "known, but not
  near the gold point". By default the corpora are TR-News and GeoVirus.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import numpy as np
import shapely
from geopy.distance import geodesic, great_circle
from shapely.geometry import LineString, Point, box, shape
from shapely.geometry.base import BaseGeometry

from geo.gazetteer import Candidate, LocalGazetteer
from geo.gazetteer_build import build_index, default_index_path

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
KM = 161
#: The built index alone is measured, not a user's imported places.
_NO_USER_INDEX = Path(tempfile.gettempdir()) / "no-user-index"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--corpus",
        action="append",
        type=Path,
        help="gold JSONL (repeatable); default: TR-News and GeoVirus",
    )
    ap.add_argument("--seed", type=Path, default=BENCH / "seed" / "gold.json")
    ap.add_argument("--skip-build", action="store_true", help="do not time a fresh build")
    args = ap.parse_args()
    corpora = args.corpus or [BENCH / "trnews.jsonl", BENCH / "geovirus.jsonl"]

    if not args.skip_build:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            build_index(Path(tmp) / "g.sqlite")
            print(f"build: {time.perf_counter() - t:.1f} s (from installed packages)")
    path = default_index_path()
    if not path.exists():
        build_index(path)
    t = time.perf_counter()
    gaz = LocalGazetteer(path, user_index=_NO_USER_INDEX)
    opened_ms = (time.perf_counter() - t) * 1000
    print(f"open: {opened_ms:.1f} ms   index: {path.stat().st_size / 1e6:.1f} MB")

    if args.seed.exists():
        seed_spellings(gaz, args.seed)
    for corpus in corpora:
        coverage(gaz, corpus)
    print(f"\npeak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


def seed_spellings(gaz: LocalGazetteer, gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    right = total = 0
    print(f"\nseed spellings ({gold_path.name}): top candidate of each surface spelling")
    for place in gold["places"]:
        for surface in sorted(set(place["surfaces"])):
            total += 1
            top = gaz.lookup(surface, limit=1)
            ok = bool(top) and _fits(place, top[0])
            right += ok
            got = f"{top[0].name} ({top[0].kind}, {top[0].match})" if top else "nothing"
            flag = "ok  " if ok else "MISS"
            req = "required" if place.get("required") else "optional"
            print(f"  {flag} {surface!r:28} {req:8} -> {got}")
    print(f"  right: {right}/{total}")


def _fits(place: dict, c: Candidate) -> bool:
    if "bbox" in place:
        x0, y0, x1, y1 = place["bbox"]
        return x0 <= c.lon <= x1 and y0 <= c.lat <= y1
    if "line" in place:
        return _km_to_line(c.lat, c.lon, place["line"]) <= place["tolerance_km"]
    return geodesic((place["lat"], place["lon"]), (c.lat, c.lon)).km <= place["tolerance_km"]


def _km_to_line(lat: float, lon: float, line: list[list[float]]) -> float:
    """Km from (lat, lon) to a polyline of [lon, lat] pairs (as ``check_seed.py`` measures)."""
    return _km_to(LineString(line), lat, lon)


def _km_to(geom: BaseGeometry, lat: float, lon: float) -> float:
    """Km from (lat, lon) to ``geom`` (0 inside an area), on a plane tangent at the point.

    Good to well under 1,000 km, which is all a 161 km test needs.
    """
    scale = np.array([math.cos(math.radians(lat)) * 111.32, 110.57])
    return shapely.transform(geom, lambda xy: (xy - (lon, lat)) * scale).distance(Point(0, 0))


def _area_km(c: Candidate, point: tuple[float, float]) -> float:
    """Km from a gold point to a candidate's line or area (its geometry, else its box).

    A town's box is no area of its own; a box whose west lies east of its east
    crosses the antimeridian (North America). ``inf`` for a candidate that is a point.
    """
    lat, lon = point
    if c.geometry and c.geometry["type"] != "Point":
        return _km_to(shape(c.geometry), lat, lon)
    if c.bbox and c.kind != "city":
        west, south, east, north = c.bbox
        if west > east:
            area = box(west, south, 180, north).union(box(-180, south, east, north))
        else:
            area = box(west, south, east, north)
        return _km_to(area, lat, lon)
    return math.inf


def coverage(gaz: LocalGazetteer, corpus: Path) -> None:
    gold = [
        t
        for line in corpus.open(encoding="utf-8")
        if line.strip()
        for t in json.loads(line)["toponyms"]
        if t.get("lat") is not None
    ]
    names = [t["name"] for t in gold]
    fresh = _in_fresh_process(gaz.path, names)
    _warm_up(gaz)
    warmed = _latencies(gaz, names)
    by_point, by_area = 0, 0
    unknown, far = Counter(), Counter()
    for toponym in gold:
        candidates = gaz.lookup(toponym["name"], limit=1000)
        point = (toponym["lat"], toponym["lon"])
        nearest = min(
            candidates, key=lambda c: great_circle((c.lat, c.lon), point).km, default=None
        )
        near = nearest is not None and geodesic((nearest.lat, nearest.lon), point).km <= KM
        by_point += near
        if near or any(_area_km(c, point) <= KM for c in candidates):
            by_area += 1
        elif candidates:
            far[toponym["name"]] += 1
        else:
            unknown[toponym["name"]] += 1
    firsts = _first_occurrences(gold)
    latencies = sorted(warmed)
    p99 = _p99(latencies)
    print(f"\n{corpus.name}: {len(gold)} gold toponyms with coordinates")
    print(f"  coverage ceiling, candidate point within {KM} km: {by_point / len(gold):.3f}")
    print(f"  coverage ceiling, point or area within {KM} km: {by_area / len(gold):.3f}")
    distinct = len({t["name"] for t in gold})
    print(
        f"  lookup latency: median {statistics.median(latencies) * 1e6:.0f} us,"
        f" p99 {p99 * 1e6:.0f} us (default limit of 10 candidates; {distinct} distinct"
        f" names in {len(gold)} lookups, so repeats are answered from the cache)"
    )
    for state, timed in (("fresh process", fresh), ("warmed process", warmed)):
        cold = sorted(timed[i] for i in firsts)
        print(
            f"  lookup latency, first lookup of each name, {state}: median"
            f" {statistics.median(cold) * 1e6:.0f} us, p99 {_p99(cold) * 1e6:.0f} us"
        )
    once = sum(fresh[i] - warmed[i] for i in firsts)
    print(
        f"  a fresh process's first lookups of the {len(firsts)} names took {once * 1e3:.1f} ms"
        " longer in all (mapping the index's pages in, warming Python up)"
    )
    for label, missing in (("not in the gazetteer", unknown), ("known, but not near", far)):
        print(
            f"  uncovered, {label} ({sum(missing.values())}):",
            ", ".join(f"{n} ({c})" for n, c in missing.most_common(25)),
        )


#: How many names of the index a warmed process has looked up before it is timed.
WARM_UP_LOOKUPS = 2000


def _warm_up(gaz: LocalGazetteer) -> None:
    """Look up :data:`WARM_UP_LOOKUPS` names spread evenly through the index's places."""
    with closing(sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)) as db:
        (count,) = db.execute("SELECT count(*) FROM places").fetchone()
        step = max(1, count // WARM_UP_LOOKUPS)
        names = db.execute("SELECT name FROM places WHERE rowid % ? = 0", (step,)).fetchall()
    for (name,) in names:
        gaz.lookup(name)


def _latencies(gaz: LocalGazetteer, names: list[str]) -> list[float]:
    """Seconds each look-up of ``names`` takes, in order, starting with an empty key cache.

    In text order, so a name met again is answered from the cache, as in use.
    """
    gaz.clear_cache()
    latencies = []
    for name in names:
        t = time.perf_counter()
        gaz.lookup(name)
        latencies.append(time.perf_counter() - t)
    return latencies


def _in_fresh_process(path: Path, names: list[str]) -> list[float]:
    """:func:`_latencies` in a new Python process that opens the index itself."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_latencies_of_new_gazetteer, (path, names))


def _latencies_of_new_gazetteer(path: Path, names: list[str]) -> list[float]:
    return _latencies(LocalGazetteer(path, user_index=_NO_USER_INDEX), names)


def _p99(ordered: list[float]) -> float:
    return ordered[int(0.99 * (len(ordered) - 1))]


def _first_occurrences(gold: list[dict]) -> list[int]:
    seen: set[str] = set()
    firsts = []
    for i, toponym in enumerate(gold):
        if toponym["name"] not in seen:
            seen.add(toponym["name"])
            firsts.append(i)
    return firsts


if __name__ == "__main__":
    sys.exit(main())
