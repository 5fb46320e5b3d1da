"""Stage 3: choose, for each mention, the place it most likely means.

Every candidate of a mention gets features (:func:`candidate_features`):

* what the gazetteer says: how well the name matched, the kind of place, its
  population, whether it ranked first;
* the article's geography: whether the candidate's country is named in the
  article (outright or by an adjective), what share of the other mentions'
  best candidates lie in that country, whether its admin-1 region is named,
  how near it lies to the other mentions' best candidates (spatial coherence;
  other mentions of the same name are not "other places");
* cue words: "X province" or "X county" favour regions, "the town of X"
  and a dateline ("WASHINGTON (AP) —") favour towns, "Paris, Texas" and "X
  is a city in Sarpy County, Nebraska" favour the places in what the text
  names, and the name after the comma favours the regions that hold a place
  of the name before it ("Buffalo, New York": the state);
* lists: names listed together ("Ohio, Oregon and Utah") are most often
  places of one kind, so a candidate of the kind its neighbours in the list
  stand for is favoured.

A conditional logit (``data/models/resolver.json``, fitted by
``benchmarks/fit_models.py`` on the dev half of the gold corpora only) turns
them into a probability per candidate, and per "no place" (the gazetteer
lacks the place the mention means). A mention is left unplaced when "no
place" is at least as likely as not and its best candidate lies outside the
countries the article names: better no point than one on the wrong
continent, while a doubtful place inside the article's own countries stays on
the map with its low confidence, for the reader to check. It runs twice: the first pass's
choices stand for the other mentions in the second (so "Edmonton" near
"Cairns" is the Edmonton in Queensland once Cairns is placed). One name
names one place in an article: the mentions of a name share the mean of their
probabilities, so the mention the text describes places the others. The
best is the mention's place, its probability the resolution confidence, and
the candidates stay ranked for the app's correction list.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np
from geopy.distance import EARTH_RADIUS

from geo.article import Article, matching_text
from geo.borders import border_in_view
from geo.gazetteer import AREA_WORDS, Candidate, Gazetteer
from geo.model import LinearModel
from geo.names import name_key, transliterated_countries
from geo.qualifiers import HOLDING_KINDS, lies_in, qualifier_places
from geo.recognize import Mention, opens_dateline, with_plurals

__all__ = [
    "NO_PLACE",
    "RANKER_FEATURES",
    "MentionContext",
    "ResolvedMention",
    "candidate_features",
    "choose",
    "mention_context",
    "resolve_mentions",
]

_ADMIN_CUES = with_plurals(" ".join(AREA_WORDS))
_TOWN_CUES = with_plurals("town city village suburb neighbourhood neighborhood")
_NEAR_KM = (25, 100, 500)
#: What stands between two names of one list: "A, B", "A and B", "A, B, or C".
_LIST_GAP = re.compile(r"\s*(?:[,/&]\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)", re.IGNORECASE)
_CONJUNCTION = re.compile(r"\b(?:and|or)\b|&", re.IGNORECASE)
_COMMA = re.compile(r",\s*")
#: A mention stays unplaced when "no place" is at least this probable.
_UNPLACED = 0.5

#: The alternative "none of the candidates": a mention whose place the gazetteer lacks.
NO_PLACE = {"no_place": 1.0}

#: The features of a candidate, in the order the model stores them.
RANKER_FEATURES = [
    "no_place",
    "match_score",
    "match_loose",
    "loose_in_named_country",
    "loose_transliterated",
    "adjective",
    "gazetteer_first",
    "log_population",
    "log_population_area",
    "population_unknown",
    "kind_continent",
    "kind_country",
    "kind_admin1",
    "kind_admin2",
    "kind_city",
    "kind_airport",
    "kind_curated",
    "country_named",
    "country_share",
    "admin1_named",
    "near_others",
    "same_admin1_as_other",
    "admin1_share",
    "within_25_km",
    "within_100_km",
    "within_500_km",
    "qualified",
    "qualifier_elsewhere",
    "cue_admin_region",
    "cue_admin_other",
    "cue_town_city",
    "cue_town_other",
    "kind_as_listed",
    "holds_name_before",
]


@dataclass(frozen=True)
class ResolvedMention:
    """A mention with the place chosen for it and the ranked candidates it came from.

    ``confidence`` is the probability of the chosen place given the mention;
    ``recognition`` the recogniser's probability that the span names a place;
    ``corrected`` says a reader chose the place (:mod:`geo.corrections`);
    ``in_name`` that the place is named inside an organisation's name (never
    drawn as a place).
    """

    start: int
    end: int
    name: str
    place: Candidate
    candidates: tuple[Candidate, ...]
    confidence: float = 1.0
    recognition: float = 1.0
    literal: bool = True
    probabilities: tuple[float, ...] = ()
    corrected: bool = False
    in_name: bool = False


@dataclass
class MentionContext:
    """What the article says about its geography, as the features need it.

    ``anchors`` hold, per mention, its start, its name's key and the place
    that stands for it (its best candidate, or an earlier pass's choice).
    """

    plain: str
    named_countries: Counter
    adjective_countries: Counter
    named_admin1: set[tuple[str, str]]
    anchors: list[tuple[int, str, Candidate]]
    gazetteer: Gazetteer | None = None  # looks up "Texas" in "Paris, Texas"
    #: mention start -> the anchors of the mentions listed beside it ("A, B and C")
    listed: dict[int, list[Candidate]] = field(default_factory=dict)
    #: mention start -> the anchor of the name before it and a comma: "New York" in
    #: "Buffalo, New York" may be the region that holds Buffalo
    after_comma: dict[int, Candidate] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Totals over all anchors, so each mention's "the others" costs O(1) per
        # candidate, not O(mentions): long texts stay linear.
        self._codes: dict[str, int] = {}  # name key -> a number, for fast masks
        for _, key, _ in self.anchors:
            self._codes.setdefault(key, len(self._codes))
        self._key_codes = np.array([self._codes[k] for _, k, _ in self.anchors], dtype=np.int64)
        self._lats = np.radians([o.lat for _, _, o in self.anchors])
        self._lons = np.radians([o.lon for _, _, o in self.anchors])
        self._countries = Counter(o.country for _, _, o in self.anchors)
        self._admin1_ids: dict[tuple[str, str], Counter] = {}
        self._named: dict[str, list[Candidate]] = {}
        self._others: dict[str, _Others] = {}
        for _, key, o in self.anchors:
            self._admin1_ids.setdefault((o.country, o.admin1), Counter())[o.id] += 1
            self._named.setdefault(key, []).append(o)

    def others(self, name: str) -> _Others:
        """The anchors of every mention of another name than ``name``.

        Mentions of the same name are left out with the mention itself: five
        "Dover"s are one place named five times, not five places that agree
        with each other, and must not vouch for their own choice.
        """
        key = name_key(name)
        if key not in self._others:  # once per name: an article repeats its names
            own = self._named.get(key, [])
            keep = self._key_codes != self._codes.get(key, -1)
            self._others[key] = _Others(
                own,
                self._lats[keep],
                self._lons[keep],
                len(self.anchors) - len(own),
                self._countries,
                self._admin1_ids,
            )
        return self._others[key]


@dataclass
class _Others:
    """The anchors other than those of a mention's name, as :func:`candidate_features`
    asks of them: the totals over all anchors, less the name's ``own``."""

    own: list[Candidate]
    lats: np.ndarray  # radians, the others only
    lons: np.ndarray
    count: int
    all_countries: Counter
    all_admin1_ids: dict[tuple[str, str], Counter]

    def country_share(self, country: str) -> float:
        """The share of the other anchors in ``country``, shrunk by one (see :func:`_share`)."""
        if not country:
            return 0.0
        n = self.all_countries[country] - sum(o.country == country for o in self.own)
        return _share(n, self.count)

    def same_admin1(self, c: Candidate) -> bool:
        """Whether another anchor is a different place in ``c``'s admin-1 region."""
        return self._in_admin1(c) > 0

    def admin1_share(self, c: Candidate) -> float:
        """The share of the other anchors that are other places in ``c``'s admin-1 region.

        "Lancaster is a city in Dallas County, Texas ... near Dallas, Cedar Hill
        and DeSoto": most of the article is in Texas, whatever else it names.
        """
        return _share(self._in_admin1(c), self.count)

    def _in_admin1(self, c: Candidate) -> int:
        if not c.admin1:
            return 0
        ids = self.all_admin1_ids.get((c.country, c.admin1), Counter())
        n = sum(ids.values()) - ids[c.id]
        n -= sum((o.country, o.admin1) == (c.country, c.admin1) and o.id != c.id for o in self.own)
        return n


def _share(n: int, count: int) -> float:
    """``n`` of ``count``, with one more anchor that agrees with nothing.

    One other place in the United States ("US officials met in Geneva") is
    not the whole article in the United States; ten of ten nearly are.

    Examples
    --------
    >>> _share(1, 1), _share(10, 10), _share(0, 0)
    (0.5, 0.9090909090909091, 0.0)
    """
    return n / (count + 1)


@lru_cache(maxsize=1)
def _model() -> LinearModel:
    return LinearModel.load("resolver")


def mention_context(
    article: Article,
    mentions,
    gazetteer: Gazetteer | None = None,
    chosen: list[Candidate | None] | None = None,
) -> MentionContext:
    """The article-level evidence for :func:`candidate_features`.

    ``mentions`` are anything with ``start``, ``name`` and ``candidates`` (a
    :class:`~geo.recognize.Mention` or a proposal). ``chosen`` holds the place
    chosen for each mention by an earlier pass; without it, each mention's
    best-matching candidate stands for it.
    """
    named, adjectives, admin1 = Counter(), Counter(), set()
    anchors = []
    plain = matching_text(article.text)
    chains: list[list[tuple]] = []  # runs of (mention, anchor) with only list gaps between
    after_comma: dict[int, Candidate] = {}
    previous = None  # (mention, anchor)
    for number, m in enumerate(mentions):
        if not m.candidates:
            continue
        best = chosen[number] if chosen is not None else m.candidates[0]
        if previous is not None and _COMMA.fullmatch(plain[previous[0].end : m.start]):
            after_comma[m.start] = previous[1]
        previous = (m, best) if best is not None and not best.adjective else None
        if best is None:  # the earlier pass placed it nowhere
            continue
        if chains and _LIST_GAP.fullmatch(plain[chains[-1][-1][0].end : m.start]):
            chains[-1].append((m, best))
        else:
            chains.append([(m, best)])
        anchors.append((m.start, name_key(m.name), best))
        if best.kind in ("country", "admin1") and best.score >= 0.9:
            (adjectives if best.adjective else named)[best.country] += 1
        if best.kind == "admin1" and not best.adjective:
            admin1.add((best.country, best.admin1))
    return MentionContext(
        plain, named, adjectives, admin1, anchors, gazetteer, _listed(chains, plain), after_comma
    )


def _listed(chains: list[list[tuple]], plain: str) -> dict[int, list[Candidate]]:
    """Mention start -> the anchors of its neighbours in a list of places.

    A list has "and" or "or" in it ("A, B and C"); names joined by commas
    alone are most often a place and its regions ("Paris, Texas" or "Dover,
    Kent, England"), not a list.

    Examples
    --------
    >>> from geo.recognize import Mention
    >>> from geo.gazetteer import LocalGazetteer
    >>> gaz, text = LocalGazetteer(), "Ohio, Oregon and Utah; Paris, Texas."
    >>> ms = [Mention(s, s + len(n), n, candidates=tuple(gaz.lookup(n)))
    ...       for n in ("Ohio", "Oregon", "Utah", "Paris", "Texas") for s in [text.index(n)]]
    >>> listed = mention_context(Article(id="a", text=text), ms).listed
    >>> [c.name for c in listed[text.index("Oregon")]], text.index("Paris") in listed
    (['Ohio', 'Utah'], False)
    """
    listed: dict[int, list[Candidate]] = {}
    for chain in chains:
        pairs = list(pairwise(chain))
        if not any(_CONJUNCTION.search(plain[a.end : b.start]) for (a, _), (b, _) in pairs):
            continue
        for (a, a_place), (b, b_place) in pairs:
            listed.setdefault(a.start, []).append(b_place)
            listed.setdefault(b.start, []).append(a_place)
    return listed


def candidate_features(mention, context: MentionContext) -> list[dict[str, float]]:
    """One feature dict per candidate of ``mention``, in candidate order."""
    plain = context.plain
    before = plain[max(0, mention.start - 20) : mention.start].lower().split()
    after_text = plain[mention.end : mention.end + 40]
    after = after_text.lower().split()
    next_word = after[0].strip(".,;:") if after else ""
    admin_cue = next_word in _ADMIN_CUES
    town_cue = (
        next_word in _TOWN_CUES
        or (len(before) >= 2 and before[-1] == "of" and before[-2] in _TOWN_CUES)
        or opens_dateline(plain, mention.start, mention.end)
    )
    qualifiers = qualifier_places(context.gazetteer, plain, mention.end)
    others = context.others(mention.name)
    listed = context.listed.get(mention.start, ())
    before_comma = context.after_comma.get(mention.start)  # "Buffalo" for "New York"
    rows = []
    distances = _nearest_km(mention.candidates, others.lats, others.lons)
    for rank, (c, km) in enumerate(zip(mention.candidates, distances, strict=True)):
        kind = c.kind if c.kind in ("continent", "country", "admin1", "admin2", "city") else None
        if kind is None:
            kind = "airport" if c.kind in ("airport", "airbase") else "curated"
        f = {
            "match_score": c.score,
            "match_loose": float(c.match in ("variant", "fuzzy", "directional")),
            "adjective": float(c.adjective),
            "gazetteer_first": float(rank == 0),
            # a region's population is its towns' sum: not comparable with a town's
            (
                "log_population"
                if kind in ("city", "airport", "curated")
                else "log_population_area"
            ): (math.log10(c.population + 1) / 7),
            "population_unknown": float(c.population == 0 and c.kind == "city"),
            f"kind_{kind}": 1.0,
            "country_named": _saturate(
                context.named_countries[c.country]
                - (c.kind == "country")
                + 0.5 * context.adjective_countries[c.country]
            ),
            "country_share": others.country_share(c.country),
            "admin1_named": float(
                (c.country, c.admin1) in context.named_admin1 and c.kind != "admin1"
            ),
            "near_others": _nearness(km),
            "same_admin1_as_other": float(others.same_admin1(c)),
            "admin1_share": others.admin1_share(c),
        }
        for radius in _NEAR_KM:
            if km <= radius:
                f[f"within_{radius}_km"] = 1.0
        if f["match_loose"] and (
            context.named_countries[c.country] or context.adjective_countries[c.country]
        ):
            f["loose_in_named_country"] = 1.0
        if f["match_loose"] and c.country in transliterated_countries():
            f["loose_transliterated"] = 1.0
        if qualifiers:
            inside = all(any(lies_in(c, q) for q in named) for named in qualifiers)
            f["qualified" if inside else "qualifier_elsewhere"] = 1.0
        if before_comma is not None and c.kind in HOLDING_KINDS and lies_in(before_comma, c):
            f["holds_name_before"] = 1.0  # "Buffalo, New York": the state
        if listed:
            f["kind_as_listed"] = sum(o.kind == c.kind for o in listed) / len(listed)
        if admin_cue:
            f["cue_admin_region" if kind in ("admin1", "admin2") else "cue_admin_other"] = 1.0
        if town_cue:
            f["cue_town_city" if kind == "city" else "cue_town_other"] = 1.0
        rows.append({k: v for k, v in f.items() if v})
    return rows


def _in_named_country(c: Candidate, context: MentionContext) -> bool:
    """Whether ``c`` lies in a country the article names (outright or as an adjective)."""
    return bool(context.named_countries[c.country] or context.adjective_countries[c.country])


def _saturate(count: float) -> float:
    """0 for none, rising towards 1 with more mentions."""
    return 1.0 - 1.0 / (1.0 + max(count, 0.0))


def _nearest_km(candidates: Sequence[Candidate], lats: np.ndarray, lons: np.ndarray) -> list[float]:
    """Great-circle km from each candidate to the nearest of the points (radians).

    Infinite when there are no points.
    """
    if not len(lats):
        return [math.inf] * len(candidates)
    lat = np.radians([c.lat for c in candidates])[:, np.newaxis]
    lon = np.radians([c.lon for c in candidates])[:, np.newaxis]
    h = np.sin((lats - lat) / 2) ** 2 + np.cos(lat) * np.cos(lats) * np.sin((lons - lon) / 2) ** 2
    return (2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))).min(axis=1).tolist()


