"""``POST /_offline/records/{resource}/{id}``: LL2's data changing under the gateway."""

from __future__ import annotations

from typing import Any

import aiohttp

from gateway.offline import load_snapshot, start_offline_upstream

from .helpers import ClientFactory


async def test_a_patched_record_is_answered_changed_everywhere() -> None:
    upstream = await start_offline_upstream()
    base = upstream.url.removesuffix("2.3.0/")
    try:
        async with aiohttp.ClientSession() as http:

            async def get(path: str) -> Any:
                async with http.get(base + path) as response:
                    assert response.status == 200
                    return await response.json()

            before = await get("2.3.0/spacecraft_flights/671/")
            async with http.post(
                base + "_offline/records/spacecraft_flights/671",
                json={"destination": "Lunar Gateway"},
            ) as response:
                assert response.status == 200
                record = await response.json()
            assert record["destination"] == "Lunar Gateway" and record["id"] == 671
            after = await get("2.3.0/spacecraft_flights/671/")
            assert after["destination"] == "Lunar Gateway"
            assert {k: v for k, v in after.items() if k != "destination"} == {
                k: v for k, v in before.items() if k != "destination"
            }
            listed = await get("2.3.0/spacecraft_flights/?mode=detailed&limit=100")
            assert {r["id"]: r["destination"] for r in listed["results"]}[671] == "Lunar Gateway"
            legacy = await get("2.2.0/spacecraft/flight/671/")
            assert legacy["destination"] == "Lunar Gateway"
        assert [r.path for r in upstream.state.log] == [
            "/2.3.0/spacecraft_flights/671/",
            "/2.3.0/spacecraft_flights/671/",
            "/2.3.0/spacecraft_flights/",
            "/2.2.0/spacecraft/flight/671/",
        ], "a control route is no LL2 call"
    finally:
        await upstream.close()


async def test_other_upstreams_keep_the_shared_snapshot_as_it_was() -> None:
    changed = await start_offline_upstream()
    other = await start_offline_upstream()
    try:
        changed.state.patch_record("space_stations", "4", {"name": "Changed"})
        assert changed.state.snapshot.get("space_stations", 4)["name"] == "Changed"
        assert other.state.snapshot.get("space_stations", 4)["name"] != "Changed"
        assert load_snapshot().get("space_stations", 4)["name"] != "Changed"
    finally:
        await changed.close()
        await other.close()


async def test_unknown_records_and_bodies_that_are_no_patch(make_client: ClientFactory) -> None:
    client = await make_client()
    cases: list[tuple[str, Any, int]] = [
        ("/_offline/records/spacecraft_flights/999999", {"destination": "x"}, 404),
        ("/_offline/records/nothing/1", {"destination": "x"}, 404),
        ("/_offline/records/spacecraft_flights/671", ["not", "an", "object"], 400),
    ]
    for path, body, status in cases:
        response = await client.post(path, json=body)
        assert response.status == status, path
        assert "detail" in await response.json()
