"""The ``geo`` command line: the library's stages as commands.

Output contracts (stable; later versions add fields, never rename these):

* ``geo parse`` writes JSONL in the shared benchmark schema,
  ``{"id", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid", ...}]}``;
* ``geo layers`` writes one RFC 7946 FeatureCollection whose features all have
  ``layer``, ``article``, ``passage``, ``start`` and ``end``.

Errors in the input end the command with a one-line message and exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from tqdm import tqdm

from geo.article import Article, load_article
from geo.errors import ArticleError, GeoError, InputFileError

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
      geo parse --jsonl corpus.jsonl -o toponyms.jsonl
      geo layers article.txt -o layers.geojson
      geo gazetteer build
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
def parse(files: tuple[str, ...], jsonl_in: str | None, output: str | None) -> None:
    """Find and place the toponyms of articles; write JSONL, one line per article.

    Each FILE is a UTF-8 text article whose id is its file name without
    extension. With --jsonl, each line of IN.jsonl is an article; malformed
    lines are reported on standard error with their line number and skipped.
    """
    from geo.gazetteer import LocalGazetteer
    from geo.pipeline import bench_record, parse_article

    if bool(files) == bool(jsonl_in):
        raise click.UsageError("give either FILE... or --jsonl IN.jsonl (not both, not neither)")
    articles = list(_jsonl_articles(jsonl_in)) if jsonl_in else [load_article(f) for f in files]
    gazetteer = LocalGazetteer()
    lines = [
        json.dumps(bench_record(parse_article(a, gazetteer)), ensure_ascii=False)
        for a in tqdm(articles, desc="parse", unit=" articles", disable=None, file=sys.stderr)
    ]
    _write(output, "".join(line + "\n" for line in lines))


@main.command()
@click.argument("file", metavar="FILE")
@click.option(
    "-o", "--output", metavar="OUT.geojson", help="Write here instead of standard output."
)
def layers(file: str, output: str | None) -> None:
    """Write the map layers of one article as an RFC 7946 GeoJSON FeatureCollection.

    Every feature carries its provenance: layer, article, passage, start, end.
    """
    from geo.gazetteer import LocalGazetteer
    from geo.layers import article_layers
    from geo.pipeline import parse_article

    fc = article_layers(parse_article(load_article(file), LocalGazetteer()))
    _write(output, json.dumps(fc, ensure_ascii=False, indent=1) + "\n")


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


def _jsonl_articles(path: str) -> Iterator[Article]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ArticleError('expected an object with a "text" string')
                if not record["text"].strip():
                    raise ArticleError("the article is empty")
                yield Article(id=str(record.get("id", number)), text=record["text"])
            except (json.JSONDecodeError, ArticleError) as exc:
                click.echo(f"geo: warning: {path} line {number}: {exc}; skipped", err=True)


def _write(output: str | None, text: str) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"{output}: cannot be written ({exc.strerror})") from exc
