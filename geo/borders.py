"""Borders named in text: "the Iraqi border", "the Syrian-Iraqi border", "Turkey's border".

No source lists borders as places, but every country's outline is in the
gazetteer (countryinfo), so a border is derived:

* "<country or demonym> border" is the boundary of that country's outline;
* "<A>-<B> border" ("Syrian-Iraqi", "Syria-Iraq", "Iraq–Syria") is the part of
  A's boundary that runs along B's outline (within :data:`SHARED_KM`: the
  outlines are coarse and do not meet exactly).

The derived place is a line (``kind="border"``) with its point on the line,
and ``match="border"``. A country's border named alone is seen from where
the article stands: :func:`border_in_view` takes "the Iraqi border" in an
article that names Syria for the stretch Iraq shares with Syria.

:class:`~geo.gazetteer.LocalGazetteer` returns these candidates for such
names, ranked with the rest (a curated "Syria-Iraq border area" may come first).

Examples
--------
>>> from geo.gazetteer import LocalGazetteer
>>> gaz = LocalGazetteer()
>>> [c.name for c in gaz.lookup("Syrian-Iraqi border") if c.kind == "border"]
['Syria-Iraq border']
>>> gaz.lookup("Iraqi border", limit=1)[0].name
'Iraq border'
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge

from geo.gazetteer_sources import radius_km

if TYPE_CHECKING:
    from geo.gazetteer import Candidate

__all__ = ["BORDER_WORDS", "SHARED_KM", "border_candidates", "border_countries", "border_in_view"]

#: How close two outlines' boundaries must run to count as a shared border.
SHARED_KM = 10.0
_KM_PER_DEGREE = 111.0
#: The words that make a name a border's ("the Iraqi frontier").
BORDER_WORDS = frozenset({"border", "borders", "frontier", "boundary"})
_BORDER = re.compile(
    r"^(?:the\s+)?(?P<a>.+?)(?:\s*[-\u2010-\u2015/]\s*(?P<b>[^\s-].*?))?(?:'s)?\s+"
    rf"(?:{'|'.join(sorted(BORDER_WORDS))})$",
    re.IGNORECASE,
)
_SCORE = 0.95
_ID_PREFIX = "border:"


def border_candidates(name: str, lookup: Callable[..., list[Candidate]]) -> list[Candidate]:
    """The borders ``name`` may mean; [] when it names no border.

    ``lookup`` is a gazetteer's ``lookup``: it finds the countries.
    """
    words = name.split()
    if not words or words[-1].lower() not in BORDER_WORDS:  # most names: no pattern to try
        return []
    found = _BORDER.match(name.strip())
    if not found:
        return []
    first = _country(found["a"], lookup)
    if first is None:
        return []
    if found["b"]:
        second = _country(found["b"], lookup)
        if second is None:
            return []
        line = _shared(first, second)
        return [line] if line else []
    line = _boundary(first)
    return [line] if line else []


def border_countries(candidate: Candidate) -> tuple[str, ...]:
    """The ISO codes of the countries a derived border belongs to; () for any other place.

    The country named first comes first ("the Syrian-Iraqi border": Syria, Iraq).

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> gaz = LocalGazetteer()
    >>> [border_countries(c) for c in gaz.lookup("Iraqi-Syrian border") if c.kind == "border"]
    [('IQ', 'SY')]
    >>> border_countries(gaz.lookup("Iraq")[0])
    ()
    """
    if not candidate.id.startswith(_ID_PREFIX):
        return ()
    codes = candidate.id.removeprefix(_ID_PREFIX).split("-")
    return (candidate.country, *(code for code in codes if code != candidate.country))


def border_in_view(
    border: Candidate, lookup: Callable[..., list[Candidate]], named: Counter
) -> Candidate | None:
    """The stretch of a one-country border along the neighbour the article names most.

    ``named`` counts the countries the article names, by name; "the Iraqi
    border" in an article that names Syria is the Syria-Iraq stretch. None
    when ``border`` is not one country's, or no named country shares it.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> gaz = LocalGazetteer()
    >>> whole = gaz.lookup("Iraqi border", limit=1)[0]
    >>> border_in_view(whole, gaz.lookup, Counter({"Iraq": 3, "Syria": 2, "Iran": 1})).name
    'Iraq-Syria border'
    >>> border_in_view(whole, gaz.lookup, Counter({"France": 2})) is None
    True
    """
    if len(border_countries(border)) != 1:
        return None
    own = border.name.removesuffix(" border")
    for name, _ in named.most_common():
        if name == own:
            continue
        shared = [c for c in lookup(f"{own}-{name} border", limit=3) if c.kind == "border"]
        if shared:
            return shared[0]
    return None


def _country(name: str, lookup: Callable[..., list[Candidate]]) -> Candidate | None:
    best = next(iter(lookup(name, limit=1)), None)
    if best is None or best.kind != "country" or best.geometry is None or best.score < 0.9:
        return None
    return best


@lru_cache(maxsize=512)
def _boundary(country: Candidate) -> Candidate | None:
    outline = shape(country.geometry)
    return _line_candidate(
        outline.boundary,
        id=f"{_ID_PREFIX}{country.country}",
        name=f"{country.name} border",
        countries=(country,),
    )


@lru_cache(maxsize=512)
def _shared(a: Candidate, b: Candidate) -> Candidate | None:
    """The border between countries ``a`` and ``b``, or None when they do not touch."""
    if a.country == b.country:
        return None
    near_b = shape(b.geometry).buffer(SHARED_KM / _KM_PER_DEGREE)
    line = shape(a.geometry).boundary.intersection(near_b)
    if line.is_empty or line.length * _KM_PER_DEGREE < SHARED_KM:
        return None
    first, second = sorted((a, b), key=lambda c: c.country)
    return _line_candidate(
        line,
        id=f"{_ID_PREFIX}{first.country}-{second.country}",
        name=f"{a.name}-{b.name} border",
        countries=(a, b),
    )


def _line_candidate(
    line: BaseGeometry, *, id: str, name: str, countries: tuple[Candidate, ...]
) -> Candidate | None:
    lines = [g for g in getattr(line, "geoms", [line]) if g.geom_type == "LineString"]
    if not lines:
        return None
    merged = linemerge(lines) if len(lines) > 1 else lines[0]
    point = (
        merged.interpolate(0.5, normalized=True)
        if merged.geom_type == "LineString"
        else (max(merged.geoms, key=lambda g: g.length).interpolate(0.5, normalized=True))
    )
    return countries[0]._replace(
        id=id,
        name=name,
        kind="border",
        feature_code="BDR",
        admin1="",
        lat=round(point.y, 5),
        lon=round(point.x, 5),
        population=0,
        source=f"{countries[0].source}; boundary of the outline"
        + (" along the neighbour's" if len(countries) > 1 else ""),
        score=round(min(c.score for c in countries) * _SCORE, 4),
        precision_km=radius_km(merged.bounds),
        bbox=merged.bounds,
        geometry_json=json.dumps(mapping(merged)),
        match="border",
        matched=name,
        adjective=False,
    )
