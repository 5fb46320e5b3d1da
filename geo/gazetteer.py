"""Stage 2a: look place names up in the local gazetteer index.

:class:`Gazetteer` is the small interface every gazetteer offers;
:class:`LocalGazetteer` answers from the SQLite index built by
:mod:`geo.gazetteer_build`, building it on first use, together with the
user's own index of imported places (:mod:`geo.gazetteer_import`) when there
is one.

How a name matches is part of every candidate (``match``):

``name``         the name's key (case, diacritics, apostrophes, hyphens ignored)
``article``      the same without a leading Arabic article ("al-Tanf" / "Tanf")
``variant``      the same transliteration skeleton ("Dayr az Zawr" / "Deir Ezzor")
``adjective``    an adjective of the place ("Iraqi"; ``adjective`` is True)
``directional``  a part of a known area ("western Anbar"), derived from its extent
``border``       a country's border, derived from its outline (:mod:`geo.borders`)
``fuzzy``        within a small edit distance; only with ``fuzzy=True``
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from functools import lru_cache
from marshal import loads
from pathlib import Path
from typing import NamedTuple

from geopy.distance import geodesic
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from geo.borders import border_candidates
from geo.errors import GazetteerError
from geo.gazetteer_build import (
    RECORD_FIELDS,
    SCORE_VARIANT,
    build_index,
    check_schema,
    default_index_path,
)
from geo.gazetteer_import import user_index_path
from geo.geometry import degrees_around
from geo.names import article_stripped, expanded_key, name_key, variant_key

__all__ = [
    "AREA_WORDS",
    "DIRECTIONS",
    "WHOLE_MATCHES",
    "Candidate",
    "Gazetteer",
    "LocalGazetteer",
]

#: Named regions and natural features: on a tie, broader readings than a town of the name
#: ("the Middle East", not Middle East, Maryland; the Andes, not Los Andes, Chile).
_NATURAL_AND_NAMED_AREAS = (
    "region desert sea ocean gulf strait lake river marsh basin plain valley peninsula"
    " mountain coast island"
).split()
#: Order of kinds when candidates tie on score: the broader reading first.
_KIND_RANK = {
    "continent": 0, "country": 0, "admin1": 1, **dict.fromkeys(_NATURAL_AND_NAMED_AREAS, 2),
    "admin2": 4,
}  # fmt: skip
_DEFAULT_KIND_RANK = 3
_AREA_MIN_KM = 10.0

#: Direction words that name a part of an area: (row, column) of its 3x3 grid, 0 = south/west.
DIRECTIONS = {
    "north": (2, 1), "south": (0, 1), "east": (1, 2), "west": (1, 0), "central": (1, 1),
    "northeast": (2, 2), "northwest": (2, 0), "southeast": (0, 2), "southwest": (0, 0),
}  # fmt: skip
_SCORE_DIRECTIONAL = 0.9
#: The kinds of place an area word means.
_REGION_KINDS = frozenset({"admin1", "admin2", "region"})
#: Words that name a kind of administrative area: "Sichuan province", "Homs governorate".
AREA_WORDS = (
    "province governorate region state county district prefecture department oblast".split()
)
#: Words after a name that say what kind of place it is, and the kinds they mean:
#: "Sichuan province" is the region, "Raqqa city" the town.
_KIND_WORDS = {
    **dict.fromkeys(AREA_WORDS, _REGION_KINDS),
    **dict.fromkeys(("city", "town"), frozenset({"city"})),
}
_SCORE_AREA_WORD = 0.95
#: Matches that spell a name in full, not a variant or a near miss of it.
WHOLE_MATCHES = frozenset({"name", "article"})
_FUZZY_MAX_SCORE = 0.8
_LEADING_THE = re.compile(r"^\s*the\s+", re.IGNORECASE)


class Candidate(NamedTuple):
    """One place a name may refer to, with how well the name matched (``score``, 0-1).

    ``lat``/``lon`` is a point that stands for the place; ``geometry`` (GeoJSON)
    is its line or area when the gazetteer knows it, ``bbox`` (west, south,
    east, north) its extent, ``precision_km`` the radius within which it lies.

    A named tuple, so immutable (``_replace`` gives a changed copy) and quick to
    make: a look-up makes up to ``limit`` of them, and a frozen dataclass took
    a microsecond each, a tenth of a median look-up.

    Examples
    --------
    >>> c = Candidate("x:1", "Here", "city", "SY", "", 34.5, 38.2, 0, "test", 1.0)
    >>> c.name, c._replace(score=0.5).score, c.to_dict()["geometry"]
    ('Here', 0.5, None)
    """

    id: str
    name: str
    kind: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int
    source: str
    score: float
    feature_code: str = ""
    precision_km: float = 1.0
    bbox: tuple[float, float, float, float] | None = None
    geometry_json: str | None = None
    match: str = "name"
    matched: str = ""
    adjective: bool = False

    @property
    def geometry(self) -> dict | None:
        """The GeoJSON geometry of a line or area (parsed when asked for: outlines are big)."""
        return json.loads(self.geometry_json) if self.geometry_json else None

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field, ``geometry`` parsed."""
        out = self._asdict()
        del out["geometry_json"]
        out["geometry"] = self.geometry
        return out

    def __repr__(self) -> str:  # without the outline, which may run to kilobytes
        shown = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items() if k != "geometry_json")
        return f"Candidate({shown})"


