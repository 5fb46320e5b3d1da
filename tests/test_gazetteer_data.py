"""The curated gazetteer data in data/gazetteer: valid, sourced, and each row usable."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest
from shapely.geometry import shape

from geo.gazetteer_sources import DATA_DIR
from geo.geojson import validate_feature_collection
from geo.names import name_key

SUPPLEMENTS = sorted((DATA_DIR / "supplement").glob("*.geojson"))
KINDS = {
    "border_crossing", "military_base", "airbase", "checkpoint", "junction", "road", "desert",
    "mountain", "valley", "plain", "river", "lake", "dam", "sea", "coast", "region", "camp",
    "neighbourhood", "oil_gas_field", "prison", "bridge", "island", "marsh", "ocean", "gulf",
    "strait", "canal", "peninsula", "basin",
    "city",  # towns that GeoNames' cities500 lacks
}  # fmt: skip
GENERIC = {"base", "airport", "camp", "road", "sea", "gulf", "desert", "river", "ocean"}


def test_there_is_a_supplement():
    assert SUPPLEMENTS


@pytest.mark.parametrize("path", SUPPLEMENTS, ids=lambda p: p.name)
def test_supplement_file_is_valid_and_sourced(path):
    fc = json.loads(path.read_text(encoding="utf-8"))
    validate_feature_collection(
        fc, required_properties=("id", "name", "kind", "precision_km", "source")
    )
    for feature in fc["features"]:
        props = feature["properties"]
        assert props["kind"] in KINDS, props["id"]
        assert isinstance(props.get("country"), str), props["id"]  # "" for oceans
        assert props["source"].startswith("https://"), props["id"]
        assert props["precision_km"] > 0, props["id"]
        assert isinstance(props.get("population", 0), int), props["id"]
        assert shape(feature["geometry"]).is_valid, props["id"]
        for alias in props.get("aliases", []):
            assert name_key(alias) not in GENERIC, (props["id"], alias)


def test_supplement_ids_are_unique_across_files():
    ids = [
        f["properties"]["id"]
        for path in SUPPLEMENTS
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    ]
    assert len(ids) == len(set(ids))


def test_no_name_belongs_to_two_supplement_features():
    owners = defaultdict(set)
    for path in SUPPLEMENTS:
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            for name in [props["name"], *props.get("aliases", [])]:
                owners[name_key(name)].add(props["id"])
    shared = {key: sorted(ids) for key, ids in sorted(owners.items()) if len(ids) > 1}
    assert not shared, f"name keys of more than one supplement feature: {shared}"


def test_every_curated_alias_has_a_source():
    with (DATA_DIR / "aliases.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    assert all(r["source"].startswith("https://") and r["alias"] and r["place"] for r in rows)
