"""Measure the geoparser on the gold corpora: recognition, resolution, end to end, speed.

Usage:
    .venv/bin/python benchmarks/geoparse.py [--corpus trnews|geovirus|wiktor|PATH ...]
                                            [--split fit|held|all] [--processes N]
                                            [--gold-spans] [--write-docs]
    .venv/bin/python benchmarks/geoparse.py --corpus NAME|PATH --system SYSTEM.jsonl
                                            [--split fit|held|all]

Runs ``geo`` over the documents of each corpus (``geo.batch.parse_records``)
and prints, per corpus:

* documents, gold toponyms, system toponyms;
* recognition precision, recall and F1, with exact spans and with overlapping
  spans;
* resolution over the gold toponyms that were recognised (an overlapping span)
  and have coordinates: acc@161 km, median and mean error in km, AUC (lower is
  better);
* end to end: acc@161 km over all gold toponyms with coordinates (a missed
  toponym counts as wrong);
* speed: articles per second, wall clock from the first article sent to the
  last record received (worker start-up included), with the number of worker
  processes; and wall-clock ms per KB (1,024 bytes) of UTF-8 text;
* speed per core, warm: the same in this one process once the gazetteer is
  open and the spaCy model loaded (one article parsed first), every article
  parsed and turned into its record: what one core sustains on a long run.

The metrics are those of ``../shared/bench/score_geoparse.py``, re-implemented
in ``metrics.py``; ``--system`` scores an existing ``geo parse`` output instead
of running the parser, to check that the two agree.

Corpora: ``trnews`` and ``geovirus`` by default (``corpora.CORPORA``);
``wiktor`` annotates only the title place of each article, so for it only
resolution and end to end are reported; a PATH is any gold JSONL file in the
shared schema (named after its stem). The split is by document (see
``corpora.py``): ``held`` by default, the half that fitting never sees.

``--gold-spans`` also resolves the gold spans themselves
(``geo.batch.resolve_records``): resolution when recognition is perfect.
``--write-docs`` rewrites ``docs/geoparser.md`` with the figures printed.
``--misses`` sorts the gold toponyms the parser did not find (exact span)
by why: never proposed as a span; proposed inside or as an organisation's
or a person's name ("Manitoba" in "Manitoba Underdogs Rescue", which
TR-News annotates; the parser reports such a name, as ``in_name``, only
when its model would take the name alone for a place); proposed as a
demonym; or proposed and refused by the recogniser.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from corpora import BENCH, CORPORA, documents
from metrics import Tally, score

from geo.article import Article
from geo.batch import parse_records, resolve_records
from geo.gazetteer import LocalGazetteer
from geo.pipeline import bench_record, parse_article
from geo.recognize import find_mentions, propose_spans

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "geoparser.md"
NAMED = {**CORPORA, "wiktor": BENCH / "wiktor.jsonl"}
#: Corpora that annotate only some toponyms of a text: no recognition figures.
RESOLUTION_ONLY = {"wiktor"}
NA = "–"
#: Third-party figures from ../shared/bench/README.md (the shared scorer, whole corpora).
ANCHORS = """\
| corpus | best recognition F1 | best end-to-end acc@161 km |
|---|---|---|
| TR-News | 0.815 (Stanford NER + GeoNames population) | 0.534 |
| GeoVirus | 0.918 (Stanford NER + GeoNames population) | 0.624 (CamCoder) |
"""


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        epilog="\n\n".join(__doc__.split("\n\n")[2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--corpus",
        action="append",
        type=_corpus,
        metavar="NAME|PATH",
        help=f"{', '.join(NAMED)} or a gold JSONL file (repeatable; default: trnews, geovirus)",
    )
    ap.add_argument(
        "--split",
        choices=["fit", "held", "all"],
        default="held",
        help="which half of each corpus (default: held, the half fitting never sees)",
    )
    ap.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help=f"worker processes (default: one per CPU, here {os.cpu_count() or 1})",
    )
    ap.add_argument(
        "--gold-spans", action="store_true", help="also resolve the gold spans themselves"
    )
    ap.add_argument("--write-docs", action="store_true", help=f"rewrite {DOC.relative_to(ROOT)}")
    ap.add_argument("--misses", action="store_true", help="sort the gold toponyms not found by why")
    ap.add_argument(
        "--system",
        type=Path,
        metavar="SYSTEM.jsonl",
        help="score this output of 'geo parse' instead of running the parser (one --corpus)",
    )
    args = ap.parse_args()
    if args.processes is not None and args.processes < 1:
        ap.error("--processes must be 1 or more")
    if args.system and (args.gold_spans or args.write_docs or args.misses):
        ap.error(
            "--system scores a file without running geo:"
            " drop --gold-spans, --write-docs and --misses"
        )
    if args.system and (not args.corpus or len(args.corpus) != 1):
        ap.error("--system needs exactly one --corpus, the gold of that output")
    corpora = args.corpus or list(CORPORA.items())
    split = None if args.split == "all" else args.split

    rows = []
    for name, path in corpora:
        docs = list(documents(path, split))
        if args.system:
            row = _figures(name, score(docs, _read_records(args.system)))
        else:
            row = _run(name, docs, args.processes, args.gold_spans)
        rows.append(row)
        print(_report(row, args.split), flush=True)
        if args.misses and name not in RESOLUTION_ONLY:
            print(_misses(docs), flush=True)
    if args.write_docs:
        DOC.write_text(_doc(rows, args.split), encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


#: Proposal features that put a span inside or as the name of another kind of entity.
_OTHER_ENTITY = ("inside_org", "inside_person", "inside_other_entity", "ner_ORG", "ner_PERSON")


def _misses(docs: list[dict]) -> str:
    """The gold toponyms the parser does not find (exact span), counted by why."""
    gazetteer = LocalGazetteer()
    why: dict[str, Counter] = {}
    for doc in docs:
        article = Article(id=str(doc["id"]), text=doc["text"])
        found = {(m.start, m.end) for m in find_mentions(article, gazetteer)}
        proposed = {(p.start, p.end): p for p in propose_spans(article, gazetteer)}
        for t in doc["toponyms"]:
            span = (t["start"], t["end"])
            if span in found:
                continue
            p = proposed.get(span)
            if p is None:
                reason = "never proposed as a span"
            elif any(p.features.get(f) for f in _OTHER_ENTITY):
                reason = "proposed inside or as an organisation's or a person's name"
            elif p.candidates and p.candidates[0].adjective:
                reason = "proposed as a demonym"
            else:
                reason = "proposed, refused by the recogniser"
            why.setdefault(reason, Counter())[t["name"]] += 1
    lines = [f"  gold toponyms not found: {sum(sum(c.values()) for c in why.values())}"]
    for reason, names in sorted(why.items(), key=lambda kv: -sum(kv[1].values())):
        common = ", ".join(f"{n} ({k})" for n, k in names.most_common(8))
        lines.append(f"    {sum(names.values()):4d} {reason}: {common}")
    return "\n".join(lines)


def _corpus(value: str) -> tuple[str, Path]:
    path = NAMED.get(value, Path(value))
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value}: neither {', '.join(NAMED)} nor a file")
    return (value if value in NAMED else path.stem), path


def _read_records(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return {str(r["id"]): r for r in records}


def _run(name: str, docs: list[dict], processes: int | None, gold_spans: bool) -> dict:
    articles = [Article(id=str(d["id"]), text=d["text"]) for d in docs]
    shown = sys.stderr.isatty()
    start = time.perf_counter()
    records = {r["id"]: r for r in parse_records(articles, processes=processes, progress=shown)}
    seconds = time.perf_counter() - start
    workers = max(1, min(processes or os.cpu_count() or 1, len(docs)))
    kb = sum(len(a.text.encode("utf-8")) for a in articles) / 1024
    row = _figures(name, score(docs, records))
    row["processes"] = str(workers)
    row["articles/s"] = f"{len(docs) / seconds:.1f}"
    row["ms/KB"] = f"{seconds * 1000 / kb:.1f}"
    warm = _warm_seconds(articles)
    row["articles/s per core, warm"] = f"{len(docs) / warm:.1f}"
    row["ms/KB per core, warm"] = f"{warm * 1000 / kb:.1f}"
    if gold_spans:
        spans = [[(t["start"], t["end"]) for t in d["toponyms"]] for d in docs]
        jobs = list(zip(articles, spans, strict=True))
        given = resolve_records(jobs, processes=processes, progress=shown)
        row.update(_resolution(score(docs, {r["id"]: r for r in given}), prefix="gold spans "))
    return row


def _warm_seconds(articles: list[Article]) -> float:
    """Seconds to parse every article in this process, the gazetteer and model loaded."""
    gazetteer = LocalGazetteer()
    bench_record(parse_article(articles[0], gazetteer))  # loads the spaCy model
    start = time.perf_counter()
    for article in articles:
        bench_record(parse_article(article, gazetteer))
    return time.perf_counter() - start


def _figures(name: str, tally: Tally) -> dict[str, str]:
    """Every figure of one corpus, formatted once: the report and the doc print these."""
    row = {
        "corpus": name,
        "docs": str(tally.documents),
        "gold": str(tally.gold),
        "system": str(tally.system),
    }
    for matching in ("exact", "overlap"):
        for label, value in (
            ("P", tally.precision(matching)),
            ("R", tally.recall(matching)),
            ("F1", tally.f1(matching)),
        ):
            row[f"{matching} {label}"] = NA if name in RESOLUTION_ONLY else _ratio(value)
    row.update(_resolution(tally))
    row["end to end acc@161"] = _ratio(tally.end_to_end())
    row["gold with coords"] = str(tally.gold_with_coordinates)
    row["far, at gold place"] = str(tally.far_at_gold_place)
    for column in SPEED_COLUMNS:
        row[column] = NA
    return row


def _resolution(tally: Tally, prefix: str = "") -> dict[str, str]:
    figures = {
        "resolved": str(len(tally.errors)),
        "acc@161": _ratio(tally.acc_161()),
        "median km": _km(tally.median_km()),
        "mean km": _km(tally.mean_km()),
        "AUC": _ratio(tally.auc()),
    }
    if prefix:
        figures["acc@161 of all"] = _ratio(tally.end_to_end())
    return {prefix + key: value for key, value in figures.items()}


def _ratio(value: float | None) -> str:
    return NA if value is None else f"{value:.4f}"


def _km(value: float | None) -> str:
    return NA if value is None else f"{value:.1f}"


def _report(row: dict[str, str], split: str) -> str:
    lines = [
        f"\n{row['corpus']} ({split}): {row['docs']} documents,"
        f" {row['gold']} gold toponyms, {row['system']} system toponyms"
    ]
    for matching, label in (("exact", "exact spans"), ("overlap", "overlapping spans")):
        lines.append(
            f"  recognition, {label + ':':19} P {row[f'{matching} P']}"
            f"  R {row[f'{matching} R']}  F1 {row[f'{matching} F1']}"
        )
    lines += _resolution_lines(row, "", "recognised gold toponyms with coordinates")
    lines.append(
        f"  end to end: acc@161 km {row['end to end acc@161']}"
        f" over {row['gold with coords']} gold toponyms with coordinates"
    )
    if row["far, at gold place"] != "0":
        lines.append(
            f"    {row['far, at gold place']} more placed over 161 km away are at the place"
            " the gold names (its GeoNames id): the gazetteer's point for it is not GeoNames'"
        )
    if row["articles/s"] != NA:
        lines.append(
            f"  speed: {row['articles/s']} articles/s with {row['processes']} processes,"
            f" {row['ms/KB']} ms per KB (wall clock);"
            f" per core, warm: {row['articles/s per core, warm']} articles/s,"
            f" {row['ms/KB per core, warm']} ms per KB"
        )
    if "gold spans resolved" in row:
        lines += _resolution_lines(row, "gold spans ", "given gold spans with coordinates")
        lines.append(
            "    acc@161 km over all gold toponyms with coordinates:"
            f" {row['gold spans acc@161 of all']}"
        )
    return "\n".join(lines)


def _resolution_lines(row: dict[str, str], prefix: str, what: str) -> list[str]:
    return [
        f"  resolution of {row[prefix + 'resolved']} {what}:",
        f"    acc@161 km {row[prefix + 'acc@161']}  median {row[prefix + 'median km']} km"
        f"  mean {row[prefix + 'mean km']} km  AUC {row[prefix + 'AUC']} (lower is better)",
    ]


MAIN_COLUMNS = [
    "corpus",
    "docs",
    "gold",
    "system",
    "exact P",
    "exact R",
    "exact F1",
    "overlap P",
    "overlap R",
    "overlap F1",
    "resolved",
    "acc@161",
    "median km",
    "mean km",
    "AUC",
    "end to end acc@161",
    "far, at gold place",
]
#: Speed: the pool's wall clock, and one warm process.
SPEED_COLUMNS = [
    "processes",
    "articles/s",
    "ms/KB",
    "articles/s per core, warm",
    "ms/KB per core, warm",
]
MAIN_COLUMNS += SPEED_COLUMNS
GOLD_SPAN_COLUMNS = [
    "corpus",
    *(f"gold spans {c}" for c in ["resolved", "acc@161", "median km", "mean km", "AUC"]),
    "gold spans acc@161 of all",
]


def _table(rows: list[dict[str, str]], columns: list[str]) -> str:
    lines = [
        "| " + " | ".join(c.removeprefix("gold spans ") for c in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    lines += ["| " + " | ".join(row[c] for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _doc(rows: list[dict[str, str]], split: str) -> str:
    command = " ".join([".venv/bin/python benchmarks/geoparse.py", *map(shlex.quote, sys.argv[1:])])
    parts = [
        "# How well the geoparser does\n",
        f"`geo`'s parser run over the shared gold corpora ({', '.join(r['corpus'] for r in rows)}),"
        f" on the **{split}** split"
        + (" (the half of each corpus that fitting never sees)" if split == "held" else "")
        + ", and scored with the definitions of `../shared/bench/score_geoparse.py`"
        " (re-implemented in `benchmarks/metrics.py`). Generated by:\n",
        f"    {command}\n",
        f"on {dt.date.today().isoformat()}, on a machine with {os.cpu_count()} CPUs,"
        f" at commit {_commit()}.\n",
        "Columns: documents, gold and system toponyms; recognition precision, recall and F1 with"
        " exact and with overlapping spans; resolution over the recognised gold toponyms with"
        " coordinates (how many, share within 161 km, median and mean error in km, AUC of the log"
        " errors: lower is better); end to end, the share of all gold toponyms with coordinates"
        " found and placed within 161 km; how many more were placed over 161 km away but at the"
        " very place the gold names, by its GeoNames id (our point for a country or province is"
        " not GeoNames'; not a figure of the shared scorer); worker processes, articles per"
        " second and ms per KB (1,024 bytes) of text, wall clock with worker start-up included;"
        " and the same speed in one process once the gazetteer and the spaCy model are loaded"
        " (per core, warm)."
        " WikToR annotates only one place per article: no recognition figures.\n",
        _table(rows, MAIN_COLUMNS),
    ]
    if "gold spans resolved" in rows[0]:
        parts += [
            "Resolution given the gold spans (recognition skipped): the same figures over the gold"
            " toponyms with coordinates that the resolver placed, and the share within 161 km of"
            " all gold toponyms with coordinates.\n",
            _table(rows, GOLD_SPAN_COLUMNS),
        ]
    parts += [
        "For comparison, the best third-party figures on these corpora"
        " (`../shared/bench/README.md`; the same scorer, on the whole corpora rather than one"
        " half):\n",
        ANCHORS,
    ]
    return "\n".join(parts)


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


if __name__ == "__main__":
    sys.exit(main())
