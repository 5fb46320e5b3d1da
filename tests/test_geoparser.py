"""The recogniser and the resolver on short texts written for these tests."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from geo import Article, parse_article
from geo.errors import ModelError
from geo.layers import place_features
from geo.model import LinearModel
from geo.pipeline import bench_record, resolve_spans
from geo.qualifiers import qualifier_places
from geo.recognize import Mention, find_mentions, propose_spans
from geo.resolve import (
    candidate_features,
    mention_context,
    resolve_mentions,
)


def _places(gazetteer, text: str) -> list[tuple[str, str]]:
    return [(name, country) for name, country, _ in _found(gazetteer, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rebels advanced south from Idlib toward Hama.", [("Idlib", "SY"), ("Hama", "SY")]),
        ("Clashes in Homs and Hama.", [("Homs", "SY"), ("Hama", "SY")]),  # a list of places
        ("The fair is in Paris, Texas, this year.", [("Paris", "US"), ("Texas", "US")]),
        ("Talks opened in Geneva on Monday.", [("Geneva", "CH")]),
    ],
)
def test_places_are_found_and_placed(gazetteer, text, expected):
    assert _places(gazetteer, text) == expected


def test_organisations_named_after_places_are_not_places(gazetteer):
    text = "He teaches at the University of Maryland and writes for Syria Deeply."
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    # reported (when the name would be a place alone) as inside another name: never
    # drawn, never literal
    assert [(m.name, m.place.country, m.in_name, m.literal) for m in parsed.mentions] == [
        ("Syria", "SY", True, False)
    ]
    assert place_features(parsed) == []
    assert [t["in_name"] for t in bench_record(parsed)["toponyms"]] == [True]
    for text in (
        "Analysts at The Washington Institute disagree.",
        "It was in the Washington Post.",
    ):
        assert all(m.in_name for m in parse_article(Article(id="t", text=text), gazetteer).mentions)
    # the capitalised words that run on from it are the organisation's evidence too
    text = "Officers of the Kentucky State Police said so."
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    assert [m.in_name for m in parsed.mentions] == [True]
    assert parsed.mentions[0].name.startswith("Kentucky")
    # a person's name is no organisation's: Paris Hilton names no place at all
    assert _places(gazetteer, "Paris Hilton arrived late.") == []


def test_a_place_inside_a_name_never_displaces_a_place(gazetteer):
    text = "Edmonton police said the Edmonton Oilers played in Edmonton on Monday."
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    # "Edmonton police" is the city's police; the Oilers are a team named after it
    assert [(m.start, m.in_name) for m in parsed.mentions] == [(0, False), (25, True), (51, False)]
    (feature,) = place_features(parsed)
    assert [m["start"] for m in feature["properties"]["mentions"]] == [0, 51]


def test_the_scan_reads_a_possessive_inside_a_name(gazetteer):
    from geo.nlp import analyse
    from geo.recognize import _scan

    plain = "Talks with the People's Republic of China resumed."
    spans = {plain[s:e] for s, e in _scan(list(analyse(plain)), plain, gazetteer)}
    assert "People's Republic of China" in spans


def test_possessive_is_left_out_of_the_span(gazetteer):
    parsed = parse_article(Article(id="t", text="Iraq's army moved west."), gazetteer)
    assert [(m.start, m.end, m.name) for m in parsed.mentions] == [(0, 4, "Iraq")]


def test_demonyms_are_kept_as_non_literal(gazetteer):
    text = "Iraqi forces and Russian jets struck the Syrian Observatory's office in Homs."
    record = bench_record(parse_article(Article(id="t", text=text), gazetteer))
    found = [(t["name"], t["country"], t["literal"], t["in_name"]) for t in record["toponyms"]]
    assert found == [
        ("Iraqi", "IQ", False, False),
        ("Russian", "RU", False, False),
        ("Syrian", "SY", False, True),  # inside an organisation's name
        ("Homs", "SY", True, False),
    ]


def test_a_demonym_that_is_also_a_town_is_kept_and_placed_by_context(gazetteer):
    # Spanish, Ontario, is the gazetteer's first "Spanish"
    people = _found(gazetteer, "Spanish officials met in Madrid on Monday.")
    assert people[0] == ("Spanish", "ES", False)
    town = _found(gazetteer, "The mill in Spanish, Ontario, closed.")
    assert town[0] == ("Spanish", "CA", True)


def test_a_refused_name_where_a_place_must_stand_is_kept(gazetteer):
    # spaCy calls Sabaa Biyar a person; "toward" and Syria, named, make it a place
    text = "In Syria, militias retreated north toward Sabaa Biyar."
    found = _found(gazetteer, text)
    assert found == [("Syria", "SY", True), ("Sabaa Biyar", "SY", True)]
    (biyar,) = [m for m in parse_article(Article(id="t", text=text), gazetteer).mentions[1:]]
    assert biyar.recognition < 0.5  # still shown as doubtful
    assert _found(gazetteer, "In Syria, militias met Sabaa Biyar.") == [("Syria", "SY", True)]
    assert _found(gazetteer, "Militias retreated north toward Sabaa Biyar.") == []
    # war reporting's verbs take places too
    captured = _found(gazetteer, "In Syria, Kurdish forces captured Qamishli and shelled Hasakah.")
    assert ("Qamishli", "SY", True) in captured
    # a country named by its adjective is named: "Iraqi forces"
    fled = "Iraqi forces advanced on Mosul. Militants fled Tal Afar overnight."
    assert ("Tal Afar", "IQ", True) in _found(gazetteer, fled)
    assert "Tal Afar" not in [n for n, _, _ in _found(gazetteer, fled.replace("fled", "met"))]
    # an attack's noun and "on" too, and the list after it
    text = "In Syria, strikes on Maarat al-Numan and Saraqib killed 14."
    found = [n for n, _, _ in _found(gazetteer, text)]
    assert "Maarat al-Numan" in found and "Saraqib" in found
    talks = text.replace("strikes on", "talks with")
    assert "Maarat al-Numan" not in [n for n, _, _ in _found(gazetteer, talks)]


def test_a_refused_name_the_text_describes_as_a_place_is_kept(gazetteer):
    text = "In Syria, Turkish-backed rebels attacked Tal Rifaat, a town held by Kurdish fighters."
    assert ("Tal Rifaat", "SY", True) in _found(gazetteer, text)
    # a person described by a job is not a place
    text = "In Syria, we met Bob Brandon, a town councillor, and Ann Sterling, the city's mayor."
    assert _found(gazetteer, text) == [("Syria", "SY", True)]


def _found(gazetteer, text: str) -> list[tuple[str, str, bool]]:
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    return [(m.name, m.place.country, m.literal) for m in parsed.mentions]


def test_a_countrys_border_is_the_stretch_the_article_sees(gazetteer):
    text = "Militias in Syria pushed toward the Iraqi border. Turkish troops closed the border."
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    border = next(m for m in parsed.mentions if m.name == "Iraqi border")
    assert border.literal and border.place.kind == "border"
    assert border.place.id == "border:IQ-SY"  # the stretch along Syria, not all of Iraq's
    assert border.recognition >= 0.6  # a place, though the recogniser's corpora lack borders
    # with no neighbour named, the whole border stands
    alone = parse_article(Article(id="t", text="They reached the Iraqi border."), gazetteer)
    assert [m.place.id for m in alone.mentions] == ["border:IQ"]


def test_output_carries_confidence_and_ranked_candidates(gazetteer):
    record = bench_record(parse_article(Article(id="t", text="Fighting in Tripoli."), gazetteer))
    (tripoli,) = record["toponyms"]
    probabilities = [c["probability"] for c in tripoli["candidates"]]
    assert len(probabilities) > 1 and probabilities == sorted(probabilities, reverse=True)
    assert 0 < tripoli["confidence"] <= probabilities[0] <= 1
    assert (tripoli["lat"], tripoli["lon"]) == (
        tripoli["candidates"][0]["lat"],
        tripoli["candidates"][0]["lon"],
    )


def test_models_round_trip_and_bad_files_are_reported(tmp_path):
    model = LinearModel(["a", "b"], [1.5, -2.0], bias=0.25, threshold=0.4, about={"x": 1})
    model.save("m", tmp_path)
    again = LinearModel.load("m", tmp_path)
    assert again == model
    assert again.probability({"a": 1.0}) == pytest.approx(1 / (1 + 2.718281828**-1.75))
    (tmp_path / "bad.json").write_text(json.dumps({"features": ["a"], "weights": []}))
    with pytest.raises(ModelError, match="1 features but 0 weights"):
        LinearModel.load("bad", tmp_path)
    with pytest.raises(ModelError, match="not a usable model file"):
        LinearModel.load("missing", tmp_path)


def test_shipped_models_say_what_they_were_fitted_on():
    for name in ("recogniser", "resolver"):
        model = LinearModel.load(name)
        assert "fit" in model.about["fitted_on"] and model.about["script"]
        assert len(model.features) == len(model.weights) > 10


def test_doubtful_place_outside_the_articles_countries_is_left_unplaced(gazetteer):
    text = "Syrian troops retreated toward Zaza near Palmyra in Syria."
    record = bench_record(parse_article(Article(id="t", text=text), gazetteer))
    by_name = {t["name"]: t for t in record["toponyms"]}
    assert by_name["Palmyra"]["country"] == "SY"
    zaza = by_name["Zaza"]  # recognised as a place name ...
    assert zaza["lat"] is None and zaza["candidates"][0]["country"] == "CU"  # ... not in Cuba


def test_doubtful_place_inside_the_articles_countries_stays_on_the_map(gazetteer):
    text = "Syrian troops pushed from Palmyra toward the crossroads of Sukhna in Syria."
    record = bench_record(parse_article(Article(id="t", text=text), gazetteer))
    sukhna = next(t for t in record["toponyms"] if t["name"] == "Sukhna")
    assert sukhna["country"] == "SY" and sukhna["lat"] is not None
    assert sukhna["confidence"] < 0.5  # kept, but flagged as doubtful


def test_borders_are_derived_from_country_outlines(gazetteer):
    shared = next(c for c in gazetteer.lookup("the Syrian-Iraqi border") if c.kind == "border")
    assert (shared.kind, shared.match) == ("border", "border")
    assert shared.geometry["type"] in ("LineString", "MultiLineString")
    assert 33 < shared.lat < 37 and 38 < shared.lon < 43  # on the Syria-Iraq line
    iraq = gazetteer.lookup("Iraqi border")[0]
    assert iraq.id == "border:IQ" and iraq.score < 1.0  # through the adjective
    assert all(c.kind != "border" for c in gazetteer.lookup("Paris border"))  # no country


def test_one_sense_per_discourse_except_inside_other_names(gazetteer):
    # a toy recogniser: only "in X" makes a place; the rule carries it to the other "X"s
    model = LinearModel(features=["after_locative"], weights=[10.0], bias=-5.0, threshold=0.4)
    text = (
        "Protesters marched in Edmonton on Monday. Edmonton has a deficit."
        " Shares of the Bank of Edmonton fell."
    )
    found = find_mentions(Article(id="t", text=text), gazetteer, model=model)
    assert [(m.name, m.start) for m in found] == [("Edmonton", 22), ("Edmonton", 42)]
    assert found[0].confidence == found[1].confidence > 0.99  # as sure as where it is surest
    alone = "Edmonton has a deficit."
    assert find_mentions(Article(id="t", text=alone), gazetteer, model=model) == []


def _mentions(gazetteer, text, names):
    """Mentions of each name at its first occurrence from ``start`` on, in text order."""
    out, start = [], 0
    for name in names:
        start = text.index(name, start)
        found = tuple(gazetteer.lookup(name, limit=50))
        out.append(Mention(start, start + len(name), name, candidates=found))
        start += len(name)
    return out


def test_mentions_of_one_name_do_not_vouch_for_each_other(gazetteer):
    # five "Dover"s are one place named five times: none is "another place nearby"
    text = "Dover is a town. Dover grew. Dover, Dover and Dover. It lies near Pawling."
    mentions = _mentions(gazetteer, text, ["Dover"] * 5 + ["Pawling"])
    context = mention_context(Article(id="t", text=text), mentions, gazetteer)
    others = context.others("Dover")
    assert others.count == 1 and len(others.lats) == 1  # Pawling alone
    assert context.others("Pawling").count == 5
    dover_gb = next(i for i, c in enumerate(mentions[0].candidates) if c.country == "GB")
    features = candidate_features(mentions[0], context)[dover_gb]
    assert "within_25_km" not in features  # before, the other Dovers put it "near others"


def test_a_name_ending_a_text_keeps_its_full_stop_out(gazetteer):
    # spaCy may take the last full stop into the entity; "U.S." keeps its own
    assert [(n, c) for n, c, _ in _found(gazetteer, "Shelling hit Hama.\n")] == [("Hama", "SY")]
    assert _found(gazetteer, "Troops left the U.S.\n")[0][0] == "U.S."


def test_one_other_place_is_not_a_whole_country(gazetteer):
    # one mention of the US is thin evidence against Geneva, Switzerland
    assert _found(gazetteer, "US officials met in Geneva on Monday.")[-1][:2] == ("Geneva", "CH")


def test_the_region_most_of_the_article_is_in_counts(gazetteer):
    text = (
        "Lancaster is a city in Dallas County, Texas, near Dallas, Cedar Hill and DeSoto."
        " Its mayor once lived in Los Angeles, California."
    )
    names = ["Lancaster", "Dallas County", "Texas", "Dallas", "Cedar Hill", "DeSoto"]
    mentions = _mentions(gazetteer, text, [*names, "Los Angeles", "California"])
    context = mention_context(Article(id="t", text=text), mentions, gazetteer)
    rows = candidate_features(mentions[0], context)
    share = {
        c.admin1: rows[i].get("admin1_share", 0.0) for i, c in enumerate(mentions[0].candidates)
    }
    # both have "another place" in their state; Texas has most of the article
    assert share["TX"] == 5 / 8 and share["CA"] == 2 / 8  # shrunk by one: see _share
    assert all(
        rows[i]["same_admin1_as_other"]
        for i, c in enumerate(mentions[0].candidates)
        if c.admin1 in ("TX", "CA") and c.kind == "city"
    )


def test_a_description_says_where_a_place_is(gazetteer):
    # "X is a city in Y County, Z": the same evidence as "X, Z"
    text = "Springfield is a city in Sarpy County, Nebraska, United States."
    (springfield,) = resolve_spans(Article(id="t", text=text), [(0, 11)], gazetteer).mentions
    assert (springfield.place.country, springfield.place.admin1) == ("US", "NE")


def test_a_county_named_with_its_state_is_the_one_in_that_state(gazetteer):
    # an aside may stand between the name and its description
    text = 'Buena Vista (pronounced "BYOO-nah") is a city in Marion County, Georgia.'
    county, state = qualifier_places(gazetteer, text, len("Buena Vista"))
    assert [(c.name, c.admin1) for c in county] == [("Marion County", "GA")]  # of 17
    assert ("Georgia", "admin1") in [(c.name, c.kind) for c in state]
    (mention,) = _mentions(gazetteer, text, ["Buena Vista"])
    context = mention_context(Article(id="t", text=text), [mention], gazetteer)
    rows = candidate_features(mention, context)
    pairs = zip(mention.candidates, rows, strict=True)
    qualified = {c.admin1 for c, row in pairs if row.get("qualified")}
    assert qualified == {"GA"}


def test_the_mentions_of_a_name_share_one_place(gazetteer):
    # only the first is described; the second follows it
    text = (
        "Springfield is a city in Sarpy County, Nebraska. The city grew along the"
        " railway. Springfield has a courthouse."
    )
    spans = [(m.start(), m.end()) for m in re.finditer("Springfield", text)]
    first, second = resolve_spans(Article(id="t", text=text), spans, gazetteer).mentions
    assert first.place == second.place and first.place.admin1 == "NE"
    assert first.probabilities == second.probabilities


def test_places_listed_together_favour_one_kind(gazetteer):
    text = "Cases were found in Ohio, Oregon and Utah. Rubio of Florida spoke."
    mentions = _mentions(gazetteer, text, ["Ohio", "Oregon", "Utah", "Florida"])
    context = mention_context(Article(id="t", text=text), mentions, gazetteer)
    oregon = candidate_features(mentions[1], context)
    kinds = [c.kind for c in mentions[1].candidates]
    assert oregon[kinds.index("admin1")]["kind_as_listed"] == 1.0
    assert "kind_as_listed" not in oregon[kinds.index("city")]  # Oregon, Ohio: a town
    assert "kind_as_listed" not in candidate_features(mentions[3], context)[0]  # not listed
    placed = resolve_mentions(Article(id="t", text=text), mentions, gazetteer)
    assert [r.place.kind for r in placed] == ["admin1"] * 4


def test_ranker_fit_reaches_the_optimum():
    rng = np.random.default_rng(7)
    groups = [rng.normal(size=(int(rng.integers(2, 6)), 3)) * 5 for _ in range(60)]
    chosen = [int(rng.integers(0, len(g))) for g in groups]
    model = LinearModel.fit_ranker(["a", "b", "c"], groups, chosen, l2=0.1)

    def loss(w):
        total = 0.1 / 2 * w @ w
        for rows, right in zip(groups, chosen, strict=True):
            s = rows @ w
            total += np.log(np.exp(s - s.max()).sum()) + s.max() - s[right]
        return total

    w = np.array(model.weights)
    for k in range(3):  # no step along any axis lowers the penalised loss
        e = np.eye(3)[k] * 1e-4
        assert loss(w) <= min(loss(w + e), loss(w - e))


def test_ranker_weights_count_groups_as_repeats():
    # a group of weight 2 counts as that group twice; weight 0 leaves it out
    rng = np.random.default_rng(3)
    groups = [rng.normal(size=(3, 2)) * 3 for _ in range(20)]
    chosen = [int(rng.integers(0, 3)) for _ in groups]
    weighted = LinearModel.fit_ranker(
        ["a", "b"], groups, chosen, l2=0.1, weights=np.array([2.0] * 10 + [0.0] * 10)
    )
    repeated = LinearModel.fit_ranker(["a", "b"], groups[:10] * 2, chosen[:10] * 2, l2=0.1)
    assert weighted.weights == pytest.approx(repeated.weights, abs=1e-6)


def test_a_name_and_the_region_after_its_comma_qualify_each_other(gazetteer):
    # spaCy takes "Wainwright, Alta." for an organisation; the text puts the town in Alberta
    text = "The cat was found in Wainwright, Alta., by train conductor Brad Slater."
    features = {p.name: p.features for p in propose_spans(Article(id="t", text=text), gazetteer)}
    assert "qualified" in features["Wainwright"] and "qualifier" in features["Alta"]
    assert not {"qualified", "qualifier"} & set(features["Brad"])
    assert _found(gazetteer, text)[0][:2] == ("Wainwright", "CA")
    # no town of that name in that region: no evidence either way
    text = "The cat was found in Wainwright, Texas, by a conductor."
    features = {p.name: p.features for p in propose_spans(Article(id="t", text=text), gazetteer)}
    assert "qualified" not in features["Wainwright"]
    # an abbreviation the gazetteer knows keeps its full stop
    text = "She sold her home in Gatineau, Que., and moved to Ottawa."
    assert [(n, c) for n, c, _ in _found(gazetteer, text)] == [
        ("Gatineau", "CA"),
        ("Que.", "CA"),
        ("Ottawa", "CA"),
    ]


def test_a_name_before_a_feature_noun_is_the_feature_the_gazetteer_knows_by_both(gazetteer):
    # the gazetteer has "Zaza checkpoint"; the name alone is only a town in Cuba
    text = "Militias retreated north toward the Zaza checkpoint in Syria."
    zaza = next(m for m in find_mentions(Article(id="t", text=text), gazetteer) if m.name == "Zaza")
    assert [c.name for c in zaza.candidates[:2]] == ["Zaza checkpoint", "Zaza del Medio"]
    parsed = parse_article(Article(id="t", text=text), gazetteer)
    placed = next(m.place for m in parsed.mentions if m.name == "Zaza")
    assert (placed.kind, placed.country) == ("checkpoint", "SY")
    # not a feature noun: the town's own candidates stay as they were
    text = "Shelling hit the Homs countryside."
    homs = next(m for m in find_mentions(Article(id="t", text=text), gazetteer) if m.name == "Homs")
    assert homs.candidates == tuple(gazetteer.lookup("Homs", limit=len(homs.candidates)))


def test_a_name_with_its_stop_at_the_end_of_a_text_keeps_its_offsets(gazetteer):
    # "D.C." is one token, its stop included: nothing to add after the text's end
    for text in ("He lives in Washington, D.C.", "He moved to St. Louis, Mo."):
        mentions = find_mentions(Article(id="t", text=text), gazetteer)
        assert mentions[-1].name in ("D.C.", "Mo.")
        assert all(text[m.start : m.end] == m.name for m in mentions)
        assert mentions[-1].end == len(text)


def test_the_towns_of_a_list_are_places(gazetteer):
    text = "The towns of Haris and Varzaqan in East Azerbaijan province were hit."
    haris = next(
        p for p in propose_spans(Article(id="t", text=text), gazetteer) if p.name == "Haris"
    )
    assert "after_place_noun_of" in haris.features  # "towns of", as "town of"
    assert _found(gazetteer, text)[0][:2] == ("Haris", "IR")


def test_every_name_of_a_list_a_plural_place_noun_opens_is_a_place(gazetteer):
    text = "The towns of Haris and Varzaqan were among those that suffered."
    features = {p.name: p.features for p in propose_spans(Article(id="t", text=text), gazetteer)}
    assert "after_place_noun_of" in features["Varzaqan"]  # one of the towns, as Haris is
    assert [n for n, _, _ in _found(gazetteer, text)] == ["Haris", "Varzaqan"]
    # a singular noun names one place: the next name is no town of it
    text = "The town of Haris and Varzaqan officials met."
    features = {p.name: p.features for p in propose_spans(Article(id="t", text=text), gazetteer)}
    assert "after_place_noun_of" not in features["Varzaqan"]


def test_a_dateline_is_a_town_cue(gazetteer):
    text = "Washington (CNN) The senator said no."
    (mention,) = _mentions(gazetteer, text, ["Washington"])
    rows = candidate_features(mention, mention_context(Article(id="t", text=text), [mention]))
    cues = {
        c.kind: set(row) & {"cue_town_city", "cue_town_other"}
        for c, row in zip(mention.candidates, rows, strict=True)
    }
    assert cues["city"] == {"cue_town_city"} and cues["admin1"] == {"cue_town_other"}
    text = "The senator said no in Washington (the capital)."
    (mention,) = _mentions(gazetteer, text, ["Washington"])
    rows = candidate_features(mention, mention_context(Article(id="t", text=text), [mention]))
    assert not any("cue_town_city" in row for row in rows)


def test_the_name_after_a_comma_may_be_the_region_holding_the_one_before(gazetteer):
    text = "The powder was found in downtown Buffalo, New York."
    mentions = _mentions(gazetteer, text, ["Buffalo", "New York"])
    context = mention_context(Article(id="t", text=text), mentions, gazetteer)
    rows = candidate_features(mentions[1], context)
    holding = {
        c.name
        for c, row in zip(mentions[1].candidates, rows, strict=True)
        if row.get("holds_name_before")
    }
    assert holding == {"New York"} and mentions[0].candidates[0].admin1 == "NY"
    assert next(c for c in mentions[1].candidates if c.name in holding).kind == "admin1"
