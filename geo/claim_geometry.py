"""Stage 4c: the shape of each claim, by stated rules (no coordinates in code).

Every shape is derived from gazetteer geometry and the numbers the text gives:

* **relative location** ("roughly 100 km northeast of Tanf"): the distance
  band of :func:`geo.geometry.distance_band` times a bearing sector of
  ±22.5° (one compass point) around the stated bearing; with no bearing
  ("50 km from X"), the whole ring.
* **direction** ("southeast of Palmyra"): a wedge of ±22.5° from the place,
  out to the place the sentence heads toward when it names one, else
  :data:`DIRECTION_KM`.
* **path** (movements, corridors): a line from the origin through the
  waypoints to each destination. A point place is its point; a line (a
  border, a road, a coast) is entered at its point nearest the previous one,
  preferring points within ±60° of a stated bearing; an area is its centre.
  With no origin and one place, there is no path: the claim is an event at
  that place.
* **control zone**: the union, per claim, of each held place's zone, clipped
  to the outlines of the countries those places lie in: an area (region,
  province, relative area) is itself; a town or point is a buffer of
  :data:`HELD_TOWN_KM`; a border or road a buffer of :data:`CORRIDOR_KM`; a
  whole country is no zone (a claim to hold "Syria" is too coarse to draw);
  a path ("into areas held by ISIS" after a movement) is its corridor,
  :data:`CORRIDOR_KM` either side.
* **presence** (a base, camp or deployment at a place): a buffer of
  :data:`PRESENCE_KM` around the place.

Examples
--------
>>> from geo.geometry import geodesic_distance_km
>>> round(geodesic_distance_km((33.5102, 36.29128), (33.84529, 36.54514)))
44
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

from shapely.geometry import LineString, MultiLineString, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, unary_union

from geo.claim_places import PlacePhrase
from geo.gazetteer import Gazetteer
from geo.geometry import (
    bearing_agrees,
    buffer_km,
    distance_band,
    distance_verdict,
    geodesic_distance_km,
    initial_bearing,
    orient_ccw,
    sector_polygon,
)

__all__ = [
    "CORRIDOR_KM",
    "DIRECTION_KM",
    "HELD_TOWN_KM",
    "PRESENCE_KM",
    "control_zone",
    "direction_area",
    "distance_check",
    "path_line",
    "presence_zone",
    "relative_area",
]

#: Radius of the zone a held town stands for (its built-up area and approaches).
HELD_TOWN_KM = 10.0
#: Half-width of the zone along a held path, border or road.
CORRIDOR_KM = 20.0
#: Radius of the zone a base, camp or deployment stands for.
PRESENCE_KM = 25.0
#: How far "southeast of X" reaches when the sentence names no place it heads to.
DIRECTION_KM = 50.0
_SECTOR_HALF_ANGLE = 22.5
_LINE_BEARING_TOLERANCE = 60.0
_LINE_KINDS = frozenset({"border", "road", "highway", "river", "coast", "sea", "lake"})


def relative_area(claim) -> BaseGeometry:
    """The area of a relative location claim ("roughly 100 km northeast of Tanf")."""
    reference = claim.with_role("reference")[0]
    low, high = distance_band(claim.distance_km, claim.qualifier)
    if claim.bearing is None:
        ring = buffer_km(Point(reference.place.lon, reference.place.lat), high)
        inner = buffer_km(Point(reference.place.lon, reference.place.lat), low) if low else None
        return orient_ccw(ring.difference(inner) if inner is not None else ring)
    return sector_polygon(reference.point, claim.bearing, low, high, half_angle=_SECTOR_HALF_ANGLE)


def direction_area(claim) -> BaseGeometry:
    """The wedge of a direction claim ("southeast of Palmyra [toward the border]")."""
    reference = claim.with_role("reference")[0]
    reach = DIRECTION_KM
    toward = claim.with_role("destination")
    if toward:
        target = _entry_point(toward[0], reference.point, claim.bearing)
        reach = max(geodesic_distance_km(reference.point, target), 1.0)
    return sector_polygon(reference.point, claim.bearing, 0.0, reach, half_angle=_SECTOR_HALF_ANGLE)


def path_line(claim) -> LineString | None:
    """The line a movement claim draws, or None when it names fewer than two places."""
    ordered = claim.with_role("origin") + claim.with_role("via") + claim.with_role("destination")
    if len(ordered) < 2:
        return None
    points = [_centre(ordered[0])]
    for place in ordered[1:]:
        point = _entry_point(place, points[-1], claim.bearing if len(points) == 1 else None)
        if geodesic_distance_km(points[-1], point) > 0.5:
            points.append(point)
    if len(points) < 2:
        return None
    return LineString([(lon, lat) for lat, lon in points])


def control_zone(claim, gazetteer: Gazetteer) -> BaseGeometry | None:
    """The zone a control claim draws (see the module rules), or None when it has none."""
    if claim.roles and set(claim.roles) == {"path"}:
        line = path_line(_as_path(claim))
        if line is None:
            return None
        zone = buffer_km(line, CORRIDOR_KM)
        countries = {claim.places[0].place.country}
    else:
        parts, countries = [], set()
        for place in claim.places:
            if place.is_country:
                continue
            parts.append(_held_shape(place))
            countries.add(place.place.country)
        if not parts:
            return None
        zone = unary_union(parts)
    outline = _outlines(gazetteer, tuple(sorted(countries)))
    if outline is not None:
        clipped = zone.intersection(outline)
        zone = clipped if not clipped.is_empty else zone
    return orient_ccw(_polygonal(zone))


def presence_zone(claim) -> BaseGeometry:
    """The zone around a presence claim's place."""
    place = claim.places[0]
    return orient_ccw(buffer_km(Point(place.place.lon, place.place.lat), PRESENCE_KM))


