"""``@defer`` and ``@stream`` answers as ``multipart/mixed`` parts, in the client's format.

graphql-core executes an operation with an active ``@defer`` or ``@stream`` as an
initial result and a stream of subsequent ones; each becomes one part of a
``multipart/mixed`` answer.  Two formats are in use, and the ``Accept`` header says
which the client reads:

* ``multipart/mixed;incrementalSpec=v0.2`` (Apollo Client 4's ``GraphQL17Alpha9Handler``,
  graphql-js 17) and anything else: graphql-core's own format, ``pending`` ids announced
  up front, ``incremental`` entries by ``id`` (with ``subPath``), ``completed`` ids;
* ``multipart/mixed;deferSpec=20220824`` (Apollo Client 3, and 4's
  ``Defer20220824Handler``): ``incremental`` entries by ``path`` and ``label``, stream
  items at the index of their first item, a failed fragment as ``data: null``.

Errors of a deferred fragment stay in its own part, formatted as every other error of
the gateway (:func:`gateway.server.errors.format_error`).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from graphql.execution import (
    InitialIncrementalExecutionResult,
    SubsequentIncrementalExecutionResult,
)
from graphql.execution.types import IncrementalStreamResult, PendingResult

from gateway.server.errors import format_error

__all__ = ["IncrementalParts", "legacy_defer_spec"]


def legacy_defer_spec(accept: str | None) -> bool:
    """Whether the client reads the 2022-08-24 incremental format."""
    return accept is not None and "deferspec=20220824" in accept.replace(" ", "").lower()


def _at(data: Any, keys: list[str | int]) -> Any:
    """The value at ``keys`` below ``data``, or None where the path does not lead."""
    for key in keys:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _errors(errors: list[GraphQLError] | None) -> list[dict[str, Any]] | None:
    return [format_error(e) for e in errors] if errors else None


class IncrementalParts:
    """The JSON of each part of one incremental answer."""

    def __init__(self, *, legacy: bool) -> None:
        self.legacy = legacy
        self._pending: dict[str, PendingResult] = {}
        #: Stream id -> index the next streamed item lands at (the 2022 format's path).
        self._next_index: dict[str, int] = {}

    def _announce(self, pending: list[PendingResult] | None, data: Any) -> None:
        for item in pending or ():
            self._pending[item.id] = item
            if not self.legacy:
                continue
            at = _at(data, item.path)  # a stream's list, as already sent
            if isinstance(at, list):
                self._next_index[item.id] = len(at)

    def initial(self, result: InitialIncrementalExecutionResult) -> dict[str, Any]:
        body: dict[str, Any] = {"data": result.data}
        errors = _errors(result.errors)
        if errors:
            body["errors"] = errors
        self._announce(result.pending, result.data)
        if not self.legacy:
            body["pending"] = [p.formatted for p in result.pending]
        body["hasNext"] = result.has_next
        return body

    def subsequent(self, result: SubsequentIncrementalExecutionResult) -> dict[str, Any]:
        if self.legacy:
            return self._legacy(result)
        body: dict[str, Any] = {}
        if result.pending:
            self._announce(result.pending, None)
            body["pending"] = [p.formatted for p in result.pending]
        if result.incremental:
            entries = []
            for entry in result.incremental:
                formatted = dict(entry.formatted)
                errors = _errors(entry.errors)
                if errors:
                    formatted["errors"] = errors
                entries.append(formatted)
            body["incremental"] = entries
        if result.completed:
            completed = []
            for done in result.completed:
                item: dict[str, Any] = {"id": done.id}
                errors = _errors(done.errors)
                if errors:
                    item["errors"] = errors
                completed.append(item)
            body["completed"] = completed
        body["hasNext"] = result.has_next
        return body

    def _legacy(self, result: SubsequentIncrementalExecutionResult) -> dict[str, Any]:
        entries: list[dict[str, Any]] = []
        for entry in result.incremental or ():
            pending = self._pending[entry.id]
            path = [*pending.path, *(entry.sub_path or ())]
            formatted: dict[str, Any]
            if isinstance(entry, IncrementalStreamResult):
                index = self._next_index.get(entry.id, 0)
                self._next_index[entry.id] = index + len(entry.items)
                formatted = {"items": entry.items, "path": [*path, index]}
            else:
                formatted = {"data": entry.data, "path": path}
            if pending.label is not None:
                formatted["label"] = pending.label
            errors = _errors(entry.errors)
            if errors:
                formatted["errors"] = errors
            entries.append(formatted)
        for done in result.completed or ():
            pending = self._pending.pop(done.id)
            if done.errors:  # the whole fragment failed: the 2022 format says data null
                failed: dict[str, Any] = {"data": None, "path": pending.path}
                if done.id in self._next_index:
                    failed = {"items": None, "path": [*pending.path, self._next_index[done.id]]}
                if pending.label is not None:
                    failed["label"] = pending.label
                failed["errors"] = _errors(done.errors)
                entries.append(failed)
            self._next_index.pop(done.id, None)
        for item in result.pending or ():  # a stream inside data just sent starts after it
            self._pending[item.id] = item
            for sent in entries:
                where = sent.get("path", [])
                if "data" in sent and item.path[: len(where)] == where:
                    at = _at(sent["data"], item.path[len(where) :])
                    if isinstance(at, list):
                        self._next_index[item.id] = len(at)
        body: dict[str, Any] = {}
        if entries:
            body["incremental"] = entries
        body["hasNext"] = result.has_next
        return body
