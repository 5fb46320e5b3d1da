"""Stage 4: turn a parsed article into GeoJSON layers (RFC 7946) and GeoDataFrames.

Every feature carries its provenance: ``layer``, ``article``, ``passage`` (the
sentence), and ``start``/``end`` offsets into the article text. A place feature
stands for one place and lists all of its mentions; its own ``start``/``end``
and ``passage`` are those of its first mention.
"""

from __future__ import annotations

import geopandas as gpd

from geo.geojson import validate_feature_collection
from geo.pipeline import ParsedArticle
from geo.resolve import ResolvedMention

__all__ = [
    "PROVENANCE_PROPERTIES",
    "article_layers",
    "feature_at",
    "place_features",
    "to_geodataframe",
]

#: Properties every exported feature has.
PROVENANCE_PROPERTIES = ("layer", "article", "passage", "start", "end")


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
    }


def article_layers(parsed: ParsedArticle) -> dict:
    """All layers of one article as one validated RFC 7946 FeatureCollection."""
    fc = {"type": "FeatureCollection", "features": place_features(parsed)}
    validate_feature_collection(fc, required_properties=PROVENANCE_PROPERTIES)
    return fc


def to_geodataframe(fc: dict) -> gpd.GeoDataFrame:
    """The features of ``fc`` as a GeoDataFrame in WGS84 (EPSG:4326)."""
    return gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")


def feature_at(fc: dict, lat: float, lon: float, *, tolerance: float = 1e-6) -> dict | None:
    """The Point feature of ``fc`` at ``(lat, lon)``: how a map click is read back.

    Examples
    --------
    >>> fc = {"features": [{"geometry": {"type": "Point", "coordinates": [38.28, 34.56]}}]}
    >>> feature_at(fc, 34.56, 38.28) is fc["features"][0]
    True
    >>> feature_at(fc, 0, 0) is None
    True
    """
    for feature in fc["features"]:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point":
            f_lon, f_lat = geometry["coordinates"][:2]
            if abs(f_lat - lat) <= tolerance and abs(f_lon - lon) <= tolerance:
                return feature
    return None
