"""Import places into the user's own gazetteer index.

The user index has the schema of the built one (:mod:`geo.gazetteer_build`)
and is searched alongside it by :class:`geo.gazetteer.LocalGazetteer`. It
lives outside the cache, because it holds the user's data: rebuilding the
built index never touches it.

Two importers write into it, both through
:func:`geo.gazetteer_build.write_index`: into a temporary file that is renamed
into place, so a failed import leaves the index exactly as it was.

* :func:`import_geonames` streams a GeoNames dump (``allCountries.txt`` or a
  country file such as ``SY.txt``). It is lenient, as millions of lines call
  for: a corrupt line is skipped and counted, and the :class:`ImportReport`
  names the first ones. A file that is mostly corrupt is refused.
* :func:`import_table` reads the user's own gazetteer, a CSV file or a GeoJSON
  FeatureCollection. It is strict: one malformed row or feature refuses the
  whole file, naming the line or the feature, and nothing is written.

An imported place replaces the place with the same id: in the user index (so
importing a file again updates its places instead of doubling them) and, when
:class:`~geo.gazetteer.LocalGazetteer` searches, in the built index (so a row
with the id ``geonames:163808`` corrects the built Tadmur).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.validation import explain_validity

from geo.errors import GazetteerError, InputFileError
from geo.gazetteer_build import SCHEMA_VERSION, check_schema, write_index
from geo.gazetteer_sources import (
    SHARED_NAME_SCORE,
    PlaceRecord,
    inner_point,
    is_code,
    radius_km,
    town_radius_km,
)
from geo.names import name_key

__all__ = [
    "ImportReport",
    "data_dir",
    "import_geonames",
    "import_table",
    "user_index_path",
]

#: Columns of a GeoNames dump line.
GEONAMES_COLUMNS = 19
#: How many corrupt lines of a dump an :class:`ImportReport` names.
MAX_REPORTED_LINES = 10
#: GeoNames feature code -> kind (the kinds of the curated supplement where one fits).
#: Codes not here take the word of their class (``_KIND_BY_CLASS``).
_KIND_BY_CODE = {
    "ADM1": "admin1", "ADM2": "admin2", "ADM3": "admin3", "ADM4": "admin4", "ADM5": "admin5",
    "PPLX": "neighbourhood",
    "MT": "mountain", "MTS": "mountain", "HLL": "mountain", "HLLS": "mountain", "PK": "mountain",
    "STM": "river", "WAD": "valley", "VAL": "valley", "LK": "lake", "RSV": "reservoir",
    "SEA": "sea", "CST": "coast", "MRSH": "marsh", "PLN": "plain", "DSRT": "desert",
    "RGN": "region", "RD": "road", "JCT": "junction",
    "AIRB": "airbase", "AIRF": "airport", "AIRP": "airport",
    "MILB": "military_base", "INSM": "military_base", "PRN": "prison",
    "PSTB": "border_crossing", "BDG": "bridge", "DAM": "dam", "CMPRF": "camp",
    "OILF": "oil_gas_field", "GASF": "oil_gas_field",
}  # fmt: skip
#: GeoNames feature class -> kind, for codes not in ``_KIND_BY_CODE``.
_KIND_BY_CLASS = {
    "A": "area", "H": "water", "L": "region", "P": "city", "R": "road",
    "S": "site", "T": "terrain", "U": "undersea", "V": "vegetation",
}  # fmt: skip
#: precision_km by feature code, then by class; 1 km for the rest (see import_geonames).
_PRECISION_BY_CODE = {"ADM1": 50.0, "STM": 25.0, "WAD": 10.0, "VAL": 10.0, "MTS": 10.0}
_PRECISION_BY_CLASS = {"A": 25.0, "L": 25.0, "H": 5.0, "U": 5.0, "T": 2.0, "V": 2.0}
_COUNTRY_PRECISION_KM = 250.0
#: Kinds of populated places (GeoNames class P).
_TOWN_KINDS = frozenset({"city", "neighbourhood"})

_HEAD_BYTES = 1 << 16
#: Leading bytes of files that are not text: (what the file is, what to do).
_MAGIC = {
    b"PK\x03\x04": ("a zip archive", "unzip it and import the text file inside"),
    b"\x1f\x8b": ("gzip-compressed", "decompress it first"),
    b"SQLite format 3\x00": ("an SQLite database", "import the file it was made from"),
    b"%PDF": ("a PDF document", "export the table as UTF-8 text"),
    codecs.BOM_UTF16_LE: ("UTF-16 text", "save it as UTF-8"),
    codecs.BOM_UTF16_BE: ("UTF-16 text", "save it as UTF-8"),
}
_DUMP_KIND = "a GeoNames dump (tab-separated UTF-8 text)"
_TABLE_KIND = {
    ".csv": "a CSV gazetteer (UTF-8 text)",
    ".geojson": "a GeoJSON FeatureCollection (UTF-8 text)",
    ".json": "a GeoJSON FeatureCollection (UTF-8 text)",
}
_TABLE_FIELDS = (
    "id", "name", "lat", "lon", "aliases", "kind", "country", "admin1",
    "population", "precision_km", "source",
)  # fmt: skip
_GEOMETRY_TYPES = (
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
)  # fmt: skip


def data_dir() -> Path:
    """Folder for the user's gazetteer data.

    ``$GEO_DATA_DIR``, else ``$XDG_DATA_HOME/geo``, else ``~/.local/share/geo``.
    """
    if os.environ.get("GEO_DATA_DIR"):
        return Path(os.environ["GEO_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "geo"


def user_index_path() -> Path:
    """Where the user index lives: ``data_dir() / "user-gazetteer.sqlite"``."""
    return data_dir() / "user-gazetteer.sqlite"


@dataclass(frozen=True)
class ImportReport:
    """What an import did.

    ``imported`` places from ``source`` were written into ``index``.
    ``skipped`` corrupt lines were left out (GeoNames dumps only; a table is
    all or nothing); ``first_bad_lines`` are the first of them (at most
    :data:`MAX_REPORTED_LINES`) and ``problems`` says what was wrong with each,
    as ``"SY.txt:3: expected 19 tab-separated columns, found 4"``.
    ``warnings`` holds anything else worth telling (columns that were ignored).

    Examples
    --------
    >>> report = ImportReport(Path("SY.txt"), Path("user.sqlite"), 70233, 2, (3, 9))
    >>> print(report)
    imported 70233 places from SY.txt into user.sqlite; skipped 2 corrupt lines (3, 9)
    """

    source: Path
    index: Path
    imported: int
    skipped: int = 0
    first_bad_lines: tuple[int, ...] = ()
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"imported {_plural(self.imported, 'place')} from {self.source} into {self.index}"
        if self.skipped:
            lines = ", ".join(map(str, self.first_bad_lines))
            more = ", ..." if self.skipped > len(self.first_bad_lines) else ""
            text += f"; skipped {_plural(self.skipped, 'corrupt line')} ({lines}{more})"
        return text


# -- GeoNames dumps --------------------------------------------------------------------


def import_geonames(
    dump: str | Path,
    *,
    admin1_codes: str | Path | None = None,
    index: str | Path | None = None,
    progress: bool = False,
) -> ImportReport:
    """Import a GeoNames dump into the user index (default :func:`user_index_path`).

    ``dump`` is ``allCountries.txt`` or a country file such as ``SY.txt`` from
    https://download.geonames.org/export/dump/ (unzipped): UTF-8 text, one
    place a line, 19 tab-separated columns. It is read line by line, so a
    dump of millions of lines needs little memory. ``admin1_codes`` is
    ``admin1CodesASCII.txt`` from the same place: when given, the admin-1
    regions (feature code ``ADM1``) are also found by their short names
    ("Homs" for "Muḩāfaz̧at Ḩimş"). ``progress`` shows a progress bar on
    standard error.

    Every place gets the id ``geonames:<geonameid>`` (the built index's ids,
    so an imported place replaces the built one), its GeoNames feature code,
    its admin-1 code, and the source "GeoNames dump <file name>". Its names
    are the name, the ASCII name and the alternate names, less codes of up to
    four capitals (IATA codes such as "DEZ" are never names in prose). As in
    the built index, an admin region's name that is also the name of a town
    inside it scores 0.9, so "Homs" means the city first.

    The kind follows the feature code where the code names something news
    reports talk about, in the words of the curated supplement: PCL*
    ``country``, ADM1 to ADM5 ``admin1`` to ``admin5``, AIRB ``airbase``,
    AIRF and AIRP ``airport``, MILB and INSM ``military_base``, PSTB
    ``border_crossing``, MT, MTS, HLL and PK ``mountain``, STM ``river``, WAD
    and VAL ``valley``, LK ``lake``, PRN ``prison``, CMPRF ``camp`` and a few
    more (``_KIND_BY_CODE``). Any other populated place (class P) is a
    ``city`` (PPLX: ``neighbourhood``); any other code takes the word of its
    class: A ``area``, H ``water``, L ``region``, R ``road``, S ``site``, T
    ``terrain``, U ``undersea``, V ``vegetation``.

    ``precision_km``, the radius within which the place lies, is
    :func:`~geo.gazetteer_sources.town_radius_km` of the population for a
    populated place (2,000 people per km², at least 1 km). A dump has no
    extents, so for the rest it is a rule of thumb:

    =======================================  ============
    feature                                  precision_km
    =======================================  ============
    country (PCL*)                           250
    ADM1                                     50
    other class A, class L (regions)         25
    STM (rivers)                             25
    MTS (ranges), WAD, VAL (valleys)         10
    other class H (water), class U           5
    other class T (terrain), class V         2
    everything else (sites, roads, ...)      1
    =======================================  ============

    A corrupt line (not 19 columns, a geonameid, latitude, longitude or
    population that is not a number, a coordinate out of range, an empty
    name, bytes that are not UTF-8) is skipped; the report counts them and
    names the first ones.

    Raises
    ------
    InputFileError
        ``dump`` or ``admin1_codes`` is missing, unreadable or binary (a zip
        archive, for instance).
    GazetteerError
        No line is valid, or more than half of the lines are corrupt (the
        message names the first bad line and what is wrong with it), or the
        index cannot be written. The index is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> row = ["7910823", "Tiyas Military Airbase", "Tiyas Military Airbase", "Tiyas Airbase",
    ...        "34.5225", "37.6296", "S", "AIRB", "SY", "", "11", "", "", "", "0", "",
    ...        "547", "Asia/Damascus", "2017-03-20"]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     dump = Path(tmp) / "SY.txt"
    ...     _ = dump.write_text("\\t".join(row) + "\\n", encoding="utf-8")
    ...     report = import_geonames(dump, index=Path(tmp) / "user.sqlite")
    >>> report.imported, report.skipped
    (1, 0)
    """
    path = Path(dump)
    target = Path(index) if index else user_index_path()
    _refuse_binary(path, _read_head(path), _DUMP_KIND)
    regions = _admin1_names(Path(admin1_codes)) if admin1_codes else {}
    base = _base_index(target)
    source = f"GeoNames dump {path.name}"
    tally = _Tally(path)
    area_keys = _area_keys(path, regions)
    shared: set[int] = set()

    def records() -> Iterator[PlaceRecord]:
        # Everything but the admin regions, counting corrupt lines.
        for number, text, problem in _dump_lines(path):
            try:
                if problem:
                    raise _BadInput(problem)
                record = _dump_record(text.split("\t"), source, regions)
            except _BadInput as exc:
                tally.bad(number, str(exc))
                continue
            tally.good()
            if _is_admin_area(record):
                continue
            if record.kind in _TOWN_KINDS and area_keys:
                for name in record.names:
                    key = _place_key(record, name)
                    if key in area_keys:
                        shared.add(key)
            tally.imported += 1
            yield record
        tally.check()
        # Then the admin regions, whose names shared with a town inside them score lower.
        for _number, text, problem in _dump_lines(path, admin_areas_only=True):
            try:
                record = _dump_record(text.split("\t"), source, regions) if not problem else None
            except _BadInput:
                continue  # counted above
            if record is None or not _is_admin_area(record):
                continue
            record.name_scores = {
                n: SHARED_NAME_SCORE for n in record.names if _place_key(record, n) in shared
            }
            tally.imported += 1
            yield record

    write_index(
        target,
        records(),
        meta=_meta(path),
        base=base,
        progress=f"importing {path.name}" if progress else None,
    )
    return ImportReport(
        source=path,
        index=target,
        imported=tally.imported,
        skipped=tally.skipped,
        first_bad_lines=tuple(n for n, _ in tally.first),
        problems=tuple(f"{path}:{n}: {p}" for n, p in tally.first),
    )


class _BadInput(ValueError):
    """One line, row or feature that cannot be used; the message says why."""


class _Tally:
    """Good and corrupt lines of a dump, and the first corrupt ones."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0
        self.skipped = 0
        self.imported = 0
        self.first: list[tuple[int, str]] = []

    def good(self) -> None:
        self.lines += 1

    def bad(self, number: int, problem: str) -> None:
        self.lines += 1
        self.skipped += 1
        if len(self.first) < MAX_REPORTED_LINES:
            self.first.append((number, problem))

    def check(self) -> None:
        """Refuse a dump with no valid line or more corrupt lines than good ones."""
        if self.lines == 0:
            raise GazetteerError(f"{self.path}: no places in it (empty file); nothing was imported")
        if self.skipped == self.lines or 2 * self.skipped > self.lines:
            number, problem = self.first[0]
            raise GazetteerError(
                f"{self.path}:{number}: {problem} ({self.skipped} of {_plural(self.lines, 'line')}"
                f" are corrupt; a GeoNames dump has {GEONAMES_COLUMNS} tab-separated columns a"
                " line); nothing was imported"
            )


