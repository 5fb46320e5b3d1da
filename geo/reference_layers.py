"""Curated, sourced GeoJSON layers that users drop into ``data/layers/``.

A reference layer is a GeoJSON FeatureCollection file with two extra
top-level members, ``"name"`` (what the layer shows) and ``"source"`` (a URL
or citation), and optionally ``"date"`` (when it held, ``"2017-05"``). They
are read from the repository's ``data/layers/`` and from ``layers/`` in the
user's data folder (:func:`geo.gazetteer_import.data_dir`); a user file with
the same file name replaces the bundled one. ``data/layers/README.md`` has
the rules for writing one.

Examples
--------
>>> features, warnings = load_reference_layers(BUNDLED_FOLDER)
>>> sorted({f["properties"]["reference"] for f in features})
['Al-Tanf deconfliction zone (55 km)']
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from shapely.geometry import LinearRing, MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid

from geo.errors import ReferenceLayerError
from geo.gazetteer_import import data_dir
from geo.geometry import orient_ccw

__all__ = [
    "BUNDLED_FOLDER",
    "GEOMETRY_TYPES",
    "layer_folders",
    "load_reference_layer",
    "load_reference_layers",
]

#: The reference layers that ship with ``geo``.
BUNDLED_FOLDER = Path(__file__).resolve().parent.parent / "data" / "layers"

#: Geometry types a reference feature may have, with how deep their positions are nested.
GEOMETRY_TYPES = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_WGS84_CRS_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326")


def layer_folders() -> list[Path]:
    """The folders read by default: the bundled one, then the user's ``layers/``.

    Examples
    --------
    >>> layer_folders()[0].name
    'layers'
    """
    return [BUNDLED_FOLDER, data_dir() / "layers"]


def load_reference_layers(folder: Path | None = None) -> tuple[list[dict], list[str]]:
    """The features of every ``*.geojson`` in ``folder`` (default: :func:`layer_folders`).

    Files are read in file-name order with :func:`load_reference_layer`. A file
    that cannot be used is skipped and its error message joins the warnings,
    so a bad file never stops the caller. With the default folders, a missing
    folder is skipped quietly and a user file replaces a bundled file of the
    same name; an explicit ``folder`` that does not exist gives a warning.

    Returns
    -------
    tuple of (list of dict, list of str)
        GeoJSON Feature objects, and warnings naming the file and feature.

    Examples
    --------
    >>> from pathlib import Path
    >>> load_reference_layers(Path("no-such-folder"))
    ([], ['no-such-folder: no such folder of reference layers'])
    """
    warnings: list[str] = []
    if folder is not None and not Path(folder).is_dir():
        return [], [f"{folder}: no such folder of reference layers"]
    folders = [Path(folder)] if folder is not None else layer_folders()
    files = {p.name: p for f in folders if f.is_dir() for p in sorted(f.glob("*.geojson"))}
    features: list[dict] = []
    for name in sorted(files):
        try:
            found, notes = load_reference_layer(files[name])
        except ReferenceLayerError as error:
            warnings.append(f"{error} (file skipped)")
            continue
        features.extend(found)
        warnings.extend(notes)
    return features, warnings


def load_reference_layer(path: Path) -> tuple[list[dict], list[str]]:
    """The features of one reference layer file, checked and repaired, and the repair warnings.

    Every feature keeps its own properties and gets ``layer="reference"``,
    ``reference`` (the file's ``name``), ``source`` (its own ``source``
    property if it has one, else the file's), ``date`` (its own ``date``
    property, else the file's, else None), ``confidence=1.0``, and
    ``article``, ``passage``, ``start``, ``end`` set to None; ``name``
    defaults to the file's ``name``.

    Raises
    ------
    ReferenceLayerError
        Naming the file (and feature) if it cannot be read, is not JSON, is not
        a FeatureCollection, lacks ``name`` or ``source``, declares a CRS other
        than WGS84, or has a feature with no geometry, an unsupported geometry
        type, malformed or out-of-range positions, a line or ring too short, or
        a polygon no repair keeps polygonal.

    Repaired, with a warning: unclosed rings (closed), self-intersecting
    polygons (:func:`shapely.make_valid`), rings wound the wrong way
    (exteriors made counter-clockwise, holes clockwise, as RFC 7946 asks).

    Examples
    --------
    >>> tanf = BUNDLED_FOLDER / "tanf-deconfliction-zone.geojson"
    >>> features, warnings = load_reference_layer(tanf)
    >>> props = features[0]["properties"]
    >>> props["layer"], props["date"], props["confidence"], warnings
    ('reference', '2017-05', 1.0, [])
    """
    path = Path(path)
    doc = _read(path)
    file = path.name
    layer_name, source = (_required_string(doc, key, file) for key in ("name", "source"))
    date = doc.get("date")
    if date is not None and not isinstance(date, str):
        raise ReferenceLayerError(
            f'{file}: "date" must be a string such as "2017-05", not {date!r}'
        )
    features = doc.get("features")
    if not isinstance(features, list):
        raise ReferenceLayerError(f'{file}: "features" must be a list of Feature objects')
    out: list[dict] = []
    warnings: list[str] = []
    for i, feature in enumerate(features):
        where = f"{file}: feature {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ReferenceLayerError(f'{where}: not a Feature object ("type": "Feature")')
        props = feature.get("properties")
        props = {} if props is None else props
        if not isinstance(props, dict):
            raise ReferenceLayerError(f'{where}: "properties" must be an object or null')
        geometry, notes = _checked_geometry(feature.get("geometry"), where)
        warnings.extend(notes)
        properties = {"name": layer_name, **props}
        properties.update(
            layer="reference",
            reference=layer_name,
            source=props.get("source") or source,
            article=None,
            passage=None,
            start=None,
            end=None,
            date=props.get("date") or date,
            confidence=1.0,
            claim="reference",
            actor=props.get("actor"),  # an actor id, when the layer is someone's (a front line)
        )
        checked = {"type": "Feature", "geometry": geometry, "properties": properties}
        if "id" in feature:
            checked["id"] = feature["id"]
        out.append(checked)
    return out, warnings


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReferenceLayerError(f"{path.name}: not UTF-8 text; save it as UTF-8") from error
    except OSError as error:
        raise ReferenceLayerError(f"{path.name}: cannot read it ({error.strerror})") from error
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReferenceLayerError(
            f"{path.name}: not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from error
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ReferenceLayerError(
            f'{path.name}: not a GeoJSON FeatureCollection (needs "type": "FeatureCollection")'
        )
    crs = doc.get("crs")
    crs_name = ((crs.get("properties") or {}) if isinstance(crs, dict) else {}).get("name")
    if crs is not None and crs_name not in _WGS84_CRS_NAMES:
        raise ReferenceLayerError(
            f"{path.name}: declares a CRS other than WGS84 longitude/latitude; "
            "export it as EPSG:4326 GeoJSON"
        )
    return doc


def _required_string(doc: dict, key: str, file: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        what = "a title for the layer" if key == "name" else "a URL or citation for the data"
        raise ReferenceLayerError(f'{file}: missing the top-level "{key}" member ({what})')
    return value.strip()


def _checked_geometry(geometry: object, where: str) -> tuple[dict, list[str]]:
    if not isinstance(geometry, dict):
        raise ReferenceLayerError(f"{where}: has no geometry (a reference feature needs one)")
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        known = ", ".join(GEOMETRY_TYPES)
        raise ReferenceLayerError(f"{where}: unknown geometry type {kind!r} (use one of {known})")
    coords = geometry.get("coordinates")
    _check_positions(coords, GEOMETRY_TYPES[kind], where)
    if kind in ("LineString", "MultiLineString"):
        for line in [coords] if kind == "LineString" else coords:
            if len(line) < 2:
                raise ReferenceLayerError(f"{where}: a line needs at least 2 positions")
    if kind not in ("Polygon", "MultiPolygon"):
        return {"type": kind, "coordinates": coords}, []
    return _checked_polygons(kind, coords, where)


def _check_positions(coords: object, depth: int, where: str) -> None:
    if depth:
        if not isinstance(coords, list) or not coords:
            raise ReferenceLayerError(f"{where}: coordinates are not nested lists of positions")
        for item in coords:
            _check_positions(item, depth - 1, where)
        return
    if (
        not isinstance(coords, list)
        or len(coords) not in (2, 3)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in coords)
        or not all(math.isfinite(v) for v in coords)
    ):
        raise ReferenceLayerError(f"{where}: position {coords!r} is not [lon, lat] numbers")
    lon, lat = coords[0], coords[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        swapped = -90 <= lon <= 90 and -180 <= lat <= 180
        hint = "; it looks like [lat, lon], but GeoJSON is [lon, lat]" if swapped else ""
        raise ReferenceLayerError(
            f"{where}: position {coords} out of range (longitude -180..180, latitude -90..90){hint}"
        )


def _checked_polygons(kind: str, coords: list, where: str) -> tuple[dict, list[str]]:
    warnings: list[str] = []
    polygons = [coords] if kind == "Polygon" else coords
    for p, rings in enumerate(polygons):
        for j, ring in enumerate(rings):
            label = f"ring {j}" if kind == "Polygon" else f"polygon {p} ring {j}"
            if ring[0] != ring[-1]:
                ring.append(list(ring[0]))
                warnings.append(f"{where}: {label} was not closed; closed it")
            if len(ring) < 4:
                raise ReferenceLayerError(f"{where}: {label} needs at least 3 distinct positions")
    geometry: BaseGeometry = shape({"type": kind, "coordinates": coords})
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        geometry = _polygonal(make_valid(geometry))
        if geometry.is_empty:
            raise ReferenceLayerError(f"{where}: invalid polygon ({reason}) with no area to keep")
        warnings.append(
            f"{where}: invalid polygon ({reason}); repaired with make_valid as a "
            f"{geometry.geom_type}"
        )
    elif _wrong_winding(polygons):
        warnings.append(
            f"{where}: rings wound the wrong way; re-oriented (exterior counter-clockwise, "
            "holes clockwise)"
        )
    else:
        return {"type": kind, "coordinates": coords}, warnings
    return _as_lists(dict(mapping(orient_ccw(geometry)))), warnings


def _wrong_winding(polygons: list) -> bool:
    return any(
        LinearRing(ring).is_ccw != (j == 0) for rings in polygons for j, ring in enumerate(rings)
    )


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    parts: list[Polygon] = []
    for part in getattr(geometry, "geoms", [geometry]):
        if isinstance(part, Polygon):
            parts.append(part)
        elif isinstance(part, MultiPolygon):
            parts.extend(part.geoms)
    parts = [p for p in parts if not p.is_empty]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _as_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(v) for v in value]
    return value
