"""Flights with their crews and dockings, astronauts, space stations, docking locations and
docking events, walked over real HTTP."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.harness import Gateway, carried


def no_repeats(gateway: Gateway) -> None:
    calls = Counter((c.path, tuple(sorted(c.query.items()))) for c in gateway.upstream_calls())
    assert not calls or max(calls.values()) == 1, calls


async def test_walk_from_spacecraft_to_station_and_back(gateway: Gateway) -> None:
    r = await gateway.query(
        '{ spacecraft(id: "602") { id name flights { id destination'
        "  launch { name } landing { type { name } }"
        "  dockingEvents { id docking departure"
        "    dockingLocation { name currentlyDocked { id flightVehicleChaser { id"
        "      spacecraft { id name } } } }"
        "    spaceStationTarget { id name status { name } dockingLocation { id name }"
        "      activeDockingEvents { id flightVehicleChaser { spacecraft { id } } } } } } } }"
    )
    assert not r.errors, r.errors
    craft = r.data["spacecraft"]
    flight = next(f for f in craft["flights"] if f["dockingEvents"])
    event = flight["dockingEvents"][0]
    station = event["spaceStationTarget"]
    assert station["name"]
    assert event["dockingLocation"]["name"] in {loc["name"] for loc in station["dockingLocation"]}
    assert (
        event["dockingLocation"]["currentlyDocked"]["flightVehicleChaser"]["spacecraft"]["id"]
        == "602"
    )
    assert "602" in {
        e["flightVehicleChaser"]["spacecraft"]["id"] for e in station["activeDockingEvents"]
    }
    no_repeats(gateway)


async def test_flight_with_crews_roles_and_astronauts(gateway: Gateway, ll2: Any) -> None:
    ref = await ll2("spacecraft_flights/671/")
    r = await gateway.query(
        '{ spacecraftFlight(id: "671") { id missionEnd durationSeconds'
        " launchCrew { id role { role priority } astronaut { id name nationality { name }"
        "   agency { name } status { name } type { name } timeInSpaceSeconds } }"
        " onboardCrew { id } landingCrew { id role { role } astronaut { id name } } } }"
    )
    assert not r.errors, r.errors
    flight = r.data["spacecraftFlight"]
    assert [m["id"] for m in flight["launchCrew"]] == [str(m["id"]) for m in ref["launch_crew"]]
    assert [m["astronaut"]["name"] for m in flight["launchCrew"]] == [
        m["astronaut"]["name"] for m in ref["launch_crew"]
    ]
    assert [m["role"]["priority"] for m in flight["launchCrew"]] == [
        m["role"]["priority"] for m in ref["launch_crew"]
    ]
    assert [m["id"] for m in flight["landingCrew"]] == [str(m["id"]) for m in ref["landing_crew"]]
    assert [c.path for c in gateway.upstream_calls()] == ["/2.3.0/spacecraft_flights/671/"]


async def test_page_of_flights_has_no_n_plus_one(gateway: Gateway, ll2: Any) -> None:
    """Each spacecraft's configuration's agency and each crew member's agency, richly: one
    call per agency the page did not carry whole (a launch's mission agencies are whole)."""
    r = await gateway.query(
        "{ spacecraftFlights(first: 20) { totalCount nodes { id"
        " spacecraft { name spacecraftConfig { name agency { id name totalLaunchCount } } }"
        " launchCrew { astronaut { name agency { id name totalLaunchCount } } }"
        " landingCrew { astronaut { name agency { id totalLaunchCount } } } } } }"
    )
    assert not r.errors, r.errors
    nodes = r.data["spacecraftFlights"]["nodes"]
    agencies = {n["spacecraft"]["spacecraftConfig"]["agency"]["id"] for n in nodes}
    for n in nodes:
        for member in n["launchCrew"] + n["landingCrew"]:
            if member["astronaut"]["agency"]:
                agencies.add(member["astronaut"]["agency"]["id"])
    calls = [c.path for c in gateway.upstream_calls()]
    assert calls[0] == "/2.3.0/spacecraft_flights/"
    page = await ll2("spacecraft_flights/", limit=20, mode="detailed")
    whole = carried(page, "agencies/", ["total_launch_count"])
    assert agencies - whole, "the page should leave some agencies to fetch"
    assert sorted(calls[1:]) == sorted(f"/2.3.0/agencies/{a}/" for a in agencies - whole)
    assert len(nodes) == r.data["spacecraftFlights"]["totalCount"]
    no_repeats(gateway)


async def test_astronaut_with_flights_and_landings(gateway: Gateway, ll2: Any) -> None:
    ref = await ll2("astronauts/513/")
    r = await gateway.query(
        '{ astronaut(id: "513") { id name bio dateOfBirth firstFlight lastFlight'
        " flightsCount nationality { alpha3Code } agency { abbrev }"
        " flights { id name net } landings { id } } }"
    )
    assert not r.errors, r.errors
    got = r.data["astronaut"]
    assert got["name"] == ref["name"]
    assert got["dateOfBirth"] == ref["date_of_birth"]
    assert [f["id"] for f in got["flights"]] == [f["id"] for f in ref["flights"]]
    assert [f["id"] for f in got["landings"]] == [str(f["id"]) for f in ref["landings"]]


@pytest.mark.parametrize(
    ("field", "path", "args", "params"),
    [
        (
            "astronauts",
            "astronauts/",
            '(filter: {agencyIds: ["44", "63"]})',
            {"agency_ids": "44,63"},
        ),
        (
            "astronauts",
            "astronauts/",
            "(filter: {statusIds: [1], inSpace: false})",
            {"status_ids": "1", "in_space": "false"},
        ),
        (
            "astronauts",
            "astronauts/",
            '(filter: {dateOfBirth: {gte: "1970-01-01"}}, ordering: [DATE_OF_BIRTH_DESC])',
            {"date_of_birth__gte": "1970-01-01", "ordering": "-date_of_birth"},
        ),
        ("astronauts", "astronauts/", '(search: "Whitson")', {"search": "Whitson"}),
        (
            "dockingEvents",
            "docking_events/",
            '(filter: {docking: {gte: "2024-01-01T00:00:00Z"}})',
            {"docking__gte": "2024-01-01T00:00:00Z"},
        ),
        (
            "dockingEvents",
            "docking_events/",
            "(filter: {spaceStationTargetId: 18})",
            {"space_station_target__id": "18"},
        ),
        (
            "spaceStations",
            "space_stations/",
            "(filter: {ownerIds: [88, 44]})",
            {"owner__ids": "88,44"},
        ),
        (
            "spaceStations",
            "space_stations/",
            "(ordering: [FOUNDED_DESC])",
            {"ordering": "-founded"},
        ),
        (
            "spacecraftFlights",
            "spacecraft_flights/",
            "(filter: {spacecraft: 602})",
            {"spacecraft": "602"},
        ),
        ("dockingLocations", "config/docking_locations/", "", {}),
    ],
)
async def test_domain_lists_pass_every_filter_to_ll2(
    gateway: Gateway, ll2: Any, field: str, path: str, args: str, params: dict[str, str]
) -> None:
    inner = args[1:-1]
    r = await gateway.query(
        f"{{ {field}(first: 100{', ' + inner if inner else ''}) {{ totalCount nodes {{ id }} }} }}"
    )
    assert not r.errors, r.errors
    (call,) = gateway.upstream_calls()
    for name, value in params.items():
        assert call.query[name] == value
    ref = await ll2(path, limit=100, **params)
    assert r.data[field]["totalCount"] == ref["count"]
    assert [n["id"] for n in r.data[field]["nodes"]] == [str(x["id"]) for x in ref["results"]]


async def test_nested_connections(gateway: Gateway, ll2: Any) -> None:
    r = await gateway.query(
        '{ spacecraft(id: "602") { flightsConnection(first: 5) { totalCount nodes { id } } }'
        '  spaceStation(id: "18") { dockingEvents(first: 5) { totalCount nodes { id docking } } } }'
    )
    assert not r.errors, r.errors
    flights = await ll2("spacecraft_flights/", spacecraft=602)
    events = await ll2("docking_events/", space_station_target__id=18)
    assert r.data["spacecraft"]["flightsConnection"]["totalCount"] == flights["count"]
    assert r.data["spaceStation"]["dockingEvents"]["totalCount"] == events["count"] > 0


@pytest.mark.parametrize(
    ("field", "id"),
    [
        ("spacecraftFlight", "999999"),
        ("astronaut", "999999"),
        ("dockingEvent", "999999"),
        ("spaceStation", "999999"),
        ("dockingLocation", "999999"),
    ],
)
async def test_unknown_domain_ids_are_null(gateway: Gateway, field: str, id: str) -> None:
    r = await gateway.query(f'{{ {field}(id: "{id}") {{ id }} }}')
    assert r.data == {field: None} and r.errors == []


async def test_docking_event_sides_are_nullable(gateway: Gateway, ll2: Any) -> None:
    ref = await ll2("docking_events/615/")
    r = await gateway.query(
        '{ dockingEvent(id: "615") { id docking departure'
        " flightVehicleChaser { id } spaceStationChaser { id } payloadFlightChaser { id }"
        " flightVehicleTarget { id } spaceStationTarget { id name } payloadFlightTarget { id }"
        " dockingLocation { id name spacestation { id } } } }"
    )
    assert not r.errors, r.errors
    got = r.data["dockingEvent"]
    for side in (
        "flight_vehicle_chaser",
        "space_station_chaser",
        "flight_vehicle_target",
        "space_station_target",
        "payload_flight_target",
        "payload_flight_chaser",
    ):
        camel = side.split("_")[0] + "".join(w.title() for w in side.split("_")[1:])
        expected = ref[side]["id"] if ref[side] else None
        assert (got[camel] or {}).get("id") == (str(expected) if expected is not None else None)
