"""Stage 1: load an article, keep its exact text, and cut it into sentences.

Offsets everywhere in ``geo`` are Python ``str`` offsets into :attr:`Article.text`,
which is the file's text exactly as decoded, so a feature always leads back to
its passage. Matching works on :func:`matching_text`, a same-length copy with
non-breaking spaces and curly quotes made plain.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from geo.errors import ArticleError, InputFileError

__all__ = [
    "MAX_ARTICLE_CHARS",
    "Article",
    "check_length",
    "decode_text",
    "load_article",
    "matching_text",
    "sentence_spans",
]

#: Characters replaced one-for-one in :func:`matching_text` (offsets stay valid).
_PLAIN = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u2007": " ",  # figure space
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # no-break hyphen
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
    }
)

_META_FIELDS = ("title", "author", "source", "published", "url")


@dataclass(frozen=True)
class Article:
    """One article: its exact text and what is known about it.

    Examples
    --------
    >>> a = Article(id="a1", text="Fighting near Palmyra.")
    >>> a.text[14:21]
    'Palmyra'
    """

    id: str
    text: str
    title: str = ""
    author: str = ""
    source: str = ""
    published: dt.date | None = None
    url: str = ""

    @property
    def label(self) -> str:
        """A short human label: the title, or the id when there is none."""
        return self.title or self.id


def matching_text(text: str) -> str:
    """Return ``text`` with look-alike characters made plain, keeping every offset.

    Examples
    --------
    >>> matching_text("Deir\\u00a0Ezzor\\u2019s")
    "Deir Ezzor's"
    >>> len(matching_text("a\\u00a0b")) == len("a\\u00a0b")
    True
    """
    return text.translate(_PLAIN)


_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Maj|Brig|Adm|Gov|Sen|Rep|St|Mt|"
    r"No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|Approx)\.)$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``, blank space trimmed.

    Line breaks always end a sentence; ``.``, ``!`` and ``?`` end one when a
    capital, digit or opening quote follows, except after initials ("U.S.") and
    common abbreviations ("Gen.").

    Examples
    --------
    >>> t = "U.S. forces left. They went to Tanf.\\nNew line"
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['U.S. forces left.', 'They went to Tanf.', 'New line']
    """
    plain = matching_text(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(plain):
        mark = plain[match.start()]
        if mark == "." and _ABBREVIATION.search(plain[start : match.start() + 1]):
            continue
        end = match.start() + len(match.group(0).rstrip()) if mark in ".!?" else match.start()
        _add_trimmed(spans, plain, start, end)
        start = match.end()
    _add_trimmed(spans, plain, start, len(plain))
    return spans


def _add_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def load_article(path: str | Path, *, article_id: str | None = None) -> Article:
    """Read a UTF-8 text article and its metadata sidecar (``NAME.json``), if any.

    The id is the file name without extension unless ``article_id`` is given.

    Raises
    ------
    InputFileError
        The file is missing or unreadable.
    ArticleError
        The file is not UTF-8 text, is empty, or its sidecar is malformed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "note.txt").write_text("Clashes in Homs.", encoding="utf-8")
    >>> load_article(d / "note.txt").id
    'note'
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputFileError(f"{path}: is a folder, not an article file") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    text = check_length(decode_text(data, origin=str(path)), origin=str(path))
    meta = _read_sidecar(path.with_suffix(".json")) if path.suffix != ".json" else {}
    return Article(id=article_id or path.stem, text=text, **meta)


#: The longest article read, in characters: about 500 pages, and spaCy's own limit.
#: Longer texts are books or corpora; they take minutes to read as one article, and
#: their places are better told apart chapter by chapter.
MAX_ARTICLE_CHARS = 1_000_000


def check_length(text: str, *, origin: str) -> str:
    """``text``, unless it is longer than :data:`MAX_ARTICLE_CHARS`.

    Examples
    --------
    >>> check_length("x" * 1_000_001, origin="book.txt")
    Traceback (most recent call last):
    ...
    geo.errors.ArticleError: book.txt: the article has 1,000,001 characters; one article \
can have at most 1,000,000 (about 500 pages). Split it into several articles, such as \
one per chapter, or a JSONL corpus with one article per line
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"{origin}: the article has {len(text):,} characters; one article can have at most"
            f" {MAX_ARTICLE_CHARS:,} (about 500 pages). Split it into several articles, such"
            " as one per chapter, or a JSONL corpus with one article per line"
        )
    return text


def decode_text(data: bytes, *, origin: str) -> str:
    """Decode article bytes as UTF-8 text, refusing binary and empty input.

    Examples
    --------
    >>> decode_text("Raqqa".encode(), origin="x")
    'Raqqa'
    >>> decode_text(b"\\x00\\x01", origin="x")
    Traceback (most recent call last):
    ...
    geo.errors.ArticleError: x: binary data, not text (NUL byte at offset 0)
    """
    if b"\x00" in data:
        raise ArticleError(f"{origin}: binary data, not text (NUL byte at offset {data.index(0)})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{origin}: not UTF-8 text (invalid byte at offset {exc.start}); "
            "save the file as UTF-8 and try again"
        ) from exc
    if not text.strip():
        raise ArticleError(f"{origin}: the article is empty")
    return text


def _read_sidecar(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArticleError(f"{path}: metadata sidecar is not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ArticleError(f"{path}: metadata sidecar must be a JSON object")
    meta = {k: str(raw[k]) for k in _META_FIELDS if raw.get(k) is not None}
    if "published" in meta:
        try:
            meta["published"] = dt.date.fromisoformat(meta["published"])
        except ValueError as exc:
            raise ArticleError(
                f"{path}: 'published' must be an ISO date such as 2017-06-02"
            ) from exc
    return meta