class Gazetteer:
    """Interface of every gazetteer: ranked candidates for a name."""

    def lookup(
        self, name: str, *, country: str | None = None, limit: int = 10, fuzzy: bool = False
    ) -> list[Candidate]:
        """Return up to ``limit`` candidates for ``name``, best first; [] when unknown."""
        raise NotImplementedError

    def knows(self, name: str) -> bool:
        """Whether some place goes by ``name`` (cheap; for scanning text; not adjectives)."""
        return any(not c.adjective for c in self.lookup(name, limit=5))


#: What a look-up reads of each (name, place) pair: the key, the spelling it came
#: from and, for a transliteration skeleton, that spelling's key, the score a
#: match on it earns, whether it is an adjective, whether the key spells the
#: name in full, and the place's record (:func:`geo.gazetteer_build.place_record`).
_COLUMNS = "n.key, n.name, n.spelling_key, n.score, n.adjective, n.full, p.record"
#: Positions of the fields of a place's record (:data:`geo.gazetteer_build.RECORD_FIELDS`).
(_ID, _NAME, _KIND, _COUNTRY, _ADMIN1, _LAT, _LON, _POPULATION, _SOURCE, _FEATURE_CODE,
 _PRECISION_KM, _BBOX, _GEOMETRY) = map(RECORD_FIELDS.index, (
    "id", "name", "kind", "country", "admin1", "lat", "lon", "population", "source",
    "feature_code", "precision_km", "bbox", "geometry_json",
))  # fmt: skip


