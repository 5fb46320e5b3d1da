"""Stage 2b: find the spans of an article that name places.

A first recogniser: runs of capitalised words (with Arabic articles such as
"al-" inside or in front) that the gazetteer knows, longest match first.
Common English words ("While", "Monday") never count on their own.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from geo.article import Article, matching_text
from geo.gazetteer import Gazetteer
from geo.names import ARABIC_ARTICLES

__all__ = ["Mention", "find_mentions"]

_WORD = re.compile(r"[^\W\d_]+")
_MAX_WORDS = 5
_NOT_ALONE = frozenset(STOP_WORDS) | {
    name.lower() for name in [*calendar.day_name, *calendar.month_name] if name
}


@dataclass(frozen=True)
class Mention:
    """A span of the article text that names a place: ``text[start:end] == name``."""

    start: int
    end: int
    name: str


def find_mentions(article: Article, gazetteer: Gazetteer) -> list[Mention]:
    """Return the place-name spans of ``article``, in text order, not overlapping.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> a = Article(id="x", text="While in Damascus, they spoke of Iraq's future.")
    >>> [m.name for m in find_mentions(a, LocalGazetteer())]
    ['Damascus', 'Iraq']
    """
    plain = matching_text(article.text)
    words = [(m.start(), m.end()) for m in _WORD.finditer(plain)]
    mentions: list[Mention] = []
    i = 0
    while i < len(words):
        found = _longest_name_at(plain, words, i, gazetteer)
        if found is None:
            i += 1
            continue
        n, start, end = found
        mentions.append(Mention(start, end, article.text[start:end]))
        i += n
    return mentions


def _longest_name_at(
    plain: str, words: list[tuple[int, int]], i: int, gazetteer: Gazetteer
) -> tuple[int, int, int] | None:
    first = plain[words[i][0] : words[i][1]]
    if not (first[0].isupper() or first.lower() in ARABIC_ARTICLES):
        return None
    # how many words may join: separated by one space or hyphen, capitalised or articles
    n = 1
    while n < _MAX_WORDS and i + n < len(words):
        gap = plain[words[i + n - 1][1] : words[i + n][0]]
        word = plain[words[i + n][0] : words[i + n][1]]
        if gap not in (" ", "-") or not (word[0].isupper() or word.lower() in ARABIC_ARTICLES):
            break
        n += 1
    for size in range(n, 0, -1):
        start, end = words[i][0], words[i + size - 1][1]
        last = plain[words[i + size - 1][0] : end]
        if not last[0].isupper():
            continue
        if size == 1 and first.lower() in _NOT_ALONE:
            continue
        if gazetteer.knows(plain[start:end]):
            return size, start, end
    return None
