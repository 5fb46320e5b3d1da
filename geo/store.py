"""Stage 6: the library: articles and corrections in one SQLite file that outlives the app.

The file is ``library.sqlite`` in :func:`geo.gazetteer_import.data_dir`. It
runs in WAL mode with full sync, and every write is one transaction: a
committed article or correction survives the app being killed, and the file
opens clean afterwards. A connection is opened per call, so threads (the
dashboard's sessions) never share one.

Examples
--------
>>> import tempfile, pathlib
>>> from geo.article import Article
>>> lib = Library(pathlib.Path(tempfile.mkdtemp()) / "library.sqlite")
>>> lib.add(Article(id="a1", text="Fighting near Aleppo.", title="Aleppo"))
'a1'
>>> [s.title for s in lib.summaries(query="aleppo")]
['Aleppo']
>>> c = lib.add_correction(Correction(surface="Aleppo", action="drop", article_id="a1"))
>>> [x.action for x in lib.corrections("a1")], lib.undo_last("a1").id == c.id
(['drop'], True)
>>> lib.corrections("a1")
[]
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geo.article import Article
from geo.errors import ArticleError, StoreError
from geo.gazetteer_import import data_dir

__all__ = ["SCHEMA_VERSION", "ArticleSummary", "Correction", "Library", "library_path"]

#: Bumped when the tables change; an older file is migrated, a newer one refused.
SCHEMA_VERSION = 1
_ACTIONS = ("place", "drop")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    published TEXT,
    url TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT REFERENCES articles (id) ON DELETE CASCADE,
    surface TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('place', 'drop')),
    place TEXT,
    created TEXT NOT NULL,
    undone TEXT
);
CREATE INDEX IF NOT EXISTS corrections_article ON corrections (article_id);
CREATE TABLE IF NOT EXISTS layers (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    collection TEXT NOT NULL
);
"""


def library_path() -> Path:
    """Where the library lives: ``data_dir() / "library.sqlite"``."""
    return data_dir() / "library.sqlite"


@dataclass(frozen=True)
class ArticleSummary:
    """An article as the library lists it (no text)."""

    id: str
    title: str
    source: str
    published: dt.date | None
    added: str
    chars: int

    @property
    def label(self) -> str:
        """``title · source · date`` for a list."""
        return " · ".join(
            x for x in (self.title or self.id, self.source, str(self.published or "")) if x
        )


@dataclass(frozen=True)
class Correction:
    """A reader's fix to the places of a name, kept in the library.

    ``surface`` is the name as written ("Hama"); it matches every mention
    spelled the same (case, spaces and quote marks aside). ``action`` is
    ``place`` (``place`` is then the chosen candidate, as JSON from
    :func:`geo.corrections.candidate_json`) or ``drop`` (not a place).
    ``article_id`` None means every article of the library.
    """

    surface: str
    action: str
    article_id: str | None = None
    place: str | None = None
    id: int | None = None
    created: str = ""


