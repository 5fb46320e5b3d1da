"""Stage 3: choose, for each mention, the place it most likely means.

A first resolver. The countries the article names itself are its focus; a
candidate in a focus country beats one elsewhere, then broader kinds and
larger populations win. A bare name is not evidence enough for a small town
outside the focus countries ("Long", "Race" are towns too): such mentions are
left out until a later stage weighs context. Every mention keeps its ranked candidates, so a user
(or a later stage) can pick another.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.gazetteer import Candidate, Gazetteer
from geo.recognize import Mention

__all__ = ["ResolvedMention", "focus_countries", "resolve_mentions"]

_CANDIDATES_KEPT = 10
#: Towns outside the focus countries need at least this population to be taken.
MIN_POPULATION_OUTSIDE_FOCUS = 100_000


@dataclass(frozen=True)
class ResolvedMention:
    """A mention with the place chosen for it and the candidates it was chosen from."""

    start: int
    end: int
    name: str
    place: Candidate
    candidates: tuple[Candidate, ...]


def focus_countries(candidate_lists: list[list[Candidate]]) -> set[str]:
    """Countries named outright: mentions whose best candidate is a country.

    Examples
    --------
    >>> syria = Candidate("geonames:163843", "Syria", "country", "SY", "", 35, 38, 0, "", 1.0)
    >>> focus_countries([[syria], []])
    {'SY'}
    """
    return {c[0].country for c in candidate_lists if c and c[0].kind == "country"}


def resolve_mentions(mentions: list[Mention], gazetteer: Gazetteer) -> list[ResolvedMention]:
    """Resolve every mention the gazetteer has candidates for, in mention order.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> ms = [Mention(0, 5, "Syria"), Mention(10, 17, "Palmyra")]
    >>> [r.place.country for r in resolve_mentions(ms, LocalGazetteer())]
    ['SY', 'SY']
    """
    lists = [gazetteer.lookup(m.name, limit=_CANDIDATES_KEPT) for m in mentions]
    focus = focus_countries(lists)

    def rank(c: Candidate) -> tuple:
        return (c.score, c.country in focus, c.kind == "country", c.population)

    resolved = []
    for mention, candidates in zip(mentions, lists, strict=True):
        if not candidates:
            continue
        ranked = tuple(sorted(candidates, key=rank, reverse=True))
        best = ranked[0]
        if (
            best.kind != "country"
            and best.country not in focus
            and best.population < MIN_POPULATION_OUTSIDE_FOCUS
        ):
            continue
        resolved.append(ResolvedMention(mention.start, mention.end, mention.name, best, ranked))
    return resolved
