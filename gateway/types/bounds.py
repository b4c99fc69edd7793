"""Bounds on list arguments, checked before any LL2 call.

LL2 answers an out-of-range argument with a 400 or a 500, after the call has been
spent from the hourly budget; these checks refuse it first, as ``BAD_USER_INPUT``
naming the argument:

* a list filter holds at most :data:`MAX_LIST_VALUES` values;
* a string holds at most :data:`MAX_TEXT` characters, a search :data:`MAX_SEARCH`;
* an integer id (and a cursor's offset) fits LL2's integer column
  (0 to :data:`MAX_INTEGER`);
* an ordering names each field once.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Final

from gateway.errors import BadUserInput

__all__ = [
    "MAX_INTEGER",
    "MAX_LIST_VALUES",
    "MAX_SEARCH",
    "MAX_TEXT",
    "bounded_text",
    "integer_id",
    "listed",
    "unique_ordering",
]

MAX_LIST_VALUES: Final = 100
MAX_TEXT: Final = 200
MAX_SEARCH: Final = 100
#: LL2's ids and offsets are PostgreSQL ``integer``s.
MAX_INTEGER: Final = 2**31 - 1


def bounded_text(value: str, argument: str, limit: int = MAX_TEXT) -> str:
    """``value`` if it is at most ``limit`` characters long."""
    if len(value) > limit:
        raise BadUserInput(
            f"`{argument}` is {len(value)} characters long; at most {limit} are allowed.",
            argument=argument,
        )
    return value


def integer_id(value: str, argument: str) -> str:
    """``value`` as LL2 spells an integer id (digits, within its range)."""
    text = value.strip()
    digits = text.lstrip("0") or "0"
    if not (text.isascii() and text.isdigit()) or len(digits) > 10 or int(digits) > MAX_INTEGER:
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise BadUserInput(
            f"`{argument}` must be an LL2 integer id (0 to {MAX_INTEGER}), got {shown!r}.",
            argument=argument,
        )
    return digits


def listed(values: Sequence[object], argument: str) -> Sequence[object]:
    """``values`` if there are at most :data:`MAX_LIST_VALUES` of them."""
    if len(values) > MAX_LIST_VALUES:
        raise BadUserInput(
            f"`{argument}` holds {len(values)} values; at most {MAX_LIST_VALUES} are allowed.",
            argument=argument,
        )
    return values


def unique_ordering(terms: Sequence[Enum]) -> Sequence[Enum]:
    """``terms`` if no field is named twice (``NAME_ASC`` and ``NAME_DESC`` included)."""
    seen: dict[str, str] = {}
    for term in terms:
        field = str(term.value).lstrip("-")
        if field in seen:
            raise BadUserInput(
                f"`ordering` names `{field}` twice ({seen[field]} and {term.name}); "
                "give each field once.",
                argument="ordering",
            )
        seen[field] = term.name
    return terms