class Library:
    """Articles and corrections in a SQLite file (see the module docstring)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else library_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path} was written by a newer geo (schema {version}); "
                        "update geo or move the file away"
                    )
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable library ({exc}); move it away") from exc

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = FULL")
            with db:  # one transaction: committed whole, or rolled back
                yield db
        finally:
            db.close()

    # -- articles -----------------------------------------------------------------------------

    def add(self, article: Article) -> str:
        """Keep ``article``; return its id. The same id with the same text is a no-op.

        Safe when several processes add the same article at once (two servers
        starting on a new library): the insert is one statement that does
        nothing when the id is taken, and the text is compared after it.
        """
        with self._connection() as db:
            inserted = db.execute(
                "INSERT INTO articles (id, title, author, source, published, url, text, added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (
                    article.id,
                    article.title or "",
                    article.author or "",
                    article.source or "",
                    article.published.isoformat() if article.published else None,
                    article.url or "",
                    article.text,
                    _now(),
                ),
            ).rowcount
            if not inserted:
                row = db.execute("SELECT text FROM articles WHERE id = ?", (article.id,)).fetchone()
                if row[0] != article.text:
                    raise ArticleError(
                        f"the library already has an article {article.id!r} with another text; "
                        "give this one another id"
                    )
        return article.id

    def add_all(self, articles: Iterable[Article]) -> list[str]:
        """Keep every article, in one transaction per article; return their ids."""
        return [self.add(a) for a in articles]

    def get(self, article_id: str) -> Article:
        """The article with this id; :class:`~geo.errors.StoreError` when there is none."""
        with self._connection() as db:
            row = db.execute(
                "SELECT id, title, author, source, published, url, text FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            raise StoreError(f"the library has no article {article_id!r}")
        id_, title, author, source, published, url, text = row
        return Article(
            id=id_,
            text=text,
            title=title,
            author=author,
            source=source,
            published=dt.date.fromisoformat(published) if published else None,
            url=url,
        )

    def summaries(
        self,
        *,
        query: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[ArticleSummary]:
        """The articles, newest first; ``query`` searches title, source and text (any case);
        ``start``/``end`` keep those published in that range (undated ones only with neither)."""
        where, params = [], []
        if query:
            pattern = (
                "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            where.append(
                "(title LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')"
            )
            params += [pattern] * 3
        if start:
            where.append("published >= ?")
            params.append(start.isoformat())
        if end:
            where.append("published <= ?")
            params.append(end.isoformat())
        sql = (
            "SELECT id, title, source, published, added, length(text) FROM articles"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY published IS NULL, published DESC, added DESC, id"
        )
        with self._connection() as db:
            rows = db.execute(sql, params).fetchall()
        return [
            ArticleSummary(i, t, s, dt.date.fromisoformat(p) if p else None, a, n)
            for i, t, s, p, a, n in rows
        ]

    def remove(self, article_id: str) -> None:
        """Forget an article and its own corrections."""
        with self._connection() as db:
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def __len__(self) -> int:
        with self._connection() as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]

    # -- corrections --------------------------------------------------------------------------

    def add_correction(self, correction: Correction) -> Correction:
        """Keep a correction; return it with its id and time."""
        if correction.action not in _ACTIONS:
            raise StoreError(
                f"a correction's action is one of {_ACTIONS}, not {correction.action!r}"
            )
        if (correction.action == "place") != (correction.place is not None):
            raise StoreError("a 'place' correction needs its place; a 'drop' correction has none")
        created = _now()
        with self._connection() as db:
            cursor = db.execute(
                "INSERT INTO corrections (article_id, surface, action, place, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    correction.article_id,
                    correction.surface,
                    correction.action,
                    correction.place,
                    created,
                ),
            )
        return Correction(
            correction.surface,
            correction.action,
            correction.article_id,
            correction.place,
            cursor.lastrowid,
            created,
        )

    def corrections(self, article_id: str) -> list[Correction]:
        """The corrections in force for an article (its own and library-wide), oldest first."""
        with self._connection() as db:
            rows = db.execute(
                "SELECT surface, action, article_id, place, id, created FROM corrections"
                " WHERE undone IS NULL AND (article_id = ? OR article_id IS NULL) ORDER BY id",
                (article_id,),
            ).fetchall()
        return [Correction(*row) for row in rows]

    def corrections_state(self) -> str:
        """Changes whenever a correction is added or undone anywhere (for caches).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> lib = Library(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite")
        >>> before = lib.corrections_state()
        >>> _ = lib.add_correction(Correction("Homs", "drop"))
        >>> before != lib.corrections_state()
        True
        """
        with self._connection() as db:
            row = db.execute("SELECT count(*), max(id), max(undone) FROM corrections").fetchone()
        return "/".join(str(v) for v in row)

    # -- computed layers ----------------------------------------------------------------------

    def cached_layers(self, article_id: str, key: str) -> dict | None:
        """The layers kept for an article under ``key`` (code, data and corrections); None
        when there are none or they were computed under another key."""
        with self._connection() as db:
            row = db.execute(
                "SELECT collection FROM layers WHERE article_id = ? AND key = ?", (article_id, key)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def keep_layers(self, article_id: str, key: str, collection: dict) -> None:
        """Keep an article's layers, computed under ``key``, for the next time."""
        with self._connection() as db:
            db.execute(
                "INSERT OR REPLACE INTO layers (article_id, key, collection) VALUES (?, ?, ?)",
                (article_id, key, json.dumps(collection, ensure_ascii=False)),
            )

    def undo_last(self, article_id: str) -> Correction | None:
        """Take back the newest correction in force for this article; None when there is none."""
        in_force = self.corrections(article_id)
        if not in_force:
            return None
        last = in_force[-1]
        with self._connection() as db:
            db.execute("UPDATE corrections SET undone = ? WHERE id = ?", (_now(), last.id))
        return last


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
