"""Rendering: each mode has exactly its serializer's fields, nested objects theirs."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from gateway.offline import ApiSpec, Snapshot
from gateway.offline.render import Renderer

from .helpers import assert_shape, get_json

MODES = [
    (path, mode)
    for path in (
        "spacecraft/",
        "spacecraft_configurations/",
        "spacecraft_configuration_families/",
        "agencies/",
        "astronauts/",
        "spacecraft_flights/",
        "docking_events/",
        "space_stations/",
        "launches/",
        "landings/",
    )
    for mode in ("list", "normal", "detailed")
]


@pytest.mark.parametrize(("path", "mode"), MODES)
async def test_each_mode_has_its_schema_shape(
    client: TestClient[Any, Any], spec: ApiSpec, path: str, mode: str
) -> None:
    endpoint = spec.endpoints[path]
    if mode not in endpoint.modes:
        body = await get_json(client, f"/2.3.0/{path}?mode={mode}", status=400)
        assert set(body) == {"detail"}
        return
    body = await get_json(client, f"/2.3.0/{path}?mode={mode}&limit=100")
    assert body["count"] == len(body["results"]) > 0
    for item in body["results"]:
        assert_shape(item, endpoint.modes[mode], spec)


async def test_default_mode_is_normal(client: TestClient[Any, Any], spec: ApiSpec) -> None:
    body = await get_json(client, "/2.3.0/agencies/")
    assert {item["response_mode"] for item in body["results"]} == {"normal"}
    assert_shape(body["results"][0], "AgencyNormal", spec)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("spacecraft/1/", "SpacecraftEndpointDetailed"),
        ("spacecraft_configurations/2/", "SpacecraftConfigDetailed"),
        ("spacecraft_configuration_families/2/", "SpacecraftConfigFamilyEndpointDetailed"),
        ("agencies/121/", "AgencyEndpointDetailed"),
        ("astronauts/1/", "AstronautEndpointDetailed"),
        ("spacecraft_flights/864/", "SpacecraftFlightDetailed"),
        ("docking_events/615/", "DockingEventEndpointDetailed"),
        ("space_stations/18/", "SpaceStationDetailedEndpoint"),
        ("config/docking_locations/5/", "DockingLocation"),
        ("launches/1b411bfa-86b8-4b88-8f01-6e97ca4b90d7/", "LaunchDetailed"),
        ("landings/1474/", "LandingEndpointDetailed"),
    ],
)
async def test_detail_is_always_the_detail_schema(
    client: TestClient[Any, Any], spec: ApiSpec, path: str, schema: str
) -> None:
    for query in ("", "?mode=list", "?mode=normal", "?mode=bogus"):
        assert_shape(await get_json(client, f"/2.3.0/{path}{query}"), schema, spec)


async def test_nested_objects_keep_their_own_serializer(client: TestClient[Any, Any]) -> None:
    normal = await get_json(client, "/2.3.0/spacecraft/?mode=normal&limit=1")
    config = normal["results"][0]["spacecraft_config"]
    assert config["response_mode"] == "normal"  # SpacecraftConfigNormal
    assert config["agency"]["response_mode"] == "list"  # AgencyMini
    detailed = await get_json(client, "/2.3.0/spacecraft/1/")
    config = detailed["spacecraft_config"]
    assert config["response_mode"] == "detailed"  # SpacecraftConfigDetailed
    assert config["agency"]["response_mode"] == "normal"  # AgencyNormal
    flight = detailed["flights"][0]  # SpacecraftFlightNormal
    assert flight["response_mode"] == "normal"
    assert flight["spacecraft"]["spacecraft_config"]["agency"]["response_mode"] == "list"


async def test_values_refs_urls_and_missing_fields(client: TestClient[Any, Any]) -> None:
    flight = await get_json(client, "/2.3.0/spacecraft_flights/864/")
    origin = str(client.make_url("")).rstrip("/")
    assert flight["url"] == f"{origin}/2.3.0/spacecraft_flights/864/"
    assert flight["spacecraft"]["url"] == f"{origin}/2.3.0/spacecraft/1/"
    assert flight["launch"]["pad"]["url"] == f"{origin}/2.3.0/pads/176/"  # inline, re-linked
    crew = flight["launch_crew"][0]
    assert crew["role"] == {"id": 1, "role": "Commander", "priority": 0}
    assert crew["astronaut"]["name"] == "Jane Roe"
    assert crew["astronaut"]["agency"]["abbrev"] == "NASA"
    assert flight["landing_crew"] == []  # missing list -> []
    assert flight["turn_around_time"] is None  # missing scalar -> null
    assert flight["docking_events"][0]["docking_location"]["name"] == "Tianhe forward"


async def test_legacy_is_never_rendered(client: TestClient[Any, Any]) -> None:
    nasa = await get_json(client, "/2.3.0/agencies/44/")
    assert "_legacy" not in nasa
    assert nasa["type"] == {"id": 1, "name": "Government"}


def test_renderer_caches_entities(snapshot: Snapshot, spec: ApiSpec) -> None:
    renderer = Renderer(snapshot, spec)
    record = snapshot.get("spacecraft", 3)
    assert record is not None
    first = renderer.render(record, "SpacecraftNormal", "http://a")
    assert renderer.render(record, "SpacecraftNormal", "http://a") is first
    other = renderer.render(record, "SpacecraftNormal", "http://b")
    assert other["url"] == "http://b/2.3.0/spacecraft/3/"
    assert first["url"] == "http://a/2.3.0/spacecraft/3/"


def test_scalar_fields_holding_a_reference_render_as_text(spec: ApiSpec) -> None:
    snapshot = Snapshot.from_json(
        {
            "entities": {
                "agencies": {
                    "1": {"id": 1, "name": "Parent Co"},
                    "2": {"id": 2, "name": "Child Co", "parent": {"$ref": ["agencies", 1]}},
                }
            }
        }
    )
    child = snapshot.get("agencies", 2)
    assert child is not None
    rendered = Renderer(snapshot, spec).render(child, "AgencyNormal", "http://x")
    assert rendered["parent"] == "Parent Co"
