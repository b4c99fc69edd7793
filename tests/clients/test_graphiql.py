"""GraphiQL's page and assets as the gateway serves them (the browser test is in
test_js_clients.py)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from gateway.offline import RunningUpstream
from gateway.server.graphiql.fetch import missing, pins, sri
from gateway.server.graphiql.page import GraphiQLPage
from tests.harness import Gateway
from tests.js_fixture import graphiql_assets

__all__ = ["graphiql_assets"]

JS = "graphiql@3.8.3/graphiql.min.js"


async def test_the_page_loads_every_asset_from_the_gateway(
    graphiql_assets: Path, gateway: Gateway
) -> None:
    page = await gateway.request("GET", "/graphql", headers={"Accept": "text/html"})
    assert page.status == 200 and isinstance(page.body, str)
    assert "unpkg.com" not in page.body
    assert page.body.count('="graphiql/assets/') == 7
    assert f'src="graphiql/assets/{JS}"' in page.body


async def test_assets_are_immutable_gzipped_and_intact(
    graphiql_assets: Path, gateway: Gateway
) -> None:
    assert gateway.http is not None
    integrity = next(p["files"]["graphiql.min.js"] for p in pins() if p["name"] == "graphiql")
    url = f"{gateway.url}/graphiql/assets/{JS}"
    async with gateway.http.get(
        url, headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    ) as zipped:
        assert zipped.status == 200 and zipped.headers["Content-Encoding"] == "gzip"
        assert "immutable" in zipped.headers["Cache-Control"]
        assert "javascript" in zipped.headers["Content-Type"]
        body = gzip.decompress(await zipped.read())
    assert sri(body, "sha384") == integrity
    async with gateway.http.get(url, headers={"Accept-Encoding": "identity"}) as plain:
        assert "Content-Encoding" not in plain.headers and await plain.read() == body
    async with gateway.http.get(f"{gateway.url}/graphiql/assets/nothing.js") as absent:
        assert absent.status == 404


def test_missing_or_altered_assets_fall_back_to_the_cdn(
    graphiql_assets: Path, tmp_path: Path
) -> None:
    empty = GraphiQLPage(static=tmp_path / "none")
    assert not empty.offline and len(empty.remote) == 7 and "graphiql/assets/" not in empty.html
    copy = tmp_path / "copy"
    shutil.copytree(graphiql_assets, copy)
    (copy / JS).write_bytes(b"alert('not GraphiQL')")
    assert missing(copy) == [JS]
    altered = GraphiQLPage(static=copy)
    assert altered.remote == [JS]
    assert f'src="https://unpkg.com/{JS}"' in altered.html
    assert altered.html.count('="graphiql/assets/') == 6


async def test_no_graphiql_no_assets(upstream: RunningUpstream) -> None:
    off = await Gateway(upstream, graphiql=False).start()
    try:
        assert off.http is not None
        async with off.http.get(f"{off.url}/graphiql/assets/{JS}") as r:
            assert r.status == 404
    finally:
        await off.close()