def _nearness(km: float) -> float:
    """1 at the nearest other mention's place, falling with log distance to 0 at 10,000 km."""
    return max(0.0, 1.0 - math.log10(1.0 + km) / 4.0) if math.isfinite(km) else 0.0


def resolve_mentions(
    article: Article,
    mentions: list[Mention],
    gazetteer: Gazetteer | None = None,
    *,
    model: LinearModel | None = None,
) -> list[ResolvedMention]:
    """Resolve every mention that has candidates, in mention order.

    ``gazetteer`` looks up the name after a comma ("Paris, Texas") and the
    stretch of a country's border the article sees (:func:`geo.borders.border_in_view`:
    "the Iraqi border" in an article that names Syria). Mentions
    without candidates (the entity tagger found a name the gazetteer does not
    know), or likely "no place" with a best candidate outside the article's
    countries, are left out.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> gaz = LocalGazetteer()
    >>> text = "Syria: fighting in Palmyra."
    >>> ms = [Mention(0, 5, "Syria", candidates=tuple(gaz.lookup("Syria"))),
    ...       Mention(19, 26, "Palmyra", candidates=tuple(gaz.lookup("Palmyra")))]
    >>> [r.place.country for r in resolve_mentions(Article(id="a", text=text), ms, gaz)]
    ['SY', 'SY']
    """
    model = model or _model()
    placed = [m for m in mentions if m.candidates]
    first = choose(placed, mention_context(article, placed, gazetteer), model)
    context = mention_context(article, placed, gazetteer, [c for c, _ in first])
    # the countries the article names, as names or adjectives ("Iraqi"), by name
    named = Counter(o.name for _, _, o in context.anchors if o.kind == "country")
    resolved = []
    for m, probabilities in zip(placed, _probabilities(placed, context, model), strict=True):
        order = sorted(range(len(m.candidates)), key=lambda i: -probabilities[i])
        best = m.candidates[order[0]]
        if probabilities[-1] >= _UNPLACED and not _in_named_country(best, context):
            continue  # likely no candidate, and the best guess is outside the article's countries
        ranked = tuple(m.candidates[i] for i in order)
        if best.kind == "border" and gazetteer is not None:
            # "the Iraqi border" in an article that names Syria: the stretch along Syria
            in_view = border_in_view(best, gazetteer.lookup, named)
            ranked = ranked if in_view is None else (in_view, *ranked[1:])
        resolved.append(
            ResolvedMention(
                m.start,
                m.end,
                m.name,
                ranked[0],
                ranked,
                round(probabilities[order[0]], 4),
                m.confidence,
                # "Spanish" is literal when it is the town; "Maryland" in a university's name is not
                not ranked[0].adjective and not m.in_name,
                tuple(round(probabilities[i], 4) for i in order),
                in_name=m.in_name,
            )
        )
    return resolved


