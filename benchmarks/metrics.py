"""Geoparsing metrics, defined as in the shared scorer (``../shared/bench/score_geoparse.py``).

Recognition, one-to-one matching of system spans to gold spans:

* exact: identical ``(start, end)`` (a multiset: two equal gold spans need two
  equal system spans);
* overlap: the character intervals intersect; pairs are taken greedily by
  descending overlap length, ties to the earlier gold span, then the earlier
  system span ("earlier": by start, then end, then place in the list).

Precision = matched / system spans, recall = matched / gold spans, F1 their
harmonic mean; summed over all documents before dividing (micro-averaged).

Resolution is measured over the gold toponyms that an overlapping system span
matched and that have coordinates: the error is the haversine distance
(R = 6371.0088 km) from the gold point to the system point, capped at 20039 km
(half the Earth's circumference), and 20039 km when the system span has no
coordinates. Figures: the share within 161 km, median and mean error, and the
AUC of the sorted log errors (:func:`auc`; lower is better). End to end: the
gold toponyms with coordinates that were matched *and* placed within 161 km,
over all gold toponyms with coordinates.

One figure is ours, not the shared scorer's: of the toponyms placed more than
161 km away, those placed at the very place the gold names (the system's
``place_id`` is ``geonames:`` and the gold's ``geonameid``). Two gazetteers'
points for one country or province may lie hundreds of km apart.

Documents are joined on ``id``; a gold document without a system record counts
as one with no toponyms; system records without a gold document are ignored.

Examples
--------
>>> gold = [{"id": "1", "toponyms": [{"start": 0, "end": 5, "lat": 48.86, "lon": 2.35}]}]
>>> system = {"1": {"id": "1", "toponyms": [{"start": 0, "end": 5, "lat": 48.9, "lon": 2.4}]}}
>>> tally = score(gold, system)
>>> tally.f1("exact"), tally.acc_161(), tally.end_to_end()
(1.0, 1.0, 1.0)
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "ACC_KM",
    "EARTH_RADIUS_KM",
    "MAX_ERROR_KM",
    "Tally",
    "auc",
    "error_km",
    "exact_matches",
    "has_coordinates",
    "haversine_km",
    "overlap_matches",
    "score",
]

EARTH_RADIUS_KM = 6371.0088
#: Half the Earth's circumference: every error is capped here.
MAX_ERROR_KM = 20039.0
#: A toponym is placed right when it is within this distance of the gold point.
ACC_KM = 161.0

Span = tuple[int, int]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius :data:`EARTH_RADIUS_KM`.

    Examples
    --------
    >>> round(haversine_km(0, 0, 0, 1), 3)
    111.195
    >>> haversine_km(33.5, 36.3, 33.5, 36.3)
    0.0
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def exact_matches(gold: list[Span], system: list[Span]) -> int:
    """How many system spans match a gold span exactly, one to one.

    Examples
    --------
    >>> exact_matches([(0, 5), (0, 5), (9, 12)], [(0, 5), (9, 13)])
    1
    """
    return sum((Counter(gold) & Counter(system)).values())


def overlap_matches(gold: list[Span], system: list[Span]) -> dict[int, int]:
    """Match intersecting spans one to one, greedily by overlap length.

    Returns ``{gold index: system index}``.

    Examples
    --------
    >>> overlap_matches([(0, 10), (12, 20)], [(5, 15)])  # 5 characters with each: earlier gold
    {0: 0}
    >>> overlap_matches([(0, 10)], [(8, 12), (0, 4)])  # the longer overlap wins
    {0: 1}
    >>> overlap_matches([(0, 5)], [(5, 9)])  # touching is not overlapping
    {}
    """
    order_g = _position_ranks(gold)
    order_s = _position_ranks(system)
    pairs = []
    for i, (gs, ge) in enumerate(gold):
        for j, (ss, se) in enumerate(system):
            length = min(ge, se) - max(gs, ss)
            if length > 0:
                pairs.append((-length, order_g[i], order_s[j], i, j))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for *_, i, j in sorted(pairs):
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def _position_ranks(spans: list[Span]) -> list[int]:
    """Rank of each span in text order (start, end, then list index)."""
    ranks = [0] * len(spans)
    for rank, i in enumerate(sorted(range(len(spans)), key=lambda k: (*spans[k], k))):
        ranks[i] = rank
    return ranks


def error_km(gold: Mapping, system: Mapping) -> float:
    """Distance from the gold point to the system point, capped; the cap without a point.

    Examples
    --------
    >>> round(error_km({"lat": 0, "lon": 0}, {"lat": 0, "lon": 180}), 1)
    20015.1
    >>> error_km({"lat": 0, "lon": 0}, {"lat": None, "lon": None})
    20039.0
    """
    if not has_coordinates(system):
        return MAX_ERROR_KM
    distance = haversine_km(gold["lat"], gold["lon"], system["lat"], system["lon"])
    return min(distance, MAX_ERROR_KM)


def has_coordinates(toponym: Mapping) -> bool:
    """Whether the toponym has both a latitude and a longitude."""
    return toponym.get("lat") is not None and toponym.get("lon") is not None


def auc(errors: Iterable[float]) -> float | None:
    """Area under the curve of the sorted log errors, normalised; 0 is best.

    With ``y`` the ascending ``ln(1 + error)``, the trapezoidal area at unit
    spacing over ``ln(20039) * (n - 1)``; for one error, ``y1 / ln(20039)``;
    None without errors.

    Examples
    --------
    >>> auc([0.0, 0.0, 0.0])
    0.0
    >>> round(auc([MAX_ERROR_KM - 1] * 2), 6)
    1.0
    >>> auc([]) is None
    True
    """
    y = sorted(math.log1p(e) for e in errors)
    if not y:
        return None
    worst = math.log(MAX_ERROR_KM)
    if len(y) == 1:
        return y[0] / worst
    return (sum(y) - (y[0] + y[-1]) / 2) / (worst * (len(y) - 1))


@dataclass
class Tally:
    """Counts and resolution errors summed over documents; the metrics derive from it."""

    documents: int = 0
    gold: int = 0
    system: int = 0
    exact: int = 0
    overlap: int = 0
    gold_with_coordinates: int = 0
    errors: list[float] = field(default_factory=list)
    #: Placed more than 161 km away, but at the place the gold names (its GeoNames id).
    far_at_gold_place: int = 0

    def add(self, gold_doc: Mapping, system_doc: Mapping | None) -> None:
        """Count one gold document and its system record (None: no toponyms)."""
        gold = gold_doc["toponyms"]
        system = system_doc["toponyms"] if system_doc else []
        gold_spans = [(t["start"], t["end"]) for t in gold]
        system_spans = [(t["start"], t["end"]) for t in system]
        self.documents += 1
        self.gold += len(gold)
        self.system += len(system)
        self.exact += exact_matches(gold_spans, system_spans)
        matched = overlap_matches(gold_spans, system_spans)
        self.overlap += len(matched)
        for i, toponym in enumerate(gold):
            if has_coordinates(toponym):
                self.gold_with_coordinates += 1
                if i in matched:
                    placed = system[matched[i]]
                    self.errors.append(error_km(toponym, placed))
                    if self.errors[-1] > ACC_KM and _same_place(toponym, placed):
                        self.far_at_gold_place += 1

    def precision(self, matching: str) -> float:
        """Matched system spans over system spans; ``matching`` is "exact" or "overlap"."""
        return _ratio(self._matched(matching), self.system)

    def recall(self, matching: str) -> float:
        """Matched gold spans over gold spans."""
        return _ratio(self._matched(matching), self.gold)

    def f1(self, matching: str) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        p, r = self.precision(matching), self.recall(matching)
        return 2 * p * r / (p + r) if p + r else 0.0

    def acc_161(self) -> float | None:
        """Share of the resolved gold toponyms placed within 161 km."""
        return self._right() / len(self.errors) if self.errors else None

    def median_km(self) -> float | None:
        """Median error of the resolved gold toponyms."""
        return statistics.median(self.errors) if self.errors else None

    def mean_km(self) -> float | None:
        """Mean error of the resolved gold toponyms."""
        return statistics.fmean(self.errors) if self.errors else None

    def auc(self) -> float | None:
        """:func:`auc` of the errors of the resolved gold toponyms."""
        return auc(self.errors)

    def end_to_end(self) -> float | None:
        """Gold toponyms found and placed within 161 km, over those with coordinates."""
        if not self.gold_with_coordinates:
            return None
        return self._right() / self.gold_with_coordinates

    def _matched(self, matching: str) -> int:
        return {"exact": self.exact, "overlap": self.overlap}[matching]

    def _right(self) -> int:
        return sum(e <= ACC_KM for e in self.errors)


def _same_place(gold: Mapping, system: Mapping) -> bool:
    """Whether the system placed a toponym at the GeoNames place the gold names."""
    geonameid = gold.get("geonameid")
    return bool(geonameid) and system.get("place_id") == f"geonames:{geonameid}"


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score(gold_docs: Iterable[Mapping], system: Mapping[str, Mapping]) -> Tally:
    """Tally the gold documents against the system records, keyed by document id."""
    tally = Tally()
    for doc in gold_docs:
        tally.add(doc, system.get(str(doc["id"])))
    return tally
