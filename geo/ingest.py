"""Stage 0: turn what a user uploads or pastes into :class:`~geo.article.Article` s.

An upload is dispatched on its file name's extension: plain text, Markdown
(rendered to plain text), HTML (main text extracted with trafilatura) or a JSONL
corpus, one article a line. The name is never used as a path: it only gives the
article a safe id (a slug of its stem and a hash of the text) and a title when
the text has none. Text is decoded by :func:`geo.article.decode_text`, so
binary, non-UTF-8 and empty input get the same messages as a file on disk.
Nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.article import Article, check_length, decode_text
from geo.errors import ArticleError, InputFileError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = [
    "MAX_UPLOAD_BYTES",
    "IngestReport",
    "article_from_paste",
    "articles_from_jsonl",
    "articles_from_upload",
]

#: The largest upload accepted, in bytes (20 MB).
MAX_UPLOAD_BYTES: int = 20 * 1024 * 1024

_KINDS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_TITLE_MAX = 150
_SLUG_MAX = 60
#: Elements whose content is never visible text (or is a page of its own).
_HIDDEN = (
    *("script", "style", "noscript", "template", "textarea", "svg", "canvas"),
    *("iframe", "frame", "frameset", "object", "embed", "applet"),
)
_RAW_TAG = re.compile(r"<(/?)(" + "|".join(_HIDDEN) + r")\b[^>]*?(/?)>", re.IGNORECASE)
_JSON_TYPES = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


@dataclass(frozen=True)
class IngestReport:
    """The articles read from one upload, and a message for each JSONL line skipped.

    Examples
    --------
    >>> report = articles_from_jsonl(['{"text": "Clashes in Homs."}', "oops"], origin="c.jsonl")
    >>> [a.id for a in report.articles], report.skipped
    (['c-1'], ('line 2: Expecting value at column 1 (not valid JSON)',))
    """

    articles: tuple[Article, ...]
    skipped: tuple[str, ...] = ()


def articles_from_upload(
    name: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> IngestReport:
    """Read an uploaded ``.txt``, ``.md``, ``.html`` or ``.jsonl`` file (by its extension).

    Parameters
    ----------
    name
        The file name the user gave; only its last part is used, never as a path.
    data
        The file's bytes, UTF-8 text.
    max_bytes
        Larger uploads are refused.

    Returns
    -------
    IngestReport
        One article, or (JSONL) the corpus's articles and the lines skipped. An
        article's id is a slug of the name's stem and the first 8 hex digits of
        the SHA-256 of its text: the same text uploaded again gets the same id.
        Its title comes from the page's metadata or first heading, else its first
        line (if short), else the name's stem. Its text is plain text, no markup.

    Raises
    ------
    InputFileError
        The upload is too large or not of an accepted kind.
    ArticleError
        It is not UTF-8 text, has no text, or (JSONL) no usable line.

    Examples
    --------
    >>> report = articles_from_upload("reports/Homs note.txt", b"Homs\\n\\nClashes in Homs.")
    >>> article = report.articles[0]
    >>> article.id, article.title
    ('homs-note-24ef8359', 'Homs')
    >>> articles_from_upload("map.png", b"")
    Traceback (most recent call last):
    ...
    geo.errors.InputFileError: map.png: cannot read this kind of file; \
