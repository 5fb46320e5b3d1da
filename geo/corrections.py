"""Stage 3b: a reader's corrections, applied to a parsed article before its layers are drawn.

A :class:`~geo.store.Correction` names a surface form ("Hama") and either
the place it means or that it is no place. :func:`apply_corrections` applies
them, newest last, to every mention spelled that way: a "place" correction
makes the chosen candidate the mention's place (confidence 1, ``corrected``),
a "drop" correction takes the mention off the map. Claims and layers are
then computed from the corrected article as from any other.

Examples
--------
>>> from geo.article import Article
>>> from geo.gazetteer import LocalGazetteer
>>> from geo.pipeline import parse_article
>>> from geo.store import Correction
>>> gaz = LocalGazetteer()
>>> parsed = parse_article(Article(id="a", text="Rebels advanced from Hama toward Homs."), gaz)
>>> homs_in_syria = next(c for c in gaz.lookup("Homs") if c.country == "SY")
>>> fixed = apply_corrections(parsed, [
...     Correction("hama", "drop"),
...     Correction("Homs", "place", place=candidate_json(homs_in_syria))])
>>> [(m.name, m.place.country, m.corrected) for m in fixed.mentions]
[('Homs', 'SY', True)]
"""

from __future__ import annotations

import json
from dataclasses import replace

from geo.article import matching_text
from geo.gazetteer import Candidate
from geo.pipeline import ParsedArticle
from geo.resolve import ResolvedMention
from geo.store import Correction

__all__ = ["apply_corrections", "candidate_from_json", "candidate_json", "surface_key"]


def surface_key(name: str) -> str:
    """How a surface form is matched: plain quotes and spaces, single-spaced, any case.

    Examples
    --------
    >>> surface_key("Deir\\u00a0Ezzor") == surface_key("deir  ezzor")
    True
    """
    return " ".join(matching_text(name).split()).casefold()


def candidate_json(candidate: Candidate) -> str:
    """A candidate as JSON text, for keeping in a correction."""
    return json.dumps(candidate._asdict(), ensure_ascii=False)


def candidate_from_json(text: str) -> Candidate:
    """The candidate :func:`candidate_json` wrote.

    Examples
    --------
    >>> c = Candidate("x:1", "Here", "city", "SY", "", 34.5, 38.2, 0, "test", 1.0,
    ...               bbox=(1, 2, 3, 4))
    >>> candidate_from_json(candidate_json(c)) == c
    True
    """
    fields = json.loads(text)
    if fields.get("bbox") is not None:
        fields["bbox"] = tuple(fields["bbox"])
    return Candidate(**fields)


def apply_corrections(parsed: ParsedArticle, corrections: list[Correction]) -> ParsedArticle:
    """``parsed`` with ``corrections`` applied (the last one for a surface form wins)."""
    final: dict[str, Correction] = {}
    for correction in corrections:
        final[surface_key(correction.surface)] = correction
    if not final:
        return parsed
    placed: list[ResolvedMention] = []
    dropped = list(parsed.dropped)
    for mention in parsed.mentions:
        fix = final.get(surface_key(mention.name))
        if fix is None:
            placed.append(mention)
        elif fix.action == "place":
            placed.append(_placed(mention, candidate_from_json(fix.place)))
        else:
            dropped.append((mention.start, mention.end))
    unplaced = []
    for mention in parsed.unplaced:
        fix = final.get(surface_key(mention.name))
        if fix is None:
            unplaced.append(mention)
        elif fix.action == "drop":
            dropped.append((mention.start, mention.end))
        else:
            placed.append(
                ResolvedMention(
                    mention.start,
                    mention.end,
                    mention.name,
                    candidate_from_json(fix.place),
                    mention.candidates,
                    literal=mention.literal,
                    corrected=True,
                    in_name=mention.in_name,
                )
            )
    placed.sort(key=lambda m: m.start)
    return replace(
        parsed, mentions=tuple(placed), unplaced=tuple(unplaced), dropped=tuple(sorted(dropped))
    )


def _placed(mention: ResolvedMention, place: Candidate) -> ResolvedMention:
    others = tuple(c for c in mention.candidates if c.id != place.id)
    return replace(
        mention,
        place=place,
        candidates=(place, *others),
        confidence=1.0,
        recognition=1.0,
        probabilities=(),
        corrected=True,
    )
