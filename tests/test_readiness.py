"""``/readyz``: Redis, LL2 and the breaker, 200 or 503, without spending the LL2 budget."""

from __future__ import annotations

from types import SimpleNamespace

from gateway.offline import RunningUpstream
from tests.harness import Gateway, free_port
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

AGENCY = '{ agency(id: "121") { name } }'


async def test_ready_over_a_healthy_ll2(gateway: Gateway) -> None:
    r = await gateway.request("GET", "/readyz")
    assert r.status == 200
    assert r.body["status"] == "ready"
    assert r.body["ll2"]["ok"] is True and r.body["ll2"]["http_status"] == 200
    assert r.body["redis"] == {"used": False}
    assert r.body["breaker"] == {"state": "closed", "ok": True}
    assert (await gateway.request("GET", "/healthz")).body["status"] == "ok"


async def test_readiness_probes_cost_no_budget_and_cannot_flood_ll2(
    upstream: RunningUpstream,
) -> None:
    gw = await Gateway(upstream, upstream_rate=1).start()
    try:
        checks = upstream.state.throttle_checks
        upstream.state.reset()
        for _ in range(30):
            assert (await gw.request("GET", "/readyz")).status == 200
        probes = upstream.state.throttle_checks - checks
        spent = len(upstream.state.log)
        answer = await gw.query(AGENCY)  # the one call the budget allows is still there
    finally:
        await gw.close()
    assert probes == 1, "one probe, reused for a few seconds"
    assert spent == 0
    assert answer.errors == [] and answer.data["agency"]["name"] == "SpaceX"


async def test_not_ready_when_ll2_is_unreachable(upstream: RunningUpstream) -> None:
    nowhere = SimpleNamespace(url=f"http://127.0.0.1:{free_port()}/2.3.0/")
    gw = await Gateway(nowhere).start()
    try:
        r = await gw.request("GET", "/readyz")
        alive = await gw.request("GET", "/healthz")
    finally:
        await gw.close()
    assert r.status == 503
    assert r.body["status"] == "not ready"
    assert r.body["ll2"]["ok"] is False and r.body["ll2"]["error"] == "UPSTREAM_UNAVAILABLE"
    assert alive.status == 200, "liveness does not depend on LL2"


async def test_not_ready_while_the_breaker_is_open(upstream: RunningUpstream) -> None:
    gw = await Gateway(
        upstream, breaker_threshold=1, upstream_retries=0, breaker_cooldown=60
    ).start()
    try:
        upstream.state.faults.add("status", status=503)  # LL2 calls fail; /api-throttle/ works
        assert "UPSTREAM_UNAVAILABLE" in (await gw.query(AGENCY)).codes
        r = await gw.request("GET", "/readyz")
    finally:
        await gw.close()
    assert r.status == 503
    assert r.body["ll2"]["ok"] is True
    assert r.body["breaker"]["state"] == "open" and r.body["breaker"]["ok"] is False
    assert 0 < r.body["breaker"]["seconds_until_retry"] <= 60


async def test_redis_is_checked_when_the_cache_is_redis(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> None:
    gw = await Gateway(upstream, cache=redis_url, cache_namespace=redis_prefix).start()
    try:
        r = await gw.request("GET", "/readyz")
    finally:
        await gw.close()
    assert r.status == 200
    assert r.body["redis"] == {"used": True, "ok": True}


async def test_not_ready_when_redis_does_not_answer(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, cache=f"redis://127.0.0.1:{free_port()}/0").start()
    try:
        r = await gw.request("GET", "/readyz")
        answer = await gw.query(AGENCY)
    finally:
        await gw.close()
    assert r.status == 503
    assert r.body["redis"]["used"] is True and r.body["redis"]["ok"] is False
    assert answer.data["agency"]["name"] == "SpaceX", "the gateway still answers"
