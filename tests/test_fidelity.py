"""Fidelity: every field of every seed page and real LL2 response, asked of the gateway
over the offline upstream and compared with the original JSON value by value.

Sources (the repository's ``data/``, read through ``tests/inputs.py``): seed 002 (2.3.0
flight 864, detailed), seeds 003 and 004 (2.3.0 spacecraft pages, normal mode), the 46
detailed spacecraft configurations and the 858 pruned detailed astronauts, and the
old-version seeds 000 (2.0.0 page of flights) and 001 (2.2.0 flight 671), compared after
the documented shape conversions into 2.3.0.

A field the comparison leaves out is listed in :data:`EXCLUDED` with its reason; values
the snapshot took from another source instead (``meta.conflicts``) are skipped exactly,
per (resource, id, field), with the conflict as the reason.  The helpers live in
``tests/fidelity.py``.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema

from gateway.offline import RunningUpstream, load_snapshot, load_spec
from gateway.schema import schema as gateway_schema
from tests.fidelity import (
    SHAPE_CHANGES,
    SHAPE_CHANGES_2_0_0,
    Exclusions,
    Mismatch,
    Rule,
    build_selection,
    compare,
    conflict_exclusions,
    entity_paths,
    generic,
    rewrite,
    self_link_route,
    walk_paths,
)
from tests.harness import Gateway
from tests.inputs import ll2_file, seed, seed_file

LEGACY_ONLY = "2.0.0/2.2.0-only field: served by the version adapters"

#: JSON path pattern (list indexes as ``[]``, ``*`` spans dots) -> why it is not compared.
EXCLUDED: dict[str, str] = {
    # every 2.3.0 source
    "response_mode": "representation metadata of the mode the gateway fetched in, not data: "
    "deliberately not exposed",
    "*.response_mode": "representation metadata of the mode the gateway fetched in, not data: "
    "deliberately not exposed",
    # seed 000 (2.0.0) and seed 001 (2.2.0)
    "*astronaut.twitter": f"{LEGACY_ONLY}; 2.3.0 has social_media_links instead",
    "*astronaut.instagram": f"{LEGACY_ONLY}; 2.3.0 has social_media_links instead",
    "launch.launch_library_id": f"{LEGACY_ONLY}; the Launch Library 1 id, dropped in 2.3.0",
    "launch.mission.launch_library_id": f"{LEGACY_ONLY}; the Launch Library 1 id, dropped in 2.3.0",
    "launch.rocket.configuration.launch_library_id": f"{LEGACY_ONLY}; the Launch Library 1 id, "
    "dropped in 2.3.0",
    "launch.inhold": f"{LEGACY_ONLY}; no 2.3.0 launch field",
    "launch.tbdtime": f"{LEGACY_ONLY}; 2.3.0 tells it with net_precision",
    "launch.tbddate": f"{LEGACY_ONLY}; 2.3.0 tells it with net_precision",
    "launch.holdreason": f"{LEGACY_ONLY}; no 2.3.0 launch field",
    "launch.type": f"{LEGACY_ONLY}; the 2.2.0 serializer kind of the launch ('normal'), not data",
    "launch.mission.launch_designator": f"{LEGACY_ONLY}; 2.3.0 moved it to the launch "
    "(launch_designator), not converted by the snapshot",
    "launch.pad.agency_id": f"{LEGACY_ONLY}; 2.3.0 pads have an agencies list instead",
    "launch.rocket.configuration.family": f"{LEGACY_ONLY}; a family name string where 2.3.0 "
    "has a families list of objects, not converted by the snapshot",
    "spacecraft.spacecraft_config.nation_url": f"{LEGACY_ONLY}; no 2.3.0 spacecraft "
    "configuration field",
}

#: 2.0.0 / 2.2.0 routes -> 2.3.0 routes, for comparing old self links (ll2/README.md).
LEGACY_ROUTES = {
    "spacecraft/flight/": "spacecraft_flights/",
    "config/spacecraft/": "spacecraft_configurations/",
    "config/launcher/": "launcher_configurations/",
    "astronaut/": "astronauts/",
    "launch/": "launches/",
    "pad/": "pads/",
    "location/": "locations/",
    "program/": "programs/",
}


def _legacy_route(key: str, value: Any) -> tuple[str, Any]:
    route = self_link_route(value)
    if route is None:
        return key, value
    for old, new in LEGACY_ROUTES.items():
        if route.startswith(old):
            return key, f"https://ll.thespacedevs.com/2.3.0/{new}{route[len(old) :]}"
    return key, value


#: Shape conversions of old versions into 2.3.0, self links included.
LEGACY_RULES: dict[str, Rule] = {"url": _legacy_route, "*.url": _legacy_route, **SHAPE_CHANGES}
LEGACY_2_0_0_RULES: dict[str, Rule] = {
    "url": _legacy_route,
    "*.url": _legacy_route,
    **SHAPE_CHANGES_2_0_0,
}


# -- sources ---------------------------------------------------------------------------


def source_name(file: str) -> str:
    """The name ``meta.sources`` (and ``meta.conflicts``) give an input file."""
    for s in load_snapshot().meta["sources"]:
        if Path(s["file"]).name == file:
            return str(s["name"])
    raise LookupError(file)


@functools.cache
def graphql_schema() -> GraphQLSchema:
    return build_schema(gateway_schema.as_str())


CONFIGS = "2.3.0-spacecraft_configurations-detailed.json"
ASTRONAUTS = "2.3.0-astronauts-detailed-pruned.json"
ISS = "2.3.0-space_stations-4-detailed.json"


def _spacecraft_records() -> list[Any]:
    return [
        pytest.param(prefix, index, id=f"{prefix}-{record['id']}")
        for prefix in ("003", "004")
        for index, record in enumerate(seed(prefix)["results"])
    ]


def _config_records() -> list[Any]:
    return [pytest.param(index, id=str(c["id"])) for index, c in enumerate(ll2_file(CONFIGS))]


def _legacy_flights() -> list[Any]:
    return [pytest.param(index, id=str(f["id"])) for index, f in enumerate(seed("000")["results"])]


# -- the check ---------------------------------------------------------------------------


def dropped_values(record: Any, ll2_schema: str, file: str, path: str = "") -> dict[str, str]:
    """This record's values the snapshot replaced by another source's (``meta.conflicts``),
    as exact paths with reasons (``path``: where the record sits in what is compared)."""
    entities = entity_paths(record, ll2_schema, load_spec(), path)
    return conflict_exclusions(load_snapshot().meta["conflicts"], source_name(file), entities)


def report(problems: list[Mismatch], where: str) -> str:
    return f"{len(problems)} mismatches in {where}:\n  " + "\n  ".join(map(str, problems[:60]))


async def check_by_id(
    gateway: Gateway,
    record: Any,
    *,
    field: str,
    type_name: str,
    ll2_schema: str,
    file: str,
) -> None:
    """Ask ``field(id:)`` for every field of ``record``; assert every value matches."""
    exclusions = Exclusions(EXCLUDED).merged(dropped_values(record, ll2_schema, file))
    selection, unasked = build_selection(record, graphql_schema(), type_name, exclusions)
    r = await gateway.query(
        f"query($id: ID!) {{ {field}(id: $id) {{ {selection} }} }}", {"id": str(record["id"])}
    )
    assert r.status == 200 and not r.errors, r.errors
    problems = unasked + compare(
        record, r.data[field], exclusions, unasked=[m.path for m in unasked]
    )
    assert not problems, report(problems, f"{file} {type_name} {record['id']}")


# -- 2.3.0 sources ---------------------------------------------------------------------


async def test_seed_002_flight_864_detail(gateway: Gateway) -> None:
    await check_by_id(
        gateway,
        seed("002"),
        field="spacecraftFlight",
        type_name="SpacecraftFlight",
        ll2_schema="SpacecraftFlightDetailed",
        file=seed_file("002").name,
    )


@pytest.mark.parametrize(("prefix", "index"), _spacecraft_records())
async def test_seed_spacecraft_page_record(gateway: Gateway, prefix: str, index: int) -> None:
    """Seeds 003 and 004: each spacecraft of the normal-mode page, asked by id."""
    await check_by_id(
        gateway,
        seed(prefix)["results"][index],
        field="spacecraft",
        type_name="Spacecraft",
        ll2_schema="SpacecraftNormal",
        file=seed_file(prefix).name,
    )


@pytest.mark.parametrize("index", _config_records())
async def test_ll2_spacecraft_configuration(gateway: Gateway, index: int) -> None:
    await check_by_id(
        gateway,
        ll2_file(CONFIGS)[index],
        field="spacecraftConfig",
        type_name="SpacecraftConfig",
        ll2_schema="SpacecraftConfigDetailed",
        file=CONFIGS,
    )


async def test_ll2_astronauts_all_pages(gateway: Gateway) -> None:
    """All 858 astronauts, walked in pages of 100 and matched by id."""
    records = ll2_file(ASTRONAUTS)
    exclusions = Exclusions(EXCLUDED)
    # one selection over the union of every record's keys (the capture kept the same ones)
    selection, unasked = build_selection(
        {"nodes": records}, graphql_schema(), "AstronautConnection", exclusions
    )
    got: dict[str, Any] = {}
    after: str | None = None
    while True:
        r = await gateway.query(
            "query($after: String) { astronauts(first: 100, after: $after) {"
            f" totalCount pageInfo {{ hasNextPage endCursor }} {selection} }} }}",
            {"after": after},
        )
        assert r.status == 200 and not r.errors, r.errors
        page = r.data["astronauts"]
        got.update((node["id"], node) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == len(records) == len(got)

    problems = list(unasked)
    for index, record in enumerate(records):
        per_record = exclusions.merged(
            dropped_values(record, "AstronautEndpointDetailed", ASTRONAUTS, f"[{index}]")
        )
        problems += compare(
            record,
            got.get(str(record["id"])),
            per_record,
            f"[{index}]",
            unasked=[m.path.removeprefix("nodes") for m in unasked],
        )
    assert not problems, report(problems, f"{ASTRONAUTS} (paths: [index in the file])")


@pytest.fixture
async def roomy_gateway(upstream: RunningUpstream) -> AsyncIterator[Gateway]:
    """A gateway whose cost limit admits every field of the detailed ISS in one operation
    (its estimated cost is about 29,000, over the default ``--max-cost`` of 20,000)."""
    gw = await Gateway(upstream, max_cost=100_000).start()
    try:
        yield gw
    finally:
        await gw.close()


async def test_ll2_space_station_4_detail(roomy_gateway: Gateway) -> None:
    """The International Space Station, detailed: owners, expeditions, and each of its 18
    docking locations with what is docked there (flight, spacecraft, launch)."""
    (record,) = ll2_file(ISS)
    await check_by_id(
        roomy_gateway,
        record,
        field="spaceStation",
        type_name="SpaceStation",
        ll2_schema="SpaceStationDetailedEndpoint",
        file=ISS,
    )


#: The entities the ISS record holds, each asked by id of its own root field:
#: (root field, GraphQL type, the LL2 serializer it has inside the station, JSON path).
_ISS_FIELDS = {
    "owners[]": ("agency", "Agency", "AgencyNormal"),
    "docking_location[]": (
        "dockingLocation",
        "DockingLocation",
        "DockingLocationSerializerForSpacestation",
    ),
    "docking_location[].currently_docked": (
        "dockingEvent",
        "DockingEvent",
        "DockingEventDetailedSerializerForSpacestation",
    ),
    "docking_location[].currently_docked.flight_vehicle_chaser": (
        "spacecraftFlight",
        "SpacecraftFlight",
        "SpacecraftFlightForDockingEvent",
    ),
    "docking_location[].currently_docked.flight_vehicle_chaser.spacecraft": (
        "spacecraft",
        "Spacecraft",
        "SpacecraftDetailed",
    ),
}


def _iss_entities() -> list[Any]:
    """Every entity below the ISS record a root field serves, as (path, record) params."""
    (station,) = ll2_file(ISS)
    found: list[Any] = []

    def visit(value: Any, path: str) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f"{path}[{index}]")
        elif isinstance(value, dict):
            if generic(path) in _ISS_FIELDS and value.get("id") is not None:
                found.append(pytest.param(path, id=path))
            for key, item in value.items():
                visit(item, f"{path}.{key}" if path else key)

    visit(station, "")
    return found


def _at(value: Any, path: str) -> Any:
    for part in path.replace("[", ".[").split("."):
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return value


@pytest.mark.parametrize("path", _iss_entities())
async def test_ll2_space_station_4_entities_by_their_own_id(gateway: Gateway, path: str) -> None:
    """What the ISS embeds is served by its own endpoint too: owners, docking locations,
    the events docked there, their flights (with their launch) and spacecraft."""
    field, type_name, ll2_schema = _ISS_FIELDS[generic(path)]
    await check_by_id(
        gateway,
        _at(ll2_file(ISS)[0], path),
        field=field,
        type_name=type_name,
        ll2_schema=ll2_schema,
        file=ISS,
    )


def test_the_iss_holds_what_its_readme_says() -> None:
    """18 docking locations, 6 with a vehicle docked, 5 owners: 41 entities asked above."""
    (station,) = ll2_file(ISS)
    docked = [loc for loc in station["docking_location"] if loc["currently_docked"]]
    assert (len(station["docking_location"]), len(docked), len(station["owners"])) == (18, 6, 5)
    assert len(_iss_entities()) == 18 + 6 * 3 + 5


# -- 2.0.0 and 2.2.0 seeds, in their 2.3.0 shapes ------------------------------------------


async def test_seed_001_legacy_flight_671_detail(gateway: Gateway) -> None:
    """2.2.0 flight 671 (detailed): crews, spacecraft with detailed config, launch, landing."""
    await check_by_id(
        gateway,
        rewrite(seed("001"), LEGACY_RULES),
        field="spacecraftFlight",
        type_name="SpacecraftFlight",
        ll2_schema="SpacecraftFlightDetailed",
        file=seed_file("001").name,
    )


@pytest.mark.parametrize("index", _legacy_flights())
async def test_seed_000_legacy_flight_page_record(gateway: Gateway, index: int) -> None:
    """2.0.0 page of flights: each flight, asked by id."""
    await check_by_id(
        gateway,
        rewrite(seed("000")["results"][index], LEGACY_2_0_0_RULES),
        field="spacecraftFlight",
        type_name="SpacecraftFlight",
        ll2_schema="SpacecraftFlightNormal",
        file=seed_file("000").name,
    )


# -- the lists themselves ----------------------------------------------------------------


def test_every_exclusion_and_legacy_rule_is_used() -> None:
    """No stale entry: each exclusion pattern and each conversion rule meets a source path."""
    legacy = [seed("001"), *seed("000")["results"]]
    converted = [rewrite(seed("001"), LEGACY_RULES)] + [
        rewrite(r, LEGACY_2_0_0_RULES) for r in seed("000")["results"]
    ]
    current = [
        seed("002"),
        *seed("003")["results"],
        *seed("004")["results"],
        *ll2_file(CONFIGS),
        *ll2_file(ASTRONAUTS),
        *ll2_file(ISS),
    ]
    shapes = {generic(p) for record in current + converted for p in walk_paths(record)}
    old_shapes = {generic(p) for record in legacy for p in walk_paths(record)}
    unused = [p for p in EXCLUDED if not any(fnmatchcase(s, p) for s in shapes)]
    assert not unused, f"exclusions matching no source path: {unused}"
    idle = [p for p in LEGACY_2_0_0_RULES if not any(fnmatchcase(s, p) for s in old_shapes)]
    assert not idle, f"legacy rules matching no source path: {idle}"
    assert all(reason.strip() for reason in EXCLUDED.values())
