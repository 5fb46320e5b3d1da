"""Geodesic helpers for conflict layers: compass words, distances, sectors, buffers.

Points given to and returned by the functions here are ``(lat, lon)`` tuples on
WGS84, the order people and geopy use. Shapely geometries are ``(lon, lat)``,
the order GeoJSON uses, and polygons come back with the exterior
counter-clockwise (RFC 7946). Nothing here handles the antimeridian.

Examples
--------
>>> damascus, maaloula = (33.5102, 36.29128), (33.84529, 36.54514)
>>> round(geodesic_distance_km(damascus, maaloula))
44
>>> bearing_agrees(bearing_of("north-northeast"), initial_bearing(damascus, maaloula))
True
"""

from __future__ import annotations

import math

import shapely
from geopy.distance import geodesic
from pyproj import CRS, Geod, Transformer
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.errors import GeometryError

__all__ = [
    "COMPASS",
    "DISTANCE_QUALIFIERS",
    "bearing_agrees",
    "bearing_of",
    "buffer_km",
    "compass_name",
    "degrees_around",
    "destination",
    "distance_band",
    "distance_verdict",
    "geodesic_distance_km",
    "initial_bearing",
    "orient_ccw",
    "sector_polygon",
]

LatLon = tuple[float, float]

_GEOD = Geod(ellps="WGS84")
_POINTS_16 = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip
_WORDS = {"N": "north", "E": "east", "S": "south", "W": "west"}
_ADJECTIVES = {"north": "northern", "east": "eastern", "south": "southern", "west": "western"}
_EIGHT = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")


def _compass() -> dict[str, float]:
    table: dict[str, float] = {}
    for i, abbr in enumerate(_POINTS_16):
        bearing = i * 22.5
        table[abbr] = bearing
        if len(abbr) == 3:  # north-northeast, north-north-east
            first, rest = _WORDS[abbr[0]], _WORDS[abbr[1]] + _WORDS[abbr[2]]
            table[f"{first}-{rest}"] = bearing
            table[f"{first}-{_WORDS[abbr[1]]}-{_WORDS[abbr[2]]}"] = bearing
            continue
        words = [_WORDS[c] for c in abbr]
        forms = ["".join(words), "-".join(words)] if len(words) == 2 else [words[0]]
        for form in dict.fromkeys(forms):
            table[form] = bearing
            table[form + "ward"] = bearing
            table[form + "wards"] = bearing
            table[form[: -len(words[-1])] + _ADJECTIVES[words[-1]]] = bearing
    return table


#: Bearing in degrees of compass words: 16-point names with and without
#: hyphens ("northeast", "north-east", "north-northeast"), their abbreviations
#: ("NNE"), the adjectives of the 8 main points ("northern", "north-eastern")
#: and "-ward"/"-wards" forms ("eastwards"). Look words up with :func:`bearing_of`.
COMPASS: dict[str, float] = _compass()
_LOOKUP = {key.lower(): value for key, value in COMPASS.items()}


def bearing_of(word: str) -> float | None:
    """The bearing of a compass word in degrees, or None if it is not one.

    Case does not matter, and spaces or dashes between the parts count as hyphens.

    Examples
    --------
    >>> bearing_of("North-East"), bearing_of("SSW"), bearing_of("westwards")
    (45.0, 202.5, 270.0)
    >>> bearing_of("north east"), bearing_of("southern"), bearing_of("up") is None
    (45.0, 180.0, True)
    """
    key = "-".join(word.strip().lower().replace("\u2013", "-").replace("\u2010", "-").split())
    return _LOOKUP.get(key)


def compass_name(bearing: float) -> str:
    """The nearest of the 8 main compass points to ``bearing`` (degrees).

    Examples
    --------
    >>> compass_name(32.3), compass_name(-10), compass_name(247)
    ('northeast', 'north', 'southwest')
    """
    return _EIGHT[round((bearing % 360) / 45) % 8]


def degrees_around(lat: float, km: float) -> tuple[float, float]:
    """The degrees of latitude and of longitude that ``km`` span at latitude ``lat``.

    For a box around a point or grown by a margin: good to a few per cent over
    short distances.

    Examples
    --------
    >>> [round(d, 3) for d in degrees_around(60.0, 111.32)]
    [1.007, 2.0]
    """
    return km / 110.57, km / max(111.32 * math.cos(math.radians(lat)), 1e-6)


