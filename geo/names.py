"""Place-name keys: spelling-insensitive strings for matching names.

Three kinds of key, from strict to loose:

* :func:`name_key` — lower case, without diacritics, apostrophes or ayn/hamza
  marks, with hyphens and dots turned into spaces; initialisms are joined
  ("U.S." and "US" both give ``us``).
* :func:`article_stripped` — a key that starts with an Arabic article (al-,
  el-, as-, ...) also gets the key without it, so "al-Tanf" meets "Tanf".
* :func:`variant_key` — a transliteration skeleton: vowels, a ``y`` that is
  not followed by a vowel and a ``w`` that lengthens a vowel become one
  ``*``, doubled letters count once, ``q`` is ``k``, ``kh`` is ``k``, a
  final ``h`` after a vowel (ta marbuta) is dropped
  and an inner article takes the sound of the next letter as Arabic
  pronounces it. "Deir Ezzor", "Deir ez-Zor", "Dayr az Zawr" and "Deir al-Zor"
  share one skeleton; so do "Hassakeh", "Hasakah" and "al-Hasaka".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from itertools import groupby
from pathlib import Path

__all__ = [
    "ARABIC_ARTICLES",
    "article_stripped",
    "expanded_key",
    "name_key",
    "name_keys",
    "transliterated_countries",
    "variant_key",
]

#: Transliterations of the Arabic definite article as a name's first word.
ARABIC_ARTICLES = frozenset(
    "al el il ul as es ad ed ash esh at et an en ar er az ez adh ath".split()
)

_APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02bb\u02be\u02bf`\u00b4"
_MARKS = str.maketrans({c: None for c in _APOSTROPHES})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015./,()]+")
_INITIALISM = re.compile(r"\b(?:[^\W\d_]\.\s?){2,}|\b(?:[^\W\d_]\.)+[^\W\d_]\b")


def _bare(text: str) -> str:
    if text.isascii():  # most names: nothing to decompose (and 10x faster)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
    >>> name_key("U.S."), name_key("U. S. A.")
    ('us', 'usa')
    """
    if "." in name:  # only an initialism has dots
        name = _INITIALISM.sub(lambda m: re.sub(r"[.\s]", "", m.group()) + " ", name)
    return _SEPARATORS.sub(" ", _bare(name.translate(_MARKS))).strip()


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


#: Abbreviated words of place names, and what they stand for.
_WORD_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_FINAL_ABBREVIATIONS = {"co": "county"}


def expanded_key(key: str) -> str | None:
    """Return ``key`` with abbreviations spelt out and "of the" as "of"; None when the same.

    Both the index and a query are expanded, so "St. Louis" meets "Saint Louis",
    "Plymouth Co." meets "Plymouth County" and "Democratic Republic of Congo"
    meets "Democratic Republic of the Congo".

    Examples
    --------
    >>> expanded_key("st louis"), expanded_key("plymouth co"), expanded_key("paris")
    ('saint louis', 'plymouth county', None)
    >>> expanded_key("democratic republic of the congo")
    'democratic republic of congo'
    """
    words = [_WORD_ABBREVIATIONS.get(w, w) for w in key.split(" ")]
    if len(words) > 1:
        words[-1] = _FINAL_ABBREVIATIONS.get(words[-1], words[-1])
    expanded = " ".join(words).replace(" of the ", " of ")
    return expanded if expanded != key else None


_VOWELS = frozenset("aeiou")
#: Letters the Arabic article assimilates to ("al-Zor" is said "az-Zor").
_SUN_LETTERS = frozenset("tdrzsnl")
_SUN_DIGRAPHS = frozenset({"sh", "th", "dh"})
_SUN_SOUNDS = _SUN_LETTERS | _SUN_DIGRAPHS
_DIGRAPHS = (("kh", "k"), ("q", "k"), ("ck", "k"), ("ph", "f"), ("dj", "j"))
_VARIANT_MIN_CONSONANTS = 3
_INNER_APOSTROPHE = re.compile(rf"(?<=\w)[{_APOSTROPHES}]")
_VOWEL_TO_STAR = str.maketrans(dict.fromkeys("aeiou", "*"))
#: A y is a vowel unless a vowel follows ("Palmyra", "Shayrat"; not "Abyad"); a w
#: only lengthens the vowel before it ("Zawr", not "Suwayda").
_GLIDES = re.compile(r"y(?![aeiou])|(?<=[aeiou])w(?![aeiou])")
_DIGRAPH_H = re.compile(r"(?<=[^*])h")


