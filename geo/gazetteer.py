"""Stage 2a: look place names up in the local gazetteer index.

:class:`Gazetteer` is the small interface every gazetteer offers;
:class:`LocalGazetteer` answers from the SQLite index built by
:mod:`geo.gazetteer_build`, building it on first use.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.errors import GazetteerError
from geo.gazetteer_build import build_index, default_index_path
from geo.names import name_key, name_keys

__all__ = ["Candidate", "Gazetteer", "LocalGazetteer"]

#: Order of kinds when candidates tie on score: the broader reading first.
_KIND_RANK = {"country": 0, "city": 1}


@dataclass(frozen=True)
class Candidate:
    """One place a name may refer to, with how well the name matched (``score``, 0-1)."""

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


class Gazetteer:
    """Interface of every gazetteer: ranked candidates for a name."""

    def lookup(self, name: str, *, country: str | None = None, limit: int = 10) -> list[Candidate]:
        """Return up to ``limit`` candidates for ``name``, best first; [] when unknown."""
        raise NotImplementedError

    def knows(self, name: str) -> bool:
        """Whether some place goes by ``name`` (cheap; for scanning text)."""
        return bool(self.lookup(name, limit=1))


class LocalGazetteer(Gazetteer):
    """The embedded gazetteer: a read-only SQLite index.

    Parameters
    ----------
    path
        Index file; default :func:`geo.gazetteer_build.default_index_path`.
    build
        Build the index when the file does not exist (default True).

    Examples
    --------
    >>> gaz = LocalGazetteer()
    >>> best = gaz.lookup("Deir ez-Zor")[0]
    >>> best.name, best.country
    ('Deir ez-Zor', 'SY')
    >>> gaz.lookup("Qwxzrt")
    []
    """

    def __init__(self, path: str | Path | None = None, *, build: bool = True) -> None:
        self.path = Path(path) if path else default_index_path()
        if not self.path.is_file():
            if not build:
                raise GazetteerError(
                    f"{self.path}: no gazetteer index; run 'geo gazetteer build' first"
                )
            build_index(self.path)
        try:
            self._db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._db.execute("SELECT 1 FROM names LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(
                f"{self.path}: not a usable gazetteer index ({exc}); delete it and run "
                "'geo gazetteer build'"
            ) from exc
        self._lock = threading.Lock()
        self.knows = lru_cache(maxsize=65536)(self._knows)

    def _knows(self, name: str) -> bool:
        keys = name_keys(name)
        with self._lock:
            row = self._db.execute(
                f"SELECT 1 FROM names WHERE key IN ({','.join('?' * len(keys))}) LIMIT 1", keys
            ).fetchone()
        return row is not None

    def lookup(self, name: str, *, country: str | None = None, limit: int = 10) -> list[Candidate]:
        keys = name_keys(name)
        if not keys[0]:
            return []
        sql = (
            "SELECT p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.population,"
            " p.source, MIN(n.key <> ?) FROM names n JOIN places p ON p.rowid = n.place"
            f" WHERE n.key IN ({','.join('?' * len(keys))})"
        )
        params: list = [name_key(name), *keys]
        if country:
            sql += " AND p.country = ?"
            params.append(country.upper())
        sql += " GROUP BY p.rowid"
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        candidates = [
            Candidate(*row[:9], score=0.9 if row[9] else 1.0)  # 0.9: matched without 'al-'
            for row in rows
        ]
        candidates.sort(key=lambda c: (-c.score, _KIND_RANK.get(c.kind, 9), -c.population))
        return candidates[:limit]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
