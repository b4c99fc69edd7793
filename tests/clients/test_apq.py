"""Automatic persisted queries (Apollo's protocol) over POST and GET, and trusted documents."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from gateway.offline import RunningUpstream
from gateway.server.persisted import load_manifest
from tests.harness import Gateway, Response
from tests.redis_fixture import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

AGENCY = 'query Agency { agency(id: "44") { name } }'
NASA = {"agency": {"name": "National Aeronautics and Space Administration"}}
GRAPHQL_RESPONSE = "application/graphql-response+json"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ext(digest: str, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def post(gw: Gateway, payload: Any, accept: str | None = None) -> Response:
    headers = {"Accept": accept} if accept else {}
    return await gw.request("POST", "/graphql", json=payload, headers=headers)


async def get(gw: Gateway, accept: str = "*/*", **params: Any) -> Response:
    query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return await gw.request("GET", "/graphql", params=query, headers={"Accept": accept})


async def test_an_unknown_hash_is_not_found_then_registered_then_run(gateway: Gateway) -> None:
    digest = sha(AGENCY)
    missing = await post(gateway, {"extensions": ext(digest)})
    assert missing.status == 200 and missing.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert missing.errors[0]["message"] == "PersistedQueryNotFound"  # what Apollo's link matches
    assert gateway.upstream_calls() == []
    registered = await post(gateway, {"query": AGENCY, "extensions": ext(digest)})
    assert registered.status == 200 and registered.data == NASA
    calls = len(gateway.upstream_calls())
    by_hash = await post(gateway, {"extensions": ext(digest), "operationName": "Agency"})
    assert by_hash.status == 200 and by_hash.data == NASA and not by_hash.errors
    assert len(gateway.upstream_calls()) == calls


async def test_the_get_form_runs_a_known_hash_and_never_shows_graphiql(gateway: Gateway) -> None:
    digest = sha(AGENCY)
    missing = await get(gateway, accept="text/html, */*", extensions=ext(digest))
    assert missing.status == 200 and missing.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    await post(gateway, {"query": AGENCY, "extensions": ext(digest)})
    found = await get(gateway, extensions=ext(digest), operationName="Agency")
    assert found.status == 200 and found.data == NASA


async def test_under_graphql_response_json_a_miss_is_a_404(gateway: Gateway) -> None:
    missing = await post(gateway, {"extensions": ext(sha(AGENCY))}, accept=GRAPHQL_RESPONSE)
    assert missing.status == 404 and missing.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "data" not in missing.body


async def test_a_hash_that_is_not_the_documents_is_refused(gateway: Gateway) -> None:
    wrong = await post(gateway, {"query": AGENCY, "extensions": ext(sha("{ __typename }"))})
    assert wrong.status == 400 and wrong.codes == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert gateway.upstream_calls() == []
    # Nothing was registered under the wrong hash.
    again = await post(gateway, {"extensions": ext(sha("{ __typename }"))})
    assert again.codes == ["PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.parametrize(
    "persisted",
    [{"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "xyz"}, "not an object"],
)
async def test_malformed_persisted_queries_are_bad_requests(
    gateway: Gateway, persisted: Any
) -> None:
    r = await post(gateway, {"extensions": {"persistedQuery": persisted}})
    assert r.status == 400 and r.codes == ["BAD_REQUEST"]


async def test_apq_can_be_turned_off(upstream: RunningUpstream) -> None:
    gw = await Gateway(upstream, apq=False).start()
    try:
        off = await post(gw, {"extensions": ext(sha(AGENCY))})
        assert off.codes == ["PERSISTED_QUERY_NOT_SUPPORTED"]  # Apollo's link then sends documents
        full = await post(gw, {"query": AGENCY, "extensions": ext(sha(AGENCY))})
        assert full.data == NASA
    finally:
        await gw.close()


async def test_instances_share_registered_documents_through_redis(
    upstream: RunningUpstream, redis_url: str, redis_prefix: str
) -> None:
    one = await Gateway(upstream, cache=redis_url, cache_namespace=redis_prefix).start()
    two = await Gateway(upstream, cache=redis_url, cache_namespace=redis_prefix).start()
    try:
        await post(one, {"query": AGENCY, "extensions": ext(sha(AGENCY))})
        shared = await post(two, {"extensions": ext(sha(AGENCY))})
        assert shared.data == NASA
    finally:
        await one.close()
        await two.close()


# -- trusted documents -----------------------------------------------------------

FLIGHT = '{ spacecraftFlight(id: "671") { destination } }'


def apollo_manifest(tmp_path: Path, *bodies: str) -> Path:
    path = tmp_path / "persisted-query-manifest.json"
    operations = [
        {"id": sha(body), "name": f"Op{i}", "type": "query", "body": body}
        for i, body in enumerate(bodies)
    ]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    return path


@pytest.fixture
async def trusted(upstream: RunningUpstream, tmp_path: Path) -> Any:
    manifest = apollo_manifest(tmp_path, AGENCY)
    gw = await Gateway(upstream, persisted_documents=str(manifest), persisted_only=True).start()
    try:
        yield gw
    finally:
        await gw.close()


async def test_trusted_documents_run_by_hash_id_or_text(trusted: Gateway) -> None:
    assert (await post(trusted, {"extensions": ext(sha(AGENCY))})).data == NASA
    assert (await post(trusted, {"documentId": f"sha256:{sha(AGENCY)}"})).data == NASA
    assert (await get(trusted, documentId=sha(AGENCY))).data == NASA
    relaid = 'query Agency {\n  agency(id: "44") {\n    name\n  }\n}'  # same tokens
    assert (await post(trusted, {"query": relaid})).data == NASA


async def test_anything_else_is_refused_before_any_upstream_call(trusted: Gateway) -> None:
    other = await post(trusted, {"query": FLIGHT})
    assert other.codes == ["QUERY_NOT_IN_SAFELIST"] and other.data is None
    forbidden = await post(trusted, {"query": FLIGHT}, accept=GRAPHQL_RESPONSE)
    assert forbidden.status == 403
    unknown = await post(trusted, {"extensions": ext(sha(FLIGHT))}, accept=GRAPHQL_RESPONSE)
    assert unknown.status == 404 and unknown.codes == ["PERSISTED_QUERY_NOT_IN_LIST"]
    registering = await post(trusted, {"query": FLIGHT, "extensions": ext(sha(FLIGHT))})
    assert registering.codes == ["QUERY_NOT_IN_SAFELIST"]
    assert (await post(trusted, {"extensions": ext(sha(FLIGHT))})).codes == [
        "PERSISTED_QUERY_NOT_IN_LIST"
    ]
    via_get = await get(trusted, query=FLIGHT)
    assert via_get.codes == ["QUERY_NOT_IN_SAFELIST"]
    assert trusted.upstream_calls() == []


async def test_a_relay_manifest_names_documents_by_its_own_ids(
    upstream: RunningUpstream, tmp_path: Path
) -> None:
    manifest = tmp_path / "persisted_queries.json"
    manifest.write_text(json.dumps({"a1b2c3": AGENCY}))
    gw = await Gateway(upstream, persisted_documents=str(manifest)).start()
    try:
        assert (await post(gw, {"doc_id": "a1b2c3"})).data == NASA
        assert (await post(gw, {"documentId": "zzz"})).codes == ["PERSISTED_QUERY_NOT_FOUND"]
        assert (await post(gw, {"query": FLIGHT})).data is not None  # not trusted-only
    finally:
        await gw.close()


def test_a_manifest_that_is_neither_format_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"operations": [1, 2]}))
    with pytest.raises(ValueError, match="neither"):
        load_manifest(bad)
    with pytest.raises(ValueError, match="cannot read"):
        load_manifest(tmp_path / "absent.json")
    from gateway.settings import Settings

    with pytest.raises(ValueError, match="persisted_documents"):
        Settings(persisted_only=True)


def test_the_cli_refuses_a_broken_manifest_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway.cli import main

    assert main(["serve", "--persisted-documents", str(tmp_path / "absent.json")]) == 2
    assert "bad setting: cannot read the persisted documents" in capsys.readouterr().err
    assert main(["serve", "--persisted-only", "true"]) == 2
