"""Actors of conflict reporting, read from editable data, and a recogniser for them.

The actors live in ``data/actors/actors.csv`` (its ``README.md`` describes the
columns): a name, aliases, a kind, a patron, the generic nouns that refer back
to the actor, a map colour and a source. The user's own ``actors.csv`` in
:func:`geo.gazetteer_import.data_dir` adds actors, or replaces the built-in
actor with the same id.

:meth:`ActorBook.find` reads the actors a text mentions: by name ("the PMF"),
in compounds ("ISIS-held", "Iranian-backed", "U.S.-led", "pro-Assad"), and by
generic nouns ("the militants") that the caller resolves to the actor last
named whose ``generic`` column lists the noun.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from geo.errors import ActorError, InputFileError
from geo.gazetteer_import import data_dir

__all__ = [
    "BUILTIN_ACTORS",
    "COLUMNS",
    "KINDS",
    "OPTIONAL_COLUMNS",
    "RELATIONS",
    "Actor",
    "ActorBook",
    "ActorMention",
    "usable_actors",
    "user_actors_path",
]

_T = TypeVar("_T")
#: The actors shipped with ``geo``.
BUILTIN_ACTORS = Path(__file__).resolve().parent.parent / "data" / "actors" / "actors.csv"
#: The columns an actor file must have (in any order; other columns are ignored).
COLUMNS = ("id", "name", "aliases", "kind", "patron", "generic", "colour", "source")
#: Columns an actor file may have: ``country``, the ISO 3166-1 code of a state's country.
OPTIONAL_COLUMNS = ("country",)
KINDS = ("armed_group", "coalition", "generic", "proxy", "state")
#: How a mention refers to its actor.
RELATIONS = ("named", "held", "backed", "led", "pro", "generic")

_SUFFIXES = {
    **dict.fromkeys(("held", "controlled", "occupied"), "held"),
    **dict.fromkeys(("backed", "supported", "sponsored", "allied", "affiliated"), "backed"),
    "led": "led",
    "based": "",  # "a U.K.-based monitoring group" mentions no actor
}
_SUFFIX = re.compile(rf"-({'|'.join(_SUFFIXES)})(?!\w)", re.IGNORECASE)
_PRO = re.compile(r"(?<![\w-])pro-", re.IGNORECASE)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# One character for one: offsets into the normalised text are offsets into the original.
_NORMALISE = str.maketrans(
    dict.fromkeys("\u2018\u2019\u02bc\u2032", "'")
    | dict.fromkeys("\u00a0\u2007\u202f", " ")
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-")
)
#: Colours of states that the data does not list, picked by a stable hash of the country code.
_PALETTE = (
    "#6a3d9a", "#b15928", "#1f78b4", "#33a02c", "#e31a1c", "#ff7f00",
    "#a6761d", "#666666", "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
)  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """A party to a conflict: a state, armed group, coalition, proxy grouping or generic one.

    ``patron`` is the id of the actor backing a proxy grouping ("iran" for
    "iran_backed"); ``generic`` lists nouns by which a text refers back to the
    actor ("regime", "the group"); ``colour`` is ``#rrggbb`` for the map.
    """

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    patron: str | None
    generic: tuple[str, ...]
    colour: str
    source: str
    country: str | None = None


@dataclass(frozen=True)
class ActorMention:
    """An actor mentioned at ``text[start:end]`` of the text given to :meth:`ActorBook.find`.

    ``relation`` is one of :data:`RELATIONS`: "named" outright, "held" ("ISIS-held"),
    "backed" ("Iran-backed"), "led" ("U.S.-led"), "pro" ("pro-Assad"), or "generic" ("the
    group"): then ``actor`` is the first actor declaring the noun, for the caller to resolve.
    """

    start: int
    end: int
    text: str
    actor: Actor
    relation: str


def user_actors_path() -> Path:
    """The user's actor file, ``data_dir() / "actors.csv"`` (read when it exists)."""
    return data_dir() / "actors.csv"


def usable_actors() -> tuple[ActorBook, str | None]:
    """The actors of :meth:`ActorBook.load`, or, when the user's actor file cannot be
    used, the built-in actors and a message saying why.

    For a program that must go on drawing (the dashboard): the user's file is
    left as it is, to be fixed.

    Examples
    --------
    >>> book, problem = usable_actors()
    >>> len(book) >= 30
    True
    """
    try:
        return ActorBook.load(), None
    except (ActorError, InputFileError) as exc:
        return ActorBook.load(
            [BUILTIN_ACTORS]
        ), f"{exc}. The built-in actors are used until the file is fixed."


class ActorBook:
    """The known actors, in file order, and the recogniser built from their names.

    Examples
    --------
    >>> book = ActorBook.load([BUILTIN_ACTORS])
    >>> book.get("pmf").name
    'Popular Mobilization Forces'
    >>> book.get("iran_backed").patron
    'iran'
    """

    def __init__(self, actors: Iterable[Actor]) -> None:
        self._actors = {actor.id: actor for actor in actors}
        self._forms: dict[str, tuple[Actor, str]] = {}
        self._generic: dict[str, Actor] = {}
        self._backers: dict[str, Actor] = {}
        for actor in self._actors.values():
            for form in (actor.name, *actor.aliases):
                self._forms.setdefault(_key(form), (actor, form))
            for noun in actor.generic:
                self._generic.setdefault(_key(noun), actor)
            if actor.patron:
                self._backers.setdefault(actor.patron, actor)
        self._countries = {
            actor.country: actor for actor in reversed(self._actors.values()) if actor.country
        }
        self._states = {
            _key(form).lower(): actor
            for actor in reversed(self._actors.values())
            if actor.kind == "state"
            for form in (actor.name, *actor.aliases)
        }
        self._alias_re = _overlapping(rf"({_alternation(f for _, f in self._forms.values())})")
        nouns = _alternation(self._generic)
        self._generic_re = _overlapping(rf"((?i:the|its|their)\s+({nouns}))")

    @classmethod
    def load(cls, paths: Sequence[Path] | None = None) -> ActorBook:
        """Read actor files; a later file's row replaces an earlier row with the same id.

        By default the built-in :data:`BUILTIN_ACTORS`, then :func:`user_actors_path`
        when it exists. Raises :class:`~geo.errors.ActorError` naming the file and
        line of the first bad row, and :class:`~geo.errors.InputFileError` for a file
        that cannot be read.

        Examples
        --------
        >>> len(ActorBook.load([BUILTIN_ACTORS])) > 30
        True
        """
        if paths is None:
            user = user_actors_path()
            paths = [BUILTIN_ACTORS, *([user] if user.is_file() else [])]
        actors: dict[str, Actor] = {}
        where: dict[str, str] = {}
        for path in paths:
            for place, actor in _read(Path(path)):
                actors[actor.id], where[actor.id] = actor, place
        for actor in actors.values():
            if actor.patron and actor.patron not in actors:
                raise ActorError(
                    f"{where[actor.id]}: patron {actor.patron!r} is not the id of any actor; "
                    "give the id of an actor in this or the built-in file, or leave it empty"
                )
        return cls(actors.values())

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def get(self, actor_id: str) -> Actor:
        """The actor with this id; :class:`~geo.errors.ActorError` when there is none."""
        try:
            return self._actors[actor_id]
        except KeyError:
            raise ActorError(
                f"no actor has the id {actor_id!r}; the ids are the first column of "
                f"{BUILTIN_ACTORS} and of {user_actors_path()}"
            ) from None

    def find(self, text: str) -> list[ActorMention]:
        """The actors mentioned in ``text``, in text order; longer mentions win overlaps.

        Examples
        --------
        >>> book = ActorBook.load([BUILTIN_ACTORS])
        >>> text = "Iraq’s Popular Mobilization Forces reached ISIS-held areas, the militants said."
        >>> [(m.text, m.actor.id, m.relation) for m in book.find(text)]
        [('Popular Mobilization Forces', 'pmf', 'named'), ('ISIS-held', 'isis', 'held'), \
('the militants', 'isis', 'generic')]
        """
        norm = text.translate(_NORMALISE)
        found: list[tuple[int, int, Actor, str]] = []
        for match in self._alias_re.finditer(norm):
            start, end = match.span(1)
            base, form = _lookup(self._forms, match.group(1))
            relation, actor = "named", base
            if base.kind != "generic" and form == form.lower() and _key(form) in self._generic:
                relation, actor = "generic", self._generic[_key(form)]
            if suffix := _SUFFIX.match(norm, end):
                relation, end = _SUFFIXES[suffix.group(1).lower()], suffix.end()
                actor = self._backers.get(base.id, base) if relation == "backed" else base
            elif start >= 4 and _PRO.match(norm, start - 4):
                relation, start, actor = "pro", start - 4, self._backers.get(base.id, base)
            found.append((start, end, actor, relation))
        for match in self._generic_re.finditer(norm):
            actor = _lookup(self._generic, match.group(2))
            found.append((*match.span(1), actor, "generic"))
        taken = bytearray(len(text))
        mentions = []
        for start, end, actor, relation in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if not any(taken[start:end]):
                taken[start:end] = b"\1" * (end - start)
                if relation:  # "" marks a non-mention such as "U.K.-based"
                    mentions.append(ActorMention(start, end, text[start:end], actor, relation))
        return sorted(mentions, key=lambda m: m.start)

    def country_actor(self, country_code: str, country_name: str) -> Actor:
        """The actor of a state: the data's, when it lists the name, else one made up here.

        Examples
        --------
        >>> book = ActorBook.load([BUILTIN_ACTORS])
        >>> book.country_actor("IR", "Iran").id
        'iran'
        >>> saudi = book.country_actor("sa", "Saudi Arabia")
        >>> saudi.id, saudi.kind, saudi.colour
        ('country:SA', 'state', '#a6761d')
        """
        code = country_code.strip().upper()
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise ActorError(f"{country_code!r} is not an ISO 3166-1 alpha-2 code such as SA")
        name = " ".join(country_name.split())
        if actor := self._countries.get(code) or self._states.get(_key(name).lower()):
            return actor
        colour = _PALETTE[zlib.crc32(code.encode("ascii")) % len(_PALETTE)]
        source = "https://en.wikipedia.org/wiki/" + quote(name.replace(" ", "_"))
        return Actor(f"country:{code}", name, (), "state", None, (), colour, source, code)


def _lookup(table: dict[str, _T], surface: str) -> _T:
    """The entry for matched text: an all-capitals form exactly, any other in any case."""
    key = _key(surface)
    return table[key] if key in table else table[key.lower()]


def _key(form: str) -> str:
    """How a form is looked up: normalised, single-spaced, lowercased unless all capitals."""
    key = " ".join(form.translate(_NORMALISE).split())
    return key if _capitals_only(key) else key.lower()


def _capitals_only(form: str) -> bool:
    return any(c.isalpha() for c in form) and not any(c.islower() for c in form)


def _alternation(forms: Iterable[str]) -> str:
    """A regex alternative per form, longest first; all-capitals forms match only in capitals."""
    parts = []
    for form in sorted(set(forms), key=lambda f: (-len(f), f)):
        body = r"\s+".join(re.escape(p) for p in form.translate(_NORMALISE).split())
        parts.append(body if _capitals_only(form) else f"(?i:{body})")
    return "|".join(parts) or "(?!)"


def _overlapping(group: str) -> re.Pattern[str]:
    """Find ``group`` on word boundaries at every start, so overlapping candidates all show."""
    return re.compile(rf"(?=(?<!\w){group}(?!\w))")


def _read(path: Path) -> list[tuple[str, Actor]]:
    """The actors of one file, each with its ``file:line``; raises on the first bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ActorError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the actor file ({exc.strerror})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ActorError(
            f"{path}:1: the header lacks the column(s) {', '.join(missing)}; "
            f"the first line must name the columns {','.join(COLUMNS)}"
        )
    actors: list[tuple[str, Actor]] = []
    lines: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            actor = _actor(row, f"{path}:{line}")
            if actor.id in lines:
                raise ActorError(
                    f"{path}:{line}: the id {actor.id!r} is used on line {lines[actor.id]} too; "
                    "give each actor of a file its own id"
                )
            lines[actor.id] = line
            actors.append((f"{path}:{line}", actor))
    except csv.Error as exc:
        raise ActorError(f"{path}:{reader.line_num}: not valid CSV ({exc})") from None
    return actors


def _actor(row: dict, where: str) -> Actor:
    """One row as an :class:`Actor`; ``where`` (``file:line``) starts any error message."""
    if None in row:
        raise ActorError(
            f"{where}: more values than the header has columns; quote a value with a comma"
        )
    value = {c: (row.get(c) or "").strip() for c in COLUMNS + OPTIONAL_COLUMNS}
    for column in ("id", "name"):
        if not value[column]:
            raise ActorError(f"{where}: empty {column}; every actor needs an id and a name")
    if value["kind"] not in KINDS:
        raise ActorError(f"{where}: kind {value['kind']!r} is not one of {', '.join(KINDS)}")
    if value["country"] and not re.fullmatch(r"[A-Z]{2}", value["country"]):
        raise ActorError(
            f"{where}: country {value['country']!r} is not an ISO 3166-1 code such as SY"
        )
    if not _COLOUR.fullmatch(value["colour"]):
        raise ActorError(f"{where}: colour {value['colour']!r} is not a hex colour such as #1f78b4")
    return Actor(
        id=value["id"],
        name=value["name"],
        aliases=_split(value["aliases"]),
        kind=value["kind"],
        patron=value["patron"] or None,
        generic=_split(value["generic"]),
        colour=value["colour"].lower(),
        source=value["source"],
        country=value["country"] or None,
    )


def _split(forms: str) -> tuple[str, ...]:
    return tuple(form.strip() for form in forms.split("|") if form.strip())
