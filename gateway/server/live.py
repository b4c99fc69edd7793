"""Subscriptions over WebSocket (graphql-transport-ws) at ``/graphql``, and their hygiene.

The protocol is graphql-ws's (npm ``graphql-ws``, Apollo's ``GraphQLWsLink``, urql),
served by Strawberry's handler with the gateway's rules:

* each operation runs with a request context of its own (a subscription renews it at
  every answer), never the connection's;
* an answer equal to the last one sent for the operation is not sent again;
* errors are formatted as everywhere else (``extensions.code``, masked internals);
* ``--ws-init-timeout``: no ``connection_init`` in time closes with **4408**; a
  second one closes with 4429, a ``subscribe`` before the ack with 4401 (Strawberry);
* ``--ws-ping-interval``: WebSocket ping frames; a peer that misses a pong is dropped.
  A protocol ``ping`` message is answered with ``pong``;
* ``--ws-max-subscriptions``: one operation more on a connection gets an ``error``
  message with ``TOO_MANY_SUBSCRIPTIONS`` (the connection and the others go on);
* ``--ws-max-connections``: one connection more is closed with **1013** (try again later);
* a subscription to a new object the budget cannot poll gets an ``error`` message with
  ``LIVE_BUDGET_EXCEEDED``;
* a disconnect stops every subscription of the connection (and with the last watcher
  of an object, its poller); a graceful shutdown completes every subscription, then
  closes each connection with **1001**.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from aiohttp import ClientConnectionResetError, web
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.aiohttp.views import AiohttpWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message,
    SubscribeMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from gateway.context import Context
from gateway.live import LiveHub, RedisShared
from gateway.server.errors import format_error
from gateway.server.lifecycle import _namespace
from gateway.server.state import APP_STATE, AppState
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.live import Shared

__all__ = ["LiveServer", "LiveTransportWSHandler", "TextWebSocketAdapter"]

log = logging.getLogger("gateway.server")

#: Close codes of the gateway's own rules (the protocol's are Strawberry's).
TRY_AGAIN_LATER = 1013
GOING_AWAY = 1001
#: Seconds a shutdown waits for subscriptions to complete before closing sockets.
_COMPLETE_GRACE = 5.0


def _redis_url(settings: Settings) -> str | None:
    url = settings.cache
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None


class LiveServer:
    """The live hub and the WebSocket connections of one app."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.settings = state.settings
        self.hub: LiveHub | None = None
        self.handlers: set[LiveTransportWSHandler] = set()
        self.closing = False

    async def cleanup_ctx(self, app: web.Application) -> AsyncIterator[None]:
        """Own the hub (after the upstream: it polls through it)."""
        state = app[APP_STATE]
        url = _redis_url(self.settings)
        shared: Shared | None = None
        if url is not None:
            shared = RedisShared(url, _namespace(self.settings, state.upstream_url or ""))
        self.hub = LiveHub(
            state.upstream,
            shared,
            shortest=self.settings.live_interval,
            longest=self.settings.live_max_interval,
            share=self.settings.live_budget_share,
            timeout=self.settings.request_timeout,
        )
        await self.hub.start()
        try:
            yield
        finally:
            hub, self.hub = self.hub, None
            await hub.close()

    def context(self) -> Context:
        """A new request context for one operation on a WebSocket."""
        state = self.state
        return Context.create(state.settings, state.upstream, live=self.hub)

    def admit(self) -> bool:
        return not self.closing and len(self.handlers) < self.settings.ws_max_connections

    async def on_shutdown(self, app: web.Application) -> None:
        """Complete every subscription, then close every connection with 1001."""
        self.closing = True
        if self.hub is not None:
            await self.hub.close()  # every watch ends: each subscription completes
        handlers = list(self.handlers)
        await asyncio.gather(*(h.finish() for h in handlers), return_exceptions=True)


class TextWebSocketAdapter(AiohttpWebSocketAdapter):
    """Messages as text frames: the view encodes JSON to bytes (for HTTP), and the
    protocol's clients read text only."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_str(self.view.encode_json_string(message))
        except (RuntimeError, ClientConnectionResetError) as exc:
            raise WebSocketDisconnected from exc


class LiveTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler under the gateway's rules."""

    live: LiveServer

    async def handle(self) -> None:
        self.live = self.view.live  # type: ignore[attr-defined]
        self.live.handlers.add(self)
        try:
            await super().handle()
        finally:
            self.live.handlers.discard(self)

    async def finish(self) -> None:
        """Shutdown: wait (a little) for the operations to complete, then say goodbye."""
        deadline = asyncio.get_running_loop().time() + _COMPLETE_GRACE
        while self.operations and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        with contextlib.suppress(Exception):
            await self.websocket.close(GOING_AWAY, "Server shutting down")

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.live.settings.ws_max_subscriptions
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            error = {
                "message": f"At most {limit} operations may run at once on one connection.",
                "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS", "maximum": limit},
            }
            await self.send_message(_message(message["id"], "error", [error]))
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Strawberry's, with a context of its own, no repeated answers, gateway errors."""
        context = self.live.context()
        try:
            source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=None,
                operation_name=operation.operation_name,
            )
            async with aclosing(source):
                if not await self._send(operation, source, context):
                    return
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except Exception as error:  # never expected: log it, end the operation
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
        finally:
            context.data.release()

    async def _send(
        self, operation: Operation[Context, None], source: AsyncIterator[Any], context: Context
    ) -> bool:
        """Send each answer that differs from the last; False when the socket was closed."""
        last: dict[str, Any] | None = None
        first = True
        async for result in source:
            if first and isinstance(result, PreExecutionError):
                assert result.errors
                reason = _close_reason(result.errors[0])
                if reason is not None:  # as Strawberry: a document that cannot run
                    self.operations.pop(operation.id, None)
                    await self.websocket.close(4400, reason)
                    return False
                payload = [format_error(e) for e in result.errors]
                await operation.send_operation_message(_message(operation.id, "error", payload))
                return False
            first = False
            if not isinstance(result, ExecutionResult):  # @defer/@stream: not over this
                error = GraphQLError("@defer and @stream are served over HTTP, not WebSocket.")
                payload = [format_error(error)]
                await operation.send_operation_message(_message(operation.id, "error", payload))
                return False
            answer: dict[str, Any] = {"data": result.data}
            if result.errors:
                answer["errors"] = [format_error(e) for e in result.errors]
            if answer == last:
                continue
            last = answer
            await operation.send_operation_message(_message(operation.id, "next", answer))
        return True


def _message(id: str, type: str, payload: object = None) -> Message:
    message: dict[str, object] = {"id": id, "type": type}
    if payload is not None:
        message["payload"] = payload
    return cast("Message", message)


def _close_reason(error: GraphQLError) -> str | None:
    if isinstance(error, GraphQLSyntaxError):
        return error.message
    if isinstance(error.original_error, CannotGetOperationTypeError):
        return error.original_error.as_http_error_reason()
    return None


async def refuse(request: web.Request, reason: str) -> web.WebSocketResponse:
    """Accept the handshake only to close at once with 1013 (too many connections)."""
    ws = web.WebSocketResponse(protocols=("graphql-transport-ws",))
    await ws.prepare(request)
    await ws.close(code=TRY_AGAIN_LATER, message=reason.encode())
    return ws
