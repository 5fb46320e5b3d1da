"""Write the results of a corpus run as numbered partition files, each whole or not at all.

``geo parse --partitions DIR`` and ``geo layers --partitions DIR`` write
``DIR/part-00000.EXT``, ``DIR/part-00001.EXT``, ...: partition ``k`` holds the
results of input articles ``k * size`` to ``k * size + size - 1``, in input
order, so the files sorted by name are the corpus in order (five digits, more
past 99999 partitions). Each file is written under a hidden temporary name
(``.part-00000.EXT.tmp``) and renamed when complete, so a file that exists is
whole; a run that fails leaves the partitions before the failure.

* JSONL (``geo parse``): one record per line, as ``geo parse`` writes them.
* GeoParquet (``geo layers``): one row per feature, WKB geometry in WGS84
  (EPSG:4326), the properties as columns (:data:`LAYER_COLUMNS`, each with one
  type in every partition, null where a feature has no such property; lists
  and objects such as ``mentions`` and ``places`` as JSON text) and the
  feature's id as ``feature_id``. The files open in QGIS and in
  ``geopandas.read_parquet``, one by one or as a folder (which skips files
  whose names start with ``_`` or ``.``: the CLI writes the reference layers,
  the same for every article, once, as ``_reference.parquet``).

Examples
--------
>>> import json, tempfile
>>> records = [{"id": i, "toponyms": []} for i in "abc"]
>>> with tempfile.TemporaryDirectory() as folder:
...     paths = write_jsonl_partitions(records, Path(folder) / "out", size=2)
...     [(p.name, [json.loads(line)["id"] for line in p.open()]) for p in paths]
[('part-00000.jsonl', ['a', 'b']), ('part-00001.jsonl', ['c'])]
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.errors import GeoJSONError, InputFileError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "LAYER_COLUMNS",
    "features_frame",
    "partition_folder",
    "write_geoparquet",
    "write_jsonl_partitions",
    "write_parquet_partitions",
]

#: The columns of a layers partition and their Arrow types, in order: the feature's id,
#: then the properties of :mod:`geo.layers` (``json``: lists and objects as JSON text).
#: A property not listed here becomes a column after these, its type read from its values.
LAYER_COLUMNS: dict[str, str] = {
    "feature_id": "string",
    "layer": "string",
    "claim": "string",
    "article": "string",
    "article_title": "string",
    "date": "string",
    "date_stated": "bool",
    "passage": "string",
    "passage_start": "int64",
    "passage_end": "int64",
    "start": "int64",
    "end": "int64",
    "text": "string",
    "confidence": "double",
    "actor": "string",
    "actor_name": "string",
    "colour": "string",
    "source": "string",
    "cue": "string",
    "hedged": "bool",
    "corrected": "bool",
    "movement": "string",
    "direction": "string",
    "path": "bool",
    "target": "string",
    "places": "json",
    "id": "string",
    "name": "string",
    "gazetteer_id": "string",
    "kind": "string",
    "country": "string",
    "mentions": "json",
    "distance_km": "double",
    "qualifier": "string",
    "stated_km": "double",
    "measured_km": "double",
    "stated_bearing": "double",
    "measured_bearing": "double",
    "distance_consistent": "bool",
    "bearing_consistent": "bool",
    "consistent": "bool",
}

_T = TypeVar("_T")


def partition_folder(folder: str | Path) -> Path:
    """``folder``, made if missing; refused unless it is empty (a run never mixes with another).

    Raises
    ------
    InputFileError
        ``folder`` is a file, cannot be made, or holds files already.
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        taken = next(path.iterdir(), None)
    except OSError as exc:
        raise InputFileError(
            f"{folder}: cannot be used as a partition folder ({exc.strerror})"
        ) from exc
    if taken is not None:
        raise InputFileError(
            f"{folder}: the partition folder is not empty (it holds {taken.name});"
            " give a new or empty folder"
        )
    return path


def write_jsonl_partitions(records: Iterable[dict], folder: str | Path, *, size: int) -> list[Path]:
    """Write ``records`` as ``folder/part-NNNNN.jsonl``, ``size`` records a file; return the paths.

    Raises
    ------
    InputFileError
        The folder is not empty or cannot be written.
    """

    def write(part: list[dict], path: Path) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for record in part:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    return _partitions(records, folder, size, ".jsonl", write)