upload .txt, .md, .markdown, .html, .htm, .jsonl or .ndjson
    """
    base = re.split(r"[/\\]", name)[-1].strip()
    stem, dot, extension = base.rpartition(".")
    shown = base if base and base.isprintable() else repr(base)
    kind = _KINDS.get((dot + extension).lower()) if dot else None
    if kind is None:
        *kinds, last = _KINDS
        raise InputFileError(
            f"{shown}: cannot read this kind of file; upload {', '.join(kinds)} or {last}"
        )
    if len(data) > max_bytes:
        size, limit = _size(len(data)), _size(max_bytes)
        if size == limit:
            size, limit = f"{len(data)} bytes", f"{max_bytes} bytes"
        raise InputFileError(f"{shown} is {size}; the limit is {limit}")
    text = decode_text(data, origin=shown)
    if kind == "jsonl":
        return articles_from_jsonl(text.split("\n"), origin=base)
    meta: dict = {}
    if kind == "markdown":
        text, meta["title"] = _markdown_text(text)
    elif kind == "html":
        text, meta = _html_text(text)
    text = _checked(text, origin=shown)
    title = meta.pop("title", "") or _first_short_line(text) or stem.strip()
    return IngestReport((Article(id=_text_id(stem, text), text=text, title=title, **meta),))


def article_from_paste(
    text: str,
    *,
    title: str = "",
    published: str | dt.date | None = None,
    source: str = "",
    url: str = "",
) -> Article:
    """Make an article of pasted text; the title defaults to its first short line.

    Raises
    ------
    ArticleError
        The text is empty, or ``published`` is not an ISO date.

    Examples
    --------
    >>> a = article_from_paste("Raqqa\\nAirstrikes hit Raqqa.", published="2017-06-02")
    >>> a.title, a.published, a.id
    ('Raqqa', datetime.date(2017, 6, 2), 'raqqa-4a54cbe8')
    >>> article_from_paste("Airstrikes hit Raqqa.", published="June 2")
    Traceback (most recent call last):
    ...
    geo.errors.ArticleError: published must be an ISO date such as 2017-06-02, not 'June 2'
    """
    text = _checked(text, origin="pasted text")
    title = title.strip() or _first_short_line(text)
    return Article(
        id=_text_id(title, text, fallback="pasted"),
        text=text,
        title=title,
        source=source.strip(),
        published=_date(published),
        url=url.strip(),
    )


def articles_from_jsonl(lines: Iterable[str | bytes], *, origin: str) -> IngestReport:
    """Read a JSONL corpus: each line an object with ``"text"`` and optional metadata.

    The optional fields are ``"id"``, ``"title"``, ``"published"`` (ISO date or
    timestamp), ``"source"``, ``"author"`` and ``"url"``. Ids are made safe
    (lowercase ASCII letters, digits and hyphens) and unique (a repeat gets
    ``-2``, ``-3``...); a line without one gets ``NAME-N``, the origin's file name
    and the line number. Malformed lines are skipped with a message
    ``"line N: why"``; blank lines are ignored.

    Raises
    ------
    ArticleError
        No line is a usable article; the message names the first problem.

    Examples
    --------
    >>> lines = ['{"id": "A 1", "text": "Clashes in Homs.", "published": "2017-06-02"}',
    ...          '{"id": "a 1", "text": "Airstrikes on Raqqa."}', '{"text": " "}']
    >>> report = articles_from_jsonl(lines, origin="feeds/syria.jsonl")
    >>> [a.id for a in report.articles], report.skipped
    (['a-1', 'a-1-2'], ('line 3: the article is empty',))
    """
    origin_slug = _slug(re.split(r"[/\\]", origin)[-1].rpartition(".")[0] or origin) or "article"
    articles: list[Article] = []
    skipped: list[str] = []
    used: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = _jsonl_article(line, number, f"{origin_slug}-{number}")
        except ArticleError as exc:
            skipped.append(str(exc))
            continue
        article_id, repeat = article.id, 1
        while article_id in used:
            repeat += 1
            article_id = f"{article.id}-{repeat}"
        used.add(article_id)
        articles.append(replace(article, id=article_id))
    if not articles:
        problem = skipped[0] if skipped else "every line is blank"
        raise ArticleError(f"{origin}: no usable article; {problem}")
    return IngestReport(tuple(articles), tuple(skipped))


def _jsonl_article(line: str | bytes, number: int, default_id: str) -> Article:
    where = f"line {number}"
    if isinstance(line, bytes):
        line = decode_text(line, origin=where)
    try:
        record = json.loads(line.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ArticleError(f"{where}: {exc.msg} at column {exc.colno} (not valid JSON)") from exc
    if not isinstance(record, dict):
        kind = _JSON_TYPES.get(type(record), "not an object")
        raise ArticleError(f'{where}: expected an object with a "text" string, not {kind}')
    if not isinstance(record.get("text"), str):
        raise ArticleError(f'{where}: expected an object with a "text" string')
    text = _checked(record["text"], origin=where)
    meta = {
        k: str(record[k]).strip() for k in ("title", "source", "author", "url") if record.get(k)
    }
    try:
        published = _date(record.get("published"))
    except ArticleError as exc:
        raise ArticleError(f"{where}: {exc}") from exc
    given = _slug(str(record["id"])) if record.get("id") is not None else ""
    return Article(id=given or default_id, text=text, published=published, **meta)


def _checked(text: str, *, origin: str) -> str:
    """``text`` if it passes the article text policy of :func:`decode_text` (not empty...)
    and is not too long (:func:`~geo.article.check_length`)."""
    return check_length(
        decode_text(text.encode("utf-8", "surrogatepass"), origin=origin), origin=origin
    )


def _date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(str(value).strip()).date()
    except ValueError as exc:
        raise ArticleError(
            f"published must be an ISO date such as 2017-06-02, not {value!r}"
        ) from exc


def _slug(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:_SLUG_MAX].rstrip("-")


def _text_id(label: str, text: str, *, fallback: str = "article") -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{_slug(label) or fallback}-{digest}"


def _first_short_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= _TITLE_MAX else ""


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value, unit = (count / 1024, "KB") if count < 1024 * 1024 else (count / 1024 / 1024, "MB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def _markdown_text(source: str) -> tuple[str, str]:
    """Markdown as plain text: blocks apart by blank lines, list items and table rows
    by line breaks, no markup, link targets or raw HTML; and the first heading."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    blocks: list[tuple[str, int | None]] = []  # (text, the list or table it belongs to)
    title, group, depth, heading, row = "", None, 0, False, None
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open", "table_open"):
            group, depth = (index if depth == 0 else group), depth + 1
        elif kind in ("bullet_list_close", "ordered_list_close", "table_close"):
            depth -= 1
            group = group if depth else None
        elif kind == "heading_open":
            heading = True
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            blocks.append(("\t".join(row), group))
            row = None
        elif kind == "inline":
            text = _inline_text(token.children or [])
            if row is not None:
                row.append(text)
            elif text.strip():
                blocks.append((text, group))
            if heading and not title:
                title = text.strip()
            heading = False
        elif kind in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), group))
        elif kind == "html_block":
            blocks.append((_visible_text(token.content), group))
    out: list[str] = []
    previous: int | None = None
    for text, block_group in blocks:
        if not text.strip():
            continue
        if out:
            out.append("\n" if block_group is not None and block_group == previous else "\n\n")
        out.append(text)
        previous = block_group
    return "".join(out), title


