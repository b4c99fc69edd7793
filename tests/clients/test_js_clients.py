"""Real clients against the running gateway: the graphql-http audit suite, Apollo Client
(persisted queries over BatchHttpLink and GET) and GraphiQL in headless Chromium with the
network cut.  Node and Chromium are set up by ``tests/js_fixture.py`` (and ``.ci/run``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tests.harness import Gateway
from tests.js_fixture import chromium, graphiql_assets, node_modules, run_node

__all__ = ["chromium", "graphiql_assets", "node_modules"]


async def test_the_graphql_over_http_audit_finds_nothing(
    node_modules: Path, gateway: Gateway
) -> None:
    report = await run_node("audit.mjs", f"{gateway.url}/graphql")
    assert report["notOk"] == []
    assert report["warn"] == 0 and report["error"] == 0 and report["ok"] >= 61


async def test_apollo_client_persisted_queries_over_batches_and_get(
    node_modules: Path, gateway: Gateway
) -> None:
    report = await run_node("apollo.mjs", f"{gateway.url}/graphql")
    nasa = report["batchFirst"]["agency"]
    assert nasa["name"] == "National Aeronautics and Space Administration"
    assert report["batchAgain"] == report["batchFirst"]
    # BatchHttpLink: hashes alone, refused as unknown; the documents with their hashes;
    # then, for a client started anew, hashes alone again, answered without LL2.
    hashes, documents, again = report["batchExchanges"]
    for exchange in (hashes, documents, again):
        assert exchange["method"] == "POST" and len(exchange["request"]) == 2
    assert all("query" not in op for op in hashes["request"])
    assert hashes["codes"] == [["PERSISTED_QUERY_NOT_FOUND"]] * 2
    assert all(
        "query" in op and "persistedQuery" in op["extensions"] for op in documents["request"]
    )
    assert documents["codes"] == [[], []]
    assert all("query" not in op for op in again["request"])
    assert again["codes"] == [[], []] and again["upstreamCalls"] == [0, 0]
    # GET for hashed queries: unknown, registered over POST, then a cacheable GET.
    assert report["getFirst"] == report["getAgain"] and report["getFirst"]["name"] == "SpaceX"
    miss, register, hit = report["getExchanges"]
    assert miss["method"] == "GET" and miss["codes"] == [["PERSISTED_QUERY_NOT_FOUND"]]
    assert register["method"] == "POST" and register["codes"] == [[]]
    assert hit["method"] == "GET" and hit["status"] == 200 and hit["codes"] == [[]]
    assert hit["cacheControl"].startswith("public, max-age=") and hit["etag"].startswith('W/"')


async def test_graphiql_renders_and_loads_the_schema_with_no_internet(
    node_modules: Path, chromium: str, graphiql_assets: Path, gateway: Gateway, tmp_path: Path
) -> None:
    shot = tmp_path / "graphiql.png"
    report = await run_node(
        "graphiql.mjs", f"{gateway.url}/graphql", str(shot), env={"CHROMIUM": chromium}
    )
    assert report.get("error") is None and report["editor"] is True
    assert not report["loadingLeft"]
    assert "Root Types" in report["docs"] and "query: Query" in report["docs"]
    assert "SpacecraftFlight" in report["docs"]  # the schema came from the gateway
    hosts = {urlsplit(u).hostname for u in report["requests"] if u.startswith("http")}
    assert hosts == {"127.0.0.1"} and report["failed"] == []
    assert shot.stat().st_size > 10_000
