"""HTTP behaviour: errors, api-throttle, quota, call log, control routes, serving."""

from __future__ import annotations

import asyncio
import gzip
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestClient

from gateway.offline import (
    UPSTREAM,
    Faults,
    LoggedRequest,
    Snapshot,
    load_snapshot,
    start_offline_upstream,
)
from gateway.offline.throttle import Throttle

from .helpers import ClientFactory, get_json


@pytest.mark.parametrize(
    "path",
    [
        "/2.3.0/spacecraft/9999/",
        "/2.3.0/spacecraft/abc/",
        "/2.3.0/spacecraft/1.5/",
        "/2.3.0/launches/not-a-uuid/",
        "/2.3.0/launches/00000000-0000-0000-0000-000000000000/",
        "/2.3.0/no_such_resource/",
        "/elsewhere",
    ],
)
async def test_not_found(client: TestClient[Any, Any], path: str) -> None:
    assert await get_json(client, path, status=404) == {"detail": "Not found."}


async def test_detail_accepts_equivalent_ids(client: TestClient[Any, Any]) -> None:
    assert (await get_json(client, "/2.3.0/spacecraft/007/"))["id"] == 7
    launch = "1B411BFA-86B8-4B88-8F01-6E97CA4B90D7"
    assert (await get_json(client, f"/2.3.0/launches/{launch}/"))["id"] == launch.lower()


