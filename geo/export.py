"""Stage 7: exports of what the reader sees: GeoJSON, GeoPackage and a CSV of mentions.

Each takes the FeatureCollection the map shows (layers chosen, corrections
applied) and returns the file's bytes or text, for a download button or a
file.

Examples
--------
>>> fc = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.27, 34.56]},
...      "properties": {"layer": "place", "name": "Tadmur", "article": "a", "date": None,
...                     "article_title": "T", "kind": "city", "country": "SY",
...                     "id": "geonames:170592", "corrected": False,
...                     "mentions": [{"start": 5, "end": 12, "name": "Palmyra",
...                                   "passage": "Near Palmyra.", "confidence": 0.9,
...                                   "literal": True, "corrected": False}]}},
...     {"type": "Feature", "geometry": None, "properties": {"layer": "route"}}]}
>>> [f["properties"]["layer"] for f in only_layers(fc, {"place"})["features"]]
['place']
>>> print(mentions_csv(fc).splitlines()[1])
a,T,,Palmyra,5,12,Tadmur,geonames:170592,city,SY,34.56,38.27,0.9,true,false,Near Palmyra.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

from geo.layers import write_geopackage

__all__ = ["MENTION_COLUMNS", "geojson_text", "geopackage_bytes", "mentions_csv", "only_layers"]

#: The columns of :func:`mentions_csv`, in order.
MENTION_COLUMNS = (
    "article",
    "article_title",
    "date",
    "name",
    "start",
    "end",
    "place",
    "place_id",
    "kind",
    "country",
    "lat",
    "lon",
    "confidence",
    "literal",
    "corrected",
    "passage",
)


def only_layers(fc: dict, layers: Iterable[str]) -> dict:
    """``fc`` with the features of ``layers`` only (the layers switched on)."""
    keep = set(layers)
    features = [f for f in fc["features"] if f["properties"].get("layer") in keep]
    return {**fc, "features": features}


def geojson_text(fc: dict) -> str:
    """RFC 7946 GeoJSON text of ``fc`` (UTF-8, not ASCII-escaped)."""
    return json.dumps(fc, ensure_ascii=False)


def geopackage_bytes(fc: dict) -> bytes:
    """A GeoPackage of ``fc``, one table per layer (see :func:`geo.layers.write_geopackage`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "layers.gpkg"
        write_geopackage(fc, path)
        return path.read_bytes()


def mentions_csv(fc: dict) -> str:
    """One CSV row per mention of every place feature of ``fc``, in text order per article.

    Text that a spreadsheet would read as a formula gets a leading ``'``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MENTION_COLUMNS)
    for feature in fc["features"]:
        props = feature["properties"]
        if props.get("layer") != "place":
            continue
        lon, lat = feature["geometry"]["coordinates"][:2]
        for m in props["mentions"]:
            writer.writerow(
                _cell(v)
                for v in [
                    props["article"],
                    props.get("article_title") or "",
                    props.get("date") or "",
                    m["name"],
                    m["start"],
                    m["end"],
                    props["name"],
                    props["id"],
                    props.get("kind", ""),
                    props.get("country", ""),
                    lat,
                    lon,
                    m.get("confidence", ""),
                    str(m.get("literal", True)).lower(),
                    str(m.get("corrected", False)).lower(),
                    " ".join(m["passage"].split()),
                ]
            )
    return out.getvalue()


def _cell(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula ("=HYPERLINK(...)" in an article).

    Examples
    --------
    >>> _cell("=1+1"), _cell("Aleppo"), _cell(3)
    ("'=1+1", 'Aleppo', 3)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
