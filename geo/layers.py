"""Stage 5: turn a parsed article into GeoJSON layers (RFC 7946) and GeoDataFrames.

Every feature carries its provenance: ``layer``, ``article``, ``passage`` (the
sentence), ``start``/``end`` offsets into the article text, ``date`` and
``confidence``. The layers:

``place``
    one point per resolved place, listing all of its mentions; its own
    ``start``/``end`` and ``passage`` are those of its first mention.
``control``
    a zone per control or presence claim (:mod:`geo.claim_geometry` says how).
``route``
    a line per movement or corridor claim that names a path.
``event``
    movements with no path ("reached the border") and strikes, at their place.
``area``
    relative locations and directions.
``distance``
    stated distances, each a line with the stated and measured values.
``reference``
    curated layers from ``data/layers/`` (:mod:`geo.reference_layers`).

Claim features carry ``actor`` (an id of ``data/actors/actors.csv``, or null),
``actor_name``, ``colour``, ``claim`` (its type), ``places``, ``source`` (who
the text says reported it) and ``cue`` (the words that made it a claim).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, mapping, shape

from geo.actors import ActorBook
from geo.claim_geometry import (
    control_zone,
    direction_area,
    distance_check,
    path_line,
    presence_zone,
    relative_area,
)
from geo.claims import Claim, extract_claims
from geo.errors import GeoJSONError
from geo.gazetteer import Gazetteer
from geo.geojson import LAYERS, validate_feature_collection
from geo.geometry import compass_name, orient_ccw
from geo.pipeline import ParsedArticle
from geo.reference_layers import load_reference_layers
from geo.resolve import ResolvedMention

__all__ = [
    "PROVENANCE_PROPERTIES",
    "actor_legend",
    "article_layers",
    "claim_caption",
    "claim_features",
    "feature_at",
    "layer_counts",
    "place_features",
    "to_geodataframe",
    "write_geopackage",
]

#: Properties every feature drawn from an article has (reference features too, with nulls
#: for the article's).
PROVENANCE_PROPERTIES = (
    "layer",
    "claim",
    "actor",
    "article",
    "passage",
    "start",
    "end",
    "date",
    "confidence",
)
_NEUTRAL_COLOUR = "#555555"
#: How near (degrees, about 3 km) a click must fall to a route or border to pick it.
_LINE_CLICK_DEG = 0.03


def place_features(parsed: ParsedArticle) -> list[dict]:
    """One Point feature per resolved place, in order of first mention.

    Examples
    --------
    >>> from geo.article import Article
    >>> from geo.gazetteer import LocalGazetteer
    >>> from geo.pipeline import parse_article
    >>> p = parse_article(Article(id="a", text="From Homs to Homs."), LocalGazetteer())
    >>> [(f["properties"]["name"], len(f["properties"]["mentions"])) for f in place_features(p)]
    [('Homs', 2)]
    """
    by_place: dict[str, list[ResolvedMention]] = {}
    for mention in parsed.mentions:
        if not mention.in_name:  # "Maryland" in "University of Maryland" is no place on the map
            by_place.setdefault(mention.place.id, []).append(mention)
    article = parsed.article
    features = []
    for place_id, mentions in by_place.items():
        place, first = mentions[0].place, mentions[0]
        features.append(
            {
                "type": "Feature",
                "id": place_id,
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "layer": "place",
                    "claim": "place",
                    "actor": None,
                    "id": place_id,
                    "name": place.name,
                    "gazetteer_id": place_id,
                    "kind": place.kind,
                    "country": place.country,
                    "source": place.source,
                    "article": article.id,
                    "article_title": article.title,
                    "date": article.published.isoformat() if article.published else None,
                    "passage": parsed.passage(first.start),
                    "start": first.start,
                    "end": first.end,
                    "confidence": round(max(m.confidence * m.recognition for m in mentions), 4),
                    "corrected": any(m.corrected for m in mentions),
                    "mentions": [_mention_record(parsed, m) for m in mentions],
                },
            }
        )
    return features


def _mention_record(parsed: ParsedArticle, mention: ResolvedMention) -> dict:
    p_start, p_end = parsed.passage_span(mention.start)
    return {
        "start": mention.start,
        "end": mention.end,
        "name": mention.name,
        "passage": parsed.article.text[p_start:p_end],
        "passage_start": p_start,
        "passage_end": p_end,
        "literal": mention.literal,
        "confidence": round(mention.confidence * mention.recognition, 4),
        "corrected": mention.corrected,
    }


def claim_features(parsed: ParsedArticle, claims: list[Claim], gazetteer: Gazetteer) -> list[dict]:
    """One feature per claim that has a shape, in text order.

    Examples
    --------
    >>> from geo.article import Article
    >>> from geo.gazetteer import LocalGazetteer
    >>> from geo.pipeline import parse_article
    >>> gaz = LocalGazetteer()
    >>> art = Article(id="a", text="Rebels advanced south from Idlib toward Hama.")
    >>> parsed = parse_article(art, gaz)
    >>> [f["properties"]["layer"] for f in claim_features(parsed, extract_claims(parsed, gaz), gaz)]
    ['route']
    """
    corrected = {m.place.id for m in parsed.mentions if m.corrected}
    features = []
    for claim in claims:
        drawn = _shape(claim, gazetteer)
        if drawn is None:
            continue
        layer, geometry, extra = drawn
        props = {
            "layer": layer,
            "claim": claim.type,
            **_provenance(parsed, claim),
            **_actor(claim),
            "movement": claim.movement,
            "direction": compass_name(claim.bearing) if claim.bearing is not None else None,
            "places": [
                {"role": role, "name": p.text, "place": p.place.name, "place_id": p.place.id}
                for p, role in zip(claim.places, claim.roles, strict=True)
            ],
            "source": claim.source,
            "hedged": claim.hedged,
            "corrected": any(p.place.id in corrected for p in claim.places),
            "cue": claim.cue,
            **extra,
        }
        features.append(
            {
                "type": "Feature",
                "id": f"{parsed.article.id}:{layer}:{claim.start}-{claim.end}:{claim.type}",
                "geometry": mapping(orient_ccw(geometry)),
                "properties": props,
            }
        )
    return features


def _shape(claim: Claim, gazetteer: Gazetteer):
    """(layer, geometry, extra properties) of a claim, or None when it draws nothing."""
    if claim.type == "control":
        zone = control_zone(claim, gazetteer)
        return None if zone is None or zone.is_empty else ("control", zone, {})
    if claim.type == "presence":
        return ("control", presence_zone(claim), {})
    if claim.type == "relative":
        extra = {"distance_km": claim.distance_km, "qualifier": claim.qualifier}
        return ("area", relative_area(claim), extra)
    if claim.type == "direction":
        return ("area", direction_area(claim), {})
    if claim.type == "distance":
        check = distance_check(claim)
        line = check.pop("line")
        return ("distance", line, check)
    if claim.type == "movement":
        line = path_line(claim)
        if line is not None:
            return ("route", line, {"path": True})
        where = (claim.with_role("destination") or claim.with_role("via") or claim.places)[-1]
        # "march into Syria": a whole country is too coarse to mark where it happens
        return None if where.is_country else ("event", where.shape, {"path": False})
    if claim.type == "strike":
        where = claim.places[0]
        target = claim.target.id if claim.target else None
        return None if where.is_country else ("event", where.shape, {"target": target})
    return None


def _provenance(parsed: ParsedArticle, claim: Claim) -> dict:
    article = parsed.article
    date = claim.date or article.published
    return {
        "article": article.id,
        "article_title": article.title,
        "passage": article.text[claim.passage_start : claim.passage_end],
        "passage_start": claim.passage_start,
        "passage_end": claim.passage_end,
        "start": claim.start,
        "end": claim.end,
        "text": article.text[claim.start : claim.end],
        "date": date.isoformat() if date else None,
        "date_stated": claim.date is not None,
        "confidence": claim.confidence,
    }


def _actor(claim: Claim) -> dict:
    actor = claim.actor
    return {
        "actor": actor.id if actor else None,
        "actor_name": actor.name if actor else None,
        "colour": actor.colour if actor else _NEUTRAL_COLOUR,
    }


def article_layers(
    parsed: ParsedArticle,
    gazetteer: Gazetteer,
    *,
    actors: ActorBook | None = None,
    reference: bool = True,
) -> dict:
    """All layers of one article as one validated RFC 7946 FeatureCollection.

    ``reference`` adds the curated layers of ``data/layers/``; their load
    warnings are listed in the collection's ``warnings`` member.
    """
    claims = extract_claims(parsed, gazetteer, actors)
    features = place_features(parsed) + claim_features(parsed, claims, gazetteer)
    fc: dict = {"type": "FeatureCollection", "features": features}
    if reference:
        extra, warnings = load_reference_layers()
        fc["features"] = extra + fc["features"]
        if warnings:
            fc["warnings"] = warnings
    validate_feature_collection(fc, required_properties=PROVENANCE_PROPERTIES)
    return fc


def to_geodataframe(fc: dict) -> gpd.GeoDataFrame:
    """The features of ``fc`` as a GeoDataFrame in WGS84 (EPSG:4326)."""
    return gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")


def feature_at(fc: dict, lat: float, lon: float, *, tolerance: float = 1e-6) -> dict | None:
    """The feature of ``fc`` at ``(lat, lon)``: how a map click is read back.

    A place's point when the click is on it; else a line passing within
    :data:`_LINE_CLICK_DEG` of it (the nearest); else the smallest area that
    contains it; else None.

    Examples
    --------
    >>> pin = {"geometry": {"type": "Point", "coordinates": [38.28, 34.56]}}
    >>> zone = {"geometry": {"type": "Polygon",
    ...         "coordinates": [[[38, 34], [39, 34], [39, 35], [38, 35], [38, 34]]]}}
    >>> fc = {"features": [zone, pin]}
    >>> feature_at(fc, 34.56, 38.28) is pin, feature_at(fc, 34.2, 38.9) is zone
    (True, True)
    >>> feature_at(fc, 0, 0) is None
    True
    """
    click = Point(lon, lat)
    lines, areas = [], []
    for feature in fc["features"]:
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type", "")
        if kind == "Point":
            f_lon, f_lat = geometry["coordinates"][:2]
            if abs(f_lat - lat) <= tolerance and abs(f_lon - lon) <= tolerance:
                return feature
        elif kind.endswith("LineString"):
            distance = shape(geometry).distance(click)
            if distance <= _LINE_CLICK_DEG:
                lines.append((distance, feature))
        elif kind.endswith("Polygon"):
            area = shape(geometry)
            if area.contains(click):
                areas.append((area.area, feature))
    for found in (lines, areas):
        if found:
            return min(found, key=lambda pair: pair[0])[1]
    return None


def write_geopackage(fc: dict, path: Path) -> dict[str, int]:
    """Write ``fc`` as a GeoPackage, one table per layer; return features per table.

    Lists and objects in properties (``mentions``, ``places``) are stored as
    JSON text, since a GeoPackage column holds one value. The file is written
    to a temporary name first and renamed, so a failure leaves no half file.
    """
    written: dict[str, int] = {}
    tmp = path.with_name(f".{path.stem}.part.gpkg")
    tmp.unlink(missing_ok=True)
    try:
        for layer in LAYERS:
            features = [f for f in fc["features"] if f["properties"].get("layer") == layer]
            if not features:
                continue
            frame = to_geodataframe({"features": [_flat(f) for f in features]})
            frame.to_file(tmp, driver="GPKG", layer=layer)
            written[layer] = len(features)
        if not written:
            raise GeoJSONError("nothing to write: the collection has no features")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return written


def _flat(feature: dict) -> dict:
    props = {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
        for k, v in feature["properties"].items()
    }
    return {**feature, "properties": props}


def layer_counts(fc: dict) -> dict[str, int]:
    """Features per layer, in :data:`~geo.geojson.LAYERS` order, empty layers left out.

    Examples
    --------
    >>> layer_counts({"features": [{"properties": {"layer": "route"}},
    ...                            {"properties": {"layer": "place"}}]})
    {'route': 1, 'place': 1}
    """
    counts = {layer: 0 for layer in LAYERS}
    for feature in fc["features"]:
        counts[feature["properties"]["layer"]] += 1
    return {layer: n for layer, n in counts.items() if n}


def claim_caption(props: dict) -> str:
    """One line on a claim feature: its kind, date, source, confidence and checks (plain text).

    Examples
    --------
    >>> claim_caption({"claim": "movement", "date": "2017-05-29", "date_stated": True,
    ...                "source": "the Syrian Observatory", "confidence": 0.61, "hedged": False})
    'movement · 2017-05-29 · according to the Syrian Observatory · confidence 0.61'
    """
    parts = [props["claim"]]
    if props.get("date"):
        parts.append(props["date"] + ("" if props.get("date_stated") else " (article date)"))
    if props.get("source"):
        parts.append(f"according to {props['source']}")
    parts.append(f"confidence {props['confidence']:.2f}")
    if props.get("hedged"):
        parts.append("an intention or attempt, not a reported event")
    return " · ".join(parts)


def actor_legend(fc: dict) -> list[tuple[str, str, int]]:
    """(actor name, colour, features) of every actor drawn in ``fc``, most drawn first.

    Examples
    --------
    >>> fc = {"features": [{"properties": {"actor": "isis", "actor_name": "Islamic State",
    ...                                    "colour": "#1a1a1a"}},
    ...                    {"properties": {"actor": None}}]}
    >>> actor_legend(fc)
    [('Islamic State', '#1a1a1a', 1)]
    """
    seen: dict[str, list] = {}
    for feature in fc["features"]:
        props = feature["properties"]
        if props.get("actor"):
            entry = seen.setdefault(props["actor"], [props["actor_name"], props["colour"], 0])
            entry[2] += 1
    return sorted((tuple(e) for e in seen.values()), key=lambda e: (-e[2], e[0]))
