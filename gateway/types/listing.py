"""A list field's arguments, checked and turned into one LL2 list query.

Pure argument handling, with no I/O: what the client asked (``first``, ``after``,
``last``, ``before``, ``search``, ``ordering``, ``filter`` and the parent's scope)
becomes a :class:`ListQuery` in LL2 2.3.0's terms, or a ``BAD_USER_INPUT`` error
before any upstream call.

Cursors are offsets, so every page is one LL2 ``limit``/``offset`` call, backward
pages included: ``last: n, before: c`` starts at ``offset(c) - n``.  Only ``last``
without ``before`` (the end of a list) needs LL2's count first: it asks from
``after`` (or the start) and, when more than ``last`` items follow, once more at
``count - last``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Final

from gateway.errors import BadUserInput
from gateway.ll2 import RESOURCES
from gateway.types.arguments import FilterInput
from gateway.types.bounds import MAX_SEARCH, bounded_text, integer_id, unique_ordering
from gateway.types.connection import decode_cursor

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "ListQuery", "checked_id", "list_query", "sendable"]

#: LL2's page limit.
MAX_PAGE: Final = 100
#: Items in a page when neither ``first`` nor ``last`` is given.
DEFAULT_PAGE: Final = 10


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One page of an LL2 list: filters, search and ordering, then where and how many."""

    #: LL2 2.3.0 query parameters other than ``limit``, ``offset`` and ``mode``.
    params: Mapping[str, str]
    #: How many items the page holds at most.
    first: int
    #: The offset of its first item.
    offset: int
    #: The window the cursors cut: from ``lower`` (after ``after``), up to ``upper``
    #: (``before``'s offset, excluded; None: the end of the list).
    lower: int = 0
    upper: int | None = None
    #: Paging backward (``last``): ``pageInfo`` counts the window before the page.
    backward: bool = False
    #: ``last`` without ``before``: the page ends the list, at an offset LL2's count
    #: gives (``offset`` is where to ask first).
    from_end: bool = False

    def page_params(self) -> dict[str, str]:
        """``params`` with LL2's paging (``limit`` 1 at least: LL2 counts for ``first: 0``)."""
        return {**self.params, "limit": str(max(self.first, 1)), "offset": str(self.offset)}

    def ending(self, count: int) -> ListQuery:
        """The page that ends the list, now that LL2 said it holds ``count`` items."""
        return replace(self, offset=max(self.lower, count - self.first), from_end=False)


def sendable(value: str, argument: str) -> str:
    """``value`` if it can travel in a URL; lone surrogates cannot be encoded."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise BadUserInput(
            f"`{argument}` holds characters that are not valid Unicode text.", argument=argument
        ) from None
    return value


def _count(value: int, argument: str) -> int:
    if not 0 <= value <= MAX_PAGE:
        raise BadUserInput(
            f"`{argument}` must be between 0 and {MAX_PAGE} (LL2's page limit), got {value}.",
            argument=argument,
        )
    return value


def _window(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[int, int, int, int | None]:
    """(page size, offset, window start, window end) of Relay's paging arguments."""
    if first is not None and last is not None:
        raise BadUserInput(
            "Pass `first` (with `after`) to page forward or `last` (with `before`) to page "
            "backward, not both.",
            argument="last",
        )
    # an empty cursor (no cursor yet, as some clients send it) is no cursor
    lower = decode_cursor(after, "after") + 1 if after else 0
    upper = decode_cursor(before, "before") if before else None
    if upper is not None:
        upper = max(upper, lower)  # `before` at or ahead of `after`: an empty window
    if last is not None:
        size = _count(last, "last")
        if upper is None:
            return size, lower, lower, None
        offset = max(lower, upper - size)
        return upper - offset, offset, lower, upper
    size = _count(first if first is not None else DEFAULT_PAGE, "first")
    if upper is not None:
        size = min(size, upper - lower)
    return size, lower, lower, upper


def list_query(
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    search: str | None = None,
    ordering: Sequence[Enum] | None = None,
    filter: FilterInput | None = None,
    scope: Mapping[str, object] | None = None,
) -> ListQuery:
    """The LL2 query a list field's arguments ask for; ``scope`` pins the parent's filters.

    Relay's paging: ``first`` items after ``after`` (10 when neither ``first`` nor
    ``last`` is given), or the ``last`` items before ``before``; both cursors cut a
    window (an empty one, ``""``, is no cursor), and ``first`` with ``last`` is refused.
    """
    size, offset, lower, upper = _window(first, after, last, before)
    params: dict[str, str] = filter.to_params() if filter is not None else {}
    params.update({k: str(v) for k, v in (scope or {}).items()})
    if search:
        params["search"] = bounded_text(search, "search", MAX_SEARCH)
    for name, value in params.items():
        sendable(value, name)
    if ordering:
        params["ordering"] = ",".join(term.value for term in unique_ordering(ordering))
    backward = last is not None
    return ListQuery(
        params, size, offset, lower, upper, backward, from_end=backward and upper is None
    )


def checked_id(resource: str, id: str) -> str:
    """An id as LL2 spells it for ``resource``, or ``BAD_USER_INPUT``."""
    text = sendable(str(id).strip(), "id")
    if RESOURCES[resource].id_kind == "integer":
        return integer_id(text, "id")
    return bounded_text(text, "id")
