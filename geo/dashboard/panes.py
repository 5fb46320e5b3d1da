"""The parts both views draw: a place's passages and corrections, a claim, the legend,
the exports and the article text."""

from __future__ import annotations

import html

import streamlit as st

from geo.corrections import candidate_json
from geo.dashboard.resources import gazetteer
from geo.export import geojson_text, geopackage_bytes, mentions_csv, only_layers
from geo.layers import actor_legend, claim_caption, layer_counts
from geo.mapview import shape_label
from geo.passages import article_html, passage_html
from geo.store import Correction, Library


def counted(n: int, noun: str) -> str:
    """ "1 article", "2 articles"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def place_pane(props: dict, parsed, library: Library, article_id: str) -> None:
    """A place's name, every passage that names it, and the form to correct it."""
    st.subheader(props["name"])
    named = ", ".join(sorted({m["name"] for m in props["mentions"]}))
    corrected = " · corrected by a reader" if props.get("corrected") else ""
    st.caption(f"named “{named}” · {props['kind']} · {props['country']} · {props['id']}{corrected}")
    for mention in props["mentions"]:
        st.html(f'<div class="geo-passage">{passage_html(mention)}</div>')
    mention = next(m for m in parsed.mentions if m.place.id == props["id"] and not m.in_name)
    with st.expander("Correct this place"):
        _correction_form(mention, library, article_id)


def _correction_form(mention, library: Library, article_id: str) -> None:
    probabilities = dict(zip(mention.candidates, mention.probabilities, strict=False))
    search = st.text_input("Search the gazetteer", key=f"search-{mention.start}")
    options = list(gazetteer().lookup(search, limit=15)) if search else list(mention.candidates)
    choice = st.selectbox(
        "Place",
        range(len(options)),
        format_func=lambda i: _candidate_label(options[i], probabilities.get(options[i])),
        key=f"choice-{mention.start}-{search}",
    )
    everywhere = st.checkbox(
        f"For “{mention.name}” in every article", key=f"everywhere-{mention.start}"
    )
    scope = None if everywhere else article_id
    left, right = st.columns(2)
    if left.button("Use this place", key=f"use-{mention.start}") and options:
        place = candidate_json(options[choice])
        library.add_correction(Correction(mention.name, "place", scope, place))
        st.rerun()
    if right.button("Not a place", key=f"drop-{mention.start}"):
        library.add_correction(Correction(mention.name, "drop", scope))
        st.query_params.pop("focus", None)
        st.rerun()


def _candidate_label(candidate, probability: float | None) -> str:
    where = ", ".join(x for x in (candidate.admin1, candidate.country) if x)
    p = f" · p={probability:.2f}" if probability is not None else f" · match {candidate.score:.2f}"
    return f"{candidate.name} ({candidate.kind}, {where}){p}"


def claim_pane(props: dict) -> None:
    """A claim's (or reference feature's) label, date, source and its sentence."""
    if props["layer"] == "reference":
        st.subheader(props["reference"])
        st.caption(f"reference layer · {props.get('date') or 'undated'}")
        st.text(props["source"])
        return
    st.subheader(shape_label(props))
    st.caption(claim_caption(props))
    st.html(f'<div class="geo-passage">{passage_html(props)}</div>')


def legend(fc: dict) -> None:
    chips = "".join(
        f'<span class="geo-legend-item"><span class="geo-swatch" '
        f'style="background:{html.escape(colour)}"></span>{html.escape(name)} ({n})</span>'
        for name, colour, n in actor_legend(fc)
    )
    if chips:
        st.html(f'<div class="geo-legend">{chips}</div>')


@st.cache_data(max_entries=16, show_spinner=False)
def _export_files(key: tuple, _fc: dict) -> dict[str, str | bytes]:
    """The export files of ``_fc``, made once per ``key`` (what is shown, corrections included)."""
    files: dict[str, str | bytes] = {"geojson": geojson_text(_fc), "csv": mentions_csv(_fc)}
    files |= {layer: geojson_text(only_layers(_fc, {layer})) for layer in layer_counts(_fc)}
    if _fc["features"]:
        files["gpkg"] = geopackage_bytes(_fc)
    return files


def exports(fc: dict, name: str, key: tuple) -> None:
    """Download buttons for what is shown; ``key`` says what that is, for the cache."""
    files = _export_files(key, fc)
    layer = st.selectbox("One layer", list(layer_counts(fc)), key="export-layer")
    buttons = [
        ("Download layers (GeoJSON)", "geojson", f"{name}.geojson", "application/geo+json"),
        (
            f"Download the {layer} layer (GeoJSON)",
            layer,
            f"{name}-{layer}.geojson",
            "application/geo+json",
        ),
        ("Download GeoPackage", "gpkg", f"{name}.gpkg", "application/geopackage+sqlite3"),
        ("Download mentions (CSV)", "csv", f"{name}-mentions.csv", "text/csv"),
    ]
    for label, file, file_name, mime in buttons:
        if file in files:
            st.download_button(
                label, data=files[file], file_name=file_name, mime=mime, key=f"download-{file}"
            )


def text_html(fc: dict, article: object) -> str:
    """The article with its names linked to their places and its claims underlined."""
    names, claims = [], []
    for feature in fc["features"]:
        props = feature["properties"]
        if props["layer"] == "place":
            href = f"?article={article.id}&focus={props['id']}"
            names += [
                {**m, "colour": "#c0392b", "title": props["name"], "href": href}
                for m in props["mentions"]
            ]
        elif props["layer"] != "reference":
            claims.append({**props, "title": shape_label(props)})
    return article_html(article.text, names, claims)
