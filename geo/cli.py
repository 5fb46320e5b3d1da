"""The ``geo`` command line: the library's stages as commands.

Output contracts (stable; later versions add fields, never rename these):

* ``geo parse`` writes JSONL in the shared benchmark schema,
  ``{"id", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid", ...}]}``;
* ``geo layers`` writes one RFC 7946 FeatureCollection whose features all have
  ``layer``, ``article``, ``passage``, ``start``, ``end``, ``date`` and
  ``confidence`` (reference layers: null offsets), or a GeoPackage;
* with ``--partitions DIR`` both write ``DIR/part-00000.EXT``, ... in input
  order: JSONL records, or GeoParquet with one row per feature and its
  properties as columns (:mod:`geo.partitions`);
* ``geo gazetteer lookup --json`` writes one JSON object per name, in order:
  ``{"query": NAME, "candidates": [{"id", "name", "kind", "country", "lat",
  "lon", "score", "match", ...}]}``.

Errors in the input end the command with a one-line message and exit code 2.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from geo.article import Article, load_article
from geo.cluster import DEFAULT_PARTITION_SIZE
from geo.errors import GeoError, InputFileError
from geo.geojson import LAYERS
from geo.ingest import articles_from_jsonl

if TYPE_CHECKING:
    from geo.cluster import DaskCluster

__all__ = ["main"]


class _Group(click.Group):
    """Turns every :class:`GeoError` into ``geo: error: ...`` and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GeoError as exc:
            click.echo(f"geo: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geo")
def main() -> None:
    """Turn news articles into maps: find the places they name, tie each to its passage.

    \b
    Examples:
      geo parse article.txt -o toponyms.jsonl
      geo parse --jsonl corpus.jsonl --processes 4 -o toponyms.jsonl
      geo parse --jsonl corpus.jsonl --scheduler tcp://10.0.0.5:8786 --partitions out/
      geo layers article.txt -o layers.geojson
      geo layers --jsonl corpus.jsonl --partitions layers/
      geo gazetteer build
      geo gazetteer lookup "Deir Ezzor" Tanf --json
      geo gazetteer import SY.txt --admin1 admin1CodesASCII.txt
    """


def _corpus_options(extension: str) -> Callable:
    """The options of a run over many articles, shared by ``geo parse`` and ``geo layers``."""
    options = [
        click.option(
            "--jsonl",
            "jsonl_in",
            metavar="IN.jsonl",
            help='Read articles from JSONL lines {"id", "text", ...} instead of FILEs.',
        ),
        click.option(
            "--partitions",
            metavar="DIR",
            help=f"Write DIR/part-00000.{extension}, DIR/part-00001.{extension}, ... instead"
            " of one output: each holds --partition-size articles, in input order. DIR must"
            " be new or empty.",
        ),
        click.option(
            "--partition-size",
            type=click.IntRange(min=1),
            default=DEFAULT_PARTITION_SIZE,
            show_default=True,
            metavar="N",
            help="Articles per partition: per file with --partitions, per task on a cluster.",
        ),
        click.option(
            "--processes",
            type=click.IntRange(min=1),
            metavar="N",
            help=f"Work in N worker processes (default: one per CPU, here {os.cpu_count() or 1});"
            " 1 works in this process.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Run on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786)"
            " instead of local processes; every worker needs geo and its gazetteer.",
        ),
        click.option(
            "--connect-timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=10.0,
            show_default=True,
            metavar="SECONDS",
            help="How long to wait for the scheduler to answer, and then for a worker.",
        ),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Show a progress bar on standard error (default: when there is more than one"
            " article and standard error is a terminal).",
        ),
    ]

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@main.command()
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option("-o", "--output", metavar="OUT.jsonl", help="Write here instead of standard output.")
@_corpus_options("jsonl")
def parse(
    files: tuple[str, ...],
    jsonl_in: str | None,
    output: str | None,
    partitions: str | None,
    partition_size: int,
    processes: int | None,
    scheduler: str | None,
    connect_timeout: float,
    progress: bool | None,
) -> None:
    """Find and place the toponyms of articles; write JSONL, one line per article.

    Each FILE is a UTF-8 text article whose id is its file name without
    extension. With --jsonl, each line of IN.jsonl is an article; malformed
    lines are reported on standard error with their line number and skipped.
    Ids are made safe (lowercase letters, digits and hyphens) and unique; a
    line without an "id" gets NAME-N, the file's name and the line number.

    Articles are parsed in parallel, in local worker processes or on a Dask
    cluster (--scheduler); lines are written as they are ready, in the order
    of the input, the same lines whichever runs them.

    \b
    Examples:
      geo parse a.txt b.txt -o toponyms.jsonl
      geo parse --jsonl corpus.jsonl --processes 4 -o toponyms.jsonl
      geo parse --jsonl corpus.jsonl --partitions toponyms/
      geo parse --jsonl corpus.jsonl --scheduler tcp://10.0.0.5:8786 --partitions toponyms/
    """
    from geo.batch import parse_records
    from geo.partitions import partition_folder, write_jsonl_partitions

    cluster = _cluster(processes, scheduler, partition_size, connect_timeout, output, partitions)
    articles = _corpus(files, jsonl_in)
    folder = partition_folder(partitions) if partitions else None
    if progress is None:
        progress = len(articles) > 1 and sys.stderr.isatty()
    records = parse_records(articles, processes=processes, cluster=cluster, progress=progress)
    if folder is not None:
        paths = write_jsonl_partitions(records, folder, size=partition_size)
        _wrote(len(articles), paths, partitions)
        return
    with _output(output) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


