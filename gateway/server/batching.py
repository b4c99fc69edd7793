"""Batched requests: a JSON array of operations in one POST (Apollo's BatchHttpLink).

Done in the view rather than with Strawberry's ``batching_config``: Strawberry runs a
batch's operations with one shared context (one upstream tally, so one
``extensions.upstream`` and one response-cache decision for all), fixes the maximum
when the schema is built (the schema is built once per process, the maximum is a
setting), and a batch item that is not an object fails with a 500.  Here each
operation gets its own context and is limited as if it came alone; this module
checks the batch's shape and spends the batch's cost budget before anything runs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Final

from cross_web import HTTPException
from graphql import DocumentNode, GraphQLError, GraphQLSchema, specified_rules

from gateway.extensions.limits import CODE, measure_cost
from gateway.extensions.parsing import parse_acyclic
from gateway.extensions.validation import validation_errors
from gateway.settings import Settings

__all__ = ["BatchCosts", "batch_too_costly", "check_batch"]

_FIELDS: Final = (
    ("query", str, "a string"),
    ("operationName", str, "a string"),
    ("variables", dict, "an object"),
    ("extensions", dict, "an object"),
)


def check_batch(items: Sequence[object], settings: Settings) -> None:
    """Refuse (HTTP 400) a batch that is off, empty, too long, or not made of operations."""
    if settings.max_batch < 1:
        raise HTTPException(400, "Batching is not enabled")
    if not items:
        raise HTTPException(400, "A batch must hold at least one operation.")
    if len(items) > settings.max_batch:
        raise HTTPException(
            400,
            f"A batch holds at most {settings.max_batch} operations; this one has {len(items)}.",
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise HTTPException(400, f"Batch item {index} is not a JSON object.")
        for name, kind, what in _FIELDS:
            value = item.get(name)
            if value is not None and not isinstance(value, kind):
                raise HTTPException(
                    400, f"Batch item {index}: `{name}` must be {what} or null, if provided."
                )


class BatchCosts:
    """The estimated cost of each operation of a batch, before any of them runs.

    A document that does not parse, breaks the size or token limit, or does not
    validate costs nothing here: it is refused on its own.  Documents are parsed
    and validated once per text (batches repeat the same few).
    """

    def __init__(self, schema: GraphQLSchema, maxsize: int = 256) -> None:
        self.schema = schema
        self.maxsize = maxsize
        self._documents: OrderedDict[str, DocumentNode | None] = OrderedDict()

    def _document(self, query: str, settings: Settings) -> DocumentNode | None:
        if query in self._documents:
            self._documents.move_to_end(query)
            return self._documents[query]
        document: DocumentNode | None = None
        if len(query.encode("utf-8", "surrogatepass")) <= settings.max_query_bytes:
            try:
                parsed = parse_acyclic(query, max_tokens=settings.max_tokens)
            except GraphQLError:
                parsed = None
            if parsed is not None and not validation_errors(
                self.schema, query, parsed, specified_rules
            ):
                document = parsed
        self._documents[query] = document
        if len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)
        return document

    def cost(
        self, query: str | None, operation_name: object, variables: Any, settings: Settings
    ) -> int:
        if query is None:
            return 0
        document = self._document(query, settings)
        if document is None or not isinstance(operation_name, str | None):
            return 0
        return measure_cost(self.schema, document, operation_name, variables)


def batch_too_costly(measured: int, maximum: int) -> GraphQLError:
    """The error of an operation left out because the batch had spent its budget."""
    return GraphQLError(
        f"Operation too complex: with the operations before it in the batch, the estimated "
        f"cost ({measured}) exceeds the `batchCost` limit of {maximum}.",
        extensions={"code": CODE, "limit": "batchCost", "measured": measured, "maximum": maximum},
    )
