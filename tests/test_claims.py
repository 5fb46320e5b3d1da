"""Claims → layers on short passages about other places and wars, and on the sample article.

Each passage is written in its own words; the assertions are on what a reader
would draw: the actor, the layer, and where the geometry lies.
"""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import Point, shape

from geo.article import Article, matching_text
from geo.claims import extract_claims
from geo.geometry import destination, geodesic_distance_km
from geo.layers import article_layers
from geo.pipeline import parse_article

PUBLISHED = dt.date(2017, 6, 2)  # a Friday

IDLIB = (35.93, 36.63)
HAMA = (35.13, 36.76)
MAALOULA = (33.845, 36.545)
QAMISHLI = (37.05, 41.23)
KHAN_SHAYKHUN = (35.44, 36.65)
MOSUL = (36.34, 43.13)
RAQQA = (35.95, 39.01)
MELITOPOL = (46.85, 35.37)
KIRKUK = (35.47, 44.39)
TANF = (33.506, 38.618)
SUKHNA = (34.88, 38.87)
DEIR_EZZOR = (35.336, 40.141)
HASSAKEH = (36.50, 40.75)
SABAA_BIYAR = (33.78, 37.68)
PALMYRA = (34.56, 38.27)


def _layers(text: str, gazetteer) -> list[dict]:
    parsed = parse_article(Article(id="p", text=text, published=PUBLISHED), gazetteer)
    return article_layers(parsed, gazetteer, reference=False)["features"]


def _only(features: list[dict], layer: str, **props) -> dict:
    found = [
        f
        for f in features
        if f["properties"]["layer"] == layer
        and all(f["properties"].get(k) == v for k, v in props.items())
    ]
    assert len(found) == 1, [(f["properties"]["layer"], f["properties"]["actor"]) for f in features]
    return found[0]


def _km(point: tuple[float, float], lonlat) -> float:
    return geodesic_distance_km(point, (lonlat[1], lonlat[0]))


def _contains(feature: dict, point: tuple[float, float]) -> bool:
    return shape(feature["geometry"]).contains(Point(point[1], point[0]))


def test_advance_is_a_route_from_origin_to_destination(gazetteer):
    text = "Rebels advanced south from Idlib toward the city of Hama on Monday."
    features = _layers(text, gazetteer)
    route = _only(features, "route", actor="rebels")
    coords = route["geometry"]["coordinates"]
    assert _km(IDLIB, coords[0]) < 15 and _km(HAMA, coords[-1]) < 15
    props = route["properties"]
    assert (props["movement"], props["direction"], props["date"]) == (
        "advance",
        "south",
        "2017-05-29",
    )
    assert [p["role"] for p in props["places"]] == ["origin", "destination"]


def test_recapture_is_control_and_the_stated_distance_is_checked(gazetteer):
    features = _layers("Government forces retook Maaloula, 55 km north of Damascus.", gazetteer)
    zone = _only(features, "control", actor="government")
    assert zone["geometry"]["type"] == "Polygon" and _contains(zone, MAALOULA)
    check = _only(features, "distance")["properties"]
    assert check["stated_km"] == 55 and 40 < check["measured_km"] < 50
    assert check["bearing_consistent"] is True  # Maaloula lies north-northeast of Damascus


def test_a_wrong_distance_is_flagged_with_both_numbers(gazetteer):
    features = _layers("In Syria, Aleppo lies 50 km south of Damascus.", gazetteer)
    check = _only(features, "distance")["properties"]
    assert check["stated_km"] == 50 and 280 < check["measured_km"] < 340
    assert check["consistent"] is False and check["bearing_consistent"] is False


def test_deployment_keeps_its_reporting_source_and_date(gazetteer):
    text = (
        "Hezbollah fighters deployed from Qusayr to Zabadani on Sunday, according to the "
        "Syrian Observatory for Human Rights."
    )
    props = _only(_layers(text, gazetteer), "route", actor="hezbollah")["properties"]
    assert props["movement"] == "deployment" and props["date"] == "2017-05-28"
    assert props["source"] == "the Syrian Observatory for Human Rights"


