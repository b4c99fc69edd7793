"""Argument types and descriptions shared by every list field."""

from __future__ import annotations

from typing import Annotated

import strawberry

__all__ = ["After", "First", "Search"]

First = Annotated[
    int, strawberry.argument(description="How many items (0 to 100, LL2's page limit).")
]
After = Annotated[
    str | None, strawberry.argument(description="The cursor of the item this page starts after.")
]
Search = Annotated[
    str | None,
    strawberry.argument(description="LL2's free-text search over this list's search fields."),
]