def _dump_lines(path: Path, *, admin_areas_only: bool = False) -> Iterator[tuple[int, str, str]]:
    """(line number, text, problem) of every non-blank line; problem is '' or why it is unusable."""
    with _open_binary(path) as f:
        for number, raw in enumerate(f, start=1):
            if admin_areas_only and b"\tA\tADM" not in raw:
                continue
            raw = raw.rstrip(b"\r\n")
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte, column = raw[exc.start], exc.start + 1
                yield number, "", f"not UTF-8 text (byte 0x{byte:02x} at column {column})"
                continue
            yield number, text, "NUL byte: binary data, not text" if "\0" in text else ""


def _dump_record(fields: list[str], source: str, regions: dict[str, list[str]]) -> PlaceRecord:
    if len(fields) != GEONAMES_COLUMNS:
        raise _BadInput(f"expected {GEONAMES_COLUMNS} tab-separated columns, found {len(fields)}")
    geonameid, name, ascii_name, alternates, lat, lon, fclass, fcode, country = fields[:9]
    admin1, population = fields[10].strip(), fields[14].strip()
    geonameid = geonameid.strip()
    if not (geonameid.isascii() and geonameid.isdigit()):
        raise _BadInput(f"geonameid {geonameid!r} is not a number")
    name = name.strip()
    if not name:
        raise _BadInput("empty name")
    fclass, fcode, country = fclass.strip(), fcode.strip(), country.strip().upper()
    if admin1 == "00":  # GeoNames' "no admin-1 region" (countries, seas)
        admin1 = ""
    names = [name, ascii_name.strip()]
    names += [a.strip() for a in alternates.split(",") if not is_code(a.strip())]
    if fcode == "ADM1":
        names += regions.get(f"{country}.{admin1}", [])
    people = _count(population, "population")
    return PlaceRecord(
        id=f"geonames:{geonameid}",
        name=name,
        kind=_geonames_kind(fclass, fcode),
        feature_code=fcode,
        country=country,
        admin1=admin1,
        lat=_coordinate(lat, "latitude", 90.0),
        lon=_coordinate(lon, "longitude", 180.0),
        population=people,
        precision_km=_geonames_precision_km(fclass, fcode, people),
        source=source,
        names=_unique(names),
        variant_names=2,  # the name and its ASCII form: alternates are in every language
    )