def test_one_actors_destination_is_not_anothers_origin(gazetteer):
    text = (
        "Peshmerga forces withdrew north from Sinjar toward Dohuk after Iraqi troops "
        "entered Kirkuk."
    )
    features = _layers(text, gazetteer)
    retreat = _only(features, "route", actor="peshmerga")
    assert retreat["properties"]["movement"] == "retreat"
    arrival = _only(features, "event", actor="iraqi_government")
    assert arrival["geometry"]["type"] == "Point"
    assert _km(KIRKUK, arrival["geometry"]["coordinates"]) < 15


def test_held_town_is_a_zone_clipped_to_its_country(gazetteer):
    text = "The Kurdish-held city of Qamishli lies near the Turkish border in northeast Syria."
    zone = _only(_layers(text, gazetteer), "control", actor="ypg")
    polygon = shape(zone["geometry"])
    assert polygon.contains(Point(QAMISHLI[1], QAMISHLI[0]))
    # a 10 km disc around a town on the border, with the Turkish side cut away
    disc = Point(QAMISHLI[1], QAMISHLI[0]).buffer(10 / 111 / 0.8)
    assert polygon.area < 0.8 * disc.area


def test_strike_is_an_event_at_its_place_with_its_date(gazetteer):
    text = (
        "Russian warplanes struck rebel positions near Khan Shaykhun in Syria's Idlib province "
        "on Tuesday."
    )
    strike = _only(_layers(text, gazetteer), "event", actor="russia", claim="strike")
    assert _km(KHAN_SHAYKHUN, strike["geometry"]["coordinates"]) < 10
    assert strike["properties"]["date"] == "2017-05-30"


def test_relative_location_is_a_band_times_a_sector(gazetteer):
    text = "Shelling was reported roughly 30 km southwest of Mosul in northern Iraq."
    area = _only(_layers(text, gazetteer), "area", claim="relative")
    assert _contains(area, destination(MOSUL, 225, 30))
    assert not _contains(area, MOSUL) and not _contains(area, destination(MOSUL, 45, 30))
    assert not _contains(area, destination(MOSUL, 225, 50))


def test_another_war_gets_a_state_actor_from_its_adjective(gazetteer):
    text = "Ukrainian troops advanced south from Zaporizhzhia toward Melitopol."
    route = _only(_layers(text, gazetteer), "route", actor="country:UA")
    assert _km(MELITOPOL, route["geometry"]["coordinates"][-1]) < 15
    assert route["properties"]["actor_name"] == "Ukraine"


def test_direction_is_a_wedge_from_the_place(gazetteer):
    text = "Clashes erupted northwest of Raqqa, the Islamic State's stronghold in Syria."
    wedge = _only(_layers(text, gazetteer), "area", claim="direction")
    assert _contains(wedge, destination(RAQQA, 315, 25))
    assert not _contains(wedge, destination(RAQQA, 135, 25))


def test_corridor_runs_between_the_places_it_names(gazetteer):
    text = "Turkey plans a land corridor from Gaziantep to Aleppo."
    route = _only(_layers(text, gazetteer), "route", actor="turkey")
    assert route["properties"]["movement"] == "corridor"
    assert len(route["geometry"]["coordinates"]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "The militants are not advancing toward Homs from Palmyra.",
        "Rebels never reached Hama from Idlib.",
    ],
)
def test_denied_movements_draw_nothing(gazetteer, text):
    layers = {f["properties"]["layer"] for f in _layers(text, gazetteer)}
    assert layers <= {"place"}


@pytest.mark.parametrize(
    ("text", "hedged"),
    [
        ("Rebels marched toward Hama from Idlib.", False),
        ("Rebels are ready to march toward Hama from Idlib.", True),
        ("Rebels tried to push toward Hama from Idlib.", True),
    ],
)
def test_intentions_are_hedged_at_half_confidence(gazetteer, text, hedged):
    parsed = parse_article(Article(id="h", text=text), gazetteer)
    (claim,) = [c for c in extract_claims(parsed, gazetteer) if c.type == "movement"]
    assert claim.hedged is hedged
    weakest = min(p.confidence for p in claim.places)
    assert claim.confidence == pytest.approx(weakest * (0.5 if hedged else 1.0), abs=1e-4)


