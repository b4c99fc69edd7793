"""A list field's arguments, checked and turned into one LL2 list query.

Pure argument handling, with no I/O: what the client asked (``first``, ``after``,
``search``, ``ordering``, ``filter`` and the parent's scope) becomes a
:class:`ListQuery` in LL2 2.3.0's terms, or a ``BAD_USER_INPUT`` error before any
upstream call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

from gateway.errors import BadUserInput
from gateway.ll2 import RESOURCES
from gateway.types.arguments import FilterInput
from gateway.types.bounds import MAX_SEARCH, bounded_text, integer_id, unique_ordering
from gateway.types.connection import decode_cursor

__all__ = ["MAX_PAGE", "ListQuery", "checked_id", "list_query", "sendable"]

#: LL2's page limit.
MAX_PAGE: Final = 100


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One page of an LL2 list: filters, search and ordering, then where and how many."""

    #: LL2 2.3.0 query parameters other than ``limit``, ``offset`` and ``mode``.
    params: Mapping[str, str]
    first: int
    offset: int

    def page_params(self) -> dict[str, str]:
        """``params`` with LL2's paging (``limit`` 1 at least: LL2 counts for ``first: 0``)."""
        return {**self.params, "limit": str(max(self.first, 1)), "offset": str(self.offset)}


def sendable(value: str, argument: str) -> str:
    """``value`` if it can travel in a URL; lone surrogates cannot be encoded."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise BadUserInput(
            f"`{argument}` holds characters that are not valid Unicode text.", argument=argument
        ) from None
    return value


def list_query(
    *,
    first: int,
    after: str | None,
    search: str | None = None,
    ordering: Sequence[Enum] | None = None,
    filter: FilterInput | None = None,
    scope: Mapping[str, object] | None = None,
) -> ListQuery:
    """The LL2 query a list field's arguments ask for; ``scope`` pins the parent's filters."""
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(
            f"`first` must be between 0 and {MAX_PAGE} (LL2's page limit), got {first}.",
            argument="first",
        )
    # ``after: ""`` (no cursor yet, as some clients send it) is the first page
    offset = decode_cursor(after) + 1 if after else 0
    params: dict[str, str] = filter.to_params() if filter is not None else {}
    params.update({k: str(v) for k, v in (scope or {}).items()})
    if search:
        params["search"] = bounded_text(search, "search", MAX_SEARCH)
    for name, value in params.items():
        sendable(value, name)
    if ordering:
        params["ordering"] = ",".join(term.value for term in unique_ordering(ordering))
    return ListQuery(params, first, offset)


def checked_id(resource: str, id: str) -> str:
    """An id as LL2 spells it for ``resource``, or ``BAD_USER_INPUT``."""
    text = sendable(str(id).strip(), "id")
    if RESOURCES[resource].id_kind == "integer":
        return integer_id(text, "id")
    return bounded_text(text, "id")