def _geonames_kind(fclass: str, fcode: str) -> str:
    if fclass == "P":
        return "neighbourhood" if fcode == "PPLX" else "city"
    if fcode.startswith("PCL"):
        return "country"
    return _KIND_BY_CODE.get(fcode) or _KIND_BY_CLASS.get(fclass) or fcode.lower() or "place"


def _geonames_precision_km(fclass: str, fcode: str, population: int) -> float:
    if fclass == "P":
        return town_radius_km(population)
    if fcode.startswith("PCL"):
        return _COUNTRY_PRECISION_KM
    return _PRECISION_BY_CODE.get(fcode) or _PRECISION_BY_CLASS.get(fclass, 1.0)


def _is_admin_area(record: PlaceRecord) -> bool:
    return record.feature_code.startswith("ADM") and record.kind.startswith("admin")


def _place_key(record: PlaceRecord, name: str) -> int:
    """A compact key for (country, admin-1 code, name key): a hash, to keep memory small."""
    return hash((record.country, record.admin1, name_key(name)))


def _area_keys(path: Path, regions: dict[str, list[str]]) -> set[int]:
    """The keys (see :func:`_place_key`) of every name of every valid admin region in ``path``."""
    keys = set()
    for _number, text, problem in _dump_lines(path, admin_areas_only=True):
        try:
            record = _dump_record(text.split("\t"), "", regions) if not problem else None
        except _BadInput:
            continue
        if record is not None and _is_admin_area(record):
            keys.update(_place_key(record, n) for n in record.names)
    return keys


