"""Stage 5: draw layers on a folium map that needs no network.

folium loads Leaflet and its plugins from CDNs. The registry package
``folium-offline`` holds the text of every one of those files; here they are
written to a local folder (served by Streamlit at ``/app/static``) and every
map element is pointed at its local copy. A map element whose asset has no
local copy raises :class:`~geo.errors.MapAssetError` rather than reach out.

The basemap is vector and offline (:mod:`geo.basemap`): country outlines for
the world, Natural Earth 1:10m land, coast, borders and admin-1 lines around the
places. Web tiles are an option (``tiles=``), drawn above the vector basemap, so
a tile that fails to load offline leaves the basemap showing.
"""

from __future__ import annotations

import hashlib
import html
import math
import statistics
from pathlib import Path, PurePosixPath

import folium
from folium.elements import JSCSSMixin
from folium.plugins import FastMarkerCluster
from folium.template import Template

from geo.basemap import country_outlines, region_around, region_layers
from geo.errors import MapAssetError
from geo.geojson import LAYERS

__all__ = [
    "ASSET_URL_PREFIX",
    "WEB_TILES",
    "build_map",
    "country_outlines",
    "localize_assets",
    "main_cluster",
    "shape_label",
    "write_static_assets",
]

#: Where Streamlit serves the folder given to :func:`write_static_assets`.
ASSET_URL_PREFIX = "/app/static/vendor"
#: The web tiles the dashboard offers when online (a folium tile name).
WEB_TILES = "OpenStreetMap"
_FOCUS_ZOOM = 9
#: The vector basemap's pane lies under Leaflet's tile pane (200): tiles, when
#: asked for and loaded, cover it; when they fail, it shows through.
_BASEMAP_PANE = "basemap"
_SEA = "#d5e1ea"
_LAND = "#f2efe9"
_BASEMAP_STYLES = {
    "world": {"fillColor": _LAND, "color": "#9a8f80", "weight": 1, "fillOpacity": 1},
    "sea": {"fillColor": _SEA, "stroke": False, "fillOpacity": 1},
    "land": {"fillColor": _LAND, "stroke": False, "fillOpacity": 1},
    "lakes": {"fillColor": _SEA, "color": "#6f8ca3", "weight": 0.5, "fillOpacity": 1},
    "admin1": {"color": "#ababab", "weight": 0.6, "fill": False},
    "admin0": {"color": "#857865", "weight": 1.4, "fill": False},
    "coast": {"color": "#6f8ca3", "weight": 1, "fill": False},
}
_PIN_STYLE = (
    "width:14px;height:14px;border-radius:50%;background:#c0392b;"
    "border:2px solid #fff;box-shadow:0 0 2px #333;cursor:pointer"
)


def _cdn_files() -> dict[str, str]:
    from offlinefolium import elements  # the CDN file texts, keyed by URL

    return dict(elements._res)


def _local_name(url: str) -> str:
    base = PurePosixPath(url.split("?")[0]).name or "asset.js"
    if base == "leaflet.css":  # Leaflet derives its image path from a file of that name
        base = "leaflet-core.css"
    return f"{hashlib.sha1(url.encode()).hexdigest()[:10]}-{base}"


def write_static_assets(static_dir: str | Path) -> Path:
    """Write every folium CDN file into ``static_dir/vendor`` (unchanged files are skipped).

    Returns the vendor folder.
    """
    vendor = Path(static_dir) / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for url, text in _cdn_files().items():
        target = vendor / _local_name(url)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return vendor


def localize_assets(fmap: folium.Map, *, prefix: str = ASSET_URL_PREFIX) -> folium.Map:
    """Point every JS/CSS asset of ``fmap``'s elements at its local copy under ``prefix``.

    Raises
    ------
    MapAssetError
        Some element needs a file with no local copy (it would need the network).
    """
    known = _cdn_files()
    missing = set()
    for element in _walk(fmap):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None) or []
            local = []
            for name, url in assets:
                if url.startswith(prefix):
                    local.append((name, url))
                elif url in known:
                    local.append((name, f"{prefix}/{_local_name(url)}"))
                else:
                    missing.add(url)
            setattr(element, attr, local)
    if missing:
        raise MapAssetError(
            "these map assets have no local copy and would need the network: "
            + ", ".join(sorted(missing))
        )
    return fmap


