"""The ``geo`` command line: the library's stages as commands.

Output contracts (stable; later versions add fields, never rename these):

* ``geo parse`` writes JSONL in the shared benchmark schema,
  ``{"id", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid", ...}]}``;
* ``geo layers`` writes one RFC 7946 FeatureCollection whose features all have
  ``layer``, ``article``, ``passage``, ``start``, ``end``, ``date`` and
  ``confidence`` (reference layers: null offsets), or a GeoPackage;
* ``geo gazetteer lookup --json`` writes one JSON object per name, in order:
  ``{"query": NAME, "candidates": [{"id", "name", "kind", "country", "lat",
  "lon", "score", "match", ...}]}``.

Errors in the input end the command with a one-line message and exit code 2.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from geo.article import Article, load_article
from geo.errors import GeoError, InputFileError
from geo.geojson import LAYERS
from geo.ingest import articles_from_jsonl

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
      geo layers article.txt -o layers.geojson
      geo gazetteer build
      geo gazetteer lookup "Deir Ezzor" Tanf --json
      geo gazetteer import SY.txt --admin1 admin1CodesASCII.txt
    """


@main.command()
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option(
    "--jsonl",
    "jsonl_in",
    metavar="IN.jsonl",
    help='Read articles from JSONL lines {"id", "text", ...} instead of FILEs.',
)
@click.option("-o", "--output", metavar="OUT.jsonl", help="Write here instead of standard output.")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    metavar="N",
    help=f"Parse in N worker processes (default: one per CPU, here {os.cpu_count() or 1});"
    " 1 parses in this process.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on standard error (default: when there is more than one"
    " article and standard error is a terminal).",
)
def parse(
    files: tuple[str, ...],
    jsonl_in: str | None,
    output: str | None,
    processes: int | None,
    progress: bool | None,
) -> None:
    """Find and place the toponyms of articles; write JSONL, one line per article.

    Each FILE is a UTF-8 text article whose id is its file name without
    extension. With --jsonl, each line of IN.jsonl is an article; malformed
    lines are reported on standard error with their line number and skipped.
    Ids are made safe (lowercase letters, digits and hyphens) and unique; a
    line without an "id" gets NAME-N, the file's name and the line number.

    Articles are parsed in parallel; lines are written as they are ready, in
    the order of the input.
    """
    from geo.batch import parse_records

    if bool(files) == bool(jsonl_in):
        raise click.UsageError("give either FILE... or --jsonl IN.jsonl (not both, not neither)")
    articles = _jsonl_articles(jsonl_in) if jsonl_in else [load_article(f) for f in files]
    if progress is None:
        progress = len(articles) > 1 and sys.stderr.isatty()
    with _output(output) as out:
        for record in parse_records(articles, processes=processes, progress=progress):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


@main.command()
@click.argument("file", metavar="FILE")
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
def layers(
    file: str, output: str | None, fmt: str, only: tuple[str, ...], no_reference: bool
) -> None:
    """Write the map layers of one article: places, control zones, routes, events, areas,
    distance checks and reference layers.

    Every feature carries its provenance: layer, article, passage, start, end,
    date and confidence; claim features also actor, claim and source.

    \b
    Examples:
      geo layers article.txt -o layers.geojson
      geo layers article.txt --layer route --layer control
      geo layers article.txt --format gpkg -o layers.gpkg
    """
    from geo.export import only_layers
    from geo.gazetteer import LocalGazetteer
    from geo.layers import article_layers, write_geopackage
    from geo.pipeline import parse_article

    if fmt == "gpkg" and not output:
        raise click.UsageError("--format gpkg needs -o OUT.gpkg (a GeoPackage is not text)")
    gazetteer = LocalGazetteer()
    fc = article_layers(
        parse_article(load_article(file), gazetteer), gazetteer, reference=not no_reference
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