class LocalGazetteer(Gazetteer):
    """The embedded gazetteer: read-only SQLite indexes, built and imported.

    Parameters
    ----------
    path
        Built index; default :func:`geo.gazetteer_build.default_index_path`.
    user_index
        Index of imported places, searched too (its places win over built ones
        with the same id); default :func:`geo.gazetteer_import.user_index_path`
        when that file exists.
    build
        Build the index when the file does not exist (default True).

    Examples
    --------
    >>> gaz = LocalGazetteer()
    >>> best = gaz.lookup("Dayr az Zawr")[0]
    >>> best.name, best.country, best.match
    ('Deir ez-Zor', 'SY', 'name')
    >>> gaz.lookup("Hassakeh")[0].match
    'variant'
    >>> gaz.lookup("Iraqi")[0].adjective
    True
    >>> gaz.lookup("Qwxzrt")
    []
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        user_index: str | Path | None = None,
        build: bool = True,
    ) -> None:
        self.path = Path(path) if path else default_index_path()
        if not self.path.is_file():
            if not build:
                raise GazetteerError(
                    f"{self.path}: no gazetteer index; run 'geo gazetteer build' first"
                )
            build_index(self.path)
        self.user_index = Path(user_index) if user_index else user_index_path()
        self._db = _open(self.path)
        self._schemas = ["main"]
        if self.user_index.is_file():
            try:
                self._db.execute("ATTACH DATABASE ? AS user", (_read_only_uri(self.user_index),))
                check_schema(self._db, "user")
            except sqlite3.DatabaseError as exc:
                raise GazetteerError(
                    f"{self.user_index}: not a usable gazetteer index ({exc}); delete it and"
                    " import again"
                ) from exc
            self._schemas.append("user")
        self._lock = threading.Lock()
        self.knows = lru_cache(maxsize=65536)(self._knows)
        self._lookup = lru_cache(maxsize=65536)(self._lookup_uncached)

    def _knows(self, name: str) -> bool:
        keys = list(_query_keys(name))
        if not keys:
            return False
        marks = ",".join("?" * len(keys))
        sql = " UNION ALL ".join(
            f"SELECT 1 FROM {s}.names WHERE key IN ({marks}) AND adjective = 0"
            for s in self._schemas
        )
        with self._lock:
            row = self._db.execute(f"SELECT EXISTS ({sql})", keys * len(self._schemas)).fetchone()
        return bool(row[0])

    def lookup(
        self, name: str, *, country: str | None = None, limit: int = 10, fuzzy: bool = False
    ) -> list[Candidate]:
        """Return up to ``limit`` candidates for ``name``, best first; [] when unknown.

        ``country`` (ISO alpha-2) keeps only places in that country. ``fuzzy``
        adds, when nothing else matches, names within one edit (two for names of
        eight letters or more) that share the first two letters, scored at most 0.8.
        Answers are cached (the index is read-only): an article names the same
        places again and again.
        """
        return list(self._lookup(name, country, limit, fuzzy))

    def _lookup_uncached(
        self, name: str, country: str | None, limit: int, fuzzy: bool
    ) -> tuple[Candidate, ...]:
        query = _query_keys(name)
        scored = self._scored_rows(query, country)
        if query:
            scored += self._directional(next(iter(query)), country)
            scored += self._with_kind_word(next(iter(query)), country, scored)
        if fuzzy and not scored:
            scored = self._fuzzy(name_key(name), country)
        best: dict[str, tuple] = {}
        for entry in scored:
            place_id = entry[-1][_ID]
            if place_id not in best or entry[0] > best[place_id][0]:
                best[place_id] = entry
        ranked = sorted(best.values(), key=_rank)[:limit]
        found = tuple(_candidate(*entry) for entry in ranked)
        borders = border_candidates(name, self.lookup)
        if borders:  # stable: ties keep rank
            found = tuple(sorted((*borders, *found), key=lambda c: -c.score))[:limit]
        return found

    def _rows(self, where: str, params: list, country: str | None) -> list[tuple]:
        rows = []
        for schema in self._schemas:
            sql = (
                f"SELECT {_COLUMNS} FROM {schema}.names n JOIN {schema}.places p"
                f" ON p.rowid = n.place WHERE {where}"
            )
            args = list(params)
            if country:
                sql += " AND p.country = ?"
                args.append(country.upper())
            with self._lock:
                found = [
                    (key, name, spelling, score, adjective, in_full, loads(record))
                    for key, name, spelling, score, adjective, in_full, record in self._db.execute(
                        sql, args
                    )
                ]
            if schema == "user":  # imported places replace built ones with the same id
                found = [_keep_extent(r, rows) for r in found]
                ids = {record[_ID] for *_, record in found}
                rows = [r for r in rows if r[-1][_ID] not in ids]
            rows += found
        return rows

    def _scored_rows(self, query: dict[str, float], country: str | None) -> list[tuple]:
        """(score, match, matched, adjective, record) for every row a key of ``query`` finds.

        Scores are computed on the raw rows; only the rows a caller keeps become
        :class:`Candidate` objects (see :func:`_candidate`).
        """
        if not query:
            return []
        rows = self._rows(f"n.key IN ({','.join('?' * len(query))})", list(query), country)
        own = next(iter(query))  # the name's own key
        plain = joined = None  # of the name's own key, for variants only
        out = []
        for key, matched, spelling, index_score, adjective, in_full, record in rows:
            score = min(index_score, query[key])
            if adjective:
                match = "adjective"
            elif spelling is None:
                match = "name" if in_full and query[key] >= 1.0 else "article"
            else:  # a transliteration skeleton's
                if joined is None:
                    plain, joined = _without_article(own), _joined(own)
                if joined == _joined(spelling):
                    # "Deir Ezzor" is "Deir ez-Zor" but for a space: the name, not a variant
                    match, score = "name", min(index_score / SCORE_VARIANT, query[key])
                else:  # the closer the spelling, the better
                    match = "variant"
                    score *= 0.8 + 0.2 * fuzz.ratio(plain, _without_article(spelling)) / 100
            out.append((score, match, matched, adjective, record))
        return out

    def _directional(self, key: str, country: str | None) -> list[tuple]:
        """Scored rows for "western anbar" (a name key): that third of each known area's extent."""
        words = key.split(" ", 1)
        if len(words) < 2:
            return []
        direction = words[0].removesuffix("ern").replace("-", "")
        if direction not in DIRECTIONS:
            return []
        grid_row, grid_col = DIRECTIONS[direction]
        out = []
        for score, _match, matched, adjective, record in self._scored_rows(
            _query_keys(words[1]), country
        ):
            bbox, precision_km = record[_BBOX], record[_PRECISION_KM]
            if bbox is None or precision_km < _AREA_MIN_KM or adjective:
                continue
            west, south, east, north = bbox
            dx, dy = (east - west) / 3, (north - south) / 3
            part = (
                west + grid_col * dx,
                south + grid_row * dy,
                west + (grid_col + 1) * dx,
                south + (grid_row + 1) * dy,
            )
            part_record = list(record)
            part_record[_ID] = f"{record[_ID]}#{direction}"
            part_record[_NAME] = f"{words[0]} {record[_NAME]}"
            part_record[_KIND] = "region"
            part_record[_LAT] = round((part[1] + part[3]) / 2, 5)
            part_record[_LON] = round((part[0] + part[2]) / 2, 5)
            part_record[_POPULATION] = 0
            part_record[_SOURCE] = f"{record[_SOURCE]}; part of its extent"
            part_record[_PRECISION_KM] = round(precision_km / 3, 1)
            part_record[_BBOX], part_record[_GEOMETRY] = part, None
            out.append((score * _SCORE_DIRECTIONAL, "directional", matched, 0, tuple(part_record)))
        return out

    def _with_kind_word(self, key: str, country: str | None, found: list[tuple]) -> list[tuple]:
        """Scored rows for "Sichuan province" or "Raqqa city" (name keys) the index lacks.

        The places named by the rest ("Sichuan", "Raqqa") of the kind the last
        word says (:data:`_KIND_WORDS`), unless a place of that kind has the
        whole name ("Quebec City"); scored a little lower than the name itself.
        """
        head, _, word = key.rpartition(" ")
        kinds = _KIND_WORDS.get(word)
        if not head or kinds is None:
            return []
        if any(e[-1][_KIND] in kinds and e[1] in WHOLE_MATCHES for e in found):
            return []  # a place of that kind has the whole name
        return [
            (score * _SCORE_AREA_WORD, match, matched, adjective, record)
            for score, match, matched, adjective, record in self._scored_rows(
                _query_keys(head), country
            )
            if record[_KIND] in kinds and not adjective
        ]

    def _fuzzy(self, key: str, country: str | None) -> list[tuple]:
        if len(key) < 4:
            return []
        bound = 1 if len(key) < 8 else 2
        prefix = key[:2]
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self._rows(
            "n.key >= ? AND n.key < ? AND length(n.key) BETWEEN ? AND ? AND n.adjective = 0",
            [prefix, upper, len(key) - bound, len(key) + bound],
            country,
        )
        out = []
        for row_key, matched, _spelling, index_score, _adjective, _full, record in rows:
            distance = Levenshtein.distance(key, row_key, score_cutoff=bound)
            if distance <= bound:
                score = _FUZZY_MAX_SCORE * index_score * (1 - distance / (len(key) + 1))
                out.append((score, "fuzzy", matched, 0, record))
        return out

    def nearest(
        self, lat: float, lon: float, *, radius_km: float = 50.0, limit: int = 5
    ) -> list[Candidate]:
        """Places within ``radius_km`` of (``lat``, ``lon``), nearest first (geodesic).

        ``score`` falls from 1 at the point to 0 at ``radius_km``; ``match`` is "nearest".
        """
        dlat, dlon = degrees_around(lat, radius_km)
        records = []
        for schema in self._schemas:
            sql = (
                f"SELECT p.record FROM {schema}.places p WHERE p.lat BETWEEN ? AND ?"
                " AND p.lon BETWEEN ? AND ?"
            )
            with self._lock:
                records += [
                    loads(r[0])
                    for r in self._db.execute(sql, (lat - dlat, lat + dlat, lon - dlon, lon + dlon))
                ]
        found = []
        for record in records:
            km = geodesic((lat, lon), (record[_LAT], record[_LON])).km
            if km <= radius_km:
                score = 1 - km / radius_km
                found.append((km, _candidate(score, "nearest", record[_NAME], 0, record)))
        found.sort(key=lambda pair: pair[0])
        return [c for _, c in found[:limit]]

    def clear_cache(self) -> None:
        """Forget the names looked up so far and their keys (for cold-start measurements)."""
        self.knows.cache_clear()
        self._lookup.cache_clear()
        _query_keys.cache_clear()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


