"""A cache of whole answers, for operations asked again before their data changes.

An operation asked twice with the same variables reads the same LL2 answers; while
every one of them is fresh, the whole answer is the same too, so it is kept and sent
again without parsing, validating or executing anything.

* **Key**: the document normalised to its tokens (white space, commas and comments do
  not count), the operation name, the variables, and the upstream (URL and version).
* **Lifetime**: the shortest remaining freshness among the LL2 answers it read
  (:meth:`~gateway.upstream.tally.Tally.reusable_for`).  An answer with errors, one
  built from stale data, one that read nothing from LL2 or read ``upstreamStatus``,
  and explain requests are never kept.
* **Where**: the gateway's cache backend, under its own prefix: in memory, or in Redis
  shared by every instance.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import Any, Final

import orjson
from graphql import GraphQLError
from graphql.language import Lexer, Source

from gateway.cache import Cache

__all__ = ["ResponseCache", "normalise_document"]

#: Distinct documents whose normal form is remembered (their text -> it).
_NORMALISED_MAX: Final = 1024

#: One lexeme of GraphQL (the specification's "Lexical Tokens" and "Ignored Tokens"),
#: found by ``re`` in C: graphql-core's lexer, in Python, took 3 % of a never-seen
#: document's CPU time here before the parser lexed the same text again.
_LEXEME: Final = re.compile(
    r"""
      (?P<ignored> [\ufeff\ \t\n\r,]+ | \#[^\n\r\ud800-\udfff]* )
    | (?P<string>
          \"\"\"(?:\\\"\"\"|(?!\"\"\")[^\ud800-\udfff])*\"\"\"
        | "(?!"")(?:[^"\\\n\r\ud800-\udfff]|\\[^\n\r\ud800-\udfff])*"
      )
    | (?P<other>
          \.\.\. | [!$&():=@\[\]{}|]
        | [_A-Za-z][_0-9A-Za-z]*
        | -?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![_A-Za-z0-9.])
      )
    """,
    re.VERBOSE,
)


def _string_value(raw: str) -> str | None:
    """A string token's value as JSON: escapes and block strings read by graphql-core."""
    value: str | None
    if "\\" not in raw and not raw.startswith('"""'):
        value = raw[1:-1]
    else:
        try:
            value = Lexer(Source(raw)).advance().value
        except GraphQLError:
            return None
    return orjson.dumps(value).decode()


def normalise_document(text: str) -> str | None:
    """The document as its tokens, one space apart (strings as their value, quoted as
    JSON); None when it does not lex (the operation will fail on its own, uncached)."""
    parts: list[str] = []
    match = _LEXEME.match
    position, end = 0, len(text)
    while position < end:
        found = match(text, position)
        if found is None:
            return None
        position = found.end()
        kind = found.lastgroup
        if kind == "other":
            parts.append(found.group())
        elif kind == "string":
            value = _string_value(found.group())
            if value is None:
                return None
            parts.append(value)
    return " ".join(parts)


class ResponseCache:
    """Whole answers' ``data``, by operation."""

    def __init__(self, cache: Cache, *, upstream: str) -> None:
        self.cache = cache
        self.upstream = upstream
        self._normal: OrderedDict[str, str | None] = OrderedDict()

    def _normalised(self, text: str) -> str | None:
        found = self._normal.get(text, "")
        if found != "":
            self._normal.move_to_end(text)
            return found
        normal = self._normal[text] = normalise_document(text)
        if len(self._normal) > _NORMALISED_MAX:
            self._normal.popitem(last=False)
        return normal

    def key(self, document: str, operation_name: object, variables: object) -> str | None:
        """The cache key of an operation; None for one that is not worth a look-up."""
        normal = self._normalised(document)
        if normal is None or not isinstance(operation_name, str | None):
            return None
        try:
            vars_json = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        digest = hashlib.sha256()
        for part in (self.upstream.encode(), normal.encode(), (operation_name or "").encode()):
            digest.update(part)
            digest.update(b"\0")
        digest.update(vars_json)
        return "response:" + digest.hexdigest()

    async def get(self, key: str) -> bytes | None:
        """The cached ``data`` (JSON), if still fresh."""
        found = await self.lookup(key)
        return None if found is None else found[0]

    async def lookup(self, key: str) -> tuple[bytes, float] | None:
        """The cached ``data`` (JSON) and the seconds it stays fresh, if still fresh."""
        entry = await self.cache.get(key)
        if entry is None or not entry.fresh:
            return None
        return entry.value, entry.expires_at - entry.clock()

    async def put(self, key: str, data: Any, *, ttl: float) -> None:
        """Keep ``data`` (or its JSON, as bytes) for ``ttl`` seconds."""
        if ttl <= 0:
            return
        try:
            body = data if isinstance(data, bytes) else orjson.dumps(data)
        except TypeError:  # a value orjson cannot write: keep nothing
            return
        await self.cache.set(key, body, ttl=ttl, stale_ttl=0.0)

    async def close(self) -> None:
        await self.cache.close()