def _inline_text(children: list) -> str:
    parts: list[str] = []
    hidden: str | None = None  # inside an inline <script>, <style>...
    for child in children:
        if child.type == "html_inline":
            tag = _RAW_TAG.match(child.content)
            if tag and hidden is None and not tag.group(1) and not tag.group(3):
                hidden = tag.group(2).lower()
            elif tag and tag.group(1) and tag.group(2).lower() == hidden:
                hidden = None
        elif hidden is not None:
            continue
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(child.content)  # the alt text
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def _parse_html(html: str, *, visible: bool = False) -> HtmlElement:
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except lxml.etree.ParserError:  # "Document is empty": only comments, say
        tree = lxml.html.document_fromstring("<html><body></body></html>")
    if visible:
        lxml.etree.strip_elements(tree, *_HIDDEN, lxml.etree.Comment, with_tail=False)
        lxml.etree.strip_elements(tree, lxml.etree.ProcessingInstruction, with_tail=False)
    return tree


def _visible_text(html: str) -> str:
    """All the visible text of ``html``, without scripts, styles, frames or comments."""
    from trafilatura import html2txt

    return html2txt(_parse_html(html, visible=True)) if html.strip() else ""


def _html_text(html: str) -> tuple[str, dict]:
    """The main text of a page (all its visible text if no main text is found) and
    its title, author, date, site name (as source) and URL, from the page alone."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    text = trafilatura.extract(
        _parse_html(html, visible=True),
        include_comments=False,
        include_tables=False,
        favor_recall=True,
        output_format="txt",
    )
    if not text or not text.strip():
        text = _visible_text(html)
    found = extract_metadata(_parse_html(html), extensive=False)  # dates from markup only
    meta = {
        "title": found.title or "",
        "author": found.author or "",
        "source": found.sitename or "",
        "url": found.url or "",
    }
    try:
        meta["published"] = _date(found.date)
    except ArticleError:
        meta["published"] = None
    return text, {k: v for k, v in meta.items() if v}