def write_parquet_partitions(
    collections: Iterable[dict], folder: str | Path, *, size: int
) -> list[Path]:
    """Write each ``size`` articles' FeatureCollections as ``folder/part-NNNNN.parquet``.

    One row per feature (see :func:`features_frame`); a partition whose
    articles have no features is an empty table with every column. Returns
    the paths, in order.

    Raises
    ------
    InputFileError
        The folder is not empty or cannot be written.
    GeoJSONError
        A property does not fit its column's type.
    """

    def write(part: list[dict], path: Path) -> None:
        _write_frame([f for fc in part for f in fc["features"]], path)

    return _partitions(collections, folder, size, ".parquet", write)


def write_geoparquet(features: list[dict], path: str | Path) -> None:
    """Write ``features`` as one GeoParquet file (see :func:`features_frame`), atomically."""
    _atomic(Path(path), lambda tmp: _write_frame(features, tmp))


def features_frame(features: list[dict]) -> gpd.GeoDataFrame:
    """GeoJSON features as a GeoDataFrame in EPSG:4326 with the columns of :data:`LAYER_COLUMNS`.

    Examples
    --------
    >>> feature = {"type": "Feature", "id": "a:place",
    ...            "geometry": {"type": "Point", "coordinates": [37.16, 36.2]},
    ...            "properties": {"layer": "place", "article": "a", "start": 3, "end": 9,
    ...                           "date": "2017-06-02", "confidence": 0.9, "mentions": [],
    ...                           "note": "not a layers property"}}
    >>> frame = features_frame([feature])
    >>> frame.crs.to_epsg(), frame.loc[0, "feature_id"], frame.loc[0, "mentions"]
    (4326, 'a:place', '[]')
    >>> frame.loc[0, "start"], frame.loc[0, "note"], list(frame.columns[-2:])
    (3, 'not a layers property', ['note', 'geometry'])
    """
    import geopandas as gpd
    import pandas as pd
    import pyarrow as pa
    from shapely.geometry import shape

    rows = [{"feature_id": f.get("id"), **(f.get("properties") or {})} for f in features]
    columns = {}
    for name in dict.fromkeys([*LAYER_COLUMNS, *(k for row in rows for k in row)]):
        values = [row.get(name) for row in rows]
        try:
            array = _arrow(values, LAYER_COLUMNS.get(name))
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise GeoJSONError(f"property {name!r} cannot be a column: {exc}") from exc
        columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(array))
    geometry = [shape(f["geometry"]) if f.get("geometry") else None for f in features]
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326"
    )


def _arrow(values: list, kind: str | None):
    """An Arrow array of ``values``: of type ``kind``, or (None) of the one type they have,
    else JSON text."""
    import pyarrow as pa

    as_json = pa.array([None if v is None else _json(v) for v in values], type=pa.string())
    if kind == "json" or (kind is None and any(isinstance(v, list | dict) for v in values)):
        return as_json
    if kind is not None:
        return pa.array(values, type=pa.type_for_alias(kind))
    try:
        return pa.array(values)
    except pa.ArrowException:  # mixed types ("12", 12) in a property of a curated layer
        return as_json


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _write_frame(features: list[dict], path: Path) -> None:
    features_frame(features).to_parquet(path, index=False)


def _partitions(
    items: Iterable[_T],
    folder: str | Path,
    size: int,
    suffix: str,
    write: Callable[[list[_T], Path], None],
) -> list[Path]:
    if size < 1:
        raise ValueError(f"size must be 1 or more, not {size}")
    path = partition_folder(folder)
    it = iter(items)
    written = []
    for number in itertools.count():
        part = list(itertools.islice(it, size))
        if not part:
            break
        target = path / f"part-{number:05d}{suffix}"
        _atomic(target, lambda tmp, part=part: write(part, tmp))
        written.append(target)
    return written


def _atomic(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then rename it ``target``."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputFileError(f"{target}: cannot be written ({exc.strerror or exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