def distance_check(claim) -> dict:
    """Stated against measured distance and bearing of a distance claim.

    The bearing is measured from the reference place to the subject ("A lies
    124 km west of B": from B to A). ``consistent`` holds when the measured
    distance lies in the stated band (widened by 10 %) and, when a bearing is
    stated, the measured one is within 45° of it.
    """
    subject, reference = claim.with_role("subject")[0], claim.with_role("reference")[0]
    measured = geodesic_distance_km(reference.point, subject.point)
    measured_bearing = initial_bearing(reference.point, subject.point)
    distance_ok = distance_verdict(claim.distance_km, claim.qualifier, measured)
    bearing_ok = claim.bearing is None or bearing_agrees(claim.bearing, measured_bearing)
    return {
        "stated_km": round(claim.distance_km, 1),
        "qualifier": claim.qualifier,
        "measured_km": round(measured, 1),
        "stated_bearing": claim.bearing,
        "measured_bearing": round(measured_bearing, 1),
        "distance_consistent": distance_ok,
        "bearing_consistent": bearing_ok,
        "consistent": distance_ok and bearing_ok,
        "line": LineString(
            [(reference.place.lon, reference.place.lat), (subject.place.lon, subject.place.lat)]
        ),
    }


def _held_shape(place: PlacePhrase) -> BaseGeometry:
    geometry = place.shape
    if geometry.geom_type.endswith("Polygon"):
        return geometry
    if geometry.geom_type.endswith("LineString") or place.kind in _LINE_KINDS:
        return buffer_km(geometry, CORRIDOR_KM)
    return buffer_km(Point(place.place.lon, place.place.lat), HELD_TOWN_KM)


def _as_path(claim):
    return replace(claim, roles=("origin",) + ("destination",) * (len(claim.places) - 1))


def _centre(place: PlacePhrase) -> tuple[float, float]:
    geometry = place.shape
    if geometry.geom_type.endswith("Polygon") and place.kind not in _LINE_KINDS:
        c = (
            geometry.representative_point()
            if not geometry.contains(geometry.centroid)
            else (geometry.centroid)
        )
        return (c.y, c.x)
    return place.point


def _entry_point(
    place: PlacePhrase, previous: tuple[float, float], bearing: float | None
) -> tuple[float, float]:
    """Where a path from ``previous`` meets ``place`` (see the module rules)."""
    geometry = place.shape
    is_line = geometry.geom_type.endswith("LineString") or place.kind in _LINE_KINDS
    if not is_line or geometry.geom_type == "Point":
        return _centre(place)
    origin = Point(previous[1], previous[0])
    if geometry.contains(origin):
        return place.point
    target = geometry.boundary if geometry.geom_type.endswith("Polygon") else geometry
    if bearing is not None:
        ahead = [
            p
            for p in _densified(target)
            if bearing_agrees(
                bearing, initial_bearing(previous, (p[1], p[0])), _LINE_BEARING_TOLERANCE
            )
        ]
        if ahead:
            lon, lat = min(ahead, key=lambda p: math.dist(p, (previous[1], previous[0])))
            return (lat, lon)
    nearest = nearest_points(origin, target)[1]
    return (nearest.y, nearest.x)


def _densified(line: BaseGeometry, step_deg: float = 0.05) -> list[tuple[float, float]]:
    parts = line.geoms if isinstance(line, MultiLineString) else [line]
    points = []
    for part in parts:
        if part.geom_type != "LineString":
            continue
        n = max(2, int(part.length / step_deg))
        points += [part.interpolate(i / n, normalized=True).coords[0] for i in range(n + 1)]
    return points


@lru_cache(maxsize=64)
def _outlines(gazetteer: Gazetteer, codes: tuple[str, ...]) -> BaseGeometry | None:
    """The union of these countries' outlines (shapely geometries are immutable: cached)."""
    parts = []
    for code in codes:
        country = next(
            (
                c
                for c in gazetteer.lookup(code, limit=5)
                if c.kind == "country" and c.country == code
            ),
            None,
        )
        if country is not None and country.geometry:
            parts.append(shape(country.geometry))
    return unary_union(parts) if parts else None


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Drop points and lines left by clipping."""
    if geometry.geom_type == "GeometryCollection":
        polys = [g for g in geometry.geoms if g.geom_type.endswith("Polygon")]
        return unary_union(polys)
    return geometry
