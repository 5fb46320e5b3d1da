"""Measure the claims stage: how fast it runs and what it draws, on news other than the sample.

Usage:
    .venv/bin/python benchmarks/layers.py [--corpus GOLD.jsonl ...] [--limit N] [--show N]

For each article of the corpora (default: TR-News and GeoVirus, all of them;
they are news of many places and topics, not only war) the geoparser runs,
then claims and layers (:func:`geo.layers.article_layers`, without the
reference layers), timed separately. Printed: articles, KB, ms per article
and per KB for parsing and for claims + layers, claims per type, features per
layer, the share of claims with an actor, a date stated in the text and a
reporting source, and how many stated distances the gazetteer contradicts.
``--show N`` prints N claims at random (seeded) with their text, for reading
by eye: the corpora have no gold claims, so precision is not measured here.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, documents  # noqa: E402

from geo.article import Article, matching_text  # noqa: E402
from geo.gazetteer import LocalGazetteer  # noqa: E402
from geo.layers import article_layers  # noqa: E402
from geo.pipeline import parse_article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", type=Path, help="gold JSONL (repeatable)")
    parser.add_argument("--limit", type=int, default=0, help="articles per corpus (0: all)")
    parser.add_argument("--show", type=int, default=0, help="print N claims at random")
    args = parser.parse_args()
    gazetteer = LocalGazetteer()
    parse_article(Article(id="warm", text="Warm up in Damascus."), gazetteer)
    parse_ms, layer_ms, kb = [], [], 0.0
    claims, layers, with_actor, with_date, with_source = Counter(), Counter(), 0, 0, 0
    contradicted, distances, shown = 0, 0, []
    for path in args.corpus or list(CORPORA.values()):
        for i, doc in enumerate(documents(path)):
            if args.limit and i >= args.limit:
                break
            article = Article(id=str(doc["id"]), text=doc["text"])
            kb += len(doc["text"].encode("utf-8")) / 1024
            t0 = time.perf_counter()
            parsed = parse_article(article, gazetteer)
            t1 = time.perf_counter()
            fc = article_layers(parsed, gazetteer, reference=False)
            t2 = time.perf_counter()
            parse_ms.append((t1 - t0) * 1000)
            layer_ms.append((t2 - t1) * 1000)
            for feature in fc["features"]:
                props = feature["properties"]
                layers[props["layer"]] += 1
                if props["layer"] == "place":
                    continue
                claims[props["claim"]] += 1
                with_actor += props["actor"] is not None
                with_date += bool(props["date_stated"])
                with_source += bool(props["source"])
                if props["layer"] == "distance":
                    distances += 1
                    contradicted += not props["consistent"]
                shown.append(f"{props['claim']:9} {props['actor']}: {matching_text(props['text'])}")
    n, total_claims = len(parse_ms), sum(claims.values())
    print(f"articles: {n}, {kb:.0f} KB ({kb / max(n, 1):.1f} KB each)")
    for name, ms in (("parse", parse_ms), ("claims + layers", layer_ms)):
        print(
            f"{name}: {statistics.mean(ms):.1f} ms/article mean, "
            f"{statistics.median(ms):.1f} median, {sum(ms) / kb:.1f} ms/KB"
        )
    print(f"claims: {total_claims} ({dict(claims.most_common())})")
    print(f"features per layer: {dict(layers.most_common())}")
    if total_claims:
        print(
            f"with an actor: {with_actor / total_claims:.2f}, a date stated: "
            f"{with_date / total_claims:.2f}, a reporting source: {with_source / total_claims:.2f}"
        )
    print(f"stated distances: {distances}, contradicted by the gazetteer: {contradicted}")
    for line in random.Random(7).sample(shown, min(args.show, len(shown))):
        print("  " + line[:150])


if __name__ == "__main__":
    main()
