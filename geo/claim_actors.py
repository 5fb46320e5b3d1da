"""Stage 4b: who the text says acts: actor mentions, with back references resolved.

:func:`actor_mentions` combines the actor file (:mod:`geo.actors`) with the
article: a country's forces become that country's actor, and a generic
reference ("the militants", "pro-government", "the regime") becomes the actor
it stands for (:func:`resolve_generic`).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from geo.actors import Actor, ActorBook, ActorMention
from geo.article import matching_text
from geo.claim_cues import cues
from geo.claim_places import PlacePhrase
from geo.gazetteer import Gazetteer
from geo.recognize import part_of_longer_name

__all__ = ["actor_mentions", "resolve_generic"]


def actor_mentions(
    book: ActorBook, text: str, places: list[PlacePhrase], gazetteer: Gazetteer
) -> list[ActorMention]:
    """The actors ``text`` names, in order, generic ones ("the militants") resolved.

    First the actor file's names and compounds (:meth:`ActorBook.find`),
    without names that begin a longer name ("The Washington Institute");
    then a country's forces ("Iraqi warplanes", "Saudi jets"), which are the
    actor of that country (:meth:`ActorBook.country_actor`).

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> text = "Saudi jets struck ISIS; the Washington Post said the militants fled."
    >>> found = actor_mentions(ActorBook.load(), text, [], LocalGazetteer())
    >>> [(a.text, a.actor.id) for a in found]
    [('Saudi', 'country:SA'), ('ISIS', 'isis'), ('the militants', 'isis')]
    """
    plain = matching_text(text)
    every = book.find(text)
    starts = {a.start for a in every}
    # "The Washington Institute" names no actor; "U.S. Special Forces" does
    found = [
        a
        for a in every
        if a.relation != "named"
        or not part_of_longer_name(plain, a.end)
        or {a.end + 1, a.end + 2} & starts
    ]
    for m in _forces_pattern().finditer(plain):
        start, end = m.span(1)
        if any(a.start < end and start < a.end for a in found):
            continue
        country = next(
            (c for c in gazetteer.lookup(m.group(1), limit=3) if c.kind == "country"), None
        )
        if country is not None:
            actor = book.country_actor(country.country, country.name)
            found.append(ActorMention(start, end, text[start:end], actor, "named"))
    countries = Counter(p.place.country for p in places if p.is_country and p.literal)
    focus = None
    if countries:
        code = countries.most_common(1)[0][0]
        name = next(p.place.name for p in places if p.place.country == code and p.is_country)
        focus = book.country_actor(code, name)
    return resolve_generic(sorted(found, key=lambda a: a.start), focus)


@lru_cache(maxsize=1)
def _forces_pattern() -> re.Pattern:
    nouns = "|".join(re.escape(n) for n in sorted(cues()["force_nouns"], key=len, reverse=True))
    return re.compile(rf"\b([A-Z][\w.'’-]+)\s+(?:{nouns})\b")


def resolve_generic(mentions: list[ActorMention], focus: Actor | None) -> list[ActorMention]:
    """ "the militants", "militant-held", "pro-government": the actor called so.

    That is the state of the country the article names most (``focus``) when
    it may be called so ("the government", "the regime"), else the latest
    actor named that may be.
    """
    out: list[ActorMention] = []
    for m in mentions:
        if m.relation == "generic" or m.actor.kind == "generic":
            noun = _noun_of(m.text)
            if focus is not None and any(_noun_of(g) == noun for g in focus.generic):
                out.append(ActorMention(m.start, m.end, m.text, focus, m.relation))
                continue
            named = next(
                (
                    o.actor
                    for o in reversed(out)
                    if o.actor.kind != "generic"
                    and any(_noun_of(g) == noun for g in o.actor.generic)
                ),
                None,
            )
            if named is not None:
                m = ActorMention(m.start, m.end, m.text, named, m.relation)
            elif m.relation == "generic":
                continue
        out.append(m)
    return out


def _noun_of(words: str) -> str:
    """The word a generic reference turns on: "pro-government forces" → "government".

    Examples
    --------
    >>> [_noun_of(w) for w in ("the militants", "militant-held", "pro-government forces")]
    ['militant', 'militant', 'government']
    """
    parts = re.split(r"[\s-]+", words.lower().strip())
    parts = [w for w in parts if w not in ("the", "its", "their", "pro", "held", "controlled")]
    first = parts[0] if parts else ""
    return first[:-1] if first.endswith("s") else first