def geodesic_distance_km(a: LatLon, b: LatLon) -> float:
    """Distance in kilometres between two ``(lat, lon)`` points on the WGS84 ellipsoid.

    Examples
    --------
    >>> round(geodesic_distance_km((35.33588, 40.14084), (34.88, 38.87)))
    126
    """
    return geodesic(a, b).km


def initial_bearing(a: LatLon, b: LatLon) -> float:
    """Bearing in degrees (0-360, clockwise from north) at ``a`` of the geodesic to ``b``.

    Examples
    --------
    >>> compass_name(initial_bearing((35.33588, 40.14084), (34.88, 38.87)))
    'southwest'
    >>> initial_bearing((0.0, 0.0), (1.0, 0.0))
    0.0
    """
    azimuth, _, _ = _GEOD.inv(a[1], a[0], b[1], b[0])
    return azimuth % 360.0


def destination(origin: LatLon, bearing_deg: float, distance_km: float) -> LatLon:
    """The ``(lat, lon)`` point ``distance_km`` from ``origin`` along ``bearing_deg``.

    Examples
    --------
    >>> lat, lon = destination((33.5, 38.6), 90, 100)
    >>> round(lat, 3), round(lon, 3)
    (33.495, 39.676)
    """
    point = geodesic(kilometers=distance_km).destination(origin, bearing_deg)
    return (point.latitude, point.longitude)


def sector_polygon(
    origin: LatLon,
    bearing: float,
    min_km: float,
    max_km: float,
    half_angle: float = 22.5,
    steps: int = 16,
) -> Polygon:
    """The band ``min_km`` to ``max_km`` from ``origin`` within ``half_angle`` of ``bearing``.

    Both arcs are traced with ``steps`` geodesic segments; with ``min_km`` 0 the
    sector is a wedge whose apex is ``origin``. The polygon is in lon/lat with
    its exterior counter-clockwise.

    Raises
    ------
    GeometryError
        If ``min_km`` is negative or not below ``max_km``, ``half_angle`` is not
        in (0, 180) or ``steps`` is below 1.

    Examples
    --------
    >>> tanf = (33.50583, 38.61778)
    >>> sector = sector_polygon(tanf, 45, 80, 120)
    >>> from shapely.geometry import Point
    >>> lat, lon = destination(tanf, 45, 100)
    >>> sector.contains(Point(lon, lat)), sector.exterior.is_ccw
    (True, True)
    """
    if not (0 <= min_km < max_km) or not math.isfinite(max_km):
        raise GeometryError(f"need 0 <= min_km < max_km, got min_km={min_km}, max_km={max_km}")
    if not 0 < half_angle < 180:
        raise GeometryError(f"half_angle must be between 0 and 180 degrees, got {half_angle}")
    if steps < 1:
        raise GeometryError(f"steps must be at least 1, got {steps}")
    angles = [bearing - half_angle + 2 * half_angle * i / steps for i in range(steps + 1)]
    outer = [destination(origin, a, max_km) for a in angles]
    inner = [destination(origin, a, min_km) for a in reversed(angles)] if min_km else [origin]
    return orient(Polygon([(lon, lat) for lat, lon in outer + inner]), 1.0)


def buffer_km(geometry: BaseGeometry, km: float, *, quad_segs: int = 16) -> BaseGeometry:
    """The area within ``km`` kilometres of a lon/lat ``geometry``, in lon/lat.

    The buffer is drawn in an azimuthal equidistant projection centred on the
    geometry's centroid, so distances from the centre are exact and others
    close for geometries a few hundred kilometres across. A negative ``km``
    shrinks polygons. Polygons come back counter-clockwise.

    Raises
    ------
    GeometryError
        If ``km`` is not a finite number.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> circle = buffer_km(Point(36.29, 33.51), 10)
    >>> circle.geom_type, circle.exterior.is_ccw, round(circle.bounds[3] - 33.51, 2)
    ('Polygon', True, 0.09)
    """
    if not math.isfinite(km):
        raise GeometryError(f"km must be a finite number, got {km}")
    if geometry.is_empty:
        return geometry
    centre = geometry.centroid
    local = CRS.from_proj4(
        f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m +no_defs"
    )
    forward = Transformer.from_crs("EPSG:4326", local, always_xy=True)
    back = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
    buffered = _reproject(geometry, forward).buffer(km * 1000.0, quad_segs=quad_segs)
    return orient_ccw(_reproject(buffered, back))


