"""Spacecraft, configurations, families and agencies over real HTTP: queries by id, pages,
filters, nested lists, and the error codes of bad arguments and bad requests."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.harness import Gateway, carried


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


SPACECRAFT_SCALARS = [
    "url",
    "name",
    "serial_number",
    "is_placeholder",
    "in_space",
    "time_in_space",
    "time_docked",
    "flights_count",
    "mission_ends_count",
    "description",
    "fastest_turnaround",
]


async def test_spacecraft_by_id_matches_ll2_detail(gateway: Gateway, ll2: Any) -> None:
    ref = await ll2("spacecraft/602/")
    fields = " ".join(camel(f) for f in SPACECRAFT_SCALARS)
    r = await gateway.query(
        "query($id: ID!) { spacecraft(id: $id) { id " + fields + " status { id name }"
        " image { id name imageUrl thumbnailUrl credit singleUse license { id name priority link } }"
        " spacecraftConfig { id name type { name } agency { id name abbrev foundingYear } }"
        " timeInSpaceSeconds } }",
        {"id": "602"},
    )
    assert r.status == 200 and not r.errors
    got = r.data["spacecraft"]
    assert got["id"] == "602"
    for f in SPACECRAFT_SCALARS:
        assert got[camel(f)] == ref[f], f
    assert got["status"] == {"id": str(ref["status"]["id"]), "name": ref["status"]["name"]}
    assert got["image"]["thumbnailUrl"] == ref["image"]["thumbnail_url"]
    assert got["image"]["license"]["name"] == ref["image"]["license"]["name"]
    assert (
        got["spacecraftConfig"]["agency"]["foundingYear"]
        == (ref["spacecraft_config"]["agency"]["founding_year"])
    )
    days = int(ref["time_in_space"].split("D")[0].removeprefix("P"))
    assert got["timeInSpaceSeconds"] >= days * 86400
    assert [c.path for c in gateway.upstream_calls()] == ["/2.3.0/spacecraft/602/"]


@pytest.mark.parametrize(
    ("field", "id"),
    [
        ("spacecraft", "999999"),
        ("spacecraftConfig", "999999"),
        ("spacecraftFamily", "999999"),
        ("agency", "999999"),
    ],
)
async def test_unknown_id_is_null_without_error(gateway: Gateway, field: str, id: str) -> None:
    r = await gateway.query(f'{{ {field}(id: "{id}") {{ id name }} }}')
    assert r.status == 200
    assert r.data == {field: None}
    assert r.errors == []


async def test_page_of_20_with_agency_description_costs_at_most_one_call_per_agency(
    gateway: Gateway, ll2: Any
) -> None:
    r = await gateway.query(
        "{ spacecrafts(first: 20) { nodes { id name spacecraftConfig { name"
        " agency { id name description } } } } }"
    )
    assert r.status == 200 and not r.errors
    nodes = r.data["spacecrafts"]["nodes"]
    assert len(nodes) == 20
    agencies = {n["spacecraftConfig"]["agency"]["id"] for n in nodes}
    calls = gateway.upstream_calls()
    list_calls = [c for c in calls if c.path == "/2.3.0/spacecraft/"]
    agency_calls = [c for c in calls if c.path.startswith("/2.3.0/agencies/")]
    assert len(list_calls) == 1
    assert len(agency_calls) <= len(agencies)
    assert len(calls) == len(list_calls) + len(agency_calls)
    repeated = Counter((c.path, tuple(sorted(c.query.items()))) for c in calls)
    assert max(repeated.values()) == 1
    for node in nodes:
        ref = await ll2(f"agencies/{node['spacecraftConfig']['agency']['id']}/")
        assert node["spacecraftConfig"]["agency"]["description"] == ref["description"]
    assert r.body["extensions"]["upstream"]["requests"] == len(calls)


async def test_short_embedded_agency_is_completed_once_per_distinct_id(
    gateway: Gateway,
) -> None:
    """The normal-mode page embeds configs' agencies short; families' manufacturers too."""
    r = await gateway.query(
        "{ spacecraftConfigs(first: 46) { nodes { id agency { id name }"
        " family { id manufacturer { id name administrator } } } } }"
    )
    assert not r.errors, r.errors
    manufacturers = {
        f["manufacturer"]["id"]
        for n in r.data["spacecraftConfigs"]["nodes"]
        for f in n["family"]
        if f["manufacturer"]
    }
    calls = gateway.upstream_calls()
    detail = [c.path for c in calls if c.path.startswith("/2.3.0/agencies/")]
    assert len(detail) == len(set(detail)) <= len(manufacturers)
    assert len(calls) == 1 + len(detail)


async def test_pagination_walks_the_list_like_ll2(gateway: Gateway, ll2: Any) -> None:
    first = await gateway.query(
        "{ spacecrafts(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage"
        " startCursor endCursor } edges { cursor node { id } } } }"
    )
    page = first.data["spacecrafts"]
    ref = await ll2("spacecraft/", limit=10, offset=0)
    assert page["totalCount"] == ref["count"]
    assert [e["node"]["id"] for e in page["edges"]] == [str(x["id"]) for x in ref["results"][:5]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    second = await gateway.query(
        "query($after: String) { spacecrafts(first: 5, after: $after) {"
        " pageInfo { hasPreviousPage } nodes { id } } }",
        {"after": page["pageInfo"]["endCursor"]},
    )
    assert [n["id"] for n in second.data["spacecrafts"]["nodes"]] == [
        str(x["id"]) for x in ref["results"][5:10]
    ]
    assert second.data["spacecrafts"]["pageInfo"]["hasPreviousPage"] is True


async def test_filters_search_and_ordering_reach_ll2(gateway: Gateway, ll2: Any) -> None:
    r = await gateway.query(
        "{ spacecrafts(first: 100, filter: {inSpace: false, spacecraftConfig: 6},"
        " ordering: [FLIGHTS_COUNT_DESC, ID_ASC]) { totalCount nodes { id flightsCount } } }"
    )
    assert not r.errors
    ref = await ll2(
        "spacecraft/",
        in_space="false",
        spacecraft_config=6,
        ordering="-flights_count,id",
        limit=100,
    )
    assert r.data["spacecrafts"]["totalCount"] == ref["count"] > 0
    assert [n["id"] for n in r.data["spacecrafts"]["nodes"]] == [
        str(x["id"]) for x in ref["results"]
    ]
    (call,) = gateway.upstream_calls()
    assert call.query["in_space"] == "false"
    assert call.query["spacecraft_config"] == "6"
    assert call.query["ordering"] == "-flights_count,id"

    s = await gateway.query(
        '{ agencies(search: "NASA", first: 50) { totalCount nodes { abbrev name } } }'
    )
    ref = await ll2("agencies/", search="NASA", limit=50)
    assert s.data["agencies"]["totalCount"] == ref["count"] > 0


async def test_agency_range_and_list_filters(gateway: Gateway, ll2: Any) -> None:
    r = await gateway.query(
        "{ agencies(first: 100, filter: {foundingYear: {gte: 1950, lt: 2000},"
        ' countryCode: ["USA", "RUS"]}) { totalCount nodes { foundingYear } } }'
    )
    assert not r.errors, r.errors
    ref = await ll2(
        "agencies/",
        founding_year__gte=1950,
        founding_year__lt=2000,
        country_code="USA,RUS",
        limit=100,
    )
    assert r.data["agencies"]["totalCount"] == ref["count"]
    (call,) = gateway.upstream_calls()
    assert call.query["founding_year__gte"] == "1950"
    assert call.query["country_code"] == "USA,RUS"


async def test_nested_lists_configuration_spacecraft_and_agency_configs(
    gateway: Gateway, ll2: Any
) -> None:
    r = await gateway.query(
        '{ spacecraftConfig(id: "6") { name spacecraft(first: 50) { totalCount nodes { id } } }'
        '  agency(id: "121") { name spacecraftConfigs(first: 50) { totalCount nodes { id name } }'
        "  spacecraftList { id } } }"
    )
    assert not r.errors, r.errors
    ref = await ll2("spacecraft/", spacecraft_config=6, limit=50)
    assert r.data["spacecraftConfig"]["spacecraft"]["totalCount"] == ref["count"]
    configs = await ll2("spacecraft_configurations/", agency=121, limit=50)
    got = r.data["agency"]["spacecraftConfigs"]
    assert got["totalCount"] == configs["count"] > 0
    assert {n["id"] for n in got["nodes"]} == {str(c["id"]) for c in configs["results"]}


async def test_family_with_parent_and_manufacturer(gateway: Gateway, ll2: Any) -> None:
    families = await ll2("spacecraft_configuration_families/", mode="detailed", limit=100)
    assert families["count"] > 0
    fam = families["results"][0]
    r = await gateway.query(
        "query($id: ID!) { spacecraftFamily(id: $id) { id name description maidenFlight"
        " manufacturer { id name } parent { id name } spacecraft { id name } } }",
        {"id": str(fam["id"])},
    )
    assert not r.errors, r.errors
    got = r.data["spacecraftFamily"]
    assert got["name"] == fam["name"]
    assert got["manufacturer"]["id"] == str(fam["manufacturer"]["id"])
    assert (got["parent"] or {}).get("id") == (str(fam["parent"]["id"]) if fam["parent"] else None)
    assert sorted(c["id"] for c in got["spacecraft"]) == sorted(
        str(c["id"]) for c in fam["spacecraft"]
    )


async def test_connections_of_every_root_list(gateway: Gateway, ll2: Any) -> None:
    for field, path in [
        ("spacecrafts", "spacecraft/"),
        ("spacecraftConfigs", "spacecraft_configurations/"),
        ("spacecraftFamilies", "spacecraft_configuration_families/"),
        ("agencies", "agencies/"),
    ]:
        r = await gateway.query(f"{{ {field}(first: 3) {{ totalCount nodes {{ id }} }} }}")
        ref = await ll2(path, limit=3)
        assert not r.errors
        assert r.data[field]["totalCount"] == ref["count"]
        assert [n["id"] for n in r.data[field]["nodes"]] == [str(x["id"]) for x in ref["results"]]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ spacecrafts(first: 1000) { totalCount } }", "BAD_USER_INPUT"),
        ("{ spacecrafts(first: -1) { totalCount } }", "BAD_USER_INPUT"),
        ('{ spacecrafts(after: "not-a-cursor") { totalCount } }', "BAD_USER_INPUT"),
        ("{ spacecrafts(ordering: [NAME_SIDEWAYS]) { totalCount } }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ spacecraft(id: "abc") { name } }', "BAD_USER_INPUT"),
        ("{ spacecraft { name } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ spacecrafts { nodes { nope } } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ spacecrafts(first: 2", "GRAPHQL_PARSE_FAILED"),
    ],
)
async def test_bad_arguments_get_a_clear_error_and_cost_nothing(
    gateway: Gateway, query: str, code: str
) -> None:
    r = await gateway.query(query)
    assert r.status == 200
    assert r.codes == [code]
    assert r.errors[0]["message"]
    assert "Traceback" not in str(r.body)
    assert gateway.upstream_calls() == []


async def test_bad_http_requests_get_graphql_shaped_4xx(gateway: Gateway) -> None:
    bad_json = await gateway.request(
        "POST", "/graphql", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status == 400
    assert bad_json.body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    no_query = await gateway.request("POST", "/graphql", json={"variables": {}})
    assert 400 <= no_query.status < 500
    assert no_query.body["errors"][0]["extensions"]["code"]


async def test_get_queries_graphiql_and_healthz(gateway: Gateway) -> None:
    r = await gateway.request("GET", "/graphql", params={"query": '{ agency(id: "121") { name } }'})
    assert r.status == 200 and r.body["data"]["agency"]["name"]
    page = await gateway.request("GET", "/graphql", headers={"Accept": "text/html"})
    assert page.status == 200 and "graphiql" in page.body.lower()
    health = await gateway.request("GET", "/healthz")
    assert health.status == 200 and health.body["status"] == "ok"


async def test_field_no_list_mode_embeds_is_fetched_once_per_distinct_agency(
    gateway: Gateway, ll2: Any
) -> None:
    """A spacecraft's configuration never embeds its agency's launch counters (LL2 sends an
    ``AgencyNormal`` there): the loader fetches them once per distinct agency, except for
    the agencies the page carried whole elsewhere (a flight's mission agencies)."""
    r = await gateway.query(
        "{ spacecrafts(first: 20) { nodes { id spacecraftConfig {"
        " agency { id totalLaunchCount socialMediaLinks { url } } } } } }"
    )
    assert not r.errors, r.errors
    nodes = r.data["spacecrafts"]["nodes"]
    agencies = {n["spacecraftConfig"]["agency"]["id"] for n in nodes}
    calls = [c.path for c in gateway.upstream_calls()]
    assert calls.count("/2.3.0/spacecraft/") == 1
    page = await ll2("spacecraft/", limit=20, mode="detailed")
    whole = carried(page, "agencies/", ["total_launch_count", "social_media_links"])
    assert sorted(calls[1:]) == sorted(f"/2.3.0/agencies/{a}/" for a in agencies - whole)
    for agency_id in agencies:
        ref = await ll2(f"agencies/{agency_id}/")
        got = next(
            n["spacecraftConfig"]["agency"]
            for n in nodes
            if n["spacecraftConfig"]["agency"]["id"] == agency_id
        )
        assert got["totalLaunchCount"] == ref["total_launch_count"]
