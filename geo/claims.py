"""Stage 4b: what the text claims happens where, by whom, and when.

:func:`extract_claims` reads each sentence of a parsed article for cue words
(``data/language/claim_cues.json``) around its actors (:mod:`geo.actors`) and
place phrases (:mod:`geo.claim_places`):

``control``
    "the ISIS-controlled crossroads of Sukhna", "areas held by ISIS", "the
    SDF, which controls the region", "the ISIS stronghold of Raqqa",
    "Government forces retook Maaloula".
``movement``
    a cue verb ("pushing", "retreat", "deployed", "reached") or route noun
    ("corridor", "supply route") with its origin ("from X", "southeast of
    X"), waypoints ("along", "down", "through"), destinations ("toward X and
    Y", "into X") and direction ("north"). With no stated origin, the
    latest place before the cue in the same sentence starts the path.
``strike`` and ``presence``
    "U.S. warplanes struck a convoy near X"; "a U.S. training camp in X".
``relative`` and ``direction``
    "roughly 100 km northeast of Tanf" (a distance band times a bearing
    sector), "southeast of Palmyra".
``distance``
    "Sukhna, which lies more than 124 km west of Deir Ezzor": a stated
    distance between two named places, checked later against the geodesic.

The actor of a cue is its subject: the nearest actor before it in the
sentence that is not the object of a preposition nor inside an appositive
("the SDF, a U.S.-backed alliance ..., which controls" is the SDF); "they" is
the actor of the latest claim; "the militants" the latest actor that the
actor file says may be called so. Dates come from :mod:`geo.dates`; the
reporting source from "according to ..." or "X said".

Examples
--------
>>> from geo.article import Article
>>> from geo.gazetteer import LocalGazetteer
>>> from geo.pipeline import parse_article
>>> gaz = LocalGazetteer()
>>> text = "Rebels advanced south from Idlib toward Hama on Monday."
>>> art = Article(id="a", text=text, published=__import__("datetime").date(2017, 6, 2))
>>> [(c.type, c.movement, c.actor.id, [p.place.name for p in c.places], str(c.date))
...  for c in extract_claims(parse_article(art, gaz), gaz)]
[('movement', 'advance', 'rebels', ['Idlib', 'Ḩamāh'], '2017-05-29')]
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace

from shapely.geometry import mapping

from geo.actors import Actor, ActorBook, ActorMention
from geo.article import matching_text
from geo.claim_actors import actor_mentions
from geo.claim_cues import Cue, cues, find_cues
from geo.claim_geometry import relative_area
from geo.claim_places import PlacePhrase, place_phrases
from geo.dates import DateMention, find_dates
from geo.gazetteer import Gazetteer
from geo.geometry import bearing_of
from geo.pipeline import ParsedArticle
from geo.spans import inside

__all__ = ["Claim", "extract_claims"]

_NUMBER = r"(?P<n>\d{1,5}(?:[.,]\d+)?)"
_UNIT = r"(?P<u>km|kilometers|kilometres|kilometer|kilometre|miles|mile|mi)\b"
_QUALIFIER = (
    r"(?:(?P<q>roughly|about|around|some|approximately|nearly|almost|more than|over|"
    r"less than|under|within|up to|at least|just over|just under)\s+)?"
)
_STATED_DISTANCE = re.compile(
    _QUALIFIER + _NUMBER + r"[\s-]*" + _UNIT + r"(?:\s*\([^)]{0,30}\))?\s+"
    r"(?:(?P<dir>[a-z-]+)\s+)?(?:of|from)\s+",
    re.I,
)
#: "southeast of X"; lowercase only: "South of France" is a name; "the south of France"
#: lies inside it
_DIRECTION = re.compile(r"(?<!\bthe )(?<!\bThe )\b(?P<dir>[a-z]+(?:-[a-z]+)?)\s+of\s+")
_MILE_KM = 1.609344
#: Between an actor and the verb it does directly ("PMF forces traversing", "ISIS fighters
#: pushed"): nothing but a force noun.
_ADJACENT = re.compile(
    r"\s*(?:forces|troops|fighters|militias|militiamen|units|soldiers|warplanes|jets)?\s*", re.I
)
#: At most this many characters between a movement word and its next place ("toward the
#: ISIS-controlled crossroads of Sukhna" is 35).
_ARGUMENT_GAP = 70
_SUBJECT_GAP = re.compile(
    r"^\s*,?\s*(?:which|that)?\s*(?:lies|lie|is|are|was|sits|stands)?\s*"
    r"(?:located|situated)?\s*(?:some\s+)?$",
    re.I,
)


@dataclass(frozen=True)
class Claim:
    """One claim of the text, tied to its sentence.

    ``places`` and ``roles`` run in parallel: ``origin``, ``via``,
    ``destination``, ``location``, ``object`` (what is held), ``reference``
    (the place a relative location or distance is measured from) and
    ``subject`` (the place whose distance is stated). ``distance_km`` is the
    stated distance with its ``qualifier`` ("more than"), ``bearing`` the
    stated direction in degrees. ``hedged`` claims are intentions or
    attempts ("ready to march into Syria", "attempts to reach the border"),
    their confidence halved.
    """

    type: str
    start: int
    end: int
    passage_start: int
    passage_end: int
    actor: Actor | None
    places: tuple[PlacePhrase, ...]
    roles: tuple[str, ...]
    movement: str | None = None
    bearing: float | None = None
    distance_km: float | None = None
    qualifier: str | None = None
    target: Actor | None = None
    source: str | None = None
    date: dt.date | None = None
    confidence: float = 1.0
    hedged: bool = False
    cue: str = field(default="", compare=False)

    def with_role(self, role: str) -> list[PlacePhrase]:
        """The places in ``role``."""
        return [p for p, r in zip(self.places, self.roles, strict=True) if r == role]


def extract_claims(
    parsed: ParsedArticle, gazetteer: Gazetteer, actors: ActorBook | None = None
) -> list[Claim]:
    """The claims of ``parsed``, in text order."""
    book = actors or ActorBook.load()
    text = parsed.article.text
    plain = matching_text(text)
    places = place_phrases(parsed, gazetteer)
    actors_named = actor_mentions(book, text, places, gazetteer)
    dates = find_dates(text, parsed.article.published)
    extractor = _Extractor(plain, places, actors_named, dates)
    claims = [c for start, end in parsed.sentences for c in extractor.sentence(start, end)]
    return sorted(claims, key=lambda c: (c.start, c.type))


class _Extractor:
    """Claims sentence by sentence, with what earlier sentences established."""

    def __init__(
        self,
        plain: str,
        places: list[PlacePhrase],
        actors: list[ActorMention],
        dates: list[DateMention],
    ):
        self.plain = plain
        self.places = places  # both sorted by start
        self.actors = actors
        self._place_starts = [p.start for p in places]
        self._actor_starts = [a.start for a in actors]
        self.dates = dates
        data = cues()
        self.roles = {w: role for role, words in data["roles"].items() for w in words}
        self.role_word_before = re.compile(
            r"\b(?:" + "|".join(map(re.escape, self.roles)) + r")\s+$"
        )
        self.pronouns = set(data["subject_pronouns"])
        self.auxiliaries = set(data["auxiliaries"])
        self.object_words = set(data["object_prepositions"])
        self.reporting = "|".join(data["reporting_verbs"])
        self.negation = re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in data["negations"]) + r")\b[^,;]*$", re.I
        )
        self.hedge = re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in data["hedges"]) + r")\b[^,;]{0,40}$", re.I
        )
        self.previous_subject: Actor | None = None
        self.last_agent: Actor | None = None

    # -- one sentence ---------------------------------------------------------------------------

    def sentence(self, start: int, end: int) -> list[Claim]:
        self.span = (start, end)
        self.s_places = inside(self.places, self._place_starts, start, end)
        self.s_actors = inside(self.actors, self._actor_starts, start, end)
        self.s_cues = [
            c
            for c in find_cues(self.plain, start, end)
            if not any(a.start <= c.start < a.end for a in self.s_actors)
        ]
        self.source = self._source()
        out: list[Claim] = []
        relative = self._relative_claims()
        out += relative
        areas = [c for c in relative if c.type == "relative"]
        hidden = {id(p) for c in areas for p in c.with_role("reference")}
        self.anchors = [
            p for p in self.s_places if p.literal and id(p) not in hidden and not self._is_actor(p)
        ]
        self.area_anchors = [_area_anchor(c, self.plain) for c in areas]
        self.anchors = sorted(self.anchors + self.area_anchors, key=lambda p: p.start)
        # where the sentence puts someone: (place, actor, claim type), for paths with no origin
        self.reached: list[tuple[PlacePhrase, Actor | None, str]] = [
            (p, None, "relative") for p in self.area_anchors
        ]
        for cue in self.s_cues:
            if self._negated(cue):
                continue
            claim = getattr(self, f"_{cue.kind}")(cue)
            if claim is not None:
                out.append(claim)
                if cue.kind != "stronghold":
                    self.last_agent = claim.actor or self.last_agent
                self.reached += [
                    (p, claim.actor, claim.type)
                    for p, r in zip(claim.places, claim.roles, strict=True)
                    if r in ("destination", "location")
                ]
        out += self._compound_control()
        out = _distinct(self._corridor_control(out))
        first = next((a for a in self.s_actors if a.relation == "named"), None)
        if first is not None:
            self.previous_subject = first.actor
        return out

    def _is_actor(self, place: PlacePhrase) -> bool:
        """ "a U.S. training camp", "Tehran-backed": the name stands for an actor, not a place;
        "from Tehran" still names the place."""
        over = [a for a in self.s_actors if a.start < place.end and place.start < a.end]
        if not over:
            return False
        if any(a.relation != "named" for a in over):
            return True
        before = self.plain[max(self.span[0], place.start - 12) : place.start].lower()
        return not self.role_word_before.search(before)

    def _negated(self, cue: Cue) -> bool:
        """ "will not allow ... to enter", "can not link up": the text denies it."""
        before = self.plain[max(self.span[0], cue.start - 60) : cue.start]
        after = self.plain[cue.end : cue.end + 6]
        if cue.kind == "control" and re.match(r"\s+(?:over|of)\b", after):
            return True  # "control over the frontier would give": a noun, not a claim
        if cue.kind == "movement" and re.search(r"\b(?:a|an)\s+$", before, re.I):
            return True  # "a move that ...": a noun, not an event
        return bool(self.negation.search(before))

    # -- cue handlers ---------------------------------------------------------------------------

    def _movement(self, cue: Cue) -> Claim | None:
        actor = self._subject(cue.start)
        return self._path_claim(cue, actor, cue.sort)

    def _route(self, cue: Cue) -> Claim | None:
        actor = self._subject(cue.start, allow_possessor=True)
        claim = self._path_claim(cue, actor, "corridor")
        if claim is None or not claim.with_role("origin") and not claim.with_role("via"):
            return None  # "the road" alone is not a route claim
        return claim

    def _path_claim(self, cue: Cue, actor: Actor | None, movement: str) -> Claim | None:
        roles, end = self._arguments(cue)
        bearing = self._bearing_after(cue.end)
        origin = next((p for p, r in roles if r == "origin"), None)
        if bearing is None and origin is not None and origin.start > cue.end:
            # "pushing southeast of Palmyra": the direction of the move away from its origin
            m = re.search(
                r"([a-z]+(?:-[a-z]+)?)\s+of\s+(?:the\s+)?$",
                self.plain[cue.end : origin.start],
                re.I,
            )
            bearing = bearing_of(m.group(1)) if m else None
        if not any(r in ("destination", "via", "origin") for _, r in roles):
            return None
        if not any(r == "origin" for _, r in roles):
            # the path starts where the sentence last put this actor ("approaching the base,
            # forcing them to retreat north toward X": its own earlier move, a strike on it,
            # or an area named), never at a mere mention
            before = [
                p
                for p, who, kind in self.reached
                if p.end <= cue.start
                and not p.is_country
                and (who is None or who == actor or kind == "strike")
            ]
            if before:
                roles.insert(0, (before[-1], "origin"))
        if actor is None and movement != "corridor":
            return None
        if movement == "corridor" and len(roles) < 2:
            return None
        places = tuple(p for p, _ in roles)
        return self._claim(
            "movement",
            cue,
            end,
            actor,
            places,
            tuple(r for _, r in roles),
            movement=movement,
            bearing=bearing,
        )

    def _control(self, cue: Cue) -> Claim | None:
        actor = self._subject(cue.start)
        objects, end = self._objects_after(cue.end)
        if actor is None or not objects:
            return None
        return self._claim("control", cue, end, actor, objects, ("object",) * len(objects))

    def _passive(self, cue: Cue) -> Claim | None:
        by = next((a for a in self.s_actors if 0 <= a.start - cue.end <= 8), None)
        if by is None:
            return None
        objects = self._objects_before(cue.start)
        return self._claim(
            "control",
            cue,
            by.end,
            by.actor,
            objects,
            ("object",) * len(objects),
            start=objects[0].start if objects else cue.start,
        )

    def _stronghold(self, cue: Cue) -> Claim | None:
        owner = next((a for a in reversed(self.s_actors) if 0 <= cue.start - a.end <= 12), None)
        gap = self.plain[cue.end : cue.end + 6]
        if owner is None or not re.match(r"\s+(?:of|in|at|near)\b", gap):
            return None
        objects, end = self._objects_after(cue.end)
        if not objects:
            return None
        return self._claim(
            "control", cue, end, owner.actor, objects, ("object",) * len(objects), start=owner.start
        )

    def _presence(self, cue: Cue) -> Claim | None:
        owner = next((a for a in reversed(self.s_actors) if 0 <= cue.start - a.end <= 12), None)
        if owner is None:
            return None
        objects, end = self._objects_after(cue.end, limit=90)
        if not objects or objects[-1].is_country:
            return None
        return self._claim(
            "presence", cue, end, owner.actor, objects[-1:], ("location",), start=owner.start
        )

    def _strike(self, cue: Cue) -> Claim | None:
        actor = self._subject(cue.start)
        after = [a for a in self.s_actors if a.start >= cue.end and a.actor != actor]
        target = after[0].actor if after else None
        stop = self._next_cue_start(cue, kinds=("movement", "control", "route"))
        places = [
            p
            for p in self.anchors
            if cue.end <= p.start < stop
            and not re.search(
                r";|,\s*(?:and|but|while|which|who|whereas)\b", self.plain[cue.end : p.start]
            )
        ]
        if actor is None or not places:
            return None
        place = next((p for p in places if not p.is_country), places[0])
        return self._claim("strike", cue, place.end, actor, (place,), ("location",), target=target)

    # -- relative locations, distances, compound control ----------------------------------------

    def _relative_claims(self) -> list[Claim]:
        start, end = self.span
        claims = []
        for m in _STATED_DISTANCE.finditer(self.plain, start, end):
            bearing = bearing_of(m.group("dir") or "")
            if m.group("dir") and bearing is None:
                continue
            reference = next(
                (p for p in self.s_places if 0 <= p.start - m.end() <= 45 and p.literal), None
            )
            if reference is None:
                continue
            km = float(m.group("n").replace(",", ""))
            km = km * _MILE_KM if m.group("u").lower().startswith("mi") else km
            subject = next(
                (
                    p
                    for p in reversed(self.s_places)
                    if p.end <= m.start() and _SUBJECT_GAP.match(self.plain[p.end : m.start()])
                ),
                None,
            )
            if subject is not None and subject.place.kind in ("admin1", "country"):
                # "Scottsville, Kentucky, about 35 miles south of X": the town, not its state
                town = next((p for p in reversed(self.s_places) if p.end <= subject.start), None)
                if town is not None and re.fullmatch(r",\s*", self.plain[town.end : subject.start]):
                    subject = town
            cue = Cue(m.start(), m.end(), "relative", m.group(0))
            qualifier = (m.group("q") or "").lower() or None
            if subject is not None:
                claims.append(
                    self._claim(
                        "distance",
                        cue,
                        reference.end,
                        None,
                        (subject, reference),
                        ("subject", "reference"),
                        bearing=bearing,
                        distance_km=km,
                        qualifier=qualifier,
                        start=subject.start,
                    )
                )
            else:
                claims.append(
                    self._claim(
                        "relative",
                        cue,
                        reference.end,
                        None,
                        (reference,),
                        ("reference",),
                        bearing=bearing,
                        distance_km=km,
                        qualifier=qualifier,
                    )
                )
        taken = [(c.start, c.end) for c in claims]
        for m in _DIRECTION.finditer(self.plain, start, end):
            bearing = bearing_of(m.group("dir"))
            if bearing is None or any(s <= m.start() < e for s, e in taken):
                continue
            reference = next(
                (p for p in self.s_places if 0 <= p.start - m.end() <= 30 and p.literal), None
            )
            if reference is None:
                continue
            cue = Cue(m.start(), m.end(), "direction", m.group(0))
            toward = next(
                (
                    p
                    for p in self.s_places
                    if reference.end < p.start
                    and re.match(
                        r"^\s*(?:toward|towards|to)\b", self.plain[reference.end : p.start]
                    )
                    and p.start - reference.end < 40
                ),
                None,
            )
            places = (reference, toward) if toward else (reference,)
            claims.append(
                self._claim(
                    "direction",
                    cue,
                    reference.end,
                    None,
                    places,
                    ("reference", "destination")[: len(places)],
                    bearing=bearing,
                )
            )
        return claims

    def _compound_control(self) -> list[Claim]:
        """ "ISIS-controlled Sukhna", "Kurdish-held territory in northeast Syria"."""
        claims = []
        for a in self.s_actors:
            if a.relation != "held":
                continue
            objects, end = self._objects_after(a.end)
            cue = Cue(a.start, a.end, "control", a.text)
            claims.append(
                self._claim("control", cue, end, a.actor, objects, ("object",) * len(objects))
            )
        return claims

    def _corridor_control(self, claims: list[Claim]) -> list[Claim]:
        """A control claim with no place ("into areas held by ISIS") holds the sentence's path."""
        paths = [c for c in claims if c.type == "movement" and len(c.places) >= 2]
        out = []
        for c in claims:
            if c.type == "control" and not c.places:
                if not paths:
                    continue
                path = paths[-1]
                c = replace(
                    c,
                    places=path.places,
                    roles=("path",) * len(path.places),
                    bearing=path.bearing,
                    confidence=round(c.confidence * 0.6, 4),
                )
            out.append(c)
        return out

    # -- arguments ------------------------------------------------------------------------------

    def _arguments(self, cue: Cue) -> tuple[list[tuple[PlacePhrase, str]], int]:
        """(place, role) after a movement cue, to the end of its clause."""
        out: list[tuple[PlacePhrase, str]] = []
        cursor, role = cue.end, None
        stop = self._next_cue_start(cue, kinds=("movement", "strike", "control", "route"))
        for p in self.anchors:
            if p.start < cursor or p.start >= stop:
                continue
            gap = self.plain[cursor : p.start]
            if ";" in gap or ":" in gap or _clause_break(gap) or len(gap) > _ARGUMENT_GAP:
                break
            if out and re.fullmatch(r"\s*(?:'s|’s|\s+of(?:\s+the)?|\s+in)?\s*", gap):
                # "Iraq's western Anbar", "Tikrit in Salahuddin": one place, the narrower
                out[-1] = (_narrower(out[-1][0], p), out[-1][1])
                cursor = p.end
                continue
            new_role = self._role(gap)
            if new_role is None and role is not None and re.search(r"\b(?:and|or)\b|,", gap):
                new_role = role
            if new_role is None:
                new_role = "destination" if cue.sort == "arrival" and not out else None
            if new_role is None:
                cursor = p.end
                continue
            out.append((p, new_role))
            role, cursor = new_role, p.end
        return out, (out[-1][0].end if out else cue.end)

    def _role(self, gap: str) -> str | None:
        """The role the words before a place give it: the last role word counts ("north from
        Metula into Lebanon"), but "toward areas in X" still heads toward X."""
        gap = gap.lower()
        words = re.findall(r"[a-z]+(?:-[a-z]+)?", gap)
        compass = re.search(r"\b([a-z-]+)\s+of\s+(?:the\s+)?$", gap)
        if compass and bearing_of(compass.group(1)) is not None and len(words) <= 3:
            return "origin"
        found = []
        i = 0
        while i < len(words):
            pair = " ".join(words[i : i + 2])
            if pair in self.roles:
                found.append(self.roles[pair])
                i += 2
                continue
            if words[i] in self.roles:
                found.append(self.roles[words[i]])
            i += 1
        if not found:
            return None
        moving = [r for r in found if r != "location"]
        return moving[-1] if moving else found[-1]

    def _objects_after(self, pos: int, limit: int = 60) -> tuple[tuple[PlacePhrase, ...], int]:
        """The place a noun phrase starting at ``pos`` names (its last, most specific one)."""
        chain: list[PlacePhrase] = []
        cursor = pos
        for p in self.s_places:
            if p.start < cursor:
                continue
            gap = self.plain[cursor : p.start]
            if p.start - pos > limit or re.search(r"[,;:()]|\b(?:which|who|that|and)\b", gap):
                if not chain and re.fullmatch(r"\s*(?:,\s*)?(?:and\s+)?", gap) is None:
                    break
                if chain and re.fullmatch(r"\s*(?:,|,?\s*and)\s*", gap):
                    chain.append(p)
                    cursor = p.end
                    continue
                break
            if (
                chain
                and re.fullmatch(r"\s*(?:'s|’s)?\s*", gap) is None
                and not re.search(r"\b(?:of|in)\s*$", gap)
            ):
                break
            if chain and re.search(r"\b(?:of|in)\s*$|'s\s*$|’s\s*$", gap):
                chain[-1] = _narrower(chain[-1], p)
            else:
                chain.append(p)
            cursor = p.end
        literal = tuple(p for p in chain if p.literal)
        return literal, (literal[-1].end if literal else pos)

    def _objects_before(self, pos: int) -> tuple[PlacePhrase, ...]:
        before = [p for p in self.s_places if p.end <= pos and p.literal]
        if before and re.fullmatch(
            r"[\s,]*(?:which|that)?\s*(?:is|are|was|were)?\s*"
            r"(?:currently|now|still|already|largely|mostly)?\s*",
            self.plain[before[-1].end : pos],
        ):
            return (before[-1],)
        return ()

    def _bearing_after(self, pos: int) -> float | None:
        m = re.match(r"\s+([a-z]+(?:-[a-z]+)?)\b(?!\s+of\b)", self.plain[pos : pos + 20], re.I)
        return bearing_of(m.group(1)) if m else None

    def _next_cue_start(self, cue: Cue, kinds: tuple[str, ...]) -> int:
        later = [c.start for c in self.s_cues if c.start > cue.start and c.kind in kinds]
        return min(later, default=self.span[1])

    # -- actors, sources, dates -----------------------------------------------------------------

    def _subject(self, pos: int, allow_possessor: bool = False) -> Actor | None:
        """The actor that does what the cue at ``pos`` says."""
        words = re.findall(r"[\w’']+", self.plain[max(self.span[0], pos - 60) : pos].lower())
        while words and words[-1] in self.auxiliaries:
            words.pop()
        before = [a for a in self.s_actors if a.end <= pos]
        if (
            words
            and words[-1] in self.pronouns | {"forces", "troops"}
            and (
                len(words) < 2 or words[-1] in self.pronouns or words[-2] in ("its", "their", "his")
            )
        ):
            if before:
                return before[-1].actor
            return self.last_agent or self.previous_subject
        if before and _ADJACENT.fullmatch(self.plain[before[-1].end : pos]):
            return before[-1].actor  # "link up with PMF forces traversing": the forces traverse
        for a in reversed(before):
            head = self._appositive_head(a, pos)
            if head is not None:
                return head.actor
            preceding = re.findall(
                r"[\w’']+", self.plain[max(self.span[0], a.start - 15) : a.start]
            )
            if preceding and preceding[-1].lower() in self.object_words and not allow_possessor:
                continue
            if self._is_descriptor(a):
                continue
            return a.actor
        return None

    def _appositive_head(self, actor: ActorMention, pos: int) -> ActorMention | None:
        """``actor`` when ``pos`` lies in the appositive after it ("X, a group which holds")."""
        m = re.match(
            r"\s*(?:\([^)]{1,40}\))?\s*,\s*(?:a|an)\s+[^,;]*$", self.plain[actor.end : pos]
        )
        return actor if m else None

    def _is_descriptor(self, actor: ActorMention) -> bool:
        """Whether ``actor`` lies in an appositive of an earlier actor."""
        for head in self.s_actors:
            if head.end <= actor.start and self._appositive_head(head, actor.start):
                return True
        return False

    def _source(self) -> str | None:
        start, end = self.span
        sentence = self.plain[start:end]
        m = re.search(r"\baccording to (?:reports by |a report by )?([^,.;:\"]{3,80})", sentence)
        if m:
            return m.group(1).strip()
        m = re.search(
            rf"(?:^|[,.\"]\s*)([A-Za-z][^,.;:\"]{{2,60}}?)\s+(?:{self.reporting})\b", sentence
        )
        if m and not re.search(
            r"\b(?:was|were|is|are|been|be|it|they|this|that)\b", m.group(1), re.I
        ):
            return m.group(1).strip()
        return None

    def _date(self, start: int, end: int) -> dt.date | None:
        inside = [d for d in self.dates if self.span[0] <= d.start < self.span[1] and d.date]
        if not inside:
            return None
        near = min(inside, key=lambda d: 0 if start <= d.start < end + 40 else abs(d.start - start))
        return near.date

    def _claim(
        self,
        type_: str,
        cue: Cue,
        end: int,
        actor: Actor | None,
        places: tuple[PlacePhrase, ...],
        roles: tuple[str, ...],
        *,
        start: int | None = None,
        **extra,
    ) -> Claim:
        start = cue.start if start is None else start
        end = max(end, cue.end)
        confidence = min([p.confidence for p in places], default=0.5)
        before = self.plain[max(self.span[0], cue.start - 50) : cue.start]
        hedged = bool(self.hedge.search(before))
        return Claim(
            type=type_,
            start=start,
            end=end,
            passage_start=self.span[0],
            passage_end=self.span[1],
            actor=actor,
            places=places,
            roles=roles,
            source=self.source,
            date=self._date(start, end),
            confidence=round(min(1.0, confidence) * (0.5 if hedged else 1.0), 4),
            hedged=hedged,
            cue=cue.sort,
            **extra,
        )


