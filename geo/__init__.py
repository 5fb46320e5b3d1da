"""geo: an offline, text-tied conflict map.

The pipeline, one module per stage::

    article      load text, keep offsets, sentences
    recognize    find place-name spans (nlp runs spaCy, a long text in pieces;
                 spans keeps non-overlapping spans in logarithmic time)
    gazetteer    look names up in the local index (built by gazetteer_build from
                 gazetteer_sources; user places added by gazetteer_import;
                 geocoder wraps it as a geopy geocoder)
    resolve      choose the place each mention means
    pipeline     run the stages; benchmark records
    batch        parse many articles in worker processes or on a cluster, in order
    cluster      a Dask cluster the batch functions can run on
    partitions   corpus results as numbered JSONL or GeoParquet files
    claim_places the place phrases claims name ("northeast Syria", "the border")
    actors       actors of conflict reporting (data/actors), found in text;
                 claim_actors resolves "the militants", "Iraqi warplanes"
    dates        dates in text ("on Monday") against the article date
    claim_cues   the cue words of claims (data/language/claim_cues.json)
    claims       control, movement, strike, presence, relative location, distance
    geometry     geodesic distances, bearings, sectors and buffers in km
    claim_geometry  the shape of each claim, by stated rules
    reference_layers  curated, sourced layers from data/layers
    layers       GeoJSON layers with provenance (validated by geojson); GeoPackage
    basemap      the offline vector basemap: world outlines, Natural Earth detail near the places
    mapview      an offline folium map of the layers
    passages     passages with the mention marked, escaped for display
    dashboard    the Streamlit pages app.py puts together (sidebar, article and corpus views)
    cli          the ``geo`` command
"""

from geo.actors import Actor, ActorBook
from geo.article import Article, load_article
from geo.batch import layer_collections, parse_records, resolve_records
from geo.claims import Claim, extract_claims
from geo.cluster import DaskCluster
from geo.errors import GeoError
from geo.gazetteer import Candidate, Gazetteer, LocalGazetteer
from geo.gazetteer_import import ImportReport, import_geonames, import_table
from geo.geocoder import OfflineGeocoder
from geo.layers import article_layers, write_geopackage
from geo.pipeline import ParsedArticle, bench_record, parse_article

__all__ = [
    "Actor",
    "ActorBook",
    "Article",
    "Candidate",
    "Claim",
    "DaskCluster",
    "Gazetteer",
    "GeoError",
    "ImportReport",
    "LocalGazetteer",
    "OfflineGeocoder",
    "ParsedArticle",
    "article_layers",
    "bench_record",
    "extract_claims",
    "import_geonames",
    "import_table",
    "layer_collections",
    "load_article",
    "parse_article",
    "parse_records",
    "resolve_records",
    "write_geopackage",
]
