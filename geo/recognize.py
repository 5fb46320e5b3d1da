"""Stage 2b: find the spans of an article that name places.

Two sources propose spans, and a fitted model decides:

1. **Gazetteer scan.** Every run of capitalised words (with connectors such as
   "of", "al-" or a hyphen inside: "Gulf of Aqaba", "Deir ez-Zor",
   "Damascus-Baghdad highway") that the gazetteer knows, at every length, so
   the model can prefer "Deir Ezzor province" to "Deir Ezzor", and the
   borders it derives ("the Syrian-Iraqi border", :mod:`geo.borders`).
2. **Named entities.** spaCy's GPE, LOC, FAC and NORP entities, even unknown
   to the gazetteer (a place can be named without being placeable).

Each proposed span gets features (:func:`propose_spans`): its entity label,
whether it lies inside a larger organisation or person name ("University of
Maryland", "Syria Deeply"), what the gazetteer says (kind, population, how
the name matched, adjective), the words around it ("the town of X", "near X",
"X province", "Mr X", "X said"), its shape (all caps dateline, sentence start)
and how the same string is tagged elsewhere in the article. A logistic model
(``data/models/recogniser.json``, fitted by ``benchmarks/fit_models.py`` on the
dev half of the gold corpora only) turns them into a probability; the spans
above the model's threshold are taken, longest first, without overlaps.

A span followed by another capitalised word is part of a longer name
("Syria Deeply", "Washington Post") and is not taken, unless that longer name
is a place the gazetteer knows (then it was proposed whole).

Demonyms and adjectives ("Iraqi", "Kurdish") are kept as mentions of their
place with ``literal=False``.
"""

from __future__ import annotations

import bisect
import calendar
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from geo.article import Article, matching_text, sentence_spans
from geo.borders import BORDER_WORDS, border_countries
from geo.gazetteer import WHOLE_MATCHES, Candidate, Gazetteer
from geo.model import LinearModel
from geo.names import ARABIC_ARTICLES, transliterated_countries
from geo.nlp import analyse
from geo.qualifiers import HOLDING_KINDS, QUALIFIER, lies_in
from geo.spans import DisjointSpans

__all__ = [
    "CANDIDATES_KEPT",
    "FEATURES",
    "Mention",
    "SpanProposal",
    "find_mentions",
    "kept_as_demonym",
    "opens_dateline",
    "part_of_longer_name",
    "propose_spans",
    "with_plurals",
]

_MAX_TOKENS = 8
#: Candidates looked up per name: enough that the resolver sees the right "Aurora"
#: among the many, which the gazetteer alone ranks by match, kind and population.
CANDIDATES_KEPT = 50


def with_plurals(nouns: str) -> frozenset[str]:
    """The nouns (space-separated) and their plurals: "the towns of X and Y", "X and Y provinces".

    Examples
    --------
    >>> sorted(with_plurals("city town crossroads"))
    ['cities', 'city', 'crossroads', 'town', 'towns']
    """
    words = nouns.split()
    return frozenset(words) | {_plural(noun) for noun in words}


