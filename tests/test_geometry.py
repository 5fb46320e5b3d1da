from __future__ import annotations

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from geo.errors import GeoError, GeometryError
from geo.geometry import (
    COMPASS,
    bearing_agrees,
    bearing_of,
    buffer_km,
    compass_name,
    destination,
    distance_band,
    distance_verdict,
    geodesic_distance_km,
    initial_bearing,
    orient_ccw,
    sector_polygon,
)

DAMASCUS = (33.5102, 36.29128)
MAALOULA = (33.84529, 36.54514)
DEIR_EZZOR = (35.33588, 40.14084)
SUKHNAH = (34.88, 38.87)
TANF = (33.4957, 38.6167)
SQUARE_CW = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
SQUARE_CCW = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
EQUAL_AREA = Transformer.from_crs("EPSG:4326", "EPSG:6933", always_xy=True)


def _point(lat_lon):
    return Point(lat_lon[1], lat_lon[0])


def _area_km2(geometry):
    return shapely.transform(geometry, EQUAL_AREA.transform, interleaved=False).area / 1e6


@pytest.mark.parametrize(
    ("word", "bearing"),
    [
        ("north", 0.0),
        ("N", 0.0),
        ("northeast", 45.0),
        ("north-east", 45.0),
        ("North East", 45.0),
        ("NE", 45.0),
        ("north-northeast", 22.5),
        ("north-north-east", 22.5),
        ("NNE", 22.5),
        ("ene", 67.5),
        ("east", 90.0),
        ("south-southeast", 157.5),
        ("southwest", 225.0),
        ("WSW", 247.5),
        ("northwest", 315.0),
        ("NNW", 337.5),
        ("northern", 0.0),
        ("northeastern", 45.0),
        ("north-eastern", 45.0),
        ("southern", 180.0),
        ("Eastern", 90.0),
        ("south-western", 225.0),
        ("northward", 0.0),
        ("northwards", 0.0),
        ("eastward", 90.0),
        ("eastwards", 90.0),
        ("south\u2013east", 135.0),
    ],
)
def test_bearing_of_compass_words(word, bearing):
    assert bearing_of(word) == bearing


@pytest.mark.parametrize("word", ["", "up", "norteast", "northish", "north-northern", "Damascus"])
def test_bearing_of_unknown_words_is_none(word):
    assert bearing_of(word) is None


def test_compass_table_covers_sixteen_points():
    assert sorted(set(COMPASS.values())) == [i * 22.5 for i in range(16)]
    assert all(bearing_of(k) == COMPASS[k.upper()] for k in ("n", "nne", "wsw"))


@pytest.mark.parametrize(
    ("bearing", "name"),
    [(0, "north"), (22.4, "north"), (22.6, "northeast"), (90, "east"), (200, "south"),
     (247.5, "west"), (359, "north"), (-45, "northwest"), (720 + 135, "southeast")],
)  # fmt: skip
def test_compass_name_eight_points(bearing, name):
    assert compass_name(bearing) == name


def test_damascus_to_maaloula_is_about_45_km_north_northeast():
    km = geodesic_distance_km(DAMASCUS, MAALOULA)
    bearing = initial_bearing(DAMASCUS, MAALOULA)
    assert 43 < km < 45
    assert distance_verdict(45, "about", km)
    assert bearing_agrees(bearing_of("north-northeast"), bearing, tolerance=22.5)
    assert compass_name(bearing) == "northeast"


def test_deir_ezzor_to_sukhnah_is_about_125_km_west_southwest():
    km = geodesic_distance_km(DEIR_EZZOR, SUKHNAH)
    bearing = initial_bearing(DEIR_EZZOR, SUKHNAH)
    assert 120 < km < 130
    assert distance_verdict(125, None, km)
    assert bearing_agrees(bearing_of("WSW"), bearing, tolerance=11.25)
    assert not bearing_agrees(bearing_of("east"), bearing)
    reverse = initial_bearing(SUKHNAH, DEIR_EZZOR)
    assert bearing_agrees(bearing_of("east-northeast"), reverse, tolerance=11.25)


def test_destination_inverts_distance_and_bearing():
    end = destination(TANF, 45, 100)
    assert geodesic_distance_km(TANF, end) == pytest.approx(100, abs=1e-6)
    assert initial_bearing(TANF, end) == pytest.approx(45, abs=1e-6)
    assert destination(TANF, 0, 0) == pytest.approx(TANF)


def test_sector_polygon_around_tanf():
    sector = sector_polygon(TANF, 45, 80, 120)
    assert sector.is_valid and sector.exterior.is_ccw
    assert sector.contains(_point(destination(TANF, 45, 100)))
    assert sector.contains(_point(destination(TANF, 60, 85)))
    assert not sector.contains(_point(destination(TANF, 225, 100)))
    assert not sector.contains(_point(destination(TANF, 45, 60)))
    assert not sector.contains(_point(destination(TANF, 45, 130)))
    assert not sector.contains(_point(destination(TANF, 90, 100)))
    assert not sector.contains(_point(TANF))


def test_sector_polygon_wedge_has_its_apex_at_the_origin():
    wedge = sector_polygon(TANF, 270, 0, 50, half_angle=10, steps=4)
    assert wedge.is_valid and wedge.exterior.is_ccw
    assert (TANF[1], TANF[0]) in wedge.exterior.coords
    assert len(wedge.exterior.coords) == 5 + 1 + 1  # the arc, the apex, the closing position
    assert wedge.contains(_point(destination(TANF, 270, 25)))


