"""List endpoints: envelope, pagination, filters, search, ordering, config lists."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from .helpers import get_json

LAUNCH_1 = "1b411bfa-86b8-4b88-8f01-6e97ca4b90d7"
LAUNCH_2 = "0805af04-c2ea-4750-9eb4-f24f89eeb5d6"


def ids(body: dict[str, Any]) -> list[Any]:
    return [item["id"] for item in body["results"]]


async def test_envelope_and_pagination_links(client: TestClient[Any, Any]) -> None:
    origin = str(client.make_url("")).rstrip("/")
    first = await get_json(client, "/2.3.0/spacecraft/?ordering=id")
    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 23
    assert ids(first) == list(range(1, 11))
    assert first["previous"] is None
    assert first["next"] == f"{origin}/2.3.0/spacecraft/?limit=10&offset=10&ordering=id"

    second = await get_json(client, "/2.3.0/spacecraft/?offset=10&ordering=id")
    assert ids(second) == list(range(11, 21))
    assert second["previous"] == f"{origin}/2.3.0/spacecraft/?limit=10&ordering=id"
    assert second["next"] == f"{origin}/2.3.0/spacecraft/?limit=10&offset=20&ordering=id"

    last = await get_json(client, "/2.3.0/spacecraft/?offset=20&limit=10&mode=detailed")
    assert ids(last) == [21, 22, 23]
    assert last["next"] is None
    assert last["previous"] == f"{origin}/2.3.0/spacecraft/?limit=10&mode=detailed&offset=10"


async def test_links_keep_the_query_and_sort_it_like_drf(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?search=craft&limit=5&format=json&x=1,2")
    assert body["next"].endswith(
        "/2.3.0/spacecraft/?format=json&limit=5&offset=5&search=craft&x=1%2C2"
    )


@pytest.mark.parametrize(
    ("query", "limit", "offset"),
    [
        ("limit=500", 100, 0),
        ("limit=100", 100, 0),
        ("limit=0", 10, 0),
        ("limit=-3", 10, 0),
        ("limit=abc", 10, 0),
        ("limit=3&limit=4", 4, 0),  # the last value wins, as in Django
        ("offset=-1", 10, 0),
        ("offset=xyz&limit=2", 2, 0),
        ("offset=5&limit=2", 2, 5),
    ],
)
async def test_limit_and_offset(
    client: TestClient[Any, Any], query: str, limit: int, offset: int
) -> None:
    body = await get_json(client, f"/2.3.0/astronauts/?{query}")
    assert len(body["results"]) == min(limit, max(0, 3 - offset))
    many = await get_json(client, f"/2.3.0/spacecraft/?{query}&ordering=id")
    assert ids(many) == list(range(1, 24))[offset : offset + limit]


async def test_offset_past_the_end(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?offset=50")
    assert body["count"] == 23 and body["results"] == [] and body["next"] is None
    assert "offset=40" in body["previous"]


async def test_unknown_mode_is_400(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?mode=list", status=400)
    assert "normal, detailed" in body["detail"]
    await get_json(client, "/2.3.0/spacecraft/?mode=", status=200)  # empty = default


# -- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=1", [3, 6, 9, 12, 15, 18, 21]),
        ("spacecraft_config=10", [3, 7, 11, 15, 19, 23]),
        ("spacecraft_config=10&status=1", [3, 15]),
        ("in_space=true&spacecraft_config=10", []),
        ("in_space=True&status=2", [4, 10, 16, 22]),
        ("in_space=1&status=2", [4, 10, 16, 22]),
        ("in_space=false&status=2", [1, 7, 13, 19]),
        ("in_space=maybe&status=2", [1, 4, 7, 10, 13, 16, 19, 22]),  # ignored
        ("is_placeholder=true", [23]),
        ("name=Endeavour", [2]),
        ("name=endeavour", []),  # exact is case-sensitive
        ("name=", list(range(1, 24))),  # empty value: no filter
        ("status=999", []),
        ("unknown_param=1&status=4&ordering=id", [2, 5, 8, 11, 14, 17, 20, 23]),
    ],
)
async def test_spacecraft_filters(
    client: TestClient[Any, Any], query: str, expected: list[int]
) -> None:
    body = await get_json(client, f"/2.3.0/spacecraft/?{query}&limit=100&ordering=id")
    assert ids(body) == expected


async def test_invalid_filter_value_is_a_400_form_error(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?status=abc&spacecraft_config=x", status=400)
    assert body == {"status": ["Enter a number."], "spacecraft_config": ["Enter a number."]}
    body = await get_json(client, "/2.3.0/launches/?id=not-a-uuid", status=400)
    assert body == {"id": ["Enter a valid UUID."]}
    body = await get_json(client, "/2.3.0/astronauts/?date_of_birth__gt=1960", status=400)
    assert body == {"date_of_birth__gt": ["Enter a valid date."]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country_code=USA", [44, 80, 121, 999]),
        ("country_code=rus,CHN", [63, 88]),
        ("type__id=1", [44, 63, 88]),
        ("founding_year__gte=1992", [63, 88, 121]),
        ("founding_year__lt=1958", [80, 999]),
        ("founding_year=1958", [44]),
        ("total_launch_count__gt=100", [88, 121]),
        ("featured=true", [44, 121]),
        ("featured=False", [63, 80]),  # a record without the field never matches
        ("id=63", [63]),
        ("parent__id=80", [999]),
        ("spacecraft=true", [63, 121, 999]),
        ("spacecraft=false", [44, 80, 88]),
        ("name=SpaceX", [121]),
        ("name__contains=Space", [44, 63, 121]),
        ("name__contains=space", [88]),  # __contains is case-sensitive: "Aerospace"
        ("abbrev__contains=A", [44, 63, 80, 88]),
    ],
)
async def test_agency_filters(
    client: TestClient[Any, Any], query: str, expected: list[int]
) -> None:
    body = await get_json(client, f"/2.3.0/agencies/?{query}&ordering=id&mode=list")
    assert ids(body) == expected


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("spacecraft_configurations/", "agency=121", [2, 3]),
        ("spacecraft_configurations/", "human_rated=false", [3]),
        ("spacecraft_configurations/", "in_use=false", [10]),
        ("spacecraft_configurations/", "name=Soyuz", [1]),
        ("spacecraft_configuration_families/", "manufacturer=121", [1, 2]),
        ("spacecraft_flights/", "spacecraft=2", [865]),
        ("astronauts/", "agency_ids=44,63", [1, 2]),
        ("astronauts/", "status_ids=2,11", [2, 3]),
        ("astronauts/", "nationality=russian", [2, 3]),
        ("astronauts/", "has_flown=true", [1, 3]),
        ("astronauts/", "is_human=false", [3]),
        ("astronauts/", "flights_count__gte=1", [1, 3]),
        ("astronauts/", "date_of_birth__lt=1965-01-01", [2, 3]),
        ("astronauts/", "first_flight__gt=2000-01-01", [1]),
        ("astronauts/", "last_flight__lte=2024-11-15T15:13:20Z", [1]),
        ("astronauts/", "type__id=4", [3]),
        ("space_stations/", "owner__ids=88,1", [18]),
        ("space_stations/", "owners=1&owners=88", [18]),
        ("space_stations/", "status__ids=2", []),
        ("docking_events/", "space_station_target__id=18", [615]),
        ("docking_events/", "flight_vehicle_chaser__id=865", []),
        ("landings/", "spacecraft__ids=1,2", [1474]),
        ("launches/", f"id={LAUNCH_2},{LAUNCH_1.upper()}", [LAUNCH_1, LAUNCH_2]),
        ("launches/", "lsp__id=121", [LAUNCH_2]),
        ("launches/", "year=2024", [LAUNCH_1]),
        ("launches/", "net__gte=2025-01-01", [LAUNCH_2]),
        ("launches/", "rocket__spacecraftflight__spacecraft__id=1", [LAUNCH_1]),
        ("launches/", "is_crewed=true", [LAUNCH_1]),
    ],
)
async def test_other_filters(
    client: TestClient[Any, Any], path: str, query: str, expected: list[Any]
) -> None:
    body = await get_json(client, f"/2.3.0/{path}?{query}")
    assert ids(body) == expected


# -- search and ordering -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "search", "expected"),
    [
        ("spacecraft/", "endeav", [2]),
        ("spacecraft/", "cargo dragon", [2, 6, 10, 14, 18, 22]),
        ("agencies/", "nasa", [44]),
        ("agencies/", "space", [44, 63, 88, 121]),
        ("agencies/", "Space,Russian", [63]),
        ("spacecraft_configurations/", "spx", [2, 3]),  # agency__abbrev
        ("spacecraft_configurations/", '"Crew Dragon"', [2]),
        ("astronauts/", "american", [1]),  # nationality__nationality_name
        ("launches/", "tianzhou", [LAUNCH_1]),
    ],
)
async def test_search(
    client: TestClient[Any, Any], path: str, search: str, expected: list[Any]
) -> None:
    body = await get_json(client, f"/2.3.0/{path}?search={search}&limit=100")
    assert sorted(ids(body), key=str) == sorted(expected, key=str)


async def test_search_follows_relations(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?search=apollo&limit=100")
    assert ids(body) == [3, 7, 11, 15, 19, 23]  # spacecraft_config__name


async def test_ordering(client: TestClient[Any, Any]) -> None:
    default = await get_json(client, "/2.3.0/spacecraft/?limit=100")
    assert ids(default) == list(range(1, 24))
    asc = await get_json(client, "/2.3.0/spacecraft/?ordering=flights_count&limit=100")
    counts = [item["flights_count"] for item in asc["results"]]
    assert counts[-4:] == [None] * 4  # nulls last ascending, as PostgreSQL
    assert counts[:-4] == sorted(counts[:-4])
    desc = await get_json(client, "/2.3.0/spacecraft/?ordering=-flights_count,id&limit=100")
    counts = [item["flights_count"] for item in desc["results"]]
    assert counts[:4] == [None] * 4  # nulls first descending
    assert counts[4:] == sorted(counts[4:], reverse=True)
    ties = [item["id"] for item in desc["results"] if item["flights_count"] == 5]
    assert ties == sorted(ties)


async def test_ordering_by_duration_is_by_magnitude(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?ordering=-time_in_space&limit=3")
    assert [item["time_in_space"] for item in body["results"]] == [
        "P6DT20H",
        "P6DT13H",
        "P6DT6H",  # after P6DT13H although it sorts before it as text
    ]


async def test_unknown_ordering_fields_are_ignored(client: TestClient[Any, Any]) -> None:
    body = await get_json(client, "/2.3.0/spacecraft/?ordering=name,-bogus&limit=100")
    assert ids(body) == list(range(1, 24))  # name is not an ordering field of spacecraft
    body = await get_json(client, "/2.3.0/agencies/?ordering=-bogus,name&mode=list")
    assert [a["name"] for a in body["results"]][:2] == [
        "Boeing",
        "China Aerospace Science and Technology Corporation",
    ]


async def test_config_lists_collect_inline_values(client: TestClient[Any, Any]) -> None:
    statuses = await get_json(client, "/2.3.0/config/spacecraft_statuses/")
    assert statuses["results"] == [
        {"id": 1, "name": "Active"},
        {"id": 2, "name": "Retired"},
        {"id": 4, "name": "Single Use"},
    ]
    types = await get_json(client, "/2.3.0/config/agency_types/")
    assert ids(types) == [1, 3]
    roles = await get_json(client, "/2.3.0/config/astronaut_roles/")
    assert roles["results"] == [{"id": 1, "role": "Commander", "priority": 0}]
    licenses = await get_json(client, "/2.3.0/config/image_licenses/3/", status=404)
    assert licenses == {"detail": "Not found."}
    assert await get_json(client, "/2.3.0/config/image_licenses/1/") == {
        "id": 1,
        "name": "Unknown",
        "priority": 9,
        "link": None,
    }