#: How much of an index file SQLite maps into memory (the built index is about 130 MB).
_MMAP_BYTES = 1 << 30


def _read_only_uri(path: Path) -> str:
    """The URI that opens an index read-only and immutable.

    An index file never changes once written: a build or an import writes a new
    file and renames it into place, and a connection keeps reading the file it
    opened. So SQLite need not lock the file or check it for changes before
    each query, which is a tenth of a look-up's time.
    """
    return f"file:{path}?mode=ro&immutable=1"


def _open(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(_read_only_uri(path), uri=True, check_same_thread=False)
        # read through the operating system's page cache, not SQLite's copies of it:
        # a process's first look-ups no longer read each page in
        db.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        check_schema(db)
    except sqlite3.DatabaseError as exc:
        raise GazetteerError(
            f"{path}: not a usable gazetteer index ({exc}); delete it and run 'geo gazetteer build'"
        ) from exc
    return db


@lru_cache(maxsize=1 << 16)
def _query_keys(name: str) -> dict[str, float]:
    """The keys to look ``name`` up under, with the most a match on each can score.

    Cached: an article names the same places again and again. The first key
    is the name's own.
    """
    name = _LEADING_THE.sub("", name)  # "the Syrian Desert"
    key = name_key(name)
    if not key:
        return {}
    keys = {key: 1.0}
    expanded = expanded_key(key)
    if expanded:
        keys[expanded] = 1.0
    stripped = article_stripped(key)
    if stripped:
        keys.setdefault(stripped, 0.95)
    variant = None if "." in name else variant_key(name)  # "Calif." is no spelling of Calaf
    if variant:
        keys.setdefault(variant, 1.0)
    return keys


def _rank(entry: tuple) -> tuple:
    """Sort key of a scored row: score, then the broader kind, then population."""
    score, record = entry[0], entry[-1]
    return (-score, _KIND_RANK.get(record[_KIND], _DEFAULT_KIND_RANK), -record[_POPULATION])


def _keep_extent(row: tuple, built: list[tuple]) -> tuple:
    """An imported place without an extent keeps the extent of the built place it replaces."""
    *fields, record = row
    if record[_BBOX] is not None:
        return row
    same = next(
        (b[-1] for b in built if b[-1][_ID] == record[_ID] and b[-1][_BBOX] is not None), None
    )
    return row if same is None else (*fields, (*record[:_BBOX], *same[_BBOX:]))


def _without_article(key: str) -> str:
    """A key without its leading Arabic article, if it has one: "al tanf" is "tanf"."""
    return article_stripped(key) or key


def _joined(key: str) -> str:
    """A key without its spaces: "deir ezzor" and "deir ez zor" are one spelling."""
    return key.replace(" ", "")


def _candidate(score: float, match: str, matched: str, adjective: int, record: tuple) -> Candidate:
    """The candidate of a scored place record (:func:`geo.gazetteer_build.place_record`)."""
    return Candidate(
        *record[:_FEATURE_CODE], round(score, 4), *record[_FEATURE_CODE:], match, matched,
        bool(adjective),
    )  # fmt: skip