def _admin1_names(path: Path) -> dict[str, list[str]]:
    """``admin1CodesASCII.txt``: {"SY.11": ["Homs", "Homs"], ...}."""
    text = _read_text(path, "GeoNames' admin1CodesASCII.txt (tab-separated UTF-8 text)")
    names = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) != 4 or "." not in fields[0]:
            raise GazetteerError(
                f"{path}:{number}: expected 4 tab-separated columns (CC.code, name, asciiname,"
                f" geonameid), found {len(fields)}: is this admin1CodesASCII.txt?"
            )
        names[fields[0].strip()] = [n.strip() for n in fields[1:3] if n.strip()]
    return names


# -- the user's own tables -------------------------------------------------------------


def import_table(path: str | Path, *, index: str | Path | None = None) -> ImportReport:
    """Import the user's own gazetteer, a CSV or GeoJSON file, into the user index.

    The format comes from the extension:

    ``.csv``
        UTF-8, comma-separated, with a header line. Required columns ``name``,
        ``lat``, ``lon`` (WGS 84 degrees); optional ``aliases`` (separated by
        ``|``), ``kind`` (default ``place``), ``country`` (ISO 3166-1 alpha-2),
        ``admin1``, ``population``, ``precision_km``, ``source``, ``id``.
        Other columns are ignored (the report's ``warnings`` lists them).
    ``.geojson``, ``.json``
        A FeatureCollection. Each feature's geometry is a Point, LineString,
        Polygon or one of their Multi- forms, and its properties hold
        ``name`` (required) and the optional fields above, ``aliases`` as a
        list or a ``|``-separated string (``id`` may also be the feature's
        own ``id``). The point of a line or area is a point on or inside it;
        the line or area itself is kept for the map.

    A place without an ``id`` gets ``user:<file name>:<row or feature
    number>`` (``user:camps.csv:1``; the name with its extension, so that
    ``places.csv`` and ``places.geojson`` do not share ids). Importing the
    file again replaces its places; an ``id`` of the built index
    (``geonames:163808``) replaces that place. ``precision_km`` defaults to
    the radius of the extent of a line or area, else to
    :func:`~geo.gazetteer_sources.town_radius_km` of the population (1 km
    when none is given); ``source`` to "user table <file name>".

    The import is all or nothing: a malformed row or feature raises
    :class:`GazetteerError` naming the file, the line (CSV) or the feature
    number (GeoJSON) and what is wrong, and the index is not touched.

    Raises
    ------
    InputFileError
        The file is missing, unreadable, not UTF-8 text, or has another extension.
    GazetteerError
        A row or feature is malformed, or the index cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     table = Path(tmp) / "camps.csv"
    ...     _ = table.write_text("name,lat,lon,kind,aliases\\n"
    ...                          "Al-Hol camp,36.3747,41.1483,camp,al-Hawl camp|Hol camp\\n")
    ...     report = import_table(table, index=Path(tmp) / "user.sqlite")
    >>> report.imported
    1
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _TABLE_KIND:
        hint = "; a GeoNames dump (.txt) goes through import_geonames" if suffix == ".txt" else ""
        raise InputFileError(
            f"{path}: cannot import a {suffix or 'file without an extension'} file; import a .csv"
            f" (columns name, lat, lon, ...) or a .geojson FeatureCollection{hint}"
        )
    text = _read_text(path, _TABLE_KIND[suffix])
    read = _csv_records if suffix == ".csv" else _geojson_records
    records, warnings = read(path, text)
    if not records:
        raise GazetteerError(f"{path}: no places in it; nothing was imported")
    target = Path(index) if index else user_index_path()
    write_index(target, records, meta=_meta(path), base=_base_index(target))
    return ImportReport(source=path, index=target, imported=len(records), warnings=warnings)


def _csv_records(path: Path, text: str) -> tuple[list[PlaceRecord], tuple[str, ...]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise GazetteerError(
                f"{path}: empty file; a CSV gazetteer needs a header line naming name, lat, lon"
            )
        columns = [c.strip().lower() for c in header]
        _check_header(path, columns)
        ignored = [c for c in columns if c not in _TABLE_FIELDS]
        warnings = (f"{path}: columns ignored: {', '.join(ignored)}",) if ignored else ()
        records: list[PlaceRecord] = []
        first_line: dict[str, int] = {}
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            try:
                if len(fields) != len(columns):
                    raise _BadInput(f"{len(fields)} fields, the header has {len(columns)}")
                row = dict(zip(columns, fields, strict=True))
                record = _user_record(
                    row,
                    default_id=f"user:{path.name}:{len(records) + 1}",
                    source=f"user table {path.name}",
                    lat=_coordinate(row["lat"], "lat", 90.0),
                    lon=_coordinate(row["lon"], "lon", 180.0),
                )
                if record.id in first_line:
                    raise _BadInput(f"id {record.id!r} is used on line {first_line[record.id]} too")
            except _BadInput as exc:
                raise GazetteerError(f"{path}:{line}: {exc}; nothing was imported") from None
            first_line[record.id] = line
            records.append(record)
    except csv.Error as exc:
        raise GazetteerError(f"{path}:{reader.line_num}: not valid CSV ({exc})") from None
    return records, warnings


def _check_header(path: Path, columns: list[str]) -> None:
    missing = [c for c in ("name", "lat", "lon") if c not in columns]
    if missing:
        hint = " (the file seems to use ';': save it comma-separated)" if ";" in columns[0] else ""
        raise GazetteerError(
            f"{path}:1: the header has no {', '.join(missing)} column; it must name at least"
            f" name, lat, lon{hint}"
        )
    doubled = sorted({c for c in columns if c and columns.count(c) > 1})
    if doubled:
        raise GazetteerError(f"{path}:1: the header names {', '.join(doubled)} twice")


def _geojson_records(path: Path, text: str) -> tuple[list[PlaceRecord], tuple[str, ...]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GazetteerError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
        ) from None
    is_collection = isinstance(data, dict) and data.get("type") == "FeatureCollection"
    features = data.get("features") if is_collection else None
    if not isinstance(features, list):
        raise GazetteerError(
            f'{path}: not a GeoJSON FeatureCollection (an object with "type":'
            ' "FeatureCollection" and a "features" list)'
        )
    records: list[PlaceRecord] = []
    first_feature: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        try:
            record = _feature_record(feature, path, number)
            if record.id in first_feature:
                raise _BadInput(
                    f"id {record.id!r} is used by feature {first_feature[record.id]} too"
                )
        except _BadInput as exc:
            raise GazetteerError(
                f"{path}: feature {number}{_feature_label(feature)}: {exc}; nothing was imported"
            ) from None
        first_feature[record.id] = number
        records.append(record)
    return records, ()


def _feature_label(feature: object) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    return f" ({name!r})" if isinstance(name, str) and name.strip() else ""


def _feature_record(feature: object, path: Path, number: int) -> PlaceRecord:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _BadInput('not a Feature (an object with "type": "Feature")')
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        raise _BadInput("properties must be an object")
    if props.get("id") in (None, "") and feature.get("id") is not None:
        props = {**props, "id": feature["id"]}  # RFC 7946 puts a feature's id beside properties
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise _BadInput("no geometry")
    kind = geometry.get("type")
    if kind not in _GEOMETRY_TYPES:
        raise _BadInput(
            f"geometry type {kind!r} is not supported; use Point, LineString, Polygon or"
            " their Multi- forms"
        )
    try:
        geom = shape(geometry)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ShapelyError) as exc:
        raise _BadInput(f"{kind} coordinates are malformed ({exc})") from None
    if geom.is_empty:
        raise _BadInput(f"the {kind} has no coordinates")
    west, south, east, north = geom.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise _BadInput(
            "coordinates out of range: GeoJSON is WGS 84 [longitude, latitude], longitude"
            " -180..180, latitude -90..90"
        )
    if not geom.is_valid:
        raise _BadInput(f"the {kind} is not valid ({explain_validity(geom)})")
    point = inner_point(geom)
    is_point = kind == "Point"
    return _user_record(
        props,
        default_id=f"user:{path.name}:{number}",
        source=f"user table {path.name}",
        lat=round(point.y, 5) if not is_point else point.y,
        lon=round(point.x, 5) if not is_point else point.x,
        bbox=None if is_point else geom.bounds,
        geometry=None if is_point else {"type": kind, "coordinates": geometry["coordinates"]},
        extent_km=None if is_point else max(1.0, radius_km(geom.bounds)),
    )


def _user_record(
    fields: dict,
    *,
    default_id: str,
    source: str,
    lat: float,
    lon: float,
    bbox: tuple[float, float, float, float] | None = None,
    geometry: dict | None = None,
    extent_km: float | None = None,
) -> PlaceRecord:
    """A record from a CSV row or GeoJSON properties; raises :class:`_BadInput`."""
    name = _text(fields.get("name"), "name")
    if not name:
        raise _BadInput("no name")
    country = _text(fields.get("country"), "country").upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise _BadInput(f"country {country!r} is not an ISO 3166-1 alpha-2 code such as SY")
    population = _count(fields.get("population"), "population")
    precision = _float(fields.get("precision_km"), "precision_km")
    if precision is not None and precision <= 0:
        raise _BadInput(f"precision_km {precision} is not a positive number of kilometres")
    return PlaceRecord(
        id=_text(fields.get("id"), "id", numbers=True) or default_id,
        name=name,
        kind=_text(fields.get("kind"), "kind").lower() or "place",
        country=country,
        admin1=_text(fields.get("admin1"), "admin1", numbers=True),
        lat=lat,
        lon=lon,
        population=population,
        precision_km=precision or extent_km or town_radius_km(population),
        bbox=bbox,
        geometry=geometry,
        source=_text(fields.get("source"), "source") or source,
        names=_unique([name, *_aliases(fields.get("aliases"))]),
    )


# -- values ----------------------------------------------------------------------------


def _text(value: object, what: str, *, numbers: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _BadInput(f"{what} must be text, not {json.dumps(value)}")


def _aliases(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in value.split("|")]
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return [a.strip() for a in value]
    raise _BadInput("aliases must be a list of names or one text with names separated by '|'")


def _float(value: object, what: str) -> float | None:
    """A finite number, or None for an empty value; raises :class:`_BadInput`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _BadInput(f"{what} {json.dumps(value)} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise _BadInput(f"{what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise _BadInput(f"{what} {value!r} is not a finite number")
    return number


def _coordinate(value: object, what: str, limit: float) -> float:
    number = _float(value, what)
    if number is None:
        raise _BadInput(f"no {what}")
    if not -limit <= number <= limit:
        raise _BadInput(f"{what} {number} is out of range (-{limit:g} to {limit:g})")
    return number


def _count(value: object, what: str) -> int:
    number = _float(value, what)
    if number is None:
        return 0
    if number < 0 or not number.is_integer():
        raise _BadInput(f"{what} {value!r} is not a whole number of 0 or more")
    return int(number)


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n and any(c.isalpha() for c in n)))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# -- files -----------------------------------------------------------------------------