def _walk(element):
    if isinstance(element, JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def build_map(
    layers: dict,
    *,
    focus: tuple[float, float] | None = None,
    cluster: bool = False,
    tiles: str | None = None,
) -> folium.Map:
    """A folium map of ``layers`` on the offline vector basemap.

    Which layers are drawn is the caller's choice (the dashboard's "Layers
    shown and exported" switch): the map has no toggles of its own, so what it
    shows is what an export of ``layers`` holds. Each shape's SVG path has the
    classes ``geo-shape geo-layer-LAYER``.

    The first view fits the article's main cluster of places, or centres on
    ``focus`` (lat, lon) at town scale when given. ``cluster`` gathers nearby
    pins into counted clusters (for many articles at once). ``tiles`` (a folium
    tile name such as :data:`WEB_TILES`) adds web tiles over the vector
    basemap, with a switch in the layer control; they need the internet, and
    without it the vector basemap still shows. By default the map makes no
    request to any host.

    Each place is a pin (a plain HTML marker, no image files) whose tooltip is
    the place name, escaped; pins carry ``data-place-id`` for tests and tools.
    Zones, areas, routes and distance lines are drawn in their actor's colour
    beneath the pins; their tooltips (actor, claim, places) are escaped too.
    """
    points = [
        f["geometry"]["coordinates"]
        for f in layers["features"]
        if f["geometry"]
        and f["geometry"]["type"] == "Point"
        and f["properties"]["layer"] == "place"
    ]
    fmap = folium.Map(
        tiles=None,
        location=list(focus) if focus else _centre(points),
        zoom_start=_FOCUS_ZOOM if focus else 5,
        control_scale=True,
    )
    fmap.options["max_zoom"] = 18  # no tile layer sets one, and marker clusters need it
    core = main_cluster(points)
    region = region_around(core)
    if focus is not None and not _inside(focus, region):
        region = region_around([(focus[1], focus[0])])
    _add_basemap(fmap, region)
    if tiles:
        folium.TileLayer(tiles, name=f"Web map tiles ({tiles})", overlay=True).add_to(fmap)
    groups: dict[str, folium.FeatureGroup] = {}
    for layer in LAYERS:
        features = [f for f in layers["features"] if f["properties"].get("layer") == layer]
        if not features:
            continue
        if cluster and layer == "place":
            groups[layer] = _pin_clusters(features).add_to(fmap)
            continue
        groups[layer] = folium.FeatureGroup(name=layer, control=False).add_to(fmap)
        for feature in features:
            if layer == "place":
                _add_pin(feature, groups[layer])
            else:
                _add_shape(feature, groups[layer])
    if tiles:
        folium.LayerControl(collapsed=False).add_to(fmap)
    if focus is not None:
        return localize_assets(fmap)
    if len(core) > 1:
        lons, lats = zip(*core, strict=True)
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30))
    return localize_assets(fmap)


def _add_basemap(fmap: folium.Map, region: tuple[float, float, float, float] | None) -> None:
    """World outlines, then the Natural Earth detail of ``region``, in a pane under the tiles.

    Each basemap feature has the id ``basemap-<layer>``; none takes clicks.
    """
    folium.map.CustomPane(_BASEMAP_PANE, z_index=150, pointer_events=False).add_to(fmap)
    _SeaBackground().add_to(fmap)
    world = _basemap_layer("world", country_outlines())
    world.options["attribution"] = "Natural Earth, countryinfo"  # in full: geo.basemap.SOURCE
    world.add_to(fmap)
    for name, geometry in region_layers(region) if region else ():
        feature = {"type": "Feature", "id": f"basemap-{name}", "geometry": geometry}
        _basemap_layer(name, {"type": "FeatureCollection", "features": [feature]}).add_to(fmap)


class _SeaBackground(folium.MacroElement):
    """The sea is the map's own background colour (a script, so st_folium keeps it)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.getContainer().style.background = "
        + f'"{_SEA}";'
        + "{% endmacro %}"
    )


def _basemap_layer(name: str, data: dict) -> folium.GeoJson:
    return folium.GeoJson(
        data,
        name=f"basemap-{name}",
        style_function=lambda _, style=_BASEMAP_STYLES[name]: style,
        interactive=False,
        control=False,
        pane=_BASEMAP_PANE,
    )


def _inside(point: tuple[float, float], region: tuple[float, float, float, float] | None) -> bool:
    lat, lon = point
    return region is not None and region[0] <= lon <= region[2] and region[1] <= lat <= region[3]


def _pin_clusters(features: list[dict]) -> FastMarkerCluster:
    """Thousands of pins as one clustered layer: the pins are data, drawn in the browser.

    Labels and ids are escaped here; the browser puts them into the same pin
    markup as :func:`_add_pin` writes.
    """
    rows = []
    for feature in features:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        rows.append([lat, lon, html.escape(_pin_label(props)), html.escape(props["id"])])
    callback = (
        "function (row) {"
        ' var icon = L.divIcon({html: \'<div class="geo-pin" data-place-id="\' + row[3]'
        f' + \'" style="{_PIN_STYLE}"></div>\', iconSize: [18, 18], iconAnchor: [9, 9],'
        " className: ''});"
        " return L.marker(new L.LatLng(row[0], row[1]), {icon: icon}).bindTooltip(row[2]); }"
    )
    return FastMarkerCluster(rows, callback=callback, name="place", control=False)


def _pin_label(props: dict) -> str:
    """A pin's tooltip (plain text): the place, and its mentions over a corpus."""
    return f"{props['name']} · {props['count']} mentions" if "count" in props else props["name"]