def _reproject(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    return shapely.transform(geometry, transformer.transform, interleaved=False)


def orient_ccw(geometry: BaseGeometry) -> BaseGeometry:
    """``geometry`` with every polygon's exterior counter-clockwise and holes clockwise.

    Polygons, multipolygons and the polygons inside geometry collections are
    re-oriented (RFC 7946); other geometries are returned unchanged.

    Examples
    --------
    >>> clockwise = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    >>> orient_ccw(clockwise).exterior.is_ccw
    True
    """
    if isinstance(geometry, Polygon):
        return orient(geometry, 1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(p, 1.0) for p in geometry.geoms])
    if isinstance(geometry, GeometryCollection):
        return GeometryCollection([orient_ccw(g) for g in geometry.geoms])
    return geometry


#: Uncertainty band of a stated distance, as (low, high) factors of the number,
#: by the qualifier before it. A plain number (qualifier None) is +/-10%.
DISTANCE_QUALIFIERS: dict[str, tuple[float, float]] = {
    **dict.fromkeys(("about", "approximately", "around", "roughly", "some"), (0.8, 1.2)),
    **dict.fromkeys(("almost", "just under", "nearly"), (0.8, 1.0)),
    "just over": (1.0, 1.2),
    **dict.fromkeys(("at least", "more than", "over"), (1.0, 1.5)),
    **dict.fromkeys(("less than", "under", "up to", "within"), (0.0, 1.0)),
}
_PLAIN = (0.9, 1.1)


def distance_band(value_km: float, qualifier: str | None) -> tuple[float, float]:
    """The range of distances a text means by ``qualifier`` ``value_km`` kilometres.

    The rule (:data:`DISTANCE_QUALIFIERS`), for a stated number v:

    * a plain number (``None`` or ``""``): 0.9v to 1.1v;
    * "about", "approximately", "around", "roughly", "some": 0.8v to 1.2v;
    * "nearly", "almost", "just under": 0.8v to v;
    * "just over": v to 1.2v;
    * "more than", "over", "at least": v to 1.5v;
    * "less than", "under", "within", "up to": 0 to v.

    Case and extra spaces in the qualifier do not matter.

    Raises
    ------
    GeometryError
        If ``value_km`` is negative or not finite, or the qualifier is not one of these.

    Examples
    --------
    >>> distance_band(50, "Roughly"), distance_band(50, "within"), distance_band(50, "over")
    ((40.0, 60.0), (0.0, 50.0), (50.0, 75.0))
    >>> [round(km, 6) for km in distance_band(50, None)]
    [45.0, 55.0]
    """
    if not (math.isfinite(value_km) and value_km >= 0):
        raise GeometryError(f"a stated distance must be a number >= 0, got {value_km}")
    key = " ".join((qualifier or "").lower().split())
    if key and key not in DISTANCE_QUALIFIERS:
        known = ", ".join(sorted(DISTANCE_QUALIFIERS))
        raise GeometryError(f"unknown distance qualifier {qualifier!r}; known: {known}")
    low, high = DISTANCE_QUALIFIERS[key] if key else _PLAIN
    return (low * value_km, high * value_km)


def distance_verdict(
    stated_km: float, qualifier: str | None, measured_km: float, *, tolerance: float = 0.1
) -> bool:
    """Whether ``measured_km`` agrees with a text's "``qualifier`` ``stated_km`` km".

    True when ``measured_km`` lies in :func:`distance_band` widened by
    ``tolerance`` of its own bounds: from ``low * (1 - tolerance)`` to
    ``high * (1 + tolerance)``. The slack absorbs the gap between a place's
    gazetteer point and the spot the text measured from.

    Examples
    --------
    >>> distance_verdict(45, "about", 44.0), distance_verdict(45, None, 55.0)
    (True, False)
    >>> distance_verdict(45, None, 54.0)  # band 40.5-49.5, widened to 36.45-54.45
    True
    """
    low, high = distance_band(stated_km, qualifier)
    return low * (1 - tolerance) <= measured_km <= high * (1 + tolerance)


def bearing_agrees(stated_bearing: float, measured_bearing: float, tolerance: float = 45.0) -> bool:
    """Whether two bearings (degrees) differ by at most ``tolerance``, across north too.

    Examples
    --------
    >>> bearing_agrees(350, 20), bearing_agrees(90, 180), bearing_agrees(0, 45)
    (True, False, True)
    """
    difference = abs((stated_bearing - measured_bearing + 180.0) % 360.0 - 180.0)
    return difference <= tolerance
