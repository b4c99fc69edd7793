"""Every LL2 version behind the same schema: 2.0.0, 2.2.0 and 2.3.0 upstreams.

* the old seeds through the gateway over the offline upstream in their own version,
  value by value: seed 000 (a 2.0.0 page of flights) and seed 001 (2.2.0 flight 671),
  old-only fields (``twitter``, ``tbdtime``...) included;
* the representative operations (``bench/operations.py``) on every version: the same
  data shape, and an older version never says something 2.3.0 does not (it may say less:
  null where it has no such field);
* arguments an older version cannot honour are refused (``BAD_USER_INPUT``) before any
  call, those it can are translated;
* the planner and the cache work the same on each version: a cold operation makes at
  most the calls it planned, the same operation again makes none;
* the settings, the adapters and the offline emulator's old routes and shapes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema

from bench.operations import OPERATIONS
from gateway.errors import BadUserInput
from gateway.ll2 import RESOURCES
from gateway.ll2.spec import load_version_spec
from gateway.offline import load_snapshot, load_spec, start_offline_upstream
from gateway.schema import schema as gateway_schema
from gateway.settings import Settings
from gateway.upstream.versions import VERSIONS, adapter_for
from tests.fidelity import (
    SHAPE_CHANGES,
    SHAPE_CHANGES_2_0_0,
    Exclusions,
    Rule,
    build_selection,
    compare,
    conflict_exclusions,
    entity_paths,
    rewrite,
    str_rule,
)
from tests.harness import Gateway, Response
from tests.inputs import LL2, REPO, seed

OLD = ("2.0.0", "2.2.0")


@pytest.fixture(params=VERSIONS)
async def versioned(request: pytest.FixtureRequest) -> AsyncIterator[Gateway]:
    """A gateway over the offline upstream speaking one LL2 version (taken from its URL)."""
    upstream = await start_offline_upstream(version=request.param)
    gateway = await Gateway(upstream).start()
    try:
        yield gateway
    finally:
        await gateway.close()
        await upstream.close()


async def over(version: str) -> tuple[Any, Gateway]:
    upstream = await start_offline_upstream(version=version)
    return upstream, await Gateway(upstream).start()


def version_of(gateway: Gateway) -> str:
    return gateway.settings.ll2_version


# -- (a) the old seeds, value by value, over their own version ------------------------------


#: What the gateway serves from an old object: 2.3.0's shapes; old-only fields stay as they
#: are, since the gateway serves them under their own names.
_FAMILY: dict[str, Rule] = {
    "launch.rocket.configuration.family": str_rule(
        lambda key, name: ("families", [{"name": name}])
    ),
}
INTO_GATEWAY: dict[str, Rule] = {**SHAPE_CHANGES, **_FAMILY}
INTO_GATEWAY_2_0_0: dict[str, Rule] = {**SHAPE_CHANGES_2_0_0, **_FAMILY}
NOT_DATA = {"launch.type": "the 2.2.0 serializer's kind ('normal'), not data"}


@functools.cache
def graphql_schema() -> Any:
    return build_schema(gateway_schema.as_str())


def _source_name(prefix: str) -> str:
    for source in load_snapshot().meta["sources"]:
        if Path(source["file"]).name.startswith(f"{prefix}_"):
            return str(source["name"])
    raise LookupError(prefix)


def _exclusions(record: Any, ll2_schema: str, prefix: str, path: str = "") -> Exclusions:
    """:data:`NOT_DATA`, and the values the snapshot took from another source instead."""
    entities = entity_paths(record, ll2_schema, load_spec(), path)
    conflicts = load_snapshot().meta["conflicts"]
    return Exclusions(NOT_DATA, conflict_exclusions(conflicts, _source_name(prefix), entities))


async def test_seed_001_flight_671_over_2_2_0() -> None:
    upstream, gateway = await over("2.2.0")
    try:
        record = rewrite(seed("001"), INTO_GATEWAY)
        exclusions = _exclusions(record, "SpacecraftFlightDetailed", "001")
        selection, unasked = build_selection(
            record, graphql_schema(), "SpacecraftFlight", exclusions
        )
        r = await gateway.query(f'{{ spacecraftFlight(id: "671") {{ {selection} }} }}')
        assert r.status == 200 and not r.errors, r.errors
        problems = unasked + compare(record, r.data["spacecraftFlight"], exclusions)
        assert not problems, "\n".join(map(str, problems))
        # old-only values came through, and one call to the 2.2.0 route answered it all
        crew = r.data["spacecraftFlight"]["launchCrew"][0]["astronaut"]
        assert crew["twitter"] == "https://twitter.com/AstroPeggy"
        assert [c.path for c in gateway.upstream_calls()] == ["/2.2.0/spacecraft/flight/671/"]
    finally:
        await gateway.close()
        await upstream.close()


async def test_seed_000_page_of_flights_over_2_0_0() -> None:
    """The 2.0.0 list itself: every flight of the seed page, from one list call."""
    upstream, gateway = await over("2.0.0")
    try:
        records = [rewrite(r, INTO_GATEWAY_2_0_0) for r in seed("000")["results"]]
        selection, unasked = build_selection(
            {"nodes": records}, graphql_schema(), "SpacecraftFlightConnection", Exclusions()
        )
        r = await gateway.query(f"{{ spacecraftFlights(first: 100) {{ {selection} }} }}")
        assert r.status == 200 and not r.errors, r.errors
        got = {node["id"]: node for node in r.data["spacecraftFlights"]["nodes"]}
        problems = list(unasked)
        for index, record in enumerate(records):
            exclusions = _exclusions(record, "SpacecraftFlightNormal", "000", f"[{index}]")
            problems += compare(record, got.get(str(record["id"])), exclusions, f"[{index}]")
        assert not problems, "\n".join(map(str, problems))
        assert got["901"]["launch"]["tbdtime"] is False
        assert got["901"]["launch"]["status"]["abbrev"] == "Success"
        calls = gateway.upstream_calls()
        assert [(c.path, c.query.get("mode")) for c in calls] == [
            ("/2.0.0/spacecraft/flight/", None)
        ]
    finally:
        await gateway.close()
        await upstream.close()


# -- (b) the representative operations, on every version --------------------------------------


def says_no_more(old: Any, new: Any, path: str = "") -> list[str]:
    """Where ``old`` (an older version's answer) differs from ``new`` (2.3.0's) other than
    by a null: the same keys everywhere, the same lists, the same values."""
    if old is None:
        return []
    if isinstance(new, dict) and isinstance(old, dict):
        if set(old) != set(new):
            return [f"{path}: keys {sorted(old)} vs {sorted(new)}"]
        return [p for k in old if k != "url" for p in says_no_more(old[k], new[k], f"{path}.{k}")]
    if isinstance(new, list) and isinstance(old, list):
        if len(old) != len(new):
            return [f"{path}: {len(old)} items vs {len(new)}"]
        return [
            p
            for i, (o, n) in enumerate(zip(old, new, strict=True))
            for p in says_no_more(o, n, f"{path}[{i}]")
        ]
    return [] if old == new else [f"{path}: {old!r} vs {new!r}"]


async def run_operations(gateway: Gateway) -> dict[str, Response]:
    return {name: await gateway.query(query) for name, query in OPERATIONS.items()}


async def test_representative_operations_same_shape_on_every_version() -> None:
    answers: dict[str, dict[str, Response]] = {}
    for version in VERSIONS:
        upstream, gateway = await over(version)
        try:
            answers[version] = await run_operations(gateway)
        finally:
            await gateway.close()
            await upstream.close()
    for version in VERSIONS:
        for name, r in answers[version].items():
            assert r.status == 200 and not r.errors, (version, name, r.errors)
    for version in OLD:
        for name in OPERATIONS:
            new, old = answers["2.3.0"][name].data, answers[version][name].data
            problems = says_no_more(old, new)
            assert not problems, (version, name, problems[:10])
    # what older versions lack is null, and only that
    old_flight = answers["2.2.0"]["flight_with_crew_and_dockings"].data["spacecraftFlight"]
    assert old_flight["launchCrew"][0]["astronaut"]["nationality"] == [{"name": None}]
    config = answers["2.0.0"]["configuration_catalogue"].data["spacecraftConfigs"]["nodes"][0]
    assert config["family"] is None and config["name"]


async def test_old_only_fields_are_null_over_2_3_0(gateway: Gateway) -> None:
    r = await gateway.query(
        '{ astronaut(id: "513") { name twitter instagram }'
        '  spacecraftFlight(id: "901") { launch { holdreason tbdtime pad { agencyId } } } }'
    )
    assert not r.errors, r.errors
    assert r.data["astronaut"] == {"name": "Peggy Whitson", "twitter": None, "instagram": None}
    assert r.data["spacecraftFlight"]["launch"] == {
        "holdreason": None,
        "tbdtime": None,
        "pad": {"agencyId": None},
    }
    # a field 2.3.0 never sends costs no call of its own
    assert len(gateway.upstream_calls()) == 2


async def test_old_only_fields_over_their_version(versioned: Gateway) -> None:
    r = await versioned.query(
        '{ astronaut(id: "513") { twitter instagram image { imageUrl thumbnailUrl } } }'
    )
    assert not r.errors, r.errors
    astronaut = r.data["astronaut"]
    if version_of(versioned) == "2.2.0":
        assert astronaut["twitter"] == "https://twitter.com/AstroPeggy"
        assert astronaut["instagram"] == "https://www.instagram.com/astro_peggy/"
    else:  # 2.3.0 has no such field; the snapshot keeps Peggy's only for 2.2.0
        assert astronaut["twitter"] is None
    assert astronaut["image"]["imageUrl"].startswith("https://")


# -- arguments: translated, or refused before any call -------------------------------------------

UNHONOURED = {
    "ordering": "{ spacecrafts(first: 5, ordering: [TIME_IN_SPACE_DESC]) { nodes { id } } }",
    "country_code": '{ agencies(first: 5, filter: { countryCode: ["USA"] }) { nodes { id } } }',
    "status_ids": '{ astronauts(first: 5, filter: { statusIds: ["1", "2"] }) { nodes { id } } }',
    "in_space": "{ spacecrafts(first: 5, filter: { inSpace: true }) { nodes { id } } }",
    "families": "{ spacecraftFamilies(first: 5) { nodes { id } } }",
    "family": '{ spacecraftFamily(id: "1") { id } }',
}


@pytest.mark.parametrize("argument", sorted(UNHONOURED))
async def test_arguments_an_old_version_cannot_honour_are_refused(
    versioned: Gateway, argument: str
) -> None:
    r = await versioned.query(UNHONOURED[argument])
    if version_of(versioned) == "2.3.0":
        assert not r.errors, r.errors
        return
    assert r.codes == ["BAD_USER_INPUT"], r.errors
    error = r.errors[0]
    assert f"LL2 {version_of(versioned)}" in error["message"]
    assert error["extensions"]["upstreamVersion"] == version_of(versioned)
    assert versioned.upstream_calls() == []


async def test_filters_are_translated_to_the_old_names(versioned: Gateway) -> None:
    r = await versioned.query(
        '{ spaceStation(id: "18") { dockingEvents(first: 5, ordering: [DOCKING_DESC]) {'
        "    totalCount nodes { id } } }"
        '  agency(id: "121") { spacecraftConfigs(first: 3) { totalCount } }'
        '  astronauts(first: 3, filter: { statusIds: ["1"] }) { totalCount } }'
    )
    assert not r.errors, r.errors
    adapter = adapter_for(version_of(versioned))
    queries = {c.path.split("/", 2)[2]: c.query for c in versioned.upstream_calls()}
    events = queries[adapter.list_path("docking_events")]
    configs = queries[adapter.list_path("spacecraft_configurations")]
    astronauts = queries[adapter.list_path("astronauts")]
    if version_of(versioned) == "2.3.0":
        assert events["space_station_target__id"] == "18" and configs["agency"] == "121"
        assert astronauts["status_ids"] == "1"
    else:
        assert events["space_station__id"] == "18" and events["ordering"] == "-docking"
        assert configs["manufacturer"] == "121" and astronauts["status"] == "1"
        assert "mode" not in events and "mode" not in configs
    assert r.data["spaceStation"]["dockingEvents"]["totalCount"] >= 1
    assert r.data["agency"]["spacecraftConfigs"]["totalCount"] >= 1


async def test_translated_filters_answer_what_2_3_0_answers() -> None:
    query = (
        '{ astronauts(first: 100, filter: { statusIds: ["1"], dateOfBirth: { gte: "1960-01-01" } },'
        "  ordering: [NAME_ASC]) { totalCount nodes { id } }"
        '  spacecrafts(first: 100, filter: { status: "1" }) { totalCount nodes { id } } }'
    )
    data = {}
    for version in VERSIONS:
        upstream, gateway = await over(version)
        try:
            r = await gateway.query(query)
            assert not r.errors, (version, r.errors)
            data[version] = r.data
        finally:
            await gateway.close()
            await upstream.close()
    assert data["2.3.0"]["astronauts"]["totalCount"] > 0
    assert data["2.3.0"]["spacecrafts"]["totalCount"] > 0
    assert data["2.0.0"] == data["2.2.0"] == data["2.3.0"]


# -- (c) the planner and the cache, on every version -----------------------------------------


async def test_planner_bound_and_warm_cache_on_every_version(versioned: Gateway) -> None:
    for name, query in OPERATIONS.items():
        versioned.reset_upstream()
        cold = await versioned.query(query)
        assert not cold.errors, (name, cold.errors)
        report = cold.body["extensions"]["upstream"]
        assert report["requests"] == len(versioned.upstream_calls())
        assert report["requests"] <= report["plannedCalls"], (name, report)
        versioned.reset_upstream()
        warm = await versioned.query(query)
        assert warm.data == cold.data, name
        assert versioned.upstream_calls() == [], name
        assert warm.body["extensions"]["upstream"]["requests"] == 0


async def test_explain_plans_the_old_routes(versioned: Gateway) -> None:
    r = await versioned.query(OPERATIONS["astronaut_profile"], headers={"X-Explain": "1"})
    planned = r.body["extensions"]["upstream"]["planned"]
    assert versioned.upstream_calls() == []
    route = {"2.3.0": "astronauts/513/", "2.2.0": "astronaut/513/", "2.0.0": "astronaut/513/"}
    assert planned == [{"path": route[version_of(versioned)], "params": {}}]


async def test_old_lists_load_details_only_for_what_the_list_lacks() -> None:
    """A 2.2.0 flight list has no crews: selecting them costs one detail per flight; a
    field no 2.2.0 answer has (a configuration's family) costs nothing."""
    upstream, gateway = await over("2.2.0")
    try:
        r = await gateway.query(
            "{ spacecraftFlights(first: 3) { nodes { id destination } }"
            "  spacecraftConfigs(first: 5) { nodes { name family { name } } } }"
        )
        assert not r.errors, r.errors
        assert len(gateway.upstream_calls()) == 2
        gateway.reset_upstream()
        r = await gateway.query(
            "{ spacecraftFlights(first: 3) { nodes { id launchCrew { astronaut { name } } } } }"
        )
        assert not r.errors, r.errors
        paths = [c.path for c in gateway.upstream_calls()]  # the page itself is cached
        assert sorted(paths) == sorted(
            f"/2.2.0/spacecraft/flight/{n['id']}/" for n in r.data["spacecraftFlights"]["nodes"]
        )
    finally:
        await gateway.close()
        await upstream.close()


# -- settings -----------------------------------------------------------------------------------


def test_the_version_comes_from_the_setting_or_the_url() -> None:
    assert Settings().ll2_version == "2.3.0"
    assert Settings(upstream="https://ll.thespacedevs.com/2.2.0/").ll2_version == "2.2.0"
    assert Settings(upstream="http://proxy.local/ll2/").ll2_version == "2.3.0"
    assert Settings(upstream="http://proxy.local/", upstream_version="2.0.0").ll2_version == "2.0.0"
    assert Settings.from_env({"LL2_UPSTREAM_VERSION": "2.2.0"}).ll2_version == "2.2.0"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"upstream_version": "2.1.0"}, "must be one of 2.0.0, 2.2.0, 2.3.0"),
        ({"upstream": "https://ll.thespacedevs.com/2.1.0/"}, "names LL2 2.1.0"),
        (
            {"upstream": "https://ll.thespacedevs.com/2.3.0/", "upstream_version": "2.2.0"},
            "names LL2 2.3.0",
        ),
    ],
)
def test_a_bad_version_is_a_startup_error(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(**settings)


def test_the_cli_refuses_a_bad_version(capsys: pytest.CaptureFixture[str]) -> None:
    from gateway.cli import main

    assert main(["serve", "--upstream-version", "3.0.0"]) == 2
    assert "upstream_version must be one of" in capsys.readouterr().err


async def test_the_offline_upstream_follows_the_setting() -> None:
    """No ``--upstream``: the in-process offline LL2 serves the configured version."""
    from aiohttp.test_utils import TestClient, TestServer

    from gateway.server import APP_STATE, create_app

    app = create_app(Settings(upstream_version="2.0.0"))
    async with TestClient(TestServer(app)) as client:
        assert app[APP_STATE].upstream_url.endswith("/2.0.0/")
        response = await client.post(
            "/graphql", json={"query": '{ spacecraftFlight(id: "901") { launch { inhold } } }'}
        )
        body = await response.json()
    assert body["data"] == {"spacecraftFlight": {"launch": {"inhold": False}}}


# -- the adapters --------------------------------------------------------------------------------


def test_adapters_are_known_by_version() -> None:
    from gateway.settings import UPSTREAM_VERSIONS

    assert UPSTREAM_VERSIONS == VERSIONS
    assert [adapter_for(v).version for v in VERSIONS] == list(VERSIONS)
    for name, record in RESOURCES.items():
        assert adapter_for("2.3.0").comma_id_filter(name) == record.comma_id_filter
        assert adapter_for("2.2.0").comma_id_filter(name) is None
        assert adapter_for("2.0.0").comma_id_filter(name) is None
    assert adapter_for("2.3.0").comma_id_filter("launches") == "id"
    with pytest.raises(ValueError):
        adapter_for("1.4.0")


def test_adapter_paths() -> None:
    expected = {
        "spacecraft_flights": ("spacecraft/flight/", "spacecraft_flights/"),
        "spacecraft_configurations": ("config/spacecraft/", "spacecraft_configurations/"),
        "astronauts": ("astronaut/", "astronauts/"),
        "space_stations": ("spacestation/", "space_stations/"),
        "docking_events": ("docking_event/", "docking_events/"),
        "docking_locations": ("config/dockinglocation/", "config/docking_locations/"),
        "agencies": ("agencies/", "agencies/"),
        "spacecraft": ("spacecraft/", "spacecraft/"),
        "launches": ("launch/", "launches/"),
    }
    for resource, (old, new) in expected.items():
        assert adapter_for("2.3.0").list_path(resource) == new
        for version in OLD:
            assert adapter_for(version).list_path(resource) == old
            assert adapter_for(version).detail_path(resource, "7") == f"{old}7/"
    for version in OLD:
        for resource in ("spacecraft_configuration_families", "landings"):
            assert not adapter_for(version).supports(resource)
            with pytest.raises(BadUserInput, match=f"LL2 {version} has no"):
                adapter_for(version).list_path(resource)


def test_every_translated_filter_exists_in_2_3_0() -> None:
    current = load_spec()
    for version in OLD:
        spec = load_version_spec(version)
        for endpoint in spec.endpoints.values():
            if endpoint.kind != "list" or endpoint.resource is None:
                continue
            new = next(
                e
                for e in current.endpoints.values()
                if e.kind == "list" and e.resource == endpoint.resource
            )
            names = {f.name for f in new.filters}
            assert {f.source for f in endpoint.filters if f.source} <= names, endpoint.path


def test_normalise_turns_old_shapes_into_2_3_0() -> None:
    docking = {
        "id": 5,
        "docking": "2024-11-15T18:32:00Z",
        "flight_vehicle": {"id": 864, "spacecraft": {"id": 602, "name": "Tianzhou-8"}},
        "space_station": {"id": 18, "name": "Tiangong", "image_url": "https://img/t.jpg"},
        "launch_id": "abc",
    }
    out = adapter_for("2.2.0").normalise("docking_events", docking, detail=True)
    assert out["flight_vehicle_chaser"]["spacecraft"]["name"] == "Tianzhou-8"
    assert out["space_station_target"]["image"] == {"image_url": "https://img/t.jpg"}
    assert out["launch_id"] == "abc" and "flight_vehicle" not in out
    crew = adapter_for("2.0.0").normalise(
        "spacecraft_flights",
        {"id": 1, "launch_crew": [{"id": 2, "role": "Commander", "astronaut": {"id": 3}}]},
        detail=True,
    )
    assert crew["launch_crew"][0]["role"] == {"role": "Commander"}
    agency = adapter_for("2.2.0").normalise(
        "agencies",
        {"id": 27, "type": "Multinational", "country_code": "FRA,DEU", "founding_year": "1975"},
    )
    assert agency["type"] == {"name": "Multinational"}
    assert agency["country"] == [{"alpha_3_code": "FRA"}, {"alpha_3_code": "DEU"}]
    assert agency["founding_year"] == 1975
    assert adapter_for("2.3.0").normalise("agencies", agency) is agency


# -- the offline upstream's old versions ---------------------------------------------------------


async def test_old_versions_are_served_next_to_2_3_0() -> None:
    import aiohttp

    from tests.offline.helpers import assert_shape

    upstream = await start_offline_upstream(version="2.2.0")
    try:
        assert upstream.url.endswith("/2.2.0/")
        async with aiohttp.ClientSession() as http:
            for version in VERSIONS:
                spec = load_version_spec(version)
                base = f"{upstream.origin}/{version}/"
                for endpoint in spec.endpoints.values():
                    if endpoint.kind != "list" or endpoint.resource is None:
                        continue
                    async with http.get(base + endpoint.path, params={"limit": "3"}) as response:
                        assert response.status == 200, (version, endpoint.path)
                        page = await response.json()
                    schema = endpoint.schema_for(None)
                    for item in page["results"]:
                        assert_shape(item, schema, spec)
                    detail = spec.endpoints[endpoint.path + "{id}/"]
                    for item in page["results"][:2]:
                        async with http.get(f"{base}{endpoint.path}{item['id']}/") as response:
                            assert_shape(await response.json(), detail.schema or "", spec)
        logged = {entry.path.split("/")[1] for entry in upstream.state.log}
        assert logged == set(VERSIONS)
    finally:
        await upstream.close()


def test_the_old_descriptions_are_rebuilt_identically() -> None:
    """``spec-2.x.0.json`` is what ``scripts/build_legacy_specs.py`` makes of ``data/``."""
    import importlib.util

    root = REPO
    spec = importlib.util.spec_from_file_location(
        "build_legacy_specs", root / "scripts" / "build_legacy_specs.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    swagger = json.loads((LL2 / "swagger-2.2.0.json").read_text())
    current = json.loads((root / "gateway" / "ll2" / "data" / "spec.json").read_text())
    for version in OLD:
        built = script.build(version, swagger, current, seed(script.SEEDS[version][0]))
        packaged = root / "gateway" / "ll2" / "data" / f"spec-{version}.json"
        assert json.loads(packaged.read_text()) == built, version


async def test_the_emulator_gives_the_seeds_their_own_keys() -> None:
    """Seed 000 and seed 001, key by key and in order, from the 2.0.0 and 2.2.0 routes."""
    import aiohttp

    def keys(value: Any, path: str = "") -> list[tuple[str, list[str]]]:
        if isinstance(value, dict):
            out = [(path, list(value))]
            for k, v in value.items():
                out += keys(v, f"{path}.{k}")
            return out
        if isinstance(value, list):
            return [p for i, v in enumerate(value) for p in keys(v, f"{path}[{i}]")]
        return []

    upstream = await start_offline_upstream(version="2.0.0")
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(upstream.url + "spacecraft/flight/?limit=100") as response:
                page = {r["id"]: r for r in (await response.json())["results"]}
            async with http.get(f"{upstream.origin}/2.2.0/spacecraft/flight/671/") as response:
                flight = await response.json()
        for record in seed("000")["results"]:
            assert keys(page[record["id"]]) == keys(record)
        assert keys(flight) == keys(seed("001"))
        launch = page[901]["launch"]
        assert (launch["tbdtime"], launch["status"], launch["image"][:8]) == (
            False,
            {"id": 3, "name": "Success"},
            "https://",
        )
        assert flight["launch_crew"][0]["astronaut"]["nationality"] == "American"
        assert flight["spacecraft"]["spacecraft_config"]["agency"]["founding_year"] == "2002"
    finally:
        await upstream.close()
