"""The cue words of claims: ``data/language/claim_cues.json`` as patterns.

The file lists verbs in their base form (regular inflections are derived) and
nouns; :func:`find_cues` finds them in text as :class:`Cue` objects, which
:mod:`geo.claims` reads around.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["CUES", "Cue", "cue_patterns", "cues", "find_cues", "inflections"]

#: The cue words file.
CUES = Path(__file__).resolve().parent.parent / "data" / "language" / "claim_cues.json"


@lru_cache(maxsize=1)
def cues() -> dict:
    """The cue words of :data:`CUES`."""
    return json.loads(CUES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Cue:
    """Words at ``start:end`` that make a claim: ``kind`` says which, ``sort`` refines it."""

    start: int
    end: int
    kind: str  # movement | route | control | passive | strike | presence | stronghold
    sort: str  # movement type, or the cue word


@lru_cache(maxsize=1)
def cue_patterns() -> list[tuple[re.Pattern, str, str]]:
    """(pattern, kind, sort) for every cue word, longest words first.

    Kinds: ``movement`` (sort: advance, retreat, deployment, arrival), ``route``
    (a path noun: corridor, supply route), ``control``, ``stronghold``,
    ``presence`` and ``strike``.
    """
    data = cues()
    entries: list[tuple[str, str, str]] = []
    for sort, verbs in data["movement"].items():
        entries += [(form, "movement", sort) for v in verbs for form in inflections(v)]
    for form, base in data["movement_irregular"].items():
        sort = next(s for s, vs in data["movement"].items() if base in vs)
        entries.append((form, "movement", sort))
    entries += [(n, "route", n) for n in data["route_nouns"]]
    for verb in data["control_verbs"]:
        entries += [(f, "control", verb) for f in inflections(verb)]
    entries += [(f, "control", b) for f, b in data["control_irregular"].items()]
    entries += [(n, "stronghold", n) for n in data["control_nouns"]]
    entries += [(n, "presence", n) for n in data["presence_nouns"]]
    for verb in data["strike_verbs"]:
        entries += [(f, "strike", verb) for f in inflections(verb)]
    entries += [(f, "strike", b) for f, b in data["strike_irregular"].items()]
    entries += [(n, "strike", n) for n in data["strike_nouns"]]
    seen, patterns = set(), []
    for form, kind, sort in sorted(entries, key=lambda e: -len(e[0])):
        if form in seen:
            continue
        seen.add(form)
        words = r"\s+".join(re.escape(w) for w in form.split())
        patterns.append((re.compile(rf"\b{words}\b", re.I), kind, sort))
    return patterns


def inflections(verb: str) -> set[str]:
    """Regular English forms of ``verb`` (phrasal verbs inflect their first word).

    Examples
    --------
    >>> sorted(inflections("push")), sorted(inflections("retake"))
    (['push', 'pushed', 'pushes', 'pushing'], ['retake', 'retaked', 'retakes', 'retaking'])
    >>> sorted(inflections("pull back"))
    ['pull back', 'pulled back', 'pulling back', 'pulls back']
    """
    head, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    stem = head[:-1] if head.endswith("e") else head
    double = head + head[-1] if re.search(r"[^aeiou][aeiou][bdgmnpt]$", head) else head
    forms = {head, head + ("es" if head.endswith(("s", "sh", "ch", "x")) else "s")}
    forms |= {stem + "ed" if head.endswith("e") else double + "ed", stem + "ing"}
    forms |= {double + "ing"} if double != head else set()
    if head.endswith("y") and head[-2] not in "aeiou":
        forms |= {head[:-1] + "ies", head[:-1] + "ied"}
    return {f + tail for f in forms}


def find_cues(plain: str, start: int, end: int) -> list[Cue]:
    """The cues in ``plain[start:end]``, longest words first, none overlapping.

    A control verb followed by "by" is ``passive`` ("held by ISIS").

    Examples
    --------
    >>> [(c.kind, c.sort) for c in find_cues("They retreated north; areas held by ISIS.", 0, 41)]
    [('movement', 'retreat'), ('passive', 'hold')]
    """
    found: list[Cue] = []
    for pattern, kind, sort in cue_patterns():
        for m in pattern.finditer(plain, start, end):
            if any(c.start < m.end() and m.start() < c.end for c in found):
                continue
            if kind == "control" and re.match(r"\s+by\b", plain[m.end() : m.end() + 4]):
                kind = "passive"
            found.append(Cue(m.start(), m.end(), kind, sort))
    return sorted(found, key=lambda c: c.start)
