"""What one request did, as the view learns it: for the access line, metrics and span.

The outermost middleware (:mod:`gateway.server.observe`) puts an :class:`Observation`
on every request; the GraphQL view notes into it what only it knows (the operation,
the error codes, the response cache's verdict, the context holding the LL2 cost)
through the ``note_*`` functions, which do nothing on a request without one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import orjson
from aiohttp import web
from graphql import GraphQLError
from graphql.language import Lexer, Source, TokenKind

from gateway.extensions.parsing import unlink

if TYPE_CHECKING:
    from gateway.context import Context

__all__ = [
    "OBSERVATION",
    "Observation",
    "codes_in",
    "note_codes",
    "note_context",
    "note_operation",
    "note_response_cache",
    "operation_name",
]

_OPERATION_KEYWORDS: Final = frozenset({"query", "mutation", "subscription"})


@dataclass(slots=True)
class Observation:
    request_id: str
    #: The operations executed (several in a batch): their names, None when anonymous.
    operations: list[str | None] = field(default_factory=list)
    #: ``extensions.code`` of every error in the answer.
    codes: list[str] = field(default_factory=list)
    #: The whole-response cache's verdict: True hit, False miss, None not asked.
    response_cache: bool | None = None
    context: Context | None = None


OBSERVATION: Final = web.RequestKey("gateway_observation", Observation)


def note_operation(request: web.Request, document: object, given_name: object) -> None:
    """The request runs the operation ``given_name`` (or the one ``document`` names)."""
    seen = request.get(OBSERVATION)
    if seen is not None:
        seen.operations.append(operation_name(document, given_name))


def note_codes(request: web.Request, errors: list[object]) -> None:
    """The answer holds these formatted errors."""
    seen = request.get(OBSERVATION)
    if seen is None:
        return
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        seen.codes.append(code if isinstance(code, str) else "UNKNOWN")


def note_response_cache(request: web.Request, hit: bool) -> None:
    seen = request.get(OBSERVATION)
    if seen is not None:
        seen.response_cache = hit


def note_context(request: web.Request, context: Context) -> None:
    seen = request.get(OBSERVATION)
    if seen is not None:
        seen.context = context


def codes_in(body: bytes) -> list[str]:
    """The ``extensions.code`` of each error in a GraphQL-shaped JSON body, for answers
    refused before execution (their errors never pass :func:`note_codes`)."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return []
    codes = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        codes.append(code if isinstance(code, str) else "UNKNOWN")
    return codes


def operation_name(document: object, given_name: object) -> str | None:
    """The client's ``operationName``, else the name of the document's first operation;
    None for an anonymous one (or a document that does not say)."""
    if isinstance(given_name, str) and given_name:
        return given_name
    return _named_in(document) if isinstance(document, str) else None


@functools.lru_cache(maxsize=256)
def _named_in(document: str) -> str | None:
    """Lex only as far as the first operation (fragments before it are skipped)."""
    lexer = Lexer(Source(document))
    start = lexer.token
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            if token.kind == TokenKind.NAME and token.value in _OPERATION_KEYWORDS:
                following = lexer.advance()
                return following.value if following.kind == TokenKind.NAME else None
            if token.kind == TokenKind.NAME and token.value == "fragment":
                _skip_definition(lexer)
            elif token.kind == TokenKind.BRACE_L:
                return None  # the `{ ... }` shorthand: an anonymous query
            token = lexer.advance()
    except GraphQLError:
        return None
    finally:
        unlink(start)  # no cycle of tokens left behind
    return None


def _skip_definition(lexer: Lexer) -> None:
    """Advance past a definition's selection set (braces inside arguments do not count)."""
    parens = 0
    token = lexer.advance()
    while token.kind != TokenKind.EOF:
        if token.kind == TokenKind.PAREN_L:
            parens += 1
        elif token.kind == TokenKind.PAREN_R:
            parens -= 1
        elif token.kind == TokenKind.BRACE_L and parens == 0:
            break
        token = lexer.advance()
    depth = 1
    while depth and token.kind != TokenKind.EOF:
        token = lexer.advance()
        if token.kind == TokenKind.BRACE_L:
            depth += 1
        elif token.kind == TokenKind.BRACE_R:
            depth -= 1
