"""The pipeline end to end: article → mentions → resolved places, and its records.

Examples
--------
>>> from geo.article import Article
>>> from geo.gazetteer import LocalGazetteer
>>> parsed = parse_article(Article(id="a", text="Shelling hit Aleppo. Aleppo is in Syria."),
...                        LocalGazetteer())
>>> [(m.name, m.place.country) for m in parsed.mentions]
[('Aleppo', 'SY'), ('Aleppo', 'SY'), ('Syria', 'SY')]
>>> parsed.passage_span(25)
(21, 40)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from geo.article import Article, sentence_spans
from geo.gazetteer import Gazetteer
from geo.recognize import find_mentions
from geo.resolve import ResolvedMention, resolve_mentions

__all__ = ["ParsedArticle", "bench_record", "parse_article"]


@dataclass(frozen=True)
class ParsedArticle:
    """An article with its sentences and resolved place mentions."""

    article: Article
    sentences: tuple[tuple[int, int], ...]
    mentions: tuple[ResolvedMention, ...]

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
    mentions = resolve_mentions(find_mentions(article, gazetteer), gazetteer)
    return ParsedArticle(article, tuple(sentence_spans(article.text)), tuple(mentions))


def bench_record(parsed: ParsedArticle) -> dict:
    """The article's toponyms in the shared benchmark schema (``geo parse`` output).

    Examples
    --------
    >>> from geo.article import Article
    >>> from geo.gazetteer import LocalGazetteer
    >>> rec = bench_record(parse_article(Article(id="d1", text="Near Homs."), LocalGazetteer()))
    >>> rec["id"], rec["toponyms"][0]["name"], rec["toponyms"][0]["geonameid"]
    ('d1', 'Homs', '169577')
    """
    return {
        "id": parsed.article.id,
        "toponyms": [
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
            }
            for m in parsed.mentions
        ],
    }


def _geonameid(place_id: str) -> str | None:
    source, _, local = place_id.partition(":")
    return local if source == "geonames" else None
