"""Passages for display: the sentence behind a feature, with its mention marked.

Article text is never trusted as HTML: everything is escaped, and only the
``<mark>`` this module adds is markup.
"""

from __future__ import annotations

import html

__all__ = ["article_html", "passage_html"]


def passage_html(mention: dict) -> str:
    """Escaped HTML of a mention record's passage with the mention in ``<mark>``.

    ``mention`` is a record of a place feature's ``mentions`` list (offsets
    ``start``/``end`` of the name and ``passage_start``/``passage_end`` of
    its sentence, both into the article text, and ``passage``).

    Examples
    --------
    >>> m = {"start": 8, "end": 12, "passage_start": 0, "passage_end": 21,
    ...      "passage": "<b>Near Tanf</b> now."}
    >>> passage_html(m)
    '&lt;b&gt;Near <mark>Tanf</mark>&lt;/b&gt; now.'
    """
    text, offset = mention["passage"], mention["passage_start"]
    a, b = mention["start"] - offset, mention["end"] - offset
    return (
        html.escape(text[:a])
        + "<mark>"
        + html.escape(text[a:b])
        + "</mark>"
        + html.escape(text[b:])
    )


def article_html(text: str, marks: list[dict], spans: list[dict] = ()) -> str:
    """Escaped HTML of a whole article with its mentions marked, paragraphs kept.

    ``marks`` are the names, ``{"start", "end", "colour", "title", "href"}``
    (offsets into ``text``; ``href`` optional, a link the mark leads to, e.g.
    ``?focus=...``). ``spans`` are the claims, ``{"start", "end", "colour",
    "title"}``, underlined around the names they contain. Overlapping marks
    (or spans) after the first are skipped, as is a mark that crosses a
    span's edge. Every character of the text is escaped; only the ``<p>``,
    ``<span>``, ``<mark>`` and ``<a>`` added here are markup, and their
    attribute values are escaped too.

    Examples
    --------
    >>> text = "In <b>Homs</b>.\\n\\nRebels took Homs."
    >>> name = {"colour": "#c0392b", "title": "Homs", "href": "?focus=g:1"}
    >>> html_ = article_html(text, [{"start": 6, "end": 10, **name},
    ...                             {"start": 29, "end": 33, **name}],
    ...                      [{"start": 24, "end": 33, "colour": "#1a1a1a", "title": "control"}])
    >>> print(html_.replace("</p>", "</p>\\n"))
    <p>In &lt;b&gt;<a class="geo-mention" href="?focus=g:1"><mark style="border-bottom:3px solid \
#c0392b" title="Homs">Homs</mark></a>&lt;/b&gt;.</p>
    <p>Rebels <span class="geo-claim" style="border-bottom:2px dotted #1a1a1a" \
title="control">took <a class="geo-mention" href="?focus=g:1"><mark \
style="border-bottom:3px solid #c0392b" title="Homs">Homs</mark></a></span>.</p>
    <BLANKLINE>
    """
    pieces, cursor = [], 0
    for span in _first_of_overlapping(spans):
        pieces.append(_marked(text, cursor, span["start"], marks))
        pieces.append(
            f'<span class="geo-claim" style="border-bottom:2px dotted '
            f'{html.escape(span["colour"])}" title="{html.escape(span["title"])}">'
            + _marked(text, span["start"], span["end"], marks)
            + "</span>"
        )
        cursor = span["end"]
    pieces.append(_marked(text, cursor, len(text), marks))
    paragraphs = "".join(pieces).split("\n\n")
    return "".join(f"<p>{p.strip()}</p>" for p in paragraphs if p.strip())


def _first_of_overlapping(items) -> list[dict]:
    kept, end = [], -1
    for item in sorted(items, key=lambda m: (m["start"], -m["end"])):
        if item["start"] >= end:
            kept.append(item)
            end = item["end"]
    return kept


def _marked(text: str, start: int, end: int, marks: list[dict]) -> str:
    """Escaped ``text[start:end]`` with the marks that lie wholly inside it."""
    pieces, cursor = [], start
    inside = [m for m in marks if start <= m["start"] and m["end"] <= end]
    for mark in _first_of_overlapping(inside):
        pieces.append(html.escape(text[cursor : mark["start"]]))
        inner = (
            f'<mark style="border-bottom:3px solid {html.escape(mark["colour"])}" '
            f'title="{html.escape(mark["title"])}">'
            f"{html.escape(text[mark['start'] : mark['end']])}</mark>"
        )
        if mark.get("href"):
            inner = f'<a class="geo-mention" href="{html.escape(mark["href"])}">{inner}</a>'
        pieces.append(inner)
        cursor = mark["end"]
    pieces.append(html.escape(text[cursor:end]))
    return "".join(pieces)
