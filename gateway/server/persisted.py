"""Persisted documents: Apollo's automatic persisted queries and trusted documents.

**APQ** (Apollo's protocol, POST and GET): a client sends
``extensions.persistedQuery = {"version": 1, "sha256Hash": h}`` without the
document.  A known ``h`` runs its document; an unknown one gets
``PERSISTED_QUERY_NOT_FOUND`` (message ``PersistedQueryNotFound``), on which
Apollo's and urql's links send the document again with the hash; the gateway
checks that ``h`` is the SHA-256 of the document (``PERSISTED_QUERY_HASH_MISMATCH``
otherwise, HTTP 400) and keeps it for a day in the gateway's cache backend (in
memory, or Redis shared by every instance), behind a small in-process memo: a
hash names one document forever, so the memo is never stale.

**Trusted documents** (``--persisted-documents``, a manifest read at start in
Apollo's ``persisted-query-manifest.json`` format or Relay's ``{id: text}``):
clients may send the id alone, as the APQ hash, as ``documentId`` (the GraphQL
over HTTP proposal, ``sha256:`` prefix allowed) or as Relay's ``doc_id``.  With
``--persisted-only`` nothing else runs: an unknown id gets
``PERSISTED_QUERY_NOT_IN_LIST`` and a document not in the manifest (compared by
its tokens, so layout does not matter) ``QUERY_NOT_IN_SAFELIST``; APQ
registration is off.

Each refusal is a :class:`PersistedQueryError` carrying the HTTP status it gets
under ``application/graphql-response+json`` (under ``application/json``
well-formed requests keep 200, malformed ones 400).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, Final

from aiohttp import web
from graphql import GraphQLError

from gateway.cache import Cache, open_cache
from gateway.server.responses import normalise_document
from gateway.settings import Settings

__all__ = [
    "APQ_TTL",
    "PersistedDocuments",
    "PersistedQueryError",
    "document_id_of",
    "load_manifest",
    "persisted_context",
]

#: Seconds a registered APQ document is kept (a client re-registers after a miss).
APQ_TTL: Final = 24 * 3600.0
_MEMO_MAX: Final = 2048
_SHA256: Final = re.compile(r"^[0-9a-fA-F]{64}$")


class PersistedQueryError(GraphQLError):
    """A persisted-document request refused before execution."""

    def __init__(self, message: str, code: str, *, status: int, malformed: bool = False) -> None:
        super().__init__(message, extensions={"code": code})
        #: The status under application/graphql-response+json.
        self.status = status
        #: A malformed request: 400 whatever the media type.
        self.malformed = malformed


def _not_found() -> PersistedQueryError:
    return PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", status=404)


def _bad(message: str, code: str = "BAD_REQUEST") -> PersistedQueryError:
    return PersistedQueryError(message, code, status=400, malformed=True)


def load_manifest(path: str | Path) -> dict[str, str]:
    """``{id: document}`` from an Apollo or Relay persisted-query manifest.

    Raises ``ValueError`` (the gateway then refuses to start) when the file is
    neither.
    """
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the persisted documents {path}: {exc}") from exc
    documents: dict[str, str] = {}
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        operations = raw.get("operations")
        if raw.get("version") != 1 or not isinstance(operations, list):
            raise ValueError(f"{path}: an Apollo manifest of version 1 with `operations` expected")
        for operation in operations:
            if not isinstance(operation, dict):
                raise ValueError(f"{path}: every operation must be an object")
            op_id, body = operation.get("id"), operation.get("body")
            if not isinstance(op_id, str) or not isinstance(body, str):
                raise ValueError(f"{path}: every operation needs a string `id` and `body`")
            documents[op_id] = body
    elif isinstance(raw, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        documents = dict(raw)  # Relay: {"<id>": "<document>"}
    else:
        raise ValueError(
            f"{path}: neither an Apollo persisted-query manifest nor a Relay {{id: text}} map"
        )
    if not documents:
        raise ValueError(f"{path}: the manifest lists no document")
    return documents


class PersistedDocuments:
    """Turns what a request names (document, hash, id) into the document to run."""

    def __init__(
        self,
        manifest: Mapping[str, str] | None = None,
        *,
        apq: bool = True,
        only: bool = False,
        max_bytes: int = 32 * 1024,
    ) -> None:
        self.manifest: dict[str, str] = dict(manifest or {})
        self.apq = apq and not only
        self.only = only
        self.max_bytes = max_bytes
        #: Normal forms of the manifest's documents, for full-text requests.
        self._listed = {normalise_document(text) for text in self.manifest.values()}
        self._listed.discard(None)
        self._memo: OrderedDict[str, str] = OrderedDict()
        #: The shared APQ store, while the app runs.
        self.store: Cache | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedDocuments:
        manifest = None
        if settings.persisted_documents:
            manifest = load_manifest(settings.persisted_documents)
        elif settings.persisted_only:
            raise ValueError("persisted_only needs persisted_documents: the manifest to allow")
        return cls(
            manifest,
            apq=settings.apq,
            only=settings.persisted_only,
            max_bytes=settings.max_query_bytes,
        )

    async def resolve(
        self, query: object, extensions: object, document_id: object = None
    ) -> str | None:
        """The document to run; None when the request names none at all.

        Raises :class:`PersistedQueryError` for a request to refuse.
        """
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is not None:
            return await self._apq(query, persisted)
        if query is None and document_id is not None:
            return await self._by_id(document_id)
        if isinstance(query, str) and self.only and normalise_document(query) not in self._listed:
            raise PersistedQueryError(
                "This gateway runs only its trusted documents; this one is not among them.",
                "QUERY_NOT_IN_SAFELIST",
                status=403,
            )
        return query if isinstance(query, str) else None

    async def _by_id(self, document_id: object) -> str:
        if not isinstance(document_id, str) or not document_id:
            raise _bad("`documentId` must be a non-empty string.")
        text = self.manifest.get(document_id)
        if text is None and document_id.startswith("sha256:"):
            text = self.manifest.get(document_id[7:])
        if text is not None:
            return text
        if self.only:
            raise PersistedQueryError(
                "PersistedQueryNotInList", "PERSISTED_QUERY_NOT_IN_LIST", status=404
            )
        digest = document_id.removeprefix("sha256:")
        if self.apq and _SHA256.match(digest):
            found = await self._recall(digest.lower())
            if found is not None:
                return found
        raise _not_found()

    async def _apq(self, query: object, persisted: object) -> str:
        if not isinstance(persisted, dict):
            raise _bad("`extensions.persistedQuery` must be an object.")
        if persisted.get("version") != 1:
            raise _bad("Unsupported persisted query version (only version 1 is).")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise _bad("`extensions.persistedQuery.sha256Hash` must be a SHA-256 hex digest.")
        digest = digest.lower()
        if query is None:
            listed = self.manifest.get(digest)
            if listed is not None:
                return listed
            if self.only:
                raise PersistedQueryError(
                    "PersistedQueryNotInList", "PERSISTED_QUERY_NOT_IN_LIST", status=404
                )
            if not self.apq:
                raise PersistedQueryError(
                    "PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED", status=400
                )
            found = await self._recall(digest)
            if found is None:
                raise _not_found()
            return found
        if not isinstance(query, str):
            raise _bad("The GraphQL operation's `query` must be a string or null, if provided.")
        if hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest() != digest:
            raise _bad("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
        if self.only:
            if digest not in self.manifest and normalise_document(query) not in self._listed:
                raise PersistedQueryError(
                    "This gateway runs only its trusted documents; this one is not among them.",
                    "QUERY_NOT_IN_SAFELIST",
                    status=403,
                )
        elif self.apq:
            await self._register(digest, query)
        return query

    async def _recall(self, digest: str) -> str | None:
        text = self._memo.get(digest)
        if text is not None:
            self._memo.move_to_end(digest)
            return text
        if self.store is None:
            return None
        entry = await self.store.get(digest)
        if entry is None or not entry.fresh:
            return None
        text = entry.value.decode("utf-8", "surrogatepass")
        self._remember(digest, text)
        return text

    async def _register(self, digest: str, query: str) -> None:
        if digest in self._memo:
            self._memo.move_to_end(digest)
            return
        body = query.encode("utf-8", "surrogatepass")
        if len(body) > self.max_bytes:  # it will be refused: keep nothing
            return
        self._remember(digest, query)
        if self.store is not None:
            await self.store.set(digest, body, ttl=APQ_TTL, stale_ttl=0.0)

    def _remember(self, digest: str, text: str) -> None:
        self._memo[digest] = text
        if len(self._memo) > _MEMO_MAX:
            self._memo.popitem(last=False)


def document_id_of(payload: Mapping[str, Any]) -> object:
    """The id a request names its document by (``documentId``, Relay's ``doc_id``)."""
    for name in ("documentId", "doc_id"):
        if name in payload:
            return payload[name]
    return None


def persisted_context(
    documents: PersistedDocuments, settings: Settings
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context opening the shared APQ store (the gateway's cache backend)."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        if documents.apq:
            documents.store = open_cache(
                settings.cache,
                max_bytes=max(1 << 20, settings.cache_max_bytes // 16),
                prefix=f"{settings.cache_namespace}apq:",
            )
        try:
            yield
        finally:
            if documents.store is not None:
                await documents.store.close()
                documents.store = None

    return context
