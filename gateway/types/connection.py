"""Relay connections over LL2's limit/offset pages.

A cursor is the opaque base64 of an item's LL2 offset, so ``after`` maps to the
next page's ``offset``, and ``before`` minus ``last`` to the previous page's, without
any state on the server.  Knowing the offsets and LL2's count, ``pageInfo`` tells the
truth both ways, within the window ``after`` and ``before`` cut (Relay's rules).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import strawberry

from gateway.errors import BadUserInput
from gateway.types.bounds import MAX_INTEGER

if TYPE_CHECKING:
    from gateway.types.listing import ListQuery

__all__ = ["Connection", "Edge", "PageInfo", "decode_cursor", "encode_cursor"]

T = TypeVar("T")

_PREFIX = "ll2:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, argument: str = "after") -> int:
    """The offset a cursor stands for; a clear ``BAD_USER_INPUT`` error otherwise."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    offset = text[len(_PREFIX) :]
    if (
        not text.startswith(_PREFIX)
        or not (offset.isascii() and offset.isdigit())
        or len(offset) > 10
        or int(offset) >= MAX_INTEGER  # the next page's offset must fit LL2's integer too
    ):
        raise BadUserInput(
            f"Malformed cursor {cursor!r}: pass an `endCursor` or an edge `cursor` "
            "from an earlier page.",
            argument=argument,
        )
    return int(offset)


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether more items follow this page: paging forward, within the window "
        "`before` ends; paging backward (`last`), anywhere in the list."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page: paging backward (`last`), within "
        "the window `after` starts; paging forward, anywhere in the list."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item (null for an empty page): pass it "
        "as `before` for the page before."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item (null for an empty page): pass it "
        "as `after` for the next page."
    )


@strawberry.type(description="An item of a page, with the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Where this item sits: pass it as `after` or `before` to page from here."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list: Relay's connection over LL2's pagination.")
class Connection(Generic[T]):
    total_count: int = strawberry.field(
        description="How many items the whole list has (its filters and search applied)."
    )
    page_info: PageInfo = strawberry.field(
        description="Where the page sits: whether more items lie on either side, and its "
        "first and last cursors."
    )
    edges: list[Edge[T]] = strawberry.field(description="The page's items, each with its cursor.")

    @strawberry.field(description="The page's items, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(cls, items: Sequence[T], query: ListQuery, total: int) -> Connection[T]:
        """The connection of ``items``, LL2's answer at ``query.offset``.

        Paging forward, ``hasNextPage`` says whether the window (the list, or what lies
        before ``before``) holds more, and ``hasPreviousPage`` whether anything comes
        before the page; paging backward (``last``), ``hasPreviousPage`` says whether
        the window (what lies after ``after``) holds more, and ``hasNextPage`` whether
        anything follows the page.
        """
        offset = query.offset
        end = offset + len(items)
        if query.backward:
            has_next, has_previous = end < total, offset > query.lower
        else:
            upper = total if query.upper is None else min(query.upper, total)
            has_next, has_previous = end < upper, offset > 0
        edges = [Edge(cursor=encode_cursor(offset + i), node=item) for i, item in enumerate(items)]
        return cls(
            total_count=total,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            edges=edges,
        )
