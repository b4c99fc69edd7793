"""Turning execution errors into what clients see: a message and ``extensions.code``."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError

from gateway.errors import GatewayError

__all__ = ["format_error", "http_error_body"]

log = logging.getLogger("gateway.errors")


def _code_without_original(error: GraphQLError) -> str:
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable "):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def format_error(error: GraphQLError) -> dict[str, Any]:
    """The JSON of one error; unexpected exceptions are masked and logged with an id."""
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = list(error.path)
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if original is None or isinstance(original, GraphQLError):
        extensions = dict(error.extensions or {})
        extensions.setdefault("code", _code_without_original(error))
    elif isinstance(original, GatewayError):
        formatted["message"] = original.message
        extensions = {"code": original.code, **original.extensions}
    else:
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
        formatted["message"] = f"Internal server error (id {error_id})."
        extensions = {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}
    formatted["extensions"] = extensions
    return formatted


_HTTP_CODES = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    503: "TOO_MANY_CONNECTIONS",
}


def http_error_body(status: int, message: str) -> dict[str, Any]:
    """A GraphQL-shaped body for a request refused before execution."""
    return {
        "data": None,
        "errors": [
            {"message": message, "extensions": {"code": _HTTP_CODES.get(status, "BAD_REQUEST")}}
        ],
    }
