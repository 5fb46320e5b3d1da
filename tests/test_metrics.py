"""The benchmark metrics (``benchmarks/metrics.py``) on hand-made gold and system pairs."""

from __future__ import annotations

import doctest
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import metrics  # noqa: E402
from metrics import MAX_ERROR_KM, auc, error_km, exact_matches, overlap_matches, score  # noqa: E402

#: Points on the equator: one degree of longitude is 111.195 km.
ORIGIN = {"lat": 0.0, "lon": 0.0}
ONE_DEGREE_KM = 111.19508


def toponym(start: int, end: int, lon: float | None = 0.0) -> dict:
    """A toponym on the equator at ``lon`` (None: no coordinates)."""
    return {"start": start, "end": end, "lat": None if lon is None else 0.0, "lon": lon}


def doc(doc_id: str, *toponyms: dict) -> dict:
    return {"id": doc_id, "toponyms": list(toponyms)}


def test_doctests():
    assert doctest.testmod(metrics).failed == 0


def test_exact_and_overlap_matching_differ():
    gold = [doc("1", toponym(0, 6), toponym(20, 26))]
    system = {"1": doc("1", toponym(0, 6), toponym(19, 26), toponym(40, 45))}
    tally = score(gold, system)
    assert (tally.exact, tally.overlap) == (1, 2)
    assert tally.precision("exact") == pytest.approx(1 / 3)
    assert tally.recall("exact") == 0.5
    assert tally.f1("exact") == pytest.approx(0.4)
    assert (tally.precision("overlap"), tally.recall("overlap")) == (pytest.approx(2 / 3), 1.0)
    assert tally.f1("overlap") == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("gold", "system", "expected"),
    [
        ([(0, 5), (0, 5)], [(0, 5)], 1),  # one to one: a duplicate needs a duplicate
        ([(0, 5), (0, 5)], [(0, 5), (0, 5)], 2),
        ([(0, 5)], [(0, 4)], 0),
        ([], [(0, 5)], 0),
    ],
)
def test_exact_matching_is_a_multiset(gold, system, expected):
    assert exact_matches(gold, system) == expected


@pytest.mark.parametrize(
    ("gold", "system", "expected"),
    [
        ([(0, 10), (10, 20)], [(5, 15)], {0: 0}),  # equal overlaps: the earlier gold span
        ([(0, 10)], [(5, 15), (2, 8)], {0: 1}),  # longer overlap (6 > 5) wins
        ([(0, 10)], [(5, 15), (0, 5)], {0: 1}),  # equal overlaps: the earlier system span
        ([(0, 4), (6, 20)], [(2, 12)], {1: 0}),  # longer overlap beats the earlier gold
        ([(0, 10), (12, 20)], [(8, 14), (2, 9)], {0: 1, 1: 0}),  # one to one
        ([(0, 5)], [(5, 9)], {}),  # touching is not overlapping
    ],
)
def test_overlap_matching_is_greedy_by_length(gold, system, expected):
    assert overlap_matches(gold, system) == expected


def test_a_gold_toponym_without_coordinates_is_left_out_of_resolution():
    gold = [doc("1", toponym(0, 5, lon=None), toponym(10, 15, lon=0.0))]
    system = {"1": doc("1", toponym(0, 5, lon=1.0), toponym(10, 15, lon=1.0))}
    tally = score(gold, system)
    assert tally.overlap == 2
    assert tally.gold_with_coordinates == 1
    assert tally.errors == [pytest.approx(ONE_DEGREE_KM)]
    assert tally.acc_161() == 1.0 and tally.end_to_end() == 1.0


def test_resolution_counts_recognised_toponyms_end_to_end_counts_all():
    gold = [
        doc("1", toponym(0, 5, lon=0.0), toponym(10, 15, lon=0.0), toponym(20, 25, lon=0.0)),
        doc("2", toponym(0, 5, lon=0.0)),  # no system record: missed
    ]
    system = {
        "1": doc("1", toponym(0, 5, lon=1.0), toponym(11, 14, lon=2.0), toponym(30, 35)),
        "3": doc("3", toponym(0, 5)),  # no gold document: ignored
    }
    tally = score(gold, system)
    assert (tally.documents, tally.gold, tally.system) == (2, 4, 3)
    assert tally.errors == pytest.approx([ONE_DEGREE_KM, 2 * ONE_DEGREE_KM])
    assert tally.acc_161() == 0.5
    assert tally.median_km() == pytest.approx(1.5 * ONE_DEGREE_KM)
    assert tally.end_to_end() == 0.25


def test_far_placements_at_the_gold_place_are_counted_apart():
    canada = {**toponym(0, 6, lon=-113.6), "geonameid": 6251999}
    russia = {**toponym(10, 16, lon=100.0), "geonameid": 2017370}
    near = {**toponym(20, 25, lon=0.0), "geonameid": 1}
    gold = [doc("1", canada, russia, near)]
    system = {
        "1": doc(
            "1",
            {**toponym(0, 6, lon=-101.6), "place_id": "geonames:6251999"},  # far, same place
            {**toponym(10, 16, lon=80.0), "place_id": "geonames:1"},  # far, another place
            {**toponym(20, 25, lon=0.5), "place_id": "geonames:1"},  # near: not counted
        )
    }
    tally = score(gold, system)
    assert tally.far_at_gold_place == 1
    assert tally.end_to_end() == pytest.approx(1 / 3)


def test_a_system_toponym_without_coordinates_gets_the_capped_error():
    gold = [doc("1", toponym(0, 5), toponym(10, 15))]
    system = {"1": doc("1", toponym(0, 5, lon=None), toponym(10, 15, lon=0.0))}
    tally = score(gold, system)
    assert tally.errors == [MAX_ERROR_KM, 0.0]
    assert tally.mean_km() == MAX_ERROR_KM / 2
    assert tally.acc_161() == 0.5


def test_the_farthest_point_is_below_the_cap():
    assert error_km(ORIGIN, {"lat": 0.0, "lon": 180.0}) == pytest.approx(math.pi * 6371.0088)
    assert error_km(ORIGIN, {"lat": 0.0, "lon": 180.0}) < MAX_ERROR_KM


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([0.0, 0.0, 0.0], 0.0),
        ([0.0], 0.0),
        ([MAX_ERROR_KM] * 3, math.log(MAX_ERROR_KM + 1) / math.log(MAX_ERROR_KM)),
        ([MAX_ERROR_KM], math.log(MAX_ERROR_KM + 1) / math.log(MAX_ERROR_KM)),
        # sorted first: y = ln 1, ln 11, ln 101 -> (ln 11 + ln 101 / 2) / (2 ln 20039)
        ([100.0, 0.0, 10.0], (math.log(11) + math.log(101) / 2) / (2 * math.log(MAX_ERROR_KM))),
        ([], None),
    ],
)
def test_auc(errors, expected):
    assert auc(errors) == (None if expected is None else pytest.approx(expected))


def test_nothing_to_divide_by():
    tally = score([doc("1")], {"1": doc("1")})
    assert (tally.precision("exact"), tally.recall("overlap"), tally.f1("exact")) == (0, 0, 0)
    assert tally.acc_161() is None and tally.auc() is None and tally.end_to_end() is None
