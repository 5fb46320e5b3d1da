"""Stage 6b: many articles at once: their layers, kept in the library, and places aggregated.

Parsing is the slow part (tens of milliseconds an article), so each article's
layers are kept in the library under a key made of the code and data that
drew them and the corrections in force: they are computed once, and again
only when one of those changes (:func:`library_layers`). :func:`corpus_places`
then merges the place features of many articles into one point per place,
with every mention and the article it comes from.

Examples
--------
>>> a = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.27, 34.56]},
...      "properties": {"layer": "place", "id": "g:1", "name": "Tadmur", "kind": "city",
...                     "country": "SY", "article": "a", "article_title": "A",
...                     "date": "2017-06-02", "passage": "In Palmyra.", "start": 3, "end": 10,
...                     "confidence": 0.8, "corrected": False,
...                     "mentions": [{"name": "Palmyra", "start": 3, "end": 10}]}}
>>> b = {**a, "properties": {**a["properties"], "article": "b", "date": "2017-07-01"}}
>>> fc = corpus_places([{"features": [a]}, {"features": [b]}])
>>> p = fc["features"][0]["properties"]
>>> p["count"], [m["article"] for m in p["mentions"]], p["date"]
(2, ['a', 'b'], '2017-06-02')
>>> len(corpus_places([{"features": [a]}, {"features": [b]}], end="2017-06-30")["features"][0]
...     ["properties"]["mentions"])
1
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from geo.actors import ActorBook, user_actors_path
from geo.corrections import apply_corrections
from geo.gazetteer import Gazetteer
from geo.gazetteer_build import source_fingerprint
from geo.gazetteer_import import user_index_path
from geo.layers import article_layers
from geo.pipeline import parse_article
from geo.store import Correction, Library

__all__ = [
    "code_fingerprint",
    "corpus_places",
    "in_dates",
    "layers_key",
    "library_layers",
    "user_inputs_stamp",
]

_ROOT = Path(__file__).resolve().parent.parent
#: What draws layers: the code, and the data it reads besides the gazetteer index.
_INPUTS = ("geo/*.py", "data/actors/*", "data/language/*", "data/models/*")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code and data that draw layers (see :data:`_INPUTS`) and of the
    gazetteer's sources."""
    digest = hashlib.sha256(source_fingerprint().encode())
    for pattern in _INPUTS:
        for path in sorted(_ROOT.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def user_inputs_stamp() -> str:
    """What the user's own files that draw layers look like now: their imported places
    and their actor file (modification time and size; "-" for a missing file)."""
    stamps = []
    for path in (user_index_path(), user_actors_path()):
        stat = path.stat() if path.is_file() else None
        stamps.append(f"{stat.st_mtime_ns}-{stat.st_size}" if stat else "-")
    return "/".join(stamps)


def layers_key(corrections: list[Correction]) -> str:
    """The key an article's layers are kept under: code, data, the user's own files
    (:func:`user_inputs_stamp`) and the corrections in force."""
    ids = ",".join(str(c.id) for c in corrections)
    return f"{code_fingerprint()}:{user_inputs_stamp()}:{ids}"


def library_layers(
    library: Library,
    gazetteer: Gazetteer,
    article_ids: Iterable[str],
    *,
    actors: ActorBook | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """The layers (without reference layers) of each article, corrections applied, in order.

    Kept layers are reused; the others are computed and kept. ``progress``
    is called with (done, total) after each article. ``actors`` as for
    :func:`~geo.layers.article_layers`.
    """
    ids = list(article_ids)
    out = []
    for done, article_id in enumerate(ids, start=1):
        corrections = library.corrections(article_id)
        key = layers_key(corrections)
        fc = library.cached_layers(article_id, key)
        if fc is None:
            parsed = parse_article(library.get(article_id), gazetteer)
            fixed = apply_corrections(parsed, corrections)
            fc = article_layers(fixed, gazetteer, actors=actors, reference=False)
            library.keep_layers(article_id, key, fc)
        out.append(fc)
        if progress is not None:
            progress(done, len(ids))
    return out


def in_dates(feature: dict, start: str | None = None, end: str | None = None) -> bool:
    """Whether a feature's ``date`` (ISO) lies in [start, end]; undated ones only with
    neither bound.

    Examples
    --------
    >>> f = {"properties": {"date": "2017-05-29"}}
    >>> in_dates(f, "2017-05-01", "2017-05-31"), in_dates(f, "2017-06-01"), in_dates(f)
    (True, False, True)
    """
    date = feature["properties"].get("date")
    if date is None:
        return start is None and end is None
    return (start is None or date >= start) and (end is None or date <= end)


def corpus_places(
    collections: Iterable[dict], *, start: str | None = None, end: str | None = None
) -> dict:
    """One point per place over many articles' layers, dated within [start, end].

    Each point keeps the place's properties, ``count`` (its mentions), and
    ``mentions``: every mention with ``article``, ``article_title`` and
    ``date`` added, in article order. Its ``article``, ``passage``, ``start``,
    ``end`` and ``date`` are those of its first mention.
    """
    merged: dict[str, dict] = {}
    for fc in collections:
        for feature in fc["features"]:
            props = feature["properties"]
            if props["layer"] != "place" or not in_dates(feature, start, end):
                continue
            mentions = [
                {
                    **m,
                    "article": props["article"],
                    "article_title": props.get("article_title"),
                    "date": props.get("date"),
                }
                for m in props["mentions"]
            ]
            if props["id"] not in merged:
                merged[props["id"]] = {
                    "type": "Feature",
                    "id": props["id"],
                    "geometry": feature["geometry"],
                    "properties": {**props, "mentions": mentions},
                }
            else:
                kept = merged[props["id"]]["properties"]
                kept["mentions"] += mentions
                kept["confidence"] = max(kept["confidence"], props["confidence"])
                kept["corrected"] = kept.get("corrected") or props.get("corrected", False)
    for feature in merged.values():
        props = feature["properties"]
        props["count"] = len(props["mentions"])
        props["articles"] = len({m["article"] for m in props["mentions"]})
    features = sorted(merged.values(), key=lambda f: -f["properties"]["count"])
    return {"type": "FeatureCollection", "features": features}