@main.command()
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option(
    "-o",
    "--output",
    metavar="OUT",
    help="Write here instead of standard output (required for gpkg).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "gpkg"]),
    default="geojson",
    show_default=True,
    help="GeoJSON (one FeatureCollection) or a GeoPackage with one table per layer.",
)
@click.option(
    "--layer",
    "only",
    multiple=True,
    type=click.Choice(list(LAYERS)),
    help="Keep only this layer (repeat for several); default: all.",
)
@click.option("--no-reference", is_flag=True, help="Leave out the curated layers of data/layers/.")
@_corpus_options("parquet")
def layers(
    files: tuple[str, ...],
    output: str | None,
    fmt: str,
    only: tuple[str, ...],
    no_reference: bool,
    jsonl_in: str | None,
    partitions: str | None,
    partition_size: int,
    processes: int | None,
    scheduler: str | None,
    connect_timeout: float,
    progress: bool | None,
) -> None:
    """Write the map layers of articles: places, control zones, routes, events, areas,
    distance checks and reference layers.

    Every feature carries its provenance: layer, article, passage, start, end,
    date and confidence; claim features also actor, claim and source.

    With one FILE, its layers are one FeatureCollection. With many FILEs or
    --jsonl IN.jsonl (malformed lines are reported and skipped), the articles
    are drawn in parallel, in local worker processes or on a Dask cluster
    (--scheduler), into one FeatureCollection (one feature a line; the
    reference layers first, then each article's features in input order) or
    a GeoPackage. With --partitions DIR they are written as GeoParquet, one
    row per feature and its properties as columns (lists as JSON text),
    EPSG:4326: DIR/part-00000.parquet, ... in input order, and the reference
    layers once, in DIR/_reference.parquet (left out when the folder is read
    as one table).

    \b
    Examples:
      geo layers article.txt -o layers.geojson
      geo layers article.txt --layer route --layer control
      geo layers article.txt --format gpkg -o layers.gpkg
      geo layers a.txt b.txt c.txt -o layers.geojson
      geo layers --jsonl corpus.jsonl --partitions layers/
      geo layers --jsonl corpus.jsonl --scheduler tcp://10.0.0.5:8786 --partitions layers/
    """
    from geo.export import only_layers
    from geo.gazetteer import LocalGazetteer
    from geo.layers import article_layers, write_geopackage
    from geo.pipeline import parse_article

    if fmt == "gpkg" and not output and not partitions:
        raise click.UsageError("--format gpkg needs -o OUT.gpkg (a GeoPackage is not text)")
    if jsonl_in or len(files) != 1 or partitions or scheduler:
        cluster = _cluster(
            processes, scheduler, partition_size, connect_timeout, output, partitions
        )
        _corpus_layers(
            _corpus(files, jsonl_in),
            cluster,
            output=output,
            fmt=fmt,
            only=only,
            reference=not no_reference,
            partitions=partitions,
            partition_size=partition_size,
            processes=processes,
            progress=progress,
        )
        return
    gazetteer = LocalGazetteer()
    fc = article_layers(
        parse_article(load_article(files[0]), gazetteer), gazetteer, reference=not no_reference
    )
    for warning in fc.pop("warnings", []):
        click.echo(f"geo: warning: {warning}", err=True)
    if only:
        fc = only_layers(fc, only)
    if fmt == "gpkg":
        written = write_geopackage(fc, Path(output))
        click.echo(
            f"wrote {sum(written.values())} features in {len(written)} layers to {output}", err=True
        )
        return
    with _output(output) as out:
        out.write(json.dumps(fc, ensure_ascii=False, indent=1) + "\n")


