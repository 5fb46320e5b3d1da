"""Stage 4a: the places a claim can name, as phrases of the text.

The geoparser finds names ("Syria", "Anbar", the adjective "Iraqi"); claims
speak of phrases around them. :func:`place_phrases` turns the parsed
mentions into the places claims use:

* **refined phrases**: a compass word before a name ("northeast Syria",
  "western Anbar"), a border word after a name or adjective ("the Iraqi
  border", "Syrian-Iraqi border"), an area word after it ("Anbar
  province"), or a joined road name ("Damascus-Baghdad highway") is looked
  up whole; when the gazetteer has the phrase, in the mention's country, it
  replaces the mention;
* **a country's border** seen from an article about its neighbour: "the
  Iraqi border" in an article that names Syria is the Syria-Iraq stretch
  (the neighbour most often named that shares a border);
* **back references**: "the border", "the frontier", "the base", "the
  region", "the town" stand for the latest place of that sort before them.

Every phrase keeps its offsets into the article text.

Examples
--------
>>> from geo.article import Article
>>> from geo.gazetteer import LocalGazetteer
>>> from geo.pipeline import parse_article
>>> gaz = LocalGazetteer()
>>> text = "Kurdish forces hold northeast Syria. Rebels moved toward the Iraqi border."
>>> parsed = parse_article(Article(id="a", text=text), gaz)
>>> [(p.text, p.kind) for p in place_phrases(parsed, gaz)]
[('northeast Syria', 'region'), ('Iraqi border', 'border')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from geo.article import matching_text
from geo.borders import border_in_view
from geo.gazetteer import Candidate, Gazetteer
from geo.geometry import COMPASS
from geo.pipeline import ParsedArticle
from geo.spans import DisjointSpans

__all__ = ["PlacePhrase", "place_phrases"]

#: Gazetteer kinds that stand for an area a claim can hold or move through.
_REGION_KINDS = frozenset({"region", "admin1", "admin2", "desert", "county", "valley", "plain"})
_BASE_KINDS = frozenset({"military_base", "airbase", "airport", "garrison", "camp", "checkpoint"})
_TOWN_KINDS = frozenset({"city", "town", "village"})
_MIN_PHRASE_SCORE = 0.85
_COMPASS_WORDS = "|".join(sorted((re.escape(w) for w in COMPASS if len(w) > 2), key=len)[::-1])
_BEFORE_COMPASS = re.compile(rf"(?:\b(?:the\s+)?(?:far\s+)?)?\b({_COMPASS_WORDS})\s+$", re.I)
_AFTER_BORDER = re.compile(
    r"^(?:\s*[-\u2010-\u2015/]\s*[A-Z][\w.'’-]*)?(?:'s|’s)?\s+(?:border|borders|frontier|boundary)\b"
)
_AFTER_AREA = re.compile(
    r"^\s+(?:province|governorate|region|district|countryside|desert|county)\b", re.I
)
_AFTER_ROAD = re.compile(
    r"^\s*[-\u2013]\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s+(?:highway|road|motorway)\b"
)
_BORDER_NAME = re.compile(
    r"\b[A-Z][\w.'’]+(?:\s*[-\u2010-\u2015/]\s*[A-Z][\w'’]+)?(?:'s|’s)?\s+"
    r"(?:border|borders|frontier|boundary)\b"
)
_BACK_REFERENCE = re.compile(
    r"\b(?:the|this|that)\s+(border|borders|frontier|base|camp|garrison|region|town|city)\b"
    r"(?!\s+(?:of|between)\b)",
    re.I,
)


@dataclass(frozen=True)
class PlacePhrase:
    """A place as a claim names it: ``text`` is ``article.text[start:end]``.

    ``basis`` says how it was found: ``mention`` (the geoparser's),
    ``phrase`` (a refined phrase or a border),
    ``reference`` ("the border": the latest such place). ``literal`` is
    False for adjectives ("Iraqi"), which name a place without standing for it.
    """

    start: int
    end: int
    text: str
    place: Candidate
    confidence: float
    basis: str = "mention"
    literal: bool = True
    cue: str = field(default="", compare=False)

    @property
    def kind(self) -> str:
        return self.place.kind

    @property
    def point(self) -> tuple[float, float]:
        """(lat, lon) that stands for the place."""
        return (self.place.lat, self.place.lon)

    @cached_property
    def shape(self) -> BaseGeometry:
        """The place's line or area, else its point (lon/lat)."""
        geometry = self.place.geometry
        return shape(geometry) if geometry else Point(self.place.lon, self.place.lat)

    @property
    def is_country(self) -> bool:
        return self.place.kind == "country"

    @property
    def is_area(self) -> bool:
        return self.place.kind in _REGION_KINDS or self.shape.geom_type.endswith("Polygon")


def place_phrases(parsed: ParsedArticle, gazetteer: Gazetteer) -> list[PlacePhrase]:
    """The article's place phrases, in text order, none overlapping another."""
    text = parsed.article.text
    plain = matching_text(text)
    phrases = [
        PlacePhrase(
            m.start, m.end, m.name, m.place, m.confidence * m.recognition, literal=m.literal
        )
        for m in parsed.mentions
        if not m.in_name  # a place in an organisation's name is no place a claim names
    ]
    named = Counter(p.place.name for p in phrases if p.is_country and p.literal)
    phrases = [_refined(p, plain, gazetteer, named) for p in phrases]
    phrases += _border_names(plain, gazetteer, named)
    phrases = _without_overlaps(phrases)
    # a name a reader dropped stays dropped, in whatever phrase it comes back
    phrases = [p for p in phrases if not any(s < p.end and p.start < e for s, e in parsed.dropped)]
    return _with_back_references(phrases, plain)


def _refined(phrase: PlacePhrase, plain: str, gazetteer: Gazetteer, named: Counter) -> PlacePhrase:
    """The longer phrase around ``phrase`` the gazetteer knows, or ``phrase``."""
    before, after = plain[max(0, phrase.start - 20) : phrase.start], plain[phrase.end :][:40]
    spans = []
    if m := _AFTER_BORDER.match(after):
        spans.append((phrase.start, phrase.end + m.end()))
    if m := _AFTER_ROAD.match(after):
        spans.append((phrase.start, phrase.end + m.end()))
    if phrase.literal and (m := _BEFORE_COMPASS.search(before)):
        spans.append((phrase.start - len(before) + m.start(), phrase.end))
    if phrase.literal and (m := _AFTER_AREA.match(after)):
        spans.append((phrase.start, phrase.end + m.end()))
    for start, end in spans:
        found = _best(gazetteer, plain[start:end], phrase.place.country)
        if found is None:
            continue
        if found.kind == "border":
            found = border_in_view(found, gazetteer.lookup, named) or found
        literal = phrase.literal or found.kind == "border"
        conf = max(phrase.confidence, 0.5) * found.score
        return replace(
            phrase,
            start=start,
            end=end,
            text=plain[start:end],
            place=found,
            confidence=conf,
            basis="phrase",
            literal=literal,
        )
    return phrase


def _best(gazetteer: Gazetteer, name: str, country: str) -> Candidate | None:
    for candidate in gazetteer.lookup(name, limit=5):
        if candidate.score >= _MIN_PHRASE_SCORE and candidate.country == country:
            return candidate
    return None


def _border_names(plain: str, gazetteer: Gazetteer, named: Counter) -> list[PlacePhrase]:
    """ "the Iraqi border", "Syrian and Iraqi borders": borders the recogniser may not offer."""
    found = []
    for m in _BORDER_NAME.finditer(plain):
        border = next(
            (c for c in gazetteer.lookup(m.group(0), limit=3) if c.kind == "border"), None
        )
        if border is None:
            continue
        border = border_in_view(border, gazetteer.lookup, named) or border
        start, end = m.span()
        found.append(
            PlacePhrase(start, end, plain[start:end], border, border.score * 0.8, "phrase")
        )
    return found


def _with_back_references(phrases: list[PlacePhrase], plain: str) -> list[PlacePhrase]:
    """Add "the border", "the base"...: each the latest place of its sort before it."""
    out = list(phrases)
    for match in _BACK_REFERENCE.finditer(plain):
        start, end = match.span()
        if any(p.start < end and start < p.end for p in phrases):
            continue
        word = match.group(1).lower()
        earlier = [p for p in phrases if p.end <= start and p.literal]
        target = next((p for p in reversed(earlier) if _is_sort(p, word, plain)), None)
        if target is not None:
            out.append(
                replace(
                    target,
                    start=start,
                    end=end,
                    text=plain[start:end],
                    confidence=target.confidence * 0.8,
                    basis="reference",
                )
            )
    return sorted(out, key=lambda p: p.start)


def _is_sort(phrase: PlacePhrase, word: str, plain: str) -> bool:
    if word in ("border", "borders", "frontier"):
        return phrase.kind == "border" or "border" in phrase.place.name.lower()
    if word in ("base", "camp", "garrison"):
        context = plain[max(0, phrase.start - 60) : phrase.end + 30].lower()
        return phrase.kind in _BASE_KINDS or any(w in context for w in ("base", "camp", "garrison"))
    if word == "region":
        return phrase.is_area and not phrase.is_country and phrase.kind != "border"
    return phrase.kind in _TOWN_KINDS


def _without_overlaps(phrases: list[PlacePhrase]) -> list[PlacePhrase]:
    """Longest first; a phrase overlapping a kept one is dropped."""
    kept: list[PlacePhrase] = []
    spans = DisjointSpans()
    for p in sorted(phrases, key=lambda p: (-(p.end - p.start), p.start)):
        if spans.add(p.start, p.end):
            kept.append(p)
    return sorted(kept, key=lambda p: p.start)
