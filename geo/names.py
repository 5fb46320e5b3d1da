"""Place-name keys: one spelling-insensitive string per name, for matching.

A key is lower case, without diacritics, apostrophes or ayn/hamza marks, with
hyphens and dots turned into spaces. A name that starts with an Arabic article
(al-, el-, as-, ...) also gets the key without it, so "al-Tanf" meets "Tanf".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ARABIC_ARTICLES", "article_stripped", "name_key", "name_keys"]

#: Transliterations of the Arabic definite article as a name's first word.
ARABIC_ARTICLES = frozenset(
    "al el il ul as es ad ed ash esh at et an en ar er az ez adh ath".split()
)

_MARKS = str.maketrans({c: None for c in "'\u2018\u2019\u201b\u02bc\u02bb\u02be\u02bf`\u00b4"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015./,()]+")


def name_key(name: str) -> str:
    """Return the matching key of ``name``.

    Examples
    --------
    >>> name_key("Deir\\u00a0ez-Zor")
    'deir ez zor'
    >>> name_key("Sab\\u02bf Biyar")
    'sab biyar'
    >>> name_key("Ḩalab")
    'halab'
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_MARKS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def article_stripped(key: str) -> str | None:
    """Return ``key`` without a leading Arabic article, or None when it has none.

    Examples
    --------
    >>> article_stripped("al tanf")
    'tanf'
    >>> article_stripped("tanf") is None
    True
    """
    first, _, rest = key.partition(" ")
    return rest if first in ARABIC_ARTICLES and rest else None


def name_keys(name: str) -> list[str]:
    """Return every key ``name`` is indexed under: its key, then the article-free one.

    Examples
    --------
    >>> name_keys("At Tanf")
    ['at tanf', 'tanf']
    """
    key = name_key(name)
    stripped = article_stripped(key)
    return [key, stripped] if stripped else [key]