def variant_key(name: str) -> str | None:
    """Return the transliteration skeleton of ``name``, or None when it is too short to trust.

    Skeletons start with ``~`` so that they never equal a :func:`name_key`.

    Examples
    --------
    >>> variant_key("Deir Ezzor") == variant_key("Dayr az Zawr") == variant_key("Deir al-Zor")
    True
    >>> variant_key("Jisr al-Shughur") == variant_key("Jisr ash Shughur")
    True
    >>> variant_key("Hassakeh") == variant_key("al-Hasakah") == variant_key("Hasaka")
    True
    >>> variant_key("Sabaa Biyar") == variant_key("Sab\\u2019 Biyar")
    True
    >>> variant_key("Sukhna"), variant_key("as-Sukhnah"), variant_key("Qamishli")
    ('~s*kn*', '~s*kn*', '~k*m*shl*')
    >>> variant_key("Iraqi") is None, variant_key("Jaysh") is None  # too many places share it
    (True, True)
    """
    # An apostrophe inside a word stands for ayn or hamza: a vowel-like sound.
    text = _bare(_INNER_APOSTROPHE.sub("a", name).translate(_MARKS))
    words = [w for w in _SEPARATORS.split(text) if w]
    if words and words[0] in ARABIC_ARTICLES and len(words) > 1:
        words = words[1:]
    if not words or not all(w.isalpha() and w.isascii() for w in words):
        return None
    for i, word in enumerate(words[:-1]):
        if word in ARABIC_ARTICLES and i > 0:  # "al-Shughur" is said, and spelt, "ash Shughur"
            words[i] = "a" + _article_sound(words[i + 1])
    skeleton = "".join(_vowel_final_h_dropped(w) for w in words)
    for digraph, single in _DIGRAPHS:
        skeleton = skeleton.replace(digraph, single)
    sounds = _GLIDES.sub("*", skeleton).translate(_VOWEL_TO_STAR)
    skeleton = "".join(symbol for symbol, _ in groupby(sounds))  # doubled letters count once
    # an h after a consonant only marks a digraph (sh, th, dh): it is not a sound of its own
    consonants = len(skeleton) - skeleton.count("*") - len(_DIGRAPH_H.findall(skeleton))
    return "~" + skeleton if consonants >= _VARIANT_MIN_CONSONANTS else None


def _article_sound(word: str) -> str:
    """The sound the Arabic article takes before ``word``: its first (sun) consonant, else l."""
    first = word[:2] if word[:2] in _SUN_DIGRAPHS else word[0]
    return first if first in _SUN_SOUNDS else "l"


def _vowel_final_h_dropped(word: str) -> str:
    return word[:-1] if len(word) > 2 and word[-1] == "h" and word[-2] in _VOWELS else word


_TRANSLITERATED = Path(__file__).resolve().parent.parent / "data" / "language"


@lru_cache(maxsize=1)
def transliterated_countries() -> frozenset[str]:
    """Countries whose place names reach English transliterated from another script.

    From ``data/language/transliterated_countries.csv`` (Unicode CLDR): there
    a name spelt many ways ("Deir Ezzor", "Dayr az Zawr") is expected, so a
    transliteration-variant match is evidence, not noise.

    Examples
    --------
    >>> "SY" in transliterated_countries(), "US" in transliterated_countries()
    (True, False)
    """
    with (_TRANSLITERATED / "transliterated_countries.csv").open(encoding="utf-8") as f:
        return frozenset(row["country"] for row in csv.DictReader(f))
