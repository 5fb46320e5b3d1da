"""The one error hierarchy of ``geo``.

Every error the library raises on purpose is a :class:`GeoError`. Leaves also
inherit the builtin that fits, so callers that only know ``ValueError`` or
``OSError`` still catch them. Messages say what was wrong and what to do.
"""

__all__ = [
    "ActorError",
    "ArticleError",
    "ClusterError",
    "GazetteerError",
    "GeoError",
    "GeoJSONError",
    "GeometryError",
    "InputFileError",
    "MapAssetError",
    "ModelError",
    "NLPError",
    "ParseError",
    "ReferenceLayerError",
    "StoreError",
]


class GeoError(Exception):
    """Root of every error raised by ``geo``."""


class InputFileError(GeoError, OSError):
    """A file given by the user is missing, unreadable or not of the expected kind."""


class ActorError(GeoError, ValueError):
    """An actor file or actor id that cannot be used; the message names the file and line."""


class ArticleError(GeoError, ValueError):
    """Article text or metadata that cannot be used (empty, not text, malformed)."""


class ClusterError(GeoError, ConnectionError):
    """The Dask scheduler cannot be reached, has no workers, or its address is not usable."""


class GazetteerError(GeoError, RuntimeError):
    """The gazetteer index is missing, corrupt or cannot be built."""


class ParseError(GeoError, RuntimeError):
    """The parser failed on an article; the message names the article and the cause."""


class GeoJSONError(GeoError, ValueError):
    """GeoJSON that breaks RFC 7946 or the feature properties ``geo`` promises."""


class GeometryError(GeoError, ValueError):
    """A distance, bearing or qualifier given to ``geo.geometry`` is out of range or unknown."""


class ReferenceLayerError(GeoError, ValueError):
    """A curated reference layer file is not usable; the message names the file and feature."""


class MapAssetError(GeoError, RuntimeError):
    """A map needs a JavaScript or CSS file that has no local copy (it would need the network)."""


class ModelError(GeoError, RuntimeError):
    """A fitted model file is missing or does not fit the features the code computes."""


class NLPError(GeoError, RuntimeError):
    """The spaCy language model is not installed."""


class StoreError(GeoError, RuntimeError):
    """The library file cannot be used, or has no such article."""
