"""RFC 7946 checks for what ``geo`` writes and what users give it.

Examples
--------
>>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
...       "geometry": {"type": "Point", "coordinates": [38.28, 34.56]},
...       "properties": {"layer": "place"}}]}
>>> validate_feature_collection(fc, required_properties=["layer"])
>>> fc["crs"] = {}
>>> validate_feature_collection(fc)
Traceback (most recent call last):
...
geo.errors.GeoJSONError: not RFC 7946 GeoJSON: has a 'crs' member (RFC 7946 is WGS84 only)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from geo.errors import GeoJSONError

__all__ = ["LAYERS", "validate_feature_collection"]

#: The ``layer`` values of ``geo``'s features, in drawing order (areas beneath lines
#: beneath points); :mod:`geo.layers` says what each holds.
LAYERS = ("reference", "control", "area", "route", "distance", "event", "place")

_MAX_PROBLEMS = 5


def validate_feature_collection(fc: object, *, required_properties: Iterable[str] = ()) -> None:
    """Raise :class:`GeoJSONError` naming the first problems of ``fc``; return None if valid.

    Checked: the FeatureCollection and Feature structure, no ``crs`` member,
    positions as ``[lon, lat]`` numbers in range, closed linear rings with the
    exterior counter-clockwise and holes clockwise, and ``required_properties``
    present on every feature.
    """
    problems: list[str] = []
    if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection":
        raise GeoJSONError("not RFC 7946 GeoJSON: the top level must be a FeatureCollection")
    if "crs" in fc:
        problems.append("has a 'crs' member (RFC 7946 is WGS84 only)")
    features = fc.get("features")
    if not isinstance(features, list):
        problems.append("'features' must be a list")
        features = []
    required = list(required_properties)
    for i, feature in enumerate(features):
        where = f"feature {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(f"{where}: not a Feature object")
            continue
        if "crs" in feature:
            problems.append(f"{where}: has a 'crs' member")
        props = feature.get("properties")
        if not isinstance(props, dict) and props is not None:
            problems.append(f"{where}: 'properties' must be an object or null")
            props = {}
        missing = [k for k in required if k not in (props or {})]
        if missing:
            problems.append(f"{where}: missing properties {missing}")
        if feature.get("geometry") is not None:
            problems.extend(f"{where}: {p}" for p in _geometry_problems(feature["geometry"]))
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise GeoJSONError("not RFC 7946 GeoJSON: " + "; ".join(problems[:_MAX_PROBLEMS]))


def _geometry_problems(geometry: object) -> list[str]:
    if not isinstance(geometry, dict):
        return ["geometry must be an object or null"]
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Point":
            return _position_problems(coords)
        if kind in ("MultiPoint", "LineString"):
            return [p for pos in coords for p in _position_problems(pos)]
        if kind == "MultiLineString":
            return [p for line in coords for pos in line for p in _position_problems(pos)]
        if kind == "Polygon":
            return _polygon_problems(coords)
        if kind == "MultiPolygon":
            return [p for poly in coords for p in _polygon_problems(poly)]
        if kind == "GeometryCollection":
            return [p for g in geometry.get("geometries", []) for p in _geometry_problems(g)]
    except TypeError:
        return [f"{kind} coordinates are not nested lists of positions"]
    return [f"unknown geometry type {kind!r}"]


def _position_problems(pos: object) -> list[str]:
    if not isinstance(pos, list | tuple) or len(pos) not in (2, 3):
        return [f"position {pos!r} is not [lon, lat]"]
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in pos):
        return [f"position {pos!r} has a non-number"]
    lon, lat = pos[0], pos[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return [f"position {list(pos)} out of range (must be [lon, lat])"]
    return []


def _polygon_problems(rings: list) -> list[str]:
    problems = []
    for j, ring in enumerate(rings):
        problems.extend(p for pos in ring for p in _position_problems(pos))
        if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
            problems.append(f"ring {j} is not closed (needs 4+ positions, first == last)")
            continue
        area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))
        if (area < 0) if j == 0 else (area > 0):
            problems.append(
                f"ring {j} winds the wrong way ({'exterior' if j == 0 else 'hole'} must be "
                f"{'counter-clockwise' if j == 0 else 'clockwise'})"
            )
    return problems
