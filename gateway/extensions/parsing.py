"""Parsing: remembered per document text, leaving no reference cycle.

graphql-core's lexer links its tokens both ways (``prev`` and ``next``), and a parsed
document's locations hold its first and last token: every document carries a cycle
through all its tokens (about 30 for a 20-item list query), which only the cycle
collector frees once the document is dropped.  Nothing reads ``prev`` once parsing
has ended, so :func:`parse_acyclic` unlinks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any

from graphql import DocumentNode, parse
from graphql.language import Token
from strawberry.extensions import SchemaExtension

__all__ = ["DocumentParsing", "parse_acyclic", "unlink"]


def unlink(token: Token | None) -> None:
    """Unlink ``prev`` from ``token`` and every token after it."""
    while token is not None:
        token.prev = None
        token = token.next


def parse_acyclic(source: str, **options: Any) -> DocumentNode:
    """graphql-core's ``parse``, its tokens linked one way only (``next``)."""
    document = parse(source, **options)
    unlink(document.loc.start_token if document.loc is not None else None)
    return document


@cache
def _remembering(maxsize: int) -> Callable[..., DocumentNode]:
    """One LRU of parsed documents per size, shared by every request and schema."""
    return lru_cache(maxsize=maxsize)(parse_acyclic)


class DocumentParsing(SchemaExtension):
    """Strawberry's ``ParserCache``, parsing with :func:`parse_acyclic` (pass it as a
    factory: one instance per operation)."""

    def __init__(self, maxsize: int = 256) -> None:
        super().__init__()
        self._parse = _remembering(maxsize)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self._parse(context.query, **context.parse_options)
        yield