def test_sector_polygon_across_north_is_valid():
    sector = sector_polygon(DAMASCUS, 0, 10, 20, half_angle=30)
    assert sector.is_valid and sector.exterior.is_ccw
    assert sector.contains(_point(destination(DAMASCUS, 350, 15)))
    assert sector.contains(_point(destination(DAMASCUS, 10, 15)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_km": -1, "max_km": 5}, "0 <= min_km < max_km"),
        ({"min_km": 5, "max_km": 5}, "0 <= min_km < max_km"),
        ({"min_km": 0, "max_km": float("nan")}, "0 <= min_km < max_km"),
        ({"min_km": 0, "max_km": 5, "half_angle": 0}, "half_angle"),
        ({"min_km": 0, "max_km": 5, "half_angle": 180}, "half_angle"),
        ({"min_km": 0, "max_km": 5, "steps": 0}, "steps"),
    ],
)
def test_sector_polygon_rejects_bad_arguments(kwargs, message):
    with pytest.raises(GeometryError, match=message) as info:
        sector_polygon(TANF, 0, **kwargs)
    assert isinstance(info.value, GeoError) and isinstance(info.value, ValueError)


def test_buffer_km_of_a_point_is_a_ten_km_circle():
    circle = buffer_km(Point(36.29, 33.51), 10)
    assert circle.geom_type == "Polygon" and circle.exterior.is_ccw
    assert _area_km2(circle) == pytest.approx(314.16, rel=0.03)
    for lon, lat in circle.exterior.coords:
        assert geodesic_distance_km((33.51, 36.29), (lat, lon)) == pytest.approx(10, rel=1e-3)


def test_buffer_km_of_a_line_and_a_polygon():
    road = LineString([(36.29, 33.51), (36.55, 33.85)])
    corridor = buffer_km(road, 5)
    assert corridor.exterior.is_ccw
    assert corridor.contains(road)
    length = geodesic_distance_km(DAMASCUS, MAALOULA)
    assert _area_km2(corridor) == pytest.approx(10 * length + 3.1416 * 25, rel=0.03)
    ring = buffer_km(SQUARE_CW.buffer(-0.4), 0)
    assert ring.exterior.is_ccw


def test_buffer_km_edge_cases():
    assert buffer_km(Polygon(), 5).is_empty
    with pytest.raises(GeometryError, match="finite"):
        buffer_km(Point(0, 0), float("inf"))


def test_orient_ccw():
    assert orient_ccw(SQUARE_CW).exterior.is_ccw
    assert orient_ccw(SQUARE_CCW).equals(SQUARE_CCW)
    with_hole = Polygon(SQUARE_CW.exterior.coords, [[(0.2, 0.2), (0.4, 0.2), (0.4, 0.4)]])
    fixed = orient_ccw(with_hole)
    assert fixed.exterior.is_ccw and not fixed.interiors[0].is_ccw
    multi = orient_ccw(MultiPolygon([SQUARE_CW, Polygon([(2, 2), (2, 3), (3, 3)])]))
    assert all(p.exterior.is_ccw for p in multi.geoms)
    assert orient_ccw(Point(1, 2)).equals(Point(1, 2))


@pytest.mark.parametrize(
    ("qualifier", "band"),
    [
        (None, (90, 110)),
        ("", (90, 110)),
        ("about", (80, 120)),
        ("roughly", (80, 120)),
        ("around", (80, 120)),
        ("some", (80, 120)),
        ("Approximately", (80, 120)),
        ("nearly", (80, 100)),
        ("almost", (80, 100)),
        ("just under", (80, 100)),
        ("just over", (100, 120)),
        ("more than", (100, 150)),
        ("over", (100, 150)),
        ("at  least", (100, 150)),
        ("less than", (0, 100)),
        ("under", (0, 100)),
        ("within", (0, 100)),
        ("up to", (0, 100)),
    ],
)
def test_distance_band(qualifier, band):
    assert distance_band(100, qualifier) == pytest.approx(band)


@pytest.mark.parametrize(("value", "qualifier"), [(-1, None), (float("nan"), None), (5, "ish")])
def test_distance_band_rejects(value, qualifier):
    with pytest.raises(GeometryError):
        distance_band(value, qualifier)


@pytest.mark.parametrize(
    ("qualifier", "measured", "verdict"),
    [
        (None, 81.0, True),  # band 90-110, widened to 81-121
        (None, 80.9, False),
        (None, 121.0, True),
        (None, 121.2, False),
        ("about", 72.0, True),  # 80-120 -> 72-132
        ("about", 132.5, False),
        ("nearly", 109.9, True),  # 80-100 -> 72-110
        ("nearly", 110.5, False),
        ("more than", 165.0, True),  # 100-150 -> 90-165
        ("more than", 89.0, False),
        ("within", 0.0, True),  # 0-100 -> 0-110
        ("within", 111.0, False),
    ],
)
def test_distance_verdict_widens_the_band_by_ten_percent(qualifier, measured, verdict):
    assert distance_verdict(100, qualifier, measured) is verdict


def test_distance_verdict_tolerance_can_be_set():
    assert not distance_verdict(100, None, 115, tolerance=0)
    assert distance_verdict(100, None, 115, tolerance=0.05)


@pytest.mark.parametrize(
    ("stated", "measured", "tolerance", "agrees"),
    [
        (0, 45, 45.0, True),
        (0, 46, 45.0, False),
        (350, 20, 45.0, True),
        (10, 340, 45.0, True),
        (10, 320, 45.0, False),
        (180, 0, 45.0, False),
        (0, 360, 0.0, True),
        (22.5, 32.3, 11.25, True),
    ],
)
def test_bearing_agrees_wraps_around(stated, measured, tolerance, agrees):
    assert bearing_agrees(stated, measured, tolerance) is agrees