async def test_missing_slash_redirects_and_other_methods_are_405(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get("/2.3.0/spacecraft?limit=2", allow_redirects=False)
    assert response.status == 301
    assert response.headers["Location"] == "/2.3.0/spacecraft/?limit=2"
    async with client.get("/2.3.0/spacecraft?limit=2") as response:  # followed
        assert len((await response.json())["results"]) == 2
    response = await client.post("/2.3.0/spacecraft/")
    assert response.status == 405
    assert await response.json() == {"detail": 'Method "POST" not allowed.'}


async def test_api_root(client: TestClient[Any, Any]) -> None:
    root = await get_json(client, "/2.3.0/")
    assert root["spacecraft"] == str(client.make_url("/2.3.0/spacecraft/"))
    assert "config/spacecraft_statuses" in root


async def test_responses_are_orjson(client: TestClient[Any, Any]) -> None:
    response = await client.get("/2.3.0/spacecraft/1/")
    assert response.headers["Content-Type"] == "application/json"
    assert (await response.read()).startswith(b'{"response_mode":"detailed",')


async def test_api_throttle_is_not_counted(make_client: ClientFactory) -> None:
    client = await make_client(request_limit=3)
    for _ in range(2):
        await get_json(client, "/2.3.0/agencies/")
    first = await get_json(client, "/2.3.0/api-throttle/")
    second = await get_json(client, "/2.3.0/api-throttle/")
    assert (
        first
        == second
        == {
            "your_request_limit": 3,
            "limit_frequency_secs": 3600,
            "current_use": 2,
            "next_use_secs": 0,
            "ident": "127.0.0.1",
        }
    )
    state = client.app[UPSTREAM]
    assert state.call_count == 2 and state.throttle_checks == 2


async def test_quota_answers_429_with_retry_after(make_client: ClientFactory) -> None:
    client = await make_client(request_limit=2)
    await get_json(client, "/2.3.0/spacecraft/")
    await get_json(client, "/2.3.0/spacecraft/9999/", status=404)  # errors count too
    response = await client.get("/2.3.0/spacecraft/")
    assert response.status == 429
    retry = int(response.headers["Retry-After"])
    assert 3590 <= retry <= 3600
    assert await response.json() == {
        "detail": f"Request was throttled. Expected available in {retry} seconds."
    }
    quota = await get_json(client, "/2.3.0/api-throttle/")
    assert quota["current_use"] == 2 and 3590 <= quota["next_use_secs"] <= 3600
    state = client.app[UPSTREAM]
    assert [entry.status for entry in state.log] == [200, 404, 429]
    state.reset()
    await get_json(client, "/2.3.0/spacecraft/")


def test_throttle_window_slides() -> None:
    now = [1000.0]
    throttle = Throttle(2, window=3600, clock=lambda: now[0])
    assert throttle.hit("a") is None
    now[0] += 100
    assert throttle.hit("a") is None
    assert throttle.hit("a") == 3500
    assert throttle.hit("b") is None  # per client
    now[0] += 3500
    assert throttle.hit("a") is None
    assert throttle.status("a").current_use == 2


async def test_request_log_and_reset(client: TestClient[Any, Any]) -> None:
    state = client.app[UPSTREAM]
    await get_json(client, "/2.3.0/spacecraft/?mode=detailed&limit=2")
    await get_json(client, "/2.3.0/agencies/44/")
    await get_json(client, "/2.3.0/api-throttle/")
    await get_json(client, "/_offline/log")
    assert [(e.path, e.query, e.status) for e in state.log] == [
        ("/2.3.0/spacecraft/", {"mode": "detailed", "limit": "2"}, 200),
        ("/2.3.0/agencies/44/", {}, 200),
    ]
    assert all(isinstance(e, LoggedRequest) and e.bytes > 100 for e in state.log)
    assert len(state.calls("agencies/")) == 1
    over_http = await get_json(client, "/_offline/log")
    assert over_http["count"] == 2 and over_http["throttle_checks"] == 1
    assert over_http["requests"][1] == {
        "method": "GET",
        "path": "/2.3.0/agencies/44/",
        "query": {},
        "status": 200,
        "bytes": state.log[1].bytes,
        "fault": None,
    }
    response = await client.post("/_offline/reset")
    assert response.status == 200
    assert state.log == [] and (await get_json(client, "/_offline/log"))["count"] == 0


async def test_options_over_http(client: TestClient[Any, Any]) -> None:
    response = await client.post("/_offline/options", json={"request_limit": 1, "latency": 0})
    assert await response.json() == {"latency": 0.0, "request_limit": 1}
    await get_json(client, "/2.3.0/spacecraft/")
    await get_json(client, "/2.3.0/spacecraft/", status=429)
    response = await client.post("/_offline/options", json={"bogus": 1})
    assert response.status == 400


async def test_latency(make_client: ClientFactory) -> None:
    client = await make_client(latency=0.05)
    started = time.perf_counter()
    await get_json(client, "/2.3.0/spacecraft/1/")
    assert time.perf_counter() - started >= 0.05
    started = time.perf_counter()
    await get_json(client, "/_offline/log")
    assert time.perf_counter() - started < 0.05


# -- faults ----------------------------------------------------------------------------


async def test_status_fault_every_nth_call(make_client: ClientFactory) -> None:
    faults = Faults()
    faults.add("status", every=2, status=502, path="spacecraft/")
    client = await make_client(faults=faults, request_limit=100)
    statuses = [(await client.get("/2.3.0/spacecraft/")).status for _ in range(4)]
    assert statuses == [200, 502, 200, 502]
    assert (await client.get("/2.3.0/agencies/")).status == 200  # other paths untouched
    state = client.app[UPSTREAM]
    assert [e.fault for e in state.log] == [None, "status", None, "status", None]
    assert state.throttle.status("127.0.0.1").current_use == 3  # faults precede the quota


async def test_non_json_cut_and_nulls(client: TestClient[Any, Any]) -> None:
    faults = client.app[UPSTREAM].faults
    faults.add("non_json", times=1)
    response = await client.get("/2.3.0/spacecraft/1/")
    assert response.status == 200 and response.content_type == "text/html"

    faults.replace([])
    faults.add("cut", times=1)
    raw = await (await client.get("/2.3.0/spacecraft/1/")).read()
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(raw)

    faults.add("nulls", times=1)
    body = await get_json(client, "/2.3.0/spacecraft/?limit=2")
    assert [item["serial_number"] for item in body["results"]] == [None, None]
    assert [item["image"] for item in body["results"]] == [None, None]
    assert body["results"][0]["name"] == "Tianzhou-8"  # not nullable: kept
    faults.add("nulls", fields=("name",), times=1)
    assert (await get_json(client, "/2.3.0/spacecraft/1/"))["name"] is None
    assert (await get_json(client, "/2.3.0/spacecraft/1/"))["name"] == "Tianzhou-8"


async def test_faults_over_http(client: TestClient[Any, Any]) -> None:
    response = await client.post("/_offline/faults", json={"kind": "status", "status": 503})
    assert response.status == 201
    response = await client.get("/2.3.0/agencies/")
    assert response.status == 503 and response.headers["Retry-After"] == "1"
    rules = await get_json(client, "/_offline/faults")
    assert rules[0]["kind"] == "status" and rules[0]["fired"] == 1
    response = await client.put("/_offline/faults", json=[{"kind": "bogus"}])
    assert response.status == 400
    await client.delete("/_offline/faults")
    assert (await client.get("/2.3.0/agencies/")).status == 200


async def test_drop_and_truncate_over_a_real_socket(snapshot: Snapshot) -> None:
    upstream = await start_offline_upstream(snapshot=snapshot)
    try:
        faults = upstream.state.faults
        async with aiohttp.ClientSession() as session:
            # aiohttp's client retries a GET once on a dropped connection: drop both
            faults.add("drop", times=2)
            with pytest.raises(aiohttp.ServerDisconnectedError):
                async with session.get(upstream.url + "spacecraft/") as response:
                    await response.read()
            faults.add("truncate", times=1)
            with pytest.raises(aiohttp.ClientPayloadError):
                async with session.get(upstream.url + "spacecraft/") as response:
                    await response.read()
            async with session.get(upstream.url + "spacecraft/") as response:
                assert response.status == 200
        assert [(e.status, e.fault) for e in upstream.state.log] == [
            (0, "drop"),
            (0, "drop"),
            (200, "truncate"),
            (200, None),
        ]
        assert upstream.state.log[2].bytes < upstream.state.log[3].bytes
    finally:
        await upstream.close()


# -- serving and loading -----------------------------------------------------------------


async def test_start_offline_upstream(snapshot: Snapshot) -> None:
    async with await start_offline_upstream(snapshot=snapshot, request_limit=5) as upstream:
        assert upstream.url.startswith("http://127.0.0.1:") and upstream.url.endswith("/2.3.0/")
        async with aiohttp.ClientSession() as session:
            async with session.get(upstream.url + "spacecraft/?limit=1") as response:
                body = await response.json()
            assert body["next"].startswith(upstream.url + "spacecraft/?")
            results = await asyncio.gather(
                *(session.get(upstream.url + "agencies/") for _ in range(5))
            )
            assert sorted(r.status for r in results) == [200, 200, 200, 200, 429]
            for r in results:
                r.release()
            async with session.get(upstream.origin + "/_offline/log") as response:
                assert (await response.json())["count"] == 6
        assert upstream.state.request_limit == 5


def test_load_snapshot_is_cached_per_file(tmp_path: Path) -> None:
    data = {"meta": {"n": 1}, "entities": {"agencies": {"5": {"name": "Five"}}}}
    path = tmp_path / "snap.json.gz"
    path.write_bytes(gzip.compress(orjson.dumps(data)))
    first = load_snapshot(path)
    assert load_snapshot(str(path)) is first
    assert first.get("agencies", 5) == {"name": "Five", "id": 5}
    assert first.meta == {"n": 1}
    plain = tmp_path / "snap.json"
    plain.write_bytes(orjson.dumps(data))
    assert load_snapshot(plain).get("agencies", "5") is not None


def test_packaged_snapshot_loads(spec: Any) -> None:
    try:
        snapshot = load_snapshot()
    except FileNotFoundError:
        pytest.skip("no packaged snapshot yet")
    assert load_snapshot() is snapshot
    assert snapshot.records("spacecraft")