def _open_binary(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: a folder, not a file") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read it ({exc.strerror or exc})") from exc


def _read_head(path: Path) -> bytes:
    with _open_binary(path) as f:
        try:
            return f.read(_HEAD_BYTES)
        except OSError as exc:
            raise InputFileError(f"{path}: cannot read it ({exc.strerror or exc})") from exc


def _read_text(path: Path, expected: str) -> str:
    """The whole file as text; :class:`InputFileError` when it is not UTF-8 text."""
    with _open_binary(path) as f:
        try:
            data = f.read()
        except OSError as exc:
            raise InputFileError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    _refuse_binary(path, data, expected)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); {expected}"
            " must be saved as UTF-8"
        ) from None


def _refuse_binary(path: Path, data: bytes, expected: str) -> None:
    for magic, (what, advice) in _MAGIC.items():
        if data.startswith(magic):
            raise InputFileError(f"{path}: {what}, not {expected}; {advice}")
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputFileError(f"{path}:{line}: NUL byte: a binary file, not {expected}")


def _base_index(target: Path) -> Path | None:
    """``target`` when it is a usable index to start from, None when there is none yet."""
    if not target.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as db:
            check_schema(db)
    except sqlite3.DatabaseError as exc:
        raise GazetteerError(
            f"{target}: not a usable gazetteer index ({exc}); move it away and import again"
        ) from exc
    return target


def _meta(path: Path) -> dict[str, str]:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return {"origin": "user", "schema": str(SCHEMA_VERSION), f"imported {path.name}": now}