def choose(
    mentions, context: MentionContext, model: LinearModel
) -> list[tuple[Candidate | None, float]]:
    """The most probable candidate of each mention under ``model`` (None: no place).

    The first of the resolver's two passes: its choices become the anchors
    (countries named, places nearby) of the second.
    """
    out = []
    for m, probabilities in zip(mentions, _probabilities(mentions, context, model), strict=True):
        best = max(range(len(probabilities)), key=probabilities.__getitem__)
        place = m.candidates[best] if best < len(m.candidates) else None
        out.append((place, probabilities[best]))
    return out


def _probabilities(mentions, context: MentionContext, model: LinearModel) -> list[list[float]]:
    """Each mention's probabilities of its candidates, then of "no place".

    One name names one place in an article: the mentions of a name share the
    mean of their probabilities, so the one the text qualifies ("Buena Vista
    is a city in Marion County, Georgia") places the others.
    """
    own = [model.softmax([*candidate_features(m, context), NO_PLACE]) for m in mentions]
    by_name: dict[tuple[str, ...], list[int]] = {}
    for i, m in enumerate(mentions):
        by_name.setdefault(tuple(c.id for c in m.candidates), []).append(i)
    pooled = list(own)
    for same in by_name.values():
        if len(same) > 1:
            mean = np.mean([own[i] for i in same], axis=0).tolist()
            for i in same:
                pooled[i] = mean
    return pooled