def _plural(noun: str) -> str:
    if noun.endswith("s"):
        return noun  # "crossroads", "oasis": left as they are
    if noun.endswith(("x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


#: Lower-case words allowed inside a name ("Gulf of Aqaba", "Trinidad and Tobago").
_CONNECTORS = frozenset({"of", "the", "and", "de", "del", "du", "la", "le", "bin", "ibn", "abu"})
_NOT_ALONE = frozenset(STOP_WORDS) | {
    name.lower() for name in [*calendar.day_name, *calendar.month_name] if name
}
_PLACE_LABELS = ("GPE", "LOC", "FAC", "NORP")
_ENTITY_LABELS = (*_PLACE_LABELS, "ORG", "PERSON")
_LOCATIVE = frozenset(
    "in at near from to toward towards into across outside inside around via throughout within"
    " along beyond past"
    " between through outskirts north south east west northeast northwest southeast southwest"
    " northern southern eastern western central".split()
)
_PLACE_NOUN = (
    "town city village province governorate county region district state country capital"
    " border crossing area neighbourhood neighborhood suburb desert river valley island"
    " countryside municipality prefecture camp base airport crossroads junction checkpoint"
    " outpost garrison stronghold enclave pocket hub oasis port harbour harbor plain"
    " hill mountain peninsula coast gulf bay lake"
)
#: Nouns of places, one or many: "the town of X", "the towns of X and Y", "X and Y provinces".
_PLACE_NOUNS = with_plurals(_PLACE_NOUN)
_PLURAL_PLACE_NOUNS = _PLACE_NOUNS - frozenset(_PLACE_NOUN.split())
#: Lower-case words that end the names of features ("Damascus-Baghdad highway", "Zaza
#: checkpoint"): the nouns of the kinds of place the curated supplement holds.
_FEATURE_NOUNS = frozenset(
    "highway road river crossing desert valley mountains airport airbase base dam lake sea"
    " gulf canal checkpoint junction crossroads bridge gate camp prison jail field oilfield"
    " airfield reservoir".split()
)
#: Lower-case words that end names in the gazetteer.
_GENERIC_TAILS = BORDER_WORDS | _FEATURE_NOUNS | {"province", "governorate"}
_PERSON_TITLES = frozenset(
    "mr mrs ms dr sir president minister gen general col colonel lt sgt capt maj senator sen"
    " rep gov governor mayor prince king queen sheikh imam judge prof professor pope"
    " chancellor secretary spokesman spokeswoman commander".split()
)
#: Capitalised words after a place that make it a qualifier ("U.S. Army"), not part of a name.
_INSTITUTIONS = frozenset(
    "army navy embassy forces military government troops parliament congress senate"
    " cabinet ministry consulate officials authorities president prime".split()
)
_SPEECH = frozenset("said says told added explained wrote asked stated".split())
_KIND_GROUPS = {
    "continent": "country",
    "country": "country",
    "admin1": "admin",
    "admin2": "admin",
    "city": "city",
}

#: The features of a proposed span, in the order the model stores them.
FEATURES = [
    *(f"ner_{label}" for label in _ENTITY_LABELS),
    "ner_other",
    "inside_org",
    "inside_person",
    "inside_other_entity",
    "crosses_entity",
    "unknown",
    "adjective",
    "match_score",
    "match_loose",
    "kind_country",
    "kind_admin",
    "kind_city",
    "kind_feature",
    "log_population",
    "population_unknown",
    "log_candidates",
    "words",
    "all_caps",
    "sentence_start",
    "after_locative",
    "after_place_noun_of",
    "after_title",
    "after_the",
    "before_place_noun",
    "before_speech",
    "before_capital",
    "after_capital",
    "inside_longer_proposal",
    "stop_word",
    "doc_place_share",
    "doc_person_share",
    "dateline",
    "pooled_appositive_place_noun",
    "pooled_after_locative",
    "pooled_before_place_noun",
    "pooled_after_place_noun_of",
    "pooled_after_title",
    "pooled_before_speech",
    "log_occurrences",
    "country_named",
    "loose_in_named_country",
    "loose_transliterated",
    "appositive_place_noun",
    "coordinated",
    "qualified",
    "qualifier",
]
#: ", a small town near ...": a name followed by a description of a place.
_APPOSITIVE = re.compile(r",\s+(?:a|an|the)((?:\s+[a-z-]+){1,4})")
_POOLED = (
    "appositive_place_noun",
    "after_locative",
    "before_place_noun",
    "after_place_noun_of",
    "after_title",
    "before_speech",
)
_DATELINE_END = re.compile(r"^(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*(?:\(|[-\u2013\u2014:,])")


_FIRST_CHARACTER = re.compile(r"\S")


def opens_dateline(plain: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` opens the text as its dateline: a town, by convention.

    Examples
    --------
    >>> opens_dateline("WASHINGTON (RNS) Leaders met.", 0, 10)
    True
    >>> opens_dateline("  Washington \u2014 Leaders met.", 2, 12)
    True
    >>> opens_dateline("Leaders met in Washington, then left.", 15, 25)
    False
    """
    first = _FIRST_CHARACTER.search(plain)  # near the start: cheap on the longest text
    return (
        first is not None
        and first.start() == start
        and bool(_DATELINE_END.match(plain[end : end + 40]))
    )


@dataclass(frozen=True)
class Mention:
    """A span of the article text that names a place: ``text[start:end] == name``.

    ``confidence`` is the recogniser's probability that the span names a place;
    ``literal`` is False for adjectives and demonyms ("Iraqi") and for places
    inside another name; ``in_name`` says the place is part of an organisation's
    name ("University of Maryland", "CTV Edmonton"): reported, never drawn as a
    place. ``candidates`` are the gazetteer's candidates for the name, best
    match first.
    """

    start: int
    end: int
    name: str
    confidence: float = 1.0
    literal: bool = True
    candidates: tuple[Candidate, ...] = field(default=(), compare=False, repr=False)
    in_name: bool = False


@dataclass
class SpanProposal:
    """A span proposed by the scan or by the entity tagger, with its features."""

    start: int
    end: int
    name: str
    candidates: tuple[Candidate, ...]
    features: dict[str, float]

    @property
    def literal(self) -> bool:
        """False when the name's best match is an adjective ("Iraqi")."""
        return not self.candidates or not self.candidates[0].adjective


#: A proposal this likely makes its name a place throughout the article.
_SURE = 0.7
#: How likely a border named after a country is a place (see :func:`_as_its_country`).
_BORDER = 0.6
#: How likely a dateline the gazetteer knows is a place: all 13 in the fit corpora are,
#: too few for the model to weigh the cue right.
_DATELINE = 0.9
#: Features of a name inside an organisation's or a person's name ("Edmonton Oilers").
_INSIDE_NAME = frozenset({"inside_org", "inside_person"})


@lru_cache(maxsize=1)
def _model() -> LinearModel:
    return LinearModel.load("recogniser")


def find_mentions(
    article: Article, gazetteer: Gazetteer, *, model: LinearModel | None = None
) -> list[Mention]:
    """Return the place-name spans of ``article``, in text order, not overlapping.

    A span is kept when the recogniser's model finds it likely enough; a
    country's adjective ("Iraqi") is kept in any case, as not literal, a
    border named after a country ("the Iraqi border") as a place, a refused
    name where a place must stand ("toward Sabaa Biyar") in a named country,
    and a place inside an organisation's name ("University of Maryland") as
    ``in_name``.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> a = Article(id="x", text="While in Damascus, they spoke of Iraq's future.")
    >>> [m.name for m in find_mentions(a, LocalGazetteer())]
    ['Damascus', 'Iraq']
    """
    model = model or _model()
    proposals = [(model.probability(p.features), p) for p in propose_spans(article, gazetteer)]
    raised = _raised(proposals)
    plain = matching_text(article.text)
    spans = DisjointSpans()
    taken = _taken_by_model(raised, model.threshold, spans, plain)
    taken += _names_in_slots(raised, model.threshold, spans, plain, _countries_named(taken))
    taken += _names_inside_names([p for _, p in proposals], model, spans, plain)
    return sorted(
        (
            _with_feature_named(_with_abbreviation_dot(m, article.text), plain, gazetteer)
            for m in taken
        ),
        key=lambda m: m.start,
    )


def _with_abbreviation_dot(mention: Mention, text: str) -> Mention:
    """``mention`` with the full stop after it when that ends its abbreviation ("Que.").

    The tagger and the scan end a name at its last word; the gazetteer knows
    "Que." for Quebec, so the name is spelt with its stop.
    """
    if text[mention.end : mention.end + 1] != ".":
        return mention
    spelt = text[mention.start : mention.end + 1]
    if not any(c.matched == spelt for c in mention.candidates):
        return mention
    return replace(mention, end=mention.end + 1, name=spelt)


_FOLLOWING_WORD = re.compile(r" ([a-z]+)\b")


def _with_feature_named(mention: Mention, plain: str, gazetteer: Gazetteer) -> Mention:
    """``mention`` with the candidates of the feature that it and the next word name first.

    In "the Zaza checkpoint" the name is "Zaza", as gold corpora span it, but the
    place is the checkpoint, which the gazetteer knows as "Zaza checkpoint".
    Only a feature noun counts (:data:`_FEATURE_NOUNS`), and only a place the
    gazetteer has under the whole name.
    """
    following = _FOLLOWING_WORD.match(plain, mention.end)
    if not following or following.group(1) not in _FEATURE_NOUNS:
        return mention
    whole = plain[mention.start : following.end()]
    named = [c for c in gazetteer.lookup(whole, limit=CANDIDATES_KEPT) if c.match in WHOLE_MATCHES]
    if not named:
        return mention
    ids = {c.id for c in named}
    rest = [c for c in mention.candidates if c.id not in ids]
    return replace(mention, candidates=(*named, *rest)[:CANDIDATES_KEPT])


def _longest_first(proposal: SpanProposal) -> tuple[int, int]:
    """Sort key: the longest span first, then by start."""
    return (-(proposal.end - proposal.start), proposal.start)


def _raised(proposals: list[tuple[float, SpanProposal]]) -> list[tuple[float, SpanProposal]]:
    """The model's probabilities, raised: datelines, one sense per discourse, borders.

    A name the article surely uses for a place is a place, as surely, wherever
    it stands on its own (not inside an organisation's or a person's name).
    """
    proposals = [
        (max(probability, _DATELINE) if _is_dateline_place(p) else probability, p)
        for probability, p in proposals
    ]
    sure: dict[str, float] = {}
    for probability, p in proposals:
        if probability >= _SURE:
            key = p.name.casefold()
            sure[key] = max(probability, sure.get(key, 0.0))
    raised = [(_in_discourse(probability, p, sure), p) for probability, p in proposals]
    return [(_as_its_country(probability, p, raised), p) for probability, p in raised]


def _is_dateline_place(proposal: SpanProposal) -> bool:
    """Whether ``proposal`` is a dateline ("BEIRUT \u2013") naming a place the gazetteer knows."""
    return "dateline" in proposal.features and any(not c.adjective for c in proposal.candidates)


def _taken_by_model(
    raised: list[tuple[float, SpanProposal]], threshold: float, spans: DisjointSpans, plain: str
) -> list[Mention]:
    """The spans likely enough, and the demonyms, longest first, none overlapping."""
    kept = [
        (probability, p)
        for probability, p in raised
        if probability >= threshold or kept_as_demonym(p)
    ]
    # the longest name wins ("Deir Ezzor province"); of two as long, the more probable
    kept.sort(key=lambda pair: (-(pair[1].end - pair[1].start), -pair[0], pair[1].start))
    taken = []
    for probability, p in kept:
        if part_of_longer_name(plain, p.end) or not spans.add(p.start, p.end):
            continue
        taken.append(
            Mention(p.start, p.end, p.name, round(probability, 4), p.literal, p.candidates)
        )
    return taken


def _countries_named(mentions: list[Mention]) -> set[str]:
    """The countries ``mentions`` name, outright or by their adjective ("Iraqi forces")."""
    return {
        m.candidates[0].country
        for m in mentions
        if m.candidates
        and m.candidates[0].kind == "country"
        and (m.literal or m.candidates[0].adjective)
        and m.candidates[0].score >= 0.9
    }


def _names_in_slots(
    raised: list[tuple[float, SpanProposal]],
    threshold: float,
    spans: DisjointSpans,
    plain: str,
    countries: set[str],
) -> list[Mention]:
    """Refused names where a place must stand ("toward X", "X, a town"): see :func:`_in_slot`."""
    refused = [
        (probability, p)
        for probability, p in raised
        if probability < threshold and not kept_as_demonym(p)
    ]
    refused.sort(key=lambda pair: _longest_first(pair[1]))
    return [
        Mention(p.start, p.end, p.name, round(probability, 4), True, p.candidates)
        for probability, p in refused
        if _in_slot(p, plain, countries) and spans.add(p.start, p.end)
    ]


def _names_inside_names(
    proposals: list[SpanProposal], model: LinearModel, spans: DisjointSpans, plain: str
) -> list[Mention]:
    """Places inside organisations' names, taken last: they never displace a place."""
    found = []
    for p in sorted(proposals, key=_longest_first):
        probability = _in_name_probability(p, plain, model)
        if probability >= model.threshold and spans.add(p.start, p.end):
            found.append(
                Mention(
                    p.start, p.end, p.name, round(probability, 4), False, p.candidates, in_name=True
                )
            )
    return found


#: The features that say a span is inside, or is, an organisation's name, or that
#: capitalised words run on from it into a longer name ("Kentucky State Police").
_ORGANISATION_EVIDENCE = frozenset(
    {"inside_org", "ner_ORG", "crosses_entity", "before_capital", "after_capital"}
)


def _in_name_probability(proposal: SpanProposal, plain: str, model: LinearModel) -> float:
    """How likely ``proposal`` is a place named inside an organisation's name; 0 if not inside one.

    The model's probability without the organisation's evidence: "Edmonton" in
    "CTV Edmonton" is as much a place name as anywhere, "Policy" in "Policy
    Center" is not. A country's adjective ("Syrian Observatory") counts as
    surely as demonyms do elsewhere; a person's name ("Paris Hilton") does not.
    """
    # "The Washington Institute": the article is the organisation's, the place "Washington"
    with_article = proposal.name[:4].lower() == "the "
    if (
        not proposal.candidates
        or with_article
        or "inside_person" in proposal.features
        or not ("inside_org" in proposal.features or part_of_longer_name(plain, proposal.end))
    ):
        return 0.0
    if not proposal.literal:
        return 1.0
    return model.probability(
        {k: v for k, v in proposal.features.items() if k not in _ORGANISATION_EVIDENCE}
    )


#: War reporting's verbs whose object is a place: "captured X", "shelled X", "fled X".
_TAKING = (
    "captured|recaptured|seized|took|retook|entered|besieged|encircled|shelled|bombed"
    "|bombarded|stormed|overran|liberated|evacuated|capture|recapture|seize|enter|besiege"
    "|hit|struck|attacked|targeted|raided|surrounded|reached|fled|abandoned|attack|target"
    "|raid|surround|reach|flee|abandon|hitting|striking|attacking|targeting|shelling"
    "|bombing|besieging"
    # an attack's noun and "on": "strikes on X", "an offensive on X"
    "|(?:air\\s*)?strikes?\\s+on|attacks?\\s+on|assaults?\\s+on|raids?\\s+on|offensive\\s+on"
    "|advance\\s+on|push\\s+on|march\\s+on|rockets?\\s+on"
)
#: A word that takes a place as its object: "toward X", "near X", "captured X".
_SLOT_BEFORE = re.compile(
    rf"\b(toward|towards|to|into|from|near|at|around|outside|reaching|reached|of|in|and"
    rf"|{_TAKING})\s+(?:the\s+(?:town\s+of\s+|city\s+of\s+|village\s+of\s+)?)?$"
)
#: "and" joins a place to a list that started after such a word ("toward A and B").
_LIST_OF_PLACES = re.compile(rf"\b(?:toward|towards|to|into|from|near|{_TAKING})\b[^,;.]*$")
#: How well a name in a slot must match the gazetteer to be taken.
_MIN_SLOT_SCORE = 0.8
#: ", a town held by ...", ", the provincial capital.": the text says the name is a place.
#: The noun must end its phrase ("a town councillor" is a person).
_DESCRIBED_AS_PLACE = re.compile(
    r",\s+(?:a|an|the)\s+(?:[a-z-]+\s+){0,3}?"
    r"(?:town|city|village|suburb|district|neighbourhood|neighborhood|province|governorate"
    r"|region|capital|camp|base|airbase|crossing|checkpoint|hub|stronghold|enclave|oasis|port)"
    r"(?=\s*[,.;:)]|\s+(?:in|of|near|on|held|controlled|run|close|north|south|east|west"
    r"|northeast|northwest|southeast|southwest|about|some|just|that|which|where|located|along"
    r"|outside|under|by|from)\b)"
)


def _in_slot(proposal: SpanProposal, plain: str, countries: set[str]) -> bool:
    """Whether a refused name stands where a place must ("toward Sabaa Biyar").

    Kept when it does not start a longer name, matches a town or feature (not
    a country or an adjective) well, and either the text describes it as a
    place ("Tal Rifaat, a town held by Kurdish fighters") or it follows such
    a word in a country the article names: spaCy calls many Arabic place names
    persons, and the model then refuses them.
    """
    best = proposal.candidates[0] if proposal.candidates else None
    if (
        best is None
        or best.adjective
        or best.kind == "country"
        or best.score < _MIN_SLOT_SCORE
        or _INSIDE_NAME.intersection(proposal.features)
        or part_of_longer_name(plain, proposal.end)
    ):
        return False
    if _DESCRIBED_AS_PLACE.match(plain, proposal.end):
        return True
    if best.country not in countries:
        return False
    before = plain[max(0, proposal.start - 60) : proposal.start]
    slot = _SLOT_BEFORE.search(before)
    if slot is None:
        return False
    return slot.group(1) != "and" or bool(_LIST_OF_PLACES.search(before[: slot.start()]))


def kept_as_demonym(proposal: SpanProposal) -> bool:
    """Whether ``proposal`` may be a country's adjective ("Iraqi"), not inside another name.

    Demonyms are kept whatever the model says, flagged as not literal: they say
    whose forces or interests a passage is about, not where it happens.
    A demonym that is also a town's name ("Spanish", Ontario) is kept too; the
    resolver chooses between the two.
    """
    return any(c.adjective for c in proposal.candidates) and not _INSIDE_NAME.intersection(
        proposal.features
    )


def _in_discourse(probability: float, proposal: SpanProposal, sure: dict[str, float]) -> float:
    """``probability``, raised to the name's surest in the article when it stands alone."""
    if _INSIDE_NAME.intersection(proposal.features):
        return probability
    return max(probability, sure.get(proposal.name.casefold(), 0.0))


def _as_its_country(
    probability: float, proposal: SpanProposal, scored: list[tuple[float, SpanProposal]]
) -> float:
    """``probability``, raised for a border ("the Iraqi border") to that of a place.

    A country's name or adjective before a border word makes a place, as
    likely as :data:`_BORDER` or as the country's own name where that is
    surer: the recogniser's corpora hardly ever mark borders, so its model
    cannot learn them.
    """
    border = next((c for c in proposal.candidates if c.kind == "border"), None)
    if border is None:
        return probability
    countries = set(border_countries(border))
    return max(
        [probability, _BORDER]
        + [
            q_probability
            for q_probability, q in scored
            if q.candidates
            and q.candidates[0].kind == "country"
            and q.candidates[0].country in countries
        ]
    )


_NEXT_WORD = re.compile(r" ([A-Z][a-z]+)\b")


def part_of_longer_name(plain: str, end: int) -> bool:
    """Whether a capitalised word that no name of the gazetteer includes follows at ``end``.

    Then the place's name is the start of another name: "Syria Deeply", "Washington
    Post", "Kentucky State Police". Names the gazetteer knows ("Aleppo
    Governorate") were proposed whole and taken first.
    """
    following = _NEXT_WORD.match(plain, end)
    if not following:
        return False
    word = following.group(1).lower()
    # "U.S. Army", "Iraqi Prime Minister": the place qualifies an office, not a name
    return word not in _NOT_ALONE and word not in _PERSON_TITLES and word not in _INSTITUTIONS


def propose_spans(article: Article, gazetteer: Gazetteer) -> list[SpanProposal]:
    """Every span the gazetteer scan or the entity tagger proposes, with its features."""
    text = article.text
    plain = matching_text(text)
    doc = analyse(plain)
    context = _Context(doc, plain)
    spans = set(_scan(context.tokens, plain, gazetteer))
    spans.update(
        (start, end)
        for _, _, label, (start, end) in context.entities
        if label in _PLACE_LABELS and end > start
    )
    proposals = []
    index = _Spans(spans)
    for start, end in index.spans:
        found = tuple(gazetteer.lookup(plain[start:end], limit=CANDIDATES_KEPT))
        features = _features(context, start, end, found, index)
        proposals.append(SpanProposal(start, end, text[start:end], found, features))
    _add_article_features(proposals, plain)
    return proposals


def _add_article_features(proposals: list[SpanProposal], plain: str) -> None:
    """Evidence from the whole article: pooled contexts of a name, its country named.

    A name's contexts are pooled over its occurrences (a place is "near X" in
    one sentence and the subject of another), and a candidate in a country
    the article names outright makes a place of a name that could be a person.
    """
    by_name: dict[str, list[SpanProposal]] = defaultdict(list)
    for p in proposals:
        by_name[p.name.casefold()].append(p)
    named = {
        p.candidates[0].country
        for p in proposals
        if p.candidates
        and p.candidates[0].kind == "country"
        and p.candidates[0].match == "name"
        and not p.candidates[0].adjective
    }
    _add_coordination(proposals, plain)
    _add_plural_lists(proposals, plain)
    _add_qualification(proposals, plain)
    pooled = {
        key: {
            f"pooled_{feature}": sum(q.features.get(feature, 0.0) for q in same) / len(same)
            for feature in _POOLED
        }
        for key, same in by_name.items()
    }
    for p in proposals:
        key = p.name.casefold()
        p.features.update((k, v) for k, v in pooled[key].items() if v)
        p.features["log_occurrences"] = math.log10(len(by_name[key]) + 1) - math.log10(2)
        if any(c.country in named and c.kind != "country" for c in p.candidates[:3]):
            p.features["country_named"] = 1.0
            if p.features.get("match_loose"):
                p.features["loose_in_named_country"] = 1.0
        if p.features.get("match_loose") and p.candidates[0].country in transliterated_countries():
            p.features["loose_transliterated"] = 1.0
        p.features = {k: v for k, v in p.features.items() if v}


#: Most characters between two names of a list ("X, and the Y").
_LIST_GAP = 24
_LIST_JOINERS = re.compile(r"^(\s+[a-z]+)?(?:\s*,)?\s*(?:and|or|,)\s+(?:the\s+)?$")
_PLACE_EVIDENCE = ("ner_GPE", "ner_LOC", "ner_FAC", "after_locative", "after_place_noun_of")


def _add_coordination(proposals: list[SpanProposal], plain: str) -> None:
    """``coordinated``: a name listed with a name that looks like a place ("Homs and Hama").

    Lists join like with like; the evidence is the partner's own entity label
    or locative context, so it does not feed on itself.
    """
    placelike = [p for p in proposals if any(p.features.get(k) for k in _PLACE_EVIDENCE)]
    by_start = sorted(placelike, key=lambda q: q.start)
    by_end = sorted(placelike, key=lambda q: q.end)
    starts = [q.start for q in by_start]
    ends = [q.end for q in by_end]
    for p in proposals:
        # the partners within reach: ending at most _LIST_GAP before p, or starting
        # at most _LIST_GAP after it
        before = by_end[
            bisect.bisect_left(ends, p.start - _LIST_GAP) : bisect.bisect_right(ends, p.start)
        ]
        after = by_start[
            bisect.bisect_left(starts, p.end) : bisect.bisect_right(starts, p.end + _LIST_GAP)
        ]
        gaps = [(q.end, p.start) for q in before if q is not p]
        gaps += [(p.end, q.start) for q in after if q is not p]
        for gap_start, gap_end in gaps:
            joiner = _LIST_JOINERS.match(plain[gap_start:gap_end])
            # "X and Y", "X, Y", "the X checkpoint and Y": a place noun may end the first
            if joiner and (not joiner.group(1) or joiner.group(1).strip() in _PLACE_NOUNS):
                p.features["coordinated"] = 1.0
                break


_AFTER_PLURAL_NOUN = re.compile(r"\b([a-z]+) of\s+(?:the\s+)?$")


def _add_plural_lists(proposals: list[SpanProposal], plain: str) -> None:
    """``after_place_noun_of`` for every name of a list that a plural place noun opens.

    In "the villages of Foua and Kfraya" and "the towns of Nubl, Zahraa and
    Tal Rifaat" each name is one of the villages or towns, as surely as the first.
    """
    listed: list[SpanProposal] = []
    for p in sorted(proposals, key=lambda q: (q.start, -q.end)):
        opener = _AFTER_PLURAL_NOUN.search(plain, max(0, p.start - 40), p.start)
        if opener and opener.group(1) in _PLURAL_PLACE_NOUNS:
            listed.append(p)
            continue
        joined = any(
            0 <= p.start - q.end <= _LIST_GAP
            and (joiner := _LIST_JOINERS.match(plain[q.end : p.start]))
            and not joiner.group(1)
            for q in listed[-3:]
        )
        if joined:
            p.features["after_place_noun_of"] = 1.0
            listed.append(p)


def _add_qualification(proposals: list[SpanProposal], plain: str) -> None:
    """``qualified`` and ``qualifier``: "Gatineau, Que.", "Hugo, Oklahoma".

    A name, a comma and a region that holds one of the name's places: the
    text places the first name in the second, so both are places, whatever
    the entity tagger calls them.
    """
    by_start = {p.start: p for p in proposals if p.candidates}
    for p in proposals:
        comma = QUALIFIER.match(plain, p.end, p.end + 40)
        q = by_start.get(comma.start(1)) if comma else None
        if q is None or not p.candidates:
            continue
        regions = [c for c in q.candidates if c.kind in HOLDING_KINDS and not c.adjective]
        if any(lies_in(c, r) for r in regions for c in p.candidates if not c.adjective):
            p.features["qualified"] = 1.0
            q.features["qualifier"] = 1.0


# -- the scan --------------------------------------------------------------------------


def _is_name_word(token) -> bool:
    word = token.text
    return word[:1].isupper() or (word.lower() in ARABIC_ARTICLES and token.i + 1 < len(token.doc))


def _scan(tokens: list, plain: str, gazetteer: Gazetteer):
    """(start, end) of every run of name words the gazetteer knows (names or adjectives).

    ``tokens`` are the document's spaCy tokens, in order.
    """
    for i, first in enumerate(tokens):
        if not _is_name_word(first):
            continue
        for j in range(i, min(i + _MAX_TOKENS, len(tokens))):
            token = tokens[j]
            if j > i:
                gap = plain[tokens[j - 1].idx + len(tokens[j - 1]) : token.idx]
                if gap not in ("", " "):
                    break
                joins = token.text in ("-", "'", "'s") or token.lower_ in _CONNECTORS
                if not (_is_name_word(token) or joins or token.lower_ in _GENERIC_TAILS):
                    break
            if not (token.text[:1].isupper() or (j > i and token.lower_ in _GENERIC_TAILS)):
                continue  # a name ends on a capitalised word or a generic one ("highway")
            start, end = first.idx, token.idx + len(token)
            name = plain[start:end]
            if j == i and name.lower() in _NOT_ALONE:
                continue
            if (
                gazetteer.knows(name)
                or _is_adjective(gazetteer, name)
                or (token.lower_ in BORDER_WORDS and gazetteer.lookup(name, limit=1))
            ):
                yield start, end
            if j > i and token.lower_ in _GENERIC_TAILS and not token.text[:1].isupper():
                break  # "highway" ends a name


def _is_adjective(gazetteer: Gazetteer, name: str) -> bool:
    # adjectives are single capitalised words ("Iraqi", "Kurdish") or hyphenated pairs
    return " " not in name and any(c.adjective for c in gazetteer.lookup(name, limit=3))


def _worded_end(entity) -> int:
    """Where a spaCy entity ends without its trailing punctuation tokens ("U.S." is one token)."""
    words = [t for t in entity if not t.is_punct]
    return words[-1].idx + len(words[-1]) if words else entity.end_char


def _trim(plain: str, start: int, end: int) -> tuple[int, int]:
    """An entity span without a leading "the" or a trailing possessive ("the Iraq's")."""
    text = plain[start:end]
    lead = re.match(r"(?i)the\s+", text)
    if lead:
        start += lead.end()
    tail = re.search(r"(?:'s|')$", plain[start:end])
    if tail:
        end -= len(tail.group())
    return start, end


# -- features --------------------------------------------------------------------------


class _Spans:
    """The proposed spans, sorted, asked which lie inside a longer one."""

    def __init__(self, spans: set[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]
        self._longest = max((e - s for s, e in self.spans), default=0)

    def inside_longer(self, start: int, end: int) -> bool:
        """Whether another span contains ``start:end``."""
        low = bisect.bisect_left(self._starts, end - self._longest)
        high = bisect.bisect_right(self._starts, start)
        return any(end <= e and (s, e) != (start, end) for s, e in self.spans[low:high])


class _Context:
    """What the features need from the document: tokens by offset, entities, sentences."""

    def __init__(self, doc, plain: str) -> None:
        self.plain = plain
        self.tokens = list(doc)  # spaCy makes a new Token object at every step over a Doc
        self.token_at: dict[int, int] = {}
        self.token_ending: dict[int, int] = {}
        self.lowered: Counter = Counter()
        for t in self.tokens:
            self.token_at[t.idx] = t.i
            self.token_ending[t.idx + len(t)] = t.i
            if t.text.islower():
                self.lowered[t.text] += 1
        # each entity with its span trimmed of "the" and "'s", as proposals are, and of
        # punctuation spaCy sometimes takes in ("Hama." at the end of a text)
        self.entities = [
            (e.start_char, e.end_char, e.label_, _trim(plain, e.start_char, _worded_end(e)))
            for e in doc.ents
        ]
        # spaCy's entities do not overlap: sorted by start, their ends are sorted too
        self._entity_starts = [s for s, _, _, _ in self.entities]
        self._entity_ends = [e for _, e, _, _ in self.entities]
        self.label_of: dict[tuple[int, int], str] = {}
        self.label_of_trimmed: dict[tuple[int, int], str] = {}
        for s, e, label, trimmed in self.entities:
            self.label_of.setdefault((s, e), label)
            self.label_of_trimmed.setdefault(trimmed, label)
        self.sentence_starts = {s for s, _ in sentence_spans(plain)}
        shares: dict[str, Counter] = defaultdict(Counter)
        for e in doc.ents:
            shares[e.text][e.label_] += 1
        self.label_counts = shares

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, str, tuple[int, int]]]:
        """The entities that share a character with ``start:end``."""
        first = bisect.bisect_right(self._entity_ends, start)
        return self.entities[first : bisect.bisect_left(self._entity_starts, end)]

    def label_share(self, name: str, labels: tuple[str, ...]) -> float:
        counts = self.label_counts.get(name)
        if not counts:
            return 0.0
        return sum(counts[label] for label in labels) / sum(counts.values())


def _features(
    ctx: _Context,
    start: int,
    end: int,
    candidates: tuple[Candidate, ...],
    spans: _Spans,
) -> dict[str, float]:
    f: dict[str, float] = {}
    name = ctx.plain[start:end]
    # "the Gulf" tagged with its article is still this span
    exact = ctx.label_of.get((start, end)) or ctx.label_of_trimmed.get((start, end))
    if exact:
        f[f"ner_{exact}" if exact in _ENTITY_LABELS else "ner_other"] = 1.0
    for s, e, label, trimmed in ctx.overlapping(start, end):
        if (s, e) == (start, end) or trimmed == (start, end):
            continue
        if s <= start and end <= e:
            key = {"ORG": "inside_org", "PERSON": "inside_person"}.get(label, "inside_other_entity")
            f[key] = 1.0
        elif s < end and start < e:
            f["crosses_entity"] = 1.0

    places = [c for c in candidates if not c.adjective]
    if not candidates:
        f["unknown"] = 1.0
    elif not places:
        f["adjective"] = 1.0
    if candidates:
        best = candidates[0]
        f["match_score"] = best.score
        f["match_loose"] = float(best.match in ("variant", "fuzzy", "directional"))
        group = _KIND_GROUPS.get(best.kind, "feature")
        f[f"kind_{group}"] = 1.0
        close = [c for c in candidates if c.score >= best.score - 0.05]  # as good a match
        top_population = max(c.population for c in close)
        f["log_population"] = math.log10(top_population + 1) / 7
        f["population_unknown"] = float(top_population == 0 and best.kind == "city")
        f["log_candidates"] = math.log10(len(candidates) + 1)

    words = name.split()
    f["words"] = min(len(words), 4) / 4
    letters = [c for c in name if c.isalpha()]
    f["all_caps"] = float(len(letters) > 2 and all(c.isupper() for c in letters))
    f["sentence_start"] = float(start in ctx.sentence_starts)
    f["dateline"] = float(
        f["all_caps"] == 1.0
        and not ctx.plain[ctx.plain.rfind("\n", 0, start) + 1 : start].strip()
        and bool(_DATELINE_END.match(ctx.plain[end : end + 40]))
    )
    f["stop_word"] = float(name.lower() in _NOT_ALONE or name.lower() in ctx.lowered)

    first = ctx.token_at.get(start)
    last = ctx.token_ending.get(end)
    tokens = ctx.tokens
    if first is not None and first > 0:
        prev = tokens[first - 1]
        f["after_locative"] = float(prev.lower_ in _LOCATIVE)
        f["after_title"] = float(prev.lower_.rstrip(".") in _PERSON_TITLES)
        f["after_the"] = float(prev.lower_ == "the")
        f["after_capital"] = float(
            prev.text[:1].isupper() and prev.idx not in ctx.sentence_starts and prev.is_alpha
        )
        if first > 1 and prev.lower_ == "of":
            f["after_place_noun_of"] = float(tokens[first - 2].lower_ in _PLACE_NOUNS)
    if last is not None and last + 1 < len(tokens):
        nxt = tokens[last + 1]
        f["before_place_noun"] = float(nxt.lower_ in _PLACE_NOUNS)
        f["before_speech"] = float(nxt.lower_ in _SPEECH)
        f["before_capital"] = float(nxt.text[:1].isupper() and nxt.is_alpha)
    appositive = _APPOSITIVE.match(ctx.plain, end)
    f["appositive_place_noun"] = float(
        bool(appositive) and any(w in _PLACE_NOUNS for w in appositive.group(1).split())
    )
    f["inside_longer_proposal"] = float(spans.inside_longer(start, end))
    f["doc_place_share"] = ctx.label_share(name, ("GPE", "LOC", "FAC"))
    f["doc_person_share"] = ctx.label_share(name, ("PERSON", "ORG"))
    return {k: v for k, v in f.items() if v}
