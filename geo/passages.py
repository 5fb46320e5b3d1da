"""Passages for display: the sentence behind a feature, with its mention marked.

Article text is never trusted as HTML: everything is escaped, and only the
``<mark>`` this module adds is markup.
"""

from __future__ import annotations

import html

__all__ = ["passage_html"]


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