@main.group()
def gazetteer() -> None:
    """Manage the local gazetteer index."""


@gazetteer.command("build")
@click.option("--output", metavar="PATH", help="Index file (default: the cache folder).")
@click.option("--force", is_flag=True, help="Rebuild even when the index already exists.")
def gazetteer_build(output: str | None, force: bool) -> None:
    """Build the gazetteer index from the installed data packages.

    The default index file is named after the source versions, so an existing
    one is up to date and kept unless --force is given. Prints the index path.
    """
    from geo.gazetteer_build import build_index, default_index_path

    path = Path(output) if output else default_index_path()
    if force or not path.is_file():
        build_index(path, progress=True)
    click.echo(str(path))


@gazetteer.command("lookup")
@click.argument("names", nargs=-1, required=True, metavar="NAME [NAME ...]")
@click.option("--country", metavar="CC", help="Only places in this country (ISO alpha-2).")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--fuzzy", is_flag=True, help="Also try names one or two edits away.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per name (JSON lines).")
def gazetteer_lookup(
    names: tuple[str, ...], country: str | None, limit: int, fuzzy: bool, as_json: bool
) -> None:
    """Look NAMEs up in the gazetteer and print their ranked candidates.

    Every candidate says how its name matched: name, article (without al-),
    variant (transliteration), adjective ("Iraqi"), directional ("western
    Anbar") or fuzzy. An unknown name has no candidates; it is not an error.
    """
    from geo.gazetteer import LocalGazetteer

    gaz = LocalGazetteer()
    for name in names:
        found = gaz.lookup(name, country=country, limit=limit, fuzzy=fuzzy)
        if as_json:
            record = {"query": name, "candidates": [c.to_dict() for c in found]}
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        click.echo(f"{name}: {len(found) or 'no'} candidate{'' if len(found) == 1 else 's'}")
        for c in found:
            click.echo(
                f"  {c.score:.2f} {c.match:<11} {c.name} ({c.kind}, {c.country or '-'})"
                f" {c.lat:.4f}, {c.lon:.4f}  {c.id}"
            )


@gazetteer.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--admin1",
    "admin1_codes",
    type=click.Path(dir_okay=False),
    help="GeoNames admin1CodesASCII.txt, for the names of admin-1 regions in a dump.",
)
@click.option("--index", metavar="PATH", help="User index to import into (default: data folder).")
def gazetteer_import(file: str, admin1_codes: str | None, index: str | None) -> None:
    """Import places into your own gazetteer index, searched with the built one.

    FILE is a GeoNames dump (allCountries.txt or a country file such as SY.txt,
    tab-separated, 19 columns), or your own gazetteer as CSV (columns name,
    lat, lon; optional aliases separated by |, kind, country, admin1,
    population, precision_km, source, id) or GeoJSON (features with a "name"
    property). Corrupt dump lines are counted and reported; a malformed CSV or
    GeoJSON fails with the line or feature named. Either way the existing
    index is left as it was until the new one is complete.
    """
    from geo.gazetteer_import import import_geonames, import_table

    if file.endswith(".txt"):
        report = import_geonames(file, admin1_codes=admin1_codes, index=index, progress=True)
    else:
        report = import_table(file, index=index)
    click.echo(str(report))