# --- the sample article ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_parsed, gazetteer):
    fc = article_layers(sample_parsed, gazetteer, reference=False)
    return [f for f in fc["features"] if f["properties"]["layer"] != "place"]


def _with(features, layer, actor=None, passage=None):
    return [
        f
        for f in features
        if f["properties"]["layer"] == layer
        and (actor is None or f["properties"]["actor"] == actor)
        and (passage is None or passage in matching_text(f["properties"]["passage"]))
    ]


def test_sample_route_from_palmyra_toward_sukhna(sample):
    (route,) = _with(sample, "route", "syrian_government", "toward the ISIS-controlled crossroads")
    coords = route["geometry"]["coordinates"]
    assert _km(PALMYRA, coords[0]) < 15 and _km(SUKHNA, coords[-1]) < 15
    assert route["properties"]["direction"] == "northeast"


def test_sample_push_southeast_of_palmyra_toward_the_border(sample):
    (route,) = _with(sample, "route", "syrian_government", "pushing southeast of Palmyra")
    start, end = route["geometry"]["coordinates"][0], route["geometry"]["coordinates"][-1]
    assert _km(PALMYRA, start) < 15
    assert end[0] > start[0] and end[1] < start[1]  # east and south of Palmyra
    (wedge,) = _with(sample, "area", None, "pushing southeast of Palmyra")
    assert wedge["properties"]["direction"] == "southeast"


def test_sample_retreat_toward_sabaa_biyar(sample):
    (retreat,) = _with(sample, "route", "syrian_government", "retreat north")
    coords = retreat["geometry"]["coordinates"]
    assert _km(TANF, coords[0]) < 15 and _km(SABAA_BIYAR, coords[-1]) < 15
    assert retreat["properties"]["date"] == "2017-05-18"


def test_sample_pmf_reaches_the_border_and_moves_down_the_frontier(sample):
    arrivals = _with(sample, "event", "pmf", "reached the Syrian border")
    assert arrivals and arrivals[0]["geometry"]["type"] in ("LineString", "MultiLineString")
    assert arrivals[0]["properties"]["date"] == "2017-05-29"
    (down,) = _with(sample, "route", "pmf", "traversing down the frontier")
    places = [p["place"] for p in down["properties"]["places"]]
    assert places[-1] == "Western Anbar"
    assert down["geometry"]["coordinates"][-1][0] < 42.5  # western Anbar, not Baghdad


def test_sample_control_zones(sample):
    isis = _with(sample, "control", "isis")
    assert any(_contains(z, SUKHNA) for z in isis)
    assert any(_contains(z, DEIR_EZZOR) for z in isis)
    desert = [z for z in isis if matching_text(z["properties"]["text"]) == "held by ISIS"]
    (push,) = _with(sample, "route", "syrian_government", "pushing southeast of Palmyra")
    path = shape(push["geometry"])
    # "into areas currently held by ISIS": the corridor of that push, out to the border
    assert desert and shape(desert[0]["geometry"]).contains(path.interpolate(0.5, normalized=True))
    assert shape(desert[0]["geometry"]).distance(Point(path.coords[-1])) < 0.05
    kurds = _with(sample, "control", "ypg") + _with(sample, "control", "sdf")
    assert any(_contains(z, HASSAKEH) for z in kurds)


def test_sample_us_zone_and_area_northeast_of_tanf(sample):
    assert any(_contains(z, TANF) for z in _with(sample, "control", "us"))
    (area,) = [f for f in _with(sample, "area") if f["properties"]["claim"] == "relative"]
    assert _contains(area, destination(TANF, 45, 100)) and not _contains(area, TANF)


def test_sample_corridor_and_distance_check(sample):
    (corridor,) = _with(sample, "route", "iran", "ground corridor")
    coords = corridor["geometry"]["coordinates"]
    assert coords[0][0] > 51 and coords[-1][0] < 36.5  # from Tehran to the Mediterranean
    (check,) = _with(sample, "distance")
    props = check["properties"]
    assert props["stated_km"] == 124 and props["qualifier"] == "more than"
    assert 115 < props["measured_km"] < 140 and props["bearing_consistent"] is True
