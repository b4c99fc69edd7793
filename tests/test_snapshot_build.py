"""The snapshot builder (scripts/build_snapshot.py): deterministic, self-consistent output.

The inputs are the repository's ``data/`` folder (the script's default).
No network: the build only reads local files.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.inputs import DATA, LL2, REPO

SCRIPT = REPO / "scripts" / "build_snapshot.py"
COMMITTED = REPO / "gateway" / "offline" / "data" / "snapshot.json.gz"


def _build(out: Path) -> bytes:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(DATA), "--out", str(out), "--quiet"],
        check=True,
        cwd=REPO,
    )
    return out.read_bytes()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    directory = tmp_path_factory.mktemp("snapshot")
    return _build(directory / "one.json.gz"), _build(directory / "two.json.gz")


@pytest.fixture(scope="module")
def snapshot(builds: tuple[bytes, bytes]) -> dict[str, Any]:
    return json.loads(gzip.decompress(builds[0]))


def _refs(value: Any, where: str):
    if isinstance(value, dict):
        if "$ref" in value:
            yield where, value["$ref"]
        for key, item in value.items():
            yield from _refs(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _refs(item, f"{where}[{index}]")


def test_rebuild_is_byte_identical(builds: tuple[bytes, bytes]) -> None:
    assert builds[0] == builds[1]


def test_committed_snapshot_is_current(builds: tuple[bytes, bytes]) -> None:
    if not COMMITTED.exists():
        pytest.skip("no committed snapshot yet")
    assert COMMITTED.read_bytes() == builds[0], "run: python scripts/build_snapshot.py"


def test_every_ref_resolves(snapshot: dict[str, Any]) -> None:
    entities = snapshot["entities"]
    dangling = [
        f"{where} -> {target}"
        for resource, records in entities.items()
        for key, record in records.items()
        for where, target in _refs(record, f"{resource}/{key}")
        if str(target[1]) not in entities.get(target[0], {})
    ]
    assert dangling == []


def test_each_image_id_has_one_version(snapshot: dict[str, Any]) -> None:
    """Embedded copies of one image agree, so the gateway shows the same image everywhere."""
    seen: dict[Any, Any] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "image_url" in value and "thumbnail_url" in value and value.get("id") is not None:
                assert seen.setdefault(value["id"], value) == value, value["id"]
            for key, child in value.items():
                if key != "_legacy":
                    walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(snapshot["entities"])
    assert len(seen) > 50


def test_records_are_keyed_by_their_id(snapshot: dict[str, Any]) -> None:
    for resource, records in snapshot["entities"].items():
        for key, record in records.items():
            assert key == str(record["id"])
            expected = str if resource == "launches" else int  # launch ids are UUIDs
            assert type(record["id"]) is expected, (resource, key)


def test_meta(snapshot: dict[str, Any]) -> None:
    meta, entities = snapshot["meta"], snapshot["entities"]
    assert meta["spec_version"] == "2.3.0"
    assert meta["counts"] == {resource: len(records) for resource, records in entities.items()}
    names = {source["name"] for source in meta["sources"]}
    keys = {"resource", "id", "field", "kept", "kept_from", "dropped", "dropped_from"}
    for conflict in meta["conflicts"]:
        assert keys <= conflict.keys()
        assert {conflict["kept_from"], conflict["dropped_from"]} <= names
        assert str(conflict["id"]) in entities[conflict["resource"]]


def test_records_have_2_3_0_shapes(snapshot: dict[str, Any]) -> None:
    """Legacy strings were converted; self links and modes are left to the emulator."""
    entities = snapshot["entities"]
    for record in entities["agencies"].values():
        assert isinstance(record["type"], dict)
    for record in entities["astronauts"].values():
        assert isinstance(record.get("nationality", []), list)
        assert not isinstance(record.get("image"), str)
    for records in entities.values():
        for record in records.values():
            assert "url" not in record
            assert "response_mode" not in record


def test_legacy_values_are_kept(snapshot: dict[str, Any]) -> None:
    """2.2.0 astronauts keep what 2.3.0 cannot say (seed 001: Peggy Whitson)."""
    legacy = snapshot["entities"]["astronauts"]["513"]["_legacy"]["2.2.0"]
    assert legacy["twitter"] == "https://twitter.com/AstroPeggy"
    assert legacy["nationality"] == "American"
    assert legacy["profile_image"].endswith(".jpeg")


def test_legacy_converter_shapes() -> None:
    """Shape changes the seeds do not exercise: 2.0.0 crew roles, 2.2.0 docking events."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from snapshot.legacy import LegacyConverter, Lookups
        from snapshot.schema import Schemas
    finally:
        sys.path.remove(str(REPO / "scripts"))
    schemas = Schemas.load(LL2 / "2.3.0-spacecraft-domain-extract.json")
    lookups = Lookups()
    lookups.observe("AstronautRole", {"id": 1, "role": "Commander", "priority": 0}, "2.3.0")
    converter = LegacyConverter(schemas, lookups, {"DockingEventForChaserNormal"})

    crew = converter.convert_object({"id": 7, "role": "Commander"}, "AstronautFlight", "2.0.0")
    assert crew["role"] == {"id": 1, "role": "Commander", "priority": 0}
    assert crew["_legacy"] == {"2.0.0": {"role": "Commander"}}

    event = {
        "id": 9,
        "launch_id": "x",
        "docking": "2020-01-01T00:00:00Z",
        "departure": None,
        "flight_vehicle": {"id": 3},
        "space_station": {"id": 4, "name": "ISS", "image_url": "https://img/iss.jpg"},
    }
    out = converter.convert_object(event, "DockingEventEndpointDetailed", "2.2.0")
    assert out["flight_vehicle_chaser"] == {"id": 3}
    assert out["space_station_target"]["image"]["image_url"] == "https://img/iss.jpg"
    assert out["space_station_target"]["image"]["id"] < 0
    assert out["_legacy"]["2.2.0"]["launch_id"] == "x"


def test_the_iss_is_linked_both_ways(snapshot: dict[str, Any]) -> None:
    """The ISS detail (ll2/space_stations-4) names its docking locations and what is docked
    there, not whose they are: the build links each location to the station, each docked
    event to its location and the station, and each docked flight to its event."""
    entities = snapshot["entities"]
    station = entities["space_stations"]["4"]
    assert "ll2/space_stations-4" in {s["name"] for s in snapshot["meta"]["sources"]}
    locations = [
        entities["docking_locations"][str(r["$ref"][1])] for r in station["docking_location"]
    ]
    assert len(locations) == 18
    docked = 0
    for location in locations:
        assert location["spacestation"] == {"$ref": ["space_stations", 4]}
        if location["currently_docked"] is None:
            continue
        docked += 1
        event = entities["docking_events"][str(location["currently_docked"]["$ref"][1])]
        assert event["docking_location"] == {"$ref": ["docking_locations", location["id"]]}
        assert event["space_station_target"] == {"$ref": ["space_stations", 4]}
        flight = entities["spacecraft_flights"][str(event["flight_vehicle_chaser"]["$ref"][1])]
        assert {"$ref": ["docking_events", event["id"]]} in flight["docking_events"]
    assert docked == station["docked_vehicles"] == 6
    derived = {(d["resource"], d["field"]): d["records"] for d in snapshot["meta"]["derived"]}
    assert derived[("docking_locations", "spacestation")] == 18
    assert derived[("docking_events", "docking_location")] == 6
    assert derived[("docking_events", "space_station_target")] == 6
