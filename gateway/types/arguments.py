"""Building blocks for list arguments: typed orderings and filter inputs.

Every filter input maps its fields onto LL2 query parameters by one rule
(:meth:`FilterInput.to_params`), so a resource's filters are declared once, as
fields, and never hand-translated; the same walk checks each value against
:mod:`gateway.types.bounds`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import EnumValueDefinition
from strawberry.utils.str_converters import to_camel_case

from gateway.types.bounds import bounded_text, integer_id, listed

__all__ = ["DateTimeBounds", "DateTimeRange", "FilterInput", "IntRange", "ordering_enum"]


def ordering_enum(name: str, fields: Iterable[str], resource: str) -> Any:
    """``<FIELD>_ASC`` / ``<FIELD>_DESC`` members whose values are LL2 ``ordering`` terms."""
    members: dict[str, EnumValueDefinition] = {}
    for field in fields:
        label = "LL2 id" if field == "id" else field.replace("_", " ")
        for suffix, term, order in (
            ("ASC", field, "ascending"),
            ("DESC", f"-{field}", "descending"),
        ):
            members[f"{field.upper()}_{suffix}"] = strawberry.enum_value(
                term, description=f"Sort by {label}, {order} (LL2 `ordering={term}`)."
            )
    ordering: type[enum.Enum] = enum.Enum(name, members)  # type: ignore[misc]
    return strawberry.enum(
        ordering,
        description=f"A sort key for {resource}; give several to break ties, in order.",
    )


def _bound(what: str, suffix: str) -> Any:
    lookup = f" (LL2 `<filter>__{suffix}`)" if suffix else " (LL2 `<filter>`)"
    return strawberry.field(default=None, description=f"{what}{lookup}.")


@strawberry.input(description="Compare a number: equal to, or within bounds.")
class IntRange:
    eq: int | None = _bound("Equal to this", "")
    gt: int | None = _bound("Greater than this", "gt")
    gte: int | None = _bound("Greater than or equal to this", "gte")
    lt: int | None = _bound("Less than this", "lt")
    lte: int | None = _bound("Less than or equal to this", "lte")


@strawberry.input(description="Compare a date or timestamp (ISO 8601): equal to, or within bounds.")
class DateTimeRange:
    eq: str | None = _bound("On this date or at this time", "")
    gt: str | None = _bound("After this", "gt")
    gte: str | None = _bound("At or after this", "gte")
    lt: str | None = _bound("Before this", "lt")
    lte: str | None = _bound("At or before this", "lte")


@strawberry.input(description="Bound a timestamp (ISO 8601).")
class DateTimeBounds:
    gt: str | None = _bound("After this", "gt")
    gte: str | None = _bound("At or after this", "gte")
    lt: str | None = _bound("Before this", "lt")
    lte: str | None = _bound("At or before this", "lte")


def _is_id(type_: object) -> bool:
    """Whether a filter field holds LL2 ids (``ID``, ``[ID]``, optional or not)."""
    while isinstance(type_, StrawberryOptional | StrawberryList):
        type_ = type_.of_type
    return type_ is strawberry.ID


def _checked(value: Any, argument: str, *, is_id: bool) -> Any:
    """``value`` within bounds; ids as LL2 spells them."""
    if isinstance(value, list | tuple):
        listed(value, argument)
        return [_checked(v, argument, is_id=is_id) for v in value]
    if isinstance(value, str):
        return integer_id(value, argument) if is_id else bounded_text(value, argument)
    if isinstance(value, IntRange | DateTimeRange | DateTimeBounds):
        for op in ("eq", "gt", "gte", "lt", "lte"):
            bound = getattr(value, op, None)
            if isinstance(bound, str):
                bounded_text(bound, f"{argument}.{op}")
    return value


def _param_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_param_value(v) for v in value)
    return str(value)


class FilterInput:
    """Base of the ``*Filter`` inputs: attribute ``x`` is LL2 parameter ``x``."""

    #: attribute -> LL2 parameter, where they differ.
    PARAMS: ClassVar[dict[str, str]] = {}

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        for field in self.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            value = getattr(self, field.python_name)
            if value is None:
                continue
            argument = f"filter.{field.graphql_name or to_camel_case(field.python_name)}"
            value = _checked(value, argument, is_id=_is_id(field.type))
            name = self.PARAMS.get(field.python_name, field.python_name)
            if isinstance(value, IntRange | DateTimeRange | DateTimeBounds):
                for op in ("eq", "gt", "gte", "lt", "lte"):
                    bound = getattr(value, op, None)
                    if bound is not None:
                        params[name if op == "eq" else f"{name}__{op}"] = _param_value(bound)
            else:
                params[name] = _param_value(value)
        return params