def _corpus_layers(
    articles: list[Article],
    cluster: DaskCluster | None,
    *,
    output: str | None,
    fmt: str,
    only: tuple[str, ...],
    reference: bool,
    partitions: str | None,
    partition_size: int,
    processes: int | None,
    progress: bool | None,
) -> None:
    from geo.batch import layer_collections
    from geo.export import only_layers
    from geo.layers import write_geopackage
    from geo.partitions import partition_folder, write_geoparquet, write_parquet_partitions
    from geo.reference_layers import load_reference_layers

    if partitions and fmt != "geojson":
        raise click.UsageError("--partitions writes GeoParquet; leave out --format")
    folder = partition_folder(partitions) if partitions else None
    extra: list[dict] = []
    if reference:
        extra, warnings = load_reference_layers()
        for warning in warnings:
            click.echo(f"geo: warning: {warning}", err=True)
        if only:
            extra = only_layers({"features": extra}, only)["features"]
    if progress is None:
        progress = len(articles) > 1 and sys.stderr.isatty()
    collections = layer_collections(
        articles, layers=only or None, processes=processes, cluster=cluster, progress=progress
    )
    if folder is not None:
        paths = write_parquet_partitions(collections, folder, size=partition_size)
        if extra:
            write_geoparquet(extra, folder / "_reference.parquet")
        _wrote(len(articles), paths, partitions)
        return
    features = itertools.chain(extra, (f for fc in collections for f in fc["features"]))
    if fmt == "gpkg":
        fc = {"type": "FeatureCollection", "features": list(features)}
        written = write_geopackage(fc, Path(output))
        click.echo(
            f"wrote {sum(written.values())} features in {len(written)} layers to {output}", err=True
        )
        return
    with _output(output) as out:
        _write_feature_lines(features, out)


def _write_feature_lines(features: Iterable[dict], out: TextIO) -> None:
    """One FeatureCollection, written as the features come: one feature a line."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    for number, feature in enumerate(features):
        out.write((",\n" if number else "") + json.dumps(feature, ensure_ascii=False))
    out.write("\n]}\n")


def _corpus(files: tuple[str, ...], jsonl_in: str | None) -> list[Article]:
    if bool(files) == bool(jsonl_in):
        raise click.UsageError("give either FILE... or --jsonl IN.jsonl (not both, not neither)")
    return _jsonl_articles(jsonl_in) if jsonl_in else [load_article(f) for f in files]


def _cluster(
    processes: int | None,
    scheduler: str | None,
    partition_size: int,
    connect_timeout: float,
    output: str | None,
    partitions: str | None,
) -> DaskCluster | None:
    """The Dask cluster to run on, or None for local processes; refuses options that clash."""
    if output and partitions:
        raise click.UsageError("give -o OUT or --partitions DIR, not both")
    if scheduler is None:
        return None
    if processes is not None:
        raise click.UsageError("give --processes or --scheduler, not both")
    from geo.cluster import DaskCluster

    return DaskCluster(scheduler, partition_size=partition_size, connect_timeout=connect_timeout)


def _wrote(articles: int, paths: list[Path], folder: str) -> None:
    click.echo(
        f"wrote {articles} article{'' if articles == 1 else 's'} in {len(paths)}"
        f" partition{'' if len(paths) == 1 else 's'} to {folder}",
        err=True,
    )


def _jsonl_articles(path: str) -> list[Article]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    with handle:
        report = articles_from_jsonl(handle, origin=path)
    for message in report.skipped:
        click.echo(f"geo: warning: {path} {message}; skipped", err=True)
    return list(report.articles)


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or the file ``path``: written whole or not at all.

    The lines go to a temporary file beside ``path`` that replaces it only
    when everything was written; on an error the old file (if any) is kept.
    """
    if path is None:
        yield sys.stdout
        return
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be written ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # the permissions of a file opened the usual way
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
