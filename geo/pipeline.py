"""The pipeline end to end: article → mentions → resolved places, and its records.

Examples
--------
>>> from geo.article import Article
>>> from geo.gazetteer import LocalGazetteer
>>> parsed = parse_article(Article(id="a", text="Fighting near Aleppo. Aleppo is in Syria."),
...                        LocalGazetteer())
>>> [(m.name, m.place.country) for m in parsed.mentions]
[('Aleppo', 'SY'), ('Aleppo', 'SY'), ('Syria', 'SY')]
>>> parsed.passage_span(25)
(22, 41)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from geo.article import Article, sentence_spans
from geo.gazetteer import Candidate, Gazetteer
from geo.recognize import CANDIDATES_KEPT, Mention, find_mentions
from geo.resolve import ResolvedMention, resolve_mentions

__all__ = [
    "ParsedArticle",
    "bench_record",
    "mentions_with_spans",
    "parse_article",
    "resolve_spans",
]

#: Candidates listed per toponym in a record: the most probable.
_CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class ParsedArticle:
    """An article with its sentences, its placed mentions and those it could not place.

    ``unplaced`` are spans recognised as place names that no candidate fits
    (a place the gazetteer lacks), kept for the reader and for corrections;
    ``dropped`` the spans a reader said are no place (:mod:`geo.corrections`).
    """

    article: Article
    sentences: tuple[tuple[int, int], ...]
    mentions: tuple[ResolvedMention, ...]
    unplaced: tuple[Mention, ...] = ()
    dropped: tuple[tuple[int, int], ...] = ()

    def passage_span(self, offset: int) -> tuple[int, int]:
        """The sentence ``(start, end)`` that holds character ``offset``."""
        starts = [s for s, _ in self.sentences]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset < self.sentences[i][1]:
            return self.sentences[i]
        return (offset, offset)

    def passage(self, offset: int) -> str:
        """The sentence text that holds character ``offset``."""
        start, end = self.passage_span(offset)
        return self.article.text[start:end]


def parse_article(article: Article, gazetteer: Gazetteer) -> ParsedArticle:
    """Run recognition and resolution over ``article``."""
    return _parsed(article, find_mentions(article, gazetteer), gazetteer)


def resolve_spans(
    article: Article, spans: list[tuple[int, int]], gazetteer: Gazetteer
) -> ParsedArticle:
    """Resolve given spans: for evaluating resolution on gold spans.

    The spans are placed among the other places the recogniser finds in the
    article (the context a reader has too); only the given spans are returned.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> a = Article(id="w", text="Paris is on the Seine.")
    >>> [m.place.country for m in resolve_spans(a, [(0, 5)], LocalGazetteer()).mentions]
    ['FR']
    """
    parsed = _parsed(article, mentions_with_spans(article, spans, gazetteer), gazetteer)
    wanted = set(spans)
    return ParsedArticle(
        article,
        parsed.sentences,
        tuple(m for m in parsed.mentions if (m.start, m.end) in wanted),
        tuple(m for m in parsed.unplaced if (m.start, m.end) in wanted),
    )


def mentions_with_spans(
    article: Article, spans: list[tuple[int, int]], gazetteer: Gazetteer
) -> list[Mention]:
    """The given spans as mentions, among the recogniser's others that none overlaps.

    In text order; each given span has the gazetteer's candidates for its text
    (none when it knows no such name).

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> a = Article(id="w", text="Paris is the capital of France.")
    >>> [m.name for m in mentions_with_spans(a, [(0, 5)], LocalGazetteer())]
    ['Paris', 'France']
    """
    given = [
        Mention(
            s,
            e,
            article.text[s:e],
            candidates=tuple(gazetteer.lookup(article.text[s:e], limit=CANDIDATES_KEPT)),
        )
        for s, e in spans
    ]
    others = [
        m
        for m in find_mentions(article, gazetteer)
        if not any(m.start < e and s < m.end for s, e in spans)
    ]
    return sorted([*given, *others], key=lambda m: m.start)


def _parsed(article: Article, mentions: list[Mention], gazetteer: Gazetteer) -> ParsedArticle:
    resolved = resolve_mentions(article, mentions, gazetteer)
    placed = {(m.start, m.end) for m in resolved}
    unplaced = tuple(m for m in mentions if (m.start, m.end) not in placed)
    return ParsedArticle(article, tuple(sentence_spans(article.text)), tuple(resolved), unplaced)


def bench_record(parsed: ParsedArticle) -> dict:
    """The article's toponyms in the shared benchmark schema (``geo parse`` output).

    Placed and unplaced toponyms in text order; an unplaced one has null
    ``lat``/``lon``. Beyond the schema: ``kind``, ``country``, ``literal``
    (False for adjectives such as "Iraqi" and places inside other names),
    ``in_name`` (True for a place inside an organisation's name, such as
    "Maryland" in "University of Maryland"), ``confidence`` (recognition times
    resolution probability) and ``candidates`` (the ten most probable
    alternatives, with their probabilities, for corrections).

    Examples
    --------
    >>> from geo.article import Article
    >>> from geo.gazetteer import LocalGazetteer
    >>> parsed = parse_article(Article(id="d1", text="Talks in Paris."), LocalGazetteer())
    >>> rec = bench_record(parsed)
    >>> rec["id"], rec["toponyms"][0]["name"], rec["toponyms"][0]["geonameid"]
    ('d1', 'Paris', '2988507')
    """
    placed = [
        {
            "start": m.start,
            "end": m.end,
            "name": m.name,
            "lat": m.place.lat,
            "lon": m.place.lon,
            "geonameid": _geonameid(m.place.id),
            "place_id": m.place.id,
            "place_name": m.place.name,
            "kind": m.place.kind,
            "country": m.place.country,
            "literal": m.literal,
            "in_name": m.in_name,
            "confidence": round(m.confidence * m.recognition, 4),
            "candidates": [
                _candidate_record(c, p) for c, p in zip(m.candidates, m.probabilities, strict=False)
            ],
        }
        for m in parsed.mentions
    ]
    unplaced = [
        {
            "start": m.start,
            "end": m.end,
            "name": m.name,
            "lat": None,
            "lon": None,
            "geonameid": None,
            "place_id": None,
            "literal": m.literal,
            "in_name": m.in_name,
            "confidence": 0.0,
            "candidates": [_candidate_record(c, None) for c in m.candidates[:_CANDIDATES_SHOWN]],
        }
        for m in parsed.unplaced
    ]
    toponyms = sorted(placed + unplaced, key=lambda t: t["start"])
    return {"id": parsed.article.id, "toponyms": toponyms}


def _candidate_record(c: Candidate, probability: float | None) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "country": c.country,
        "lat": c.lat,
        "lon": c.lon,
        "score": c.score,
        "probability": probability,
    }


def _geonameid(place_id: str) -> str | None:
    source, _, local = place_id.partition(":")
    return local if source == "geonames" else None