def _add_pin(feature: dict, group: folium.FeatureGroup) -> None:
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    folium.Marker(
        [lat, lon],
        icon=folium.DivIcon(
            html=f'<div class="geo-pin" data-place-id="{html.escape(props["id"])}" '
            f'style="{_PIN_STYLE}"></div>',
            icon_size=(18, 18),
            icon_anchor=(9, 9),
        ),
        tooltip=html.escape(_pin_label(props)),
        # broader places beneath narrower ones, so a town is never hidden by its country
        z_index_offset=-1000 if props.get("kind") == "country" else 0,
    ).add_to(group)


def _add_shape(feature: dict, group: folium.FeatureGroup) -> None:
    props = feature["properties"]
    colour = props.get("colour") or "#555555"
    layer = props["layer"]
    style = {
        "color": colour,
        "weight": 3 if layer in ("route", "distance", "event") else 1.5,
        "fillColor": colour,
        "fillOpacity": 0.18 if layer in ("control", "reference") else 0.08,
        "dashArray": "6 4" if layer in ("area", "distance", "reference") else None,
        "className": f"geo-shape geo-layer-{layer}",
    }
    folium.GeoJson(
        {"type": "Feature", "geometry": feature["geometry"], "properties": {}},
        style_function=lambda _, style=style: style,
        # an event at a point is a ring in its actor's colour, not Leaflet's image pin
        marker=folium.CircleMarker(radius=9, fill=True),
        tooltip=folium.Tooltip(html.escape(shape_label(props))),
    ).add_to(group)


def shape_label(props: dict) -> str:
    """The one-line label of a claim or reference feature (plain text; escape it for HTML).

    Examples
    --------
    >>> shape_label({"layer": "route", "actor_name": "Rebels", "claim": "movement",
    ...              "movement": "advance", "places": [{"name": "Idlib"}, {"name": "Hama"}]})
    'Rebels · advance · Idlib → Hama'
    >>> shape_label({"layer": "distance", "claim": "distance", "stated_km": 124.0,
    ...              "measured_km": 125.3, "consistent": True,
    ...              "places": [{"name": "Sukhna"}, {"name": "Deir Ezzor"}]})
    'distance · Sukhna → Deir Ezzor · stated 124.0 km, measured 125.3 km: consistent'
    """
    if props.get("layer") == "reference":
        return f"{props.get('reference') or 'reference'} · {props.get('source') or ''}".strip(" ·")
    parts = [props.get("actor_name") or "", props.get("movement") or props.get("claim") or ""]
    parts.append(" → ".join(p["name"] for p in props.get("places", [])))
    if props.get("layer") == "distance":
        verdict = "consistent" if props.get("consistent") else "inconsistent"
        parts.append(
            f"stated {props['stated_km']} km, measured {props['measured_km']} km: {verdict}"
        )
    return " · ".join(p for p in parts if p)


def main_cluster(points: list) -> list[tuple[float, float]]:
    """The ``(lon, lat)`` points near the median point, for the first view of a map.

    A point counts when its distance (in degrees) to the median point is at most
    three times the median such distance, or 5 degrees: one far-off mention
    (Washington in an article on Syria) does not zoom the map out to the world.

    Examples
    --------
    >>> main_cluster([[36.3, 33.5], [38.3, 34.6], [40.1, 35.3], [-77.0, 38.9]])
    [(36.3, 33.5), (38.3, 34.6), (40.1, 35.3)]
    """
    pts = [(float(p[0]), float(p[1])) for p in points]
    if len(pts) < 3:
        return pts
    mid_lon, mid_lat = statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts)
    dist = [math.hypot(lon - mid_lon, lat - mid_lat) for lon, lat in pts]
    limit = max(3 * statistics.median(dist), 5.0)
    return [p for p, d in zip(pts, dist, strict=True) if d <= limit]


def _centre(points: list) -> list[float]:
    core = main_cluster(points)
    if not core:
        return [30.0, 40.0]
    lons, lats = zip(*core, strict=True)
    return [sum(lats) / len(lats), sum(lons) / len(lons)]
