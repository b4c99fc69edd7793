"""graphql-core's execution context, emptied once the request's answer is complete.

The execution context refers to itself (its ``GraphQLResolveInfoHelpers`` holds its
bound methods), so it and everything it reaches (the collected fields, the request's
context, its loaders) wait for the cycle collector instead of going when the answer
has been sent.  :class:`ReleasedExecution` hands itself to the request's
:class:`~gateway.context.Context`, whose :meth:`~gateway.context.Context.release`
empties it.  A subscription's contexts are left alone: they serve every event.
"""

from __future__ import annotations

from typing import Any

from graphql import OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.context import Context

__all__ = ["ReleasedExecution"]


class ReleasedExecution(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        context = self.context_value
        if isinstance(context, Context) and self.operation.operation != OperationType.SUBSCRIPTION:
            context.executions.append(self)