def _clause_break(gap: str) -> bool:
    """A comma that ends the clause: not one followed by a list or another movement word."""
    for m in re.finditer(r",", gap):
        rest = gap[m.end() :].strip().lower()
        if not re.match(r"(?:and|or|into|toward|towards|to|through|via|across|along|down)\b", rest):
            return True
    return False


def _area_anchor(claim: Claim, plain: str) -> PlacePhrase:
    """A relative location as a place a path can run to ("toward areas 100 km NE of Tanf")."""
    reference = claim.with_role("reference")[0]
    area = relative_area(claim)
    centre = area.centroid
    place = reference.place._replace(
        id=f"relative:{claim.start}",
        name=f"{claim.cue.strip()} {reference.place.name}",  # "roughly 100 km northeast of Tanf"
        kind="area",
        lat=round(centre.y, 5),
        lon=round(centre.x, 5),
        geometry_json=json.dumps(mapping(area)),
    )
    text = plain[claim.start : claim.end]
    return PlacePhrase(claim.start, claim.end, text, place, reference.confidence, "relative")


def _distinct(claims: list[Claim]) -> list[Claim]:
    """One claim per (type, actor, places): two cues may say the same thing."""
    seen, out = set(), []
    for c in claims:
        key = (c.type, c.actor.id if c.actor else None, tuple(p.place.id for p in c.places))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _narrower(a: PlacePhrase, b: PlacePhrase) -> PlacePhrase:
    """Of two names of one place ("Iraq's western Anbar", "Kherson in southern Ukraine"),
    the narrower: a point before an area, a smaller area before a larger."""

    def size(p: PlacePhrase) -> tuple:
        return (p.is_country, p.is_area, p.place.precision_km)

    return b if size(b) < size(a) else a
