"""A small hand-made LL2 snapshot for the offline upstream's tests.

It covers every resource with a few records (23 spacecraft, so pages and orderings have
something to work on), references across resources, inline values, a ``_legacy``
block and records that lack fields.
"""

from __future__ import annotations

from typing import Any

from gateway.offline import Snapshot


def ref(resource: str, id_: int | str) -> dict[str, list[Any]]:
    return {"$ref": [resource, id_]}


USA = {"id": 2, "name": "United States of America", "alpha_2_code": "US", "alpha_3_code": "USA"}
RUS = {"id": 3, "name": "Russia", "alpha_2_code": "RU", "alpha_3_code": "RUS"}
CHN = {"id": 6, "name": "China", "alpha_2_code": "CN", "alpha_3_code": "CHN"}
for country, nationality in ((USA, "American"), (RUS, "Russian"), (CHN, "Chinese")):
    country["nationality_name"] = nationality
GOV = {"id": 1, "name": "Government"}
COM = {"id": 3, "name": "Commercial"}
LICENSE = {"id": 1, "name": "Unknown", "priority": 9, "link": None}


def image(id_: int) -> dict[str, Any]:
    return {
        "id": id_,
        "name": f"image {id_}",
        "image_url": f"https://example.org/{id_}.jpg",
        "thumbnail_url": f"https://example.org/{id_}_t.jpg",
        "credit": None,
        "license": LICENSE,
        "single_use": True,
        "variants": [],
    }


def agency(id_: int, name: str, abbrev: str, **extra: Any) -> dict[str, Any]:
    return {"id": id_, "name": name, "abbrev": abbrev, "parent": None, **extra}


AGENCIES = {
    44: agency(44, "National Aeronautics and Space Administration", "NASA", type=GOV,
               country=[USA], featured=True, founding_year=1958, total_launch_count=100,
               _legacy={"2.0.0": {"type": "Government"}}, image=image(19)),
    121: agency(121, "SpaceX", "SpX", type=COM, country=[USA], featured=True,
                founding_year=2002, total_launch_count=400,
                spacecraft_list=[ref("spacecraft_configurations", 2)]),
    63: agency(63, "Russian Federal Space Agency (ROSCOSMOS)", "RFSA", type=GOV,
               country=[RUS], featured=False, founding_year=1992, total_launch_count=None),
    80: agency(80, "Boeing", "BA", type=COM, country=[USA], featured=False, founding_year=1916),
    999: agency(999, "North American Aviation", "", type=COM, country=[USA],
                founding_year=1928, parent="Boeing"),
    88: agency(88, "China Aerospace Science and Technology Corporation", "CASC", type=GOV,
               country=[CHN], founding_year=1999, total_launch_count=550),
}  # fmt: skip

FAMILIES = {
    1: {"id": 1, "name": "Dragon", "manufacturer": ref("agencies", 121), "parent": None},
    2: {"id": 2, "name": "Dragon 2", "manufacturer": ref("agencies", 121),
        "parent": ref("spacecraft_configuration_families", 1), "maiden_flight": "2019-03-02"},
    3: {"id": 3, "name": "Soyuz", "manufacturer": ref("agencies", 63), "parent": None},
}  # fmt: skip

CAPSULE = {"id": 2, "name": "Capsule"}
CARGO = {"id": 4, "name": "Cargo Resupply"}


def config(id_: int, name: str, agency_id: int, family: list[int], **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "agency": ref("agencies", agency_id),
        "family": [ref("spacecraft_configuration_families", f) for f in family],
        "image": image(1000 + id_),
        **extra,
    }


CONFIGS = {
    1: config(1, "Soyuz", 63, [3], type=CAPSULE, human_rated=True, in_use=True),
    2: config(2, "Crew Dragon", 121, [2], type=CAPSULE, human_rated=True, in_use=True),
    3: config(3, "Cargo Dragon", 121, [2], type=CARGO, human_rated=False, in_use=True),
    10: config(10, "Apollo Command/Service Module", 999, [], type=CAPSULE, human_rated=True,
               in_use=False),
}  # fmt: skip

STATUSES = [
    {"id": 1, "name": "Active"},
    {"id": 2, "name": "Retired"},
    {"id": 4, "name": "Single Use"},
]
CONFIG_CYCLE = [1, 2, 3, 10]


def spacecraft(id_: int) -> dict[str, Any]:
    """Spacecraft 1..23: configs, statuses and counts cycle; every 5th lacks counts."""
    record: dict[str, Any] = {
        "id": id_,
        "name": f"Craft {id_:02d}",
        "serial_number": f"C{id_}",
        "is_placeholder": id_ == 23,
        "in_space": id_ % 2 == 0,
        "status": STATUSES[id_ % 3],
        "spacecraft_config": ref("spacecraft_configurations", CONFIG_CYCLE[id_ % 4]),
        "description": f"Spacecraft number {id_}.",
        "time_in_space": f"P{id_ % 7}DT{id_}H",
        "time_docked": "P0D",
        "image": image(2000 + id_),
    }
    if id_ % 5:
        record["flights_count"] = id_ % 6
        record["mission_ends_count"] = id_ % 2
    return record


SPACECRAFT = {i: spacecraft(i) for i in range(1, 24)}
SPACECRAFT[1]["name"] = "Tianzhou-8"
SPACECRAFT[1]["flights"] = [ref("spacecraft_flights", 864)]
SPACECRAFT[2]["name"] = "Endeavour"

