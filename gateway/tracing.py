"""The tracing seam: spans around loader batches and LL2 calls, a no-op until enabled.

The layers that do the work (upstream, loaders) may not know the server, nor need
OpenTelemetry installed; they open spans here.  Until the server installs a tracer
(``--otel``), :func:`span` hands back one shared object that does nothing, so the
cost with tracing off is a function call per batch or call (never per field: a
span per field costs 23-37 %).  OpenTelemetry keeps the current span in a context
variable, which asyncio copies into every task, so a call made by a loader batch
is that batch's child, and the batch the request's.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

__all__ = ["NO_SPAN", "Attribute", "Span", "active", "install", "span"]

Attribute = str | bool | int | float


class Span(Protocol):
    """What the instrumented code may do with its span."""

    def set_attribute(self, key: str, value: Attribute) -> None: ...


class _NoSpan:
    """A span and its context manager at once, doing nothing."""

    __slots__ = ()

    def __enter__(self) -> _NoSpan:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def set_attribute(self, key: str, value: Attribute) -> None:
        pass


NO_SPAN: Final = _NoSpan()
_tracer: Tracer | None = None
_kinds: dict[bool, Any] = {}


def install(tracer: Tracer | None) -> None:
    """Trace through ``tracer`` from now on; ``None`` turns tracing off again."""
    global _tracer
    if tracer is not None and not _kinds:
        from opentelemetry.trace import SpanKind

        _kinds.update({True: SpanKind.CLIENT, False: SpanKind.INTERNAL})
    _tracer = tracer


def active() -> Tracer | None:
    """The installed tracer, if tracing is on."""
    return _tracer


def span(
    name: str, attributes: Mapping[str, Attribute] | None = None, *, client: bool = False
) -> AbstractContextManager[Span]:
    """A span named ``name``, current while the ``with`` block runs; ``client`` marks a
    call to another service. An exception leaving the block marks the span failed."""
    tracer = _tracer
    if tracer is None:
        return NO_SPAN
    return tracer.start_as_current_span(name, kind=_kinds[client], attributes=attributes)