LAUNCH_1 = "1b411bfa-86b8-4b88-8f01-6e97ca4b90d7"
LAUNCH_2 = "0805af04-c2ea-4750-9eb4-f24f89eeb5d6"
LAUNCHES = {
    LAUNCH_1: {
        "id": LAUNCH_1,
        "name": "Long March 7 | Tianzhou-8",
        "slug": "long-march-7-tianzhou-8",
        "net": "2024-11-15T15:13:20Z",
        "status": {"id": 3, "name": "Launch Successful", "abbrev": "Success"},
        "launch_service_provider": ref("agencies", 88),
        "rocket": {
            "id": 8104,
            "configuration": {"id": 100, "name": "Long March 7", "full_name": "Long March 7"},
            "spacecraft_stage": [ref("spacecraft_flights", 864)],
        },
        "pad": {"id": 176, "name": "LC-201", "location": {"id": 8, "name": "Wenchang"}},
        "program": [],
    },
    LAUNCH_2: {
        "id": LAUNCH_2,
        "name": "Falcon 9 | Axiom-4",
        "slug": "falcon-9-axiom-4",
        "net": "2025-06-25T06:31:52Z",
        "launch_service_provider": ref("agencies", 121),
        "rocket": {"id": 9000, "spacecraft_stage": [ref("spacecraft_flights", 865)]},
    },
}

ROLE = {"id": 1, "role": "Commander", "priority": 0}
FLIGHTS = {
    864: {
        "id": 864,
        "destination": "Tiangong Space Station",
        "mission_end": None,
        "spacecraft": ref("spacecraft", 1),
        "launch": ref("launches", LAUNCH_1),
        "landing": ref("landings", 1474),
        "launch_crew": [{"id": 11, "role": ROLE, "astronaut": ref("astronauts", 1)}],
        "onboard_crew": [],
        "docking_events": [ref("docking_events", 615)],
        "duration": "P148DT11H40M37S",
    },
    865: {
        "id": 865,
        "destination": "International Space Station",
        "spacecraft": ref("spacecraft", 2),
        "launch": ref("launches", LAUNCH_2),
    },
}

ASTRONAUTS = {
    1: {"id": 1, "name": "Jane Roe", "agency": ref("agencies", 44),
        "status": {"id": 1, "name": "Active"}, "type": {"id": 2, "name": "Government"},
        "nationality": [USA], "date_of_birth": "1970-01-01",
        "flights_count": 2, "first_flight": "2010-02-08T09:14:08Z",
        "last_flight": "2024-11-15T15:13:20Z", "flights": [ref("launches", LAUNCH_1)]},
    2: {"id": 2, "name": "Ivan Petrov", "agency": ref("agencies", 63),
        "status": {"id": 2, "name": "Retired"}, "type": {"id": 2, "name": "Government"},
        "nationality": [RUS], "date_of_birth": "1960-05-05", "flights_count": 0},
    3: {"id": 3, "name": "Laika", "agency": None, "status": {"id": 11, "name": "Deceased"},
        "type": {"id": 4, "name": "Non-Human"}, "nationality": [RUS], "date_of_birth": "1954-01-01",
        "flights_count": 1, "first_flight": "1957-11-03T02:30:00Z"},
}  # fmt: skip

LANDINGS = {
    1474: {"id": 1474, "attempt": True, "success": True, "downrange_distance": None,
           "landing_location": {"id": 1, "name": "Earth", "abbrev": "EA"},
           "type": {"id": 3, "name": "Parachute Landing"},
           "spacecraftflight": ref("spacecraft_flights", 864)},
}  # fmt: skip

DOCKING_EVENTS = {
    615: {"id": 615, "docking": "2024-11-15T18:32:00Z", "departure": None,
          "docking_location": ref("docking_locations", 5),
          "flight_vehicle_chaser": ref("spacecraft_flights", 864),
          "space_station_target": ref("space_stations", 18)},
}  # fmt: skip

STATIONS = {
    18: {"id": 18, "name": "Tiangong space station", "status": {"id": 1, "name": "Active"},
         "type": {"id": 1, "name": "Government"}, "owners": [ref("agencies", 88)],
         "founded": "2021-04-29", "orbit": "Low Earth Orbit", "onboard_crew": 3,
         "docked_vehicles": 2, "description": "Chinese station.",
         "docking_location": [ref("docking_locations", 5)]},
}  # fmt: skip

DOCKING_LOCATIONS = {
    5: {"id": 5, "name": "Tianhe forward", "spacestation": ref("space_stations", 18)},
}


def build_snapshot() -> Snapshot:
    entities = {
        "agencies": AGENCIES,
        "spacecraft_configuration_families": FAMILIES,
        "spacecraft_configurations": CONFIGS,
        "spacecraft": SPACECRAFT,
        "spacecraft_flights": FLIGHTS,
        "launches": LAUNCHES,
        "astronauts": ASTRONAUTS,
        "landings": LANDINGS,
        "docking_events": DOCKING_EVENTS,
        "space_stations": STATIONS,
        "docking_locations": DOCKING_LOCATIONS,
    }
    return Snapshot.from_json(
        {
            "meta": {"source": "tests/offline/conftest.py"},
            "entities": {r: {str(k): v for k, v in e.items()} for r, e in entities.items()},
        }
    )
