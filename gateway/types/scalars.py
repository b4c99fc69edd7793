"""Scalars for LL2's ISO 8601 strings.

LL2 values pass through unchanged (clients get exactly what LL2 said), but the
schema names what they are.  ``duration_seconds`` backs the ``*Seconds`` fields
that spare every client an ISO 8601 duration parser.
"""

from __future__ import annotations

import re
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

__all__ = ["SCALAR_MAP", "Date", "DateTime", "Duration", "duration_seconds"]


def _string(value: object) -> str:
    return value if isinstance(value, str) else str(value)


Date = NewType("Date", str)
DateTime = NewType("DateTime", str)
Duration = NewType("Duration", str)

#: For ``StrawberryConfig(scalar_map=...)``: how each NewType appears in the schema.
SCALAR_MAP: dict[object, ScalarDefinition] = {
    Date: strawberry.scalar(
        name="Date",
        description="A calendar date, ISO 8601 (`1966-02-26`), as LL2 sends it.",
        serialize=_string,
        parse_value=_string,
    ),
    DateTime: strawberry.scalar(
        name="DateTime",
        description="A UTC timestamp, ISO 8601 (`2024-11-15T18:32:00Z`), as LL2 sends it.",
        serialize=_string,
        parse_value=_string,
    ),
    Duration: strawberry.scalar(
        name="Duration",
        description="An ISO 8601 duration (`P148DT11H36M25S`), as LL2 sends it.",
        serialize=_string,
        parse_value=_string,
    ),
}

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_UNIT_SECONDS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def duration_seconds(value: str | None) -> float | None:
    """Seconds in an ISO 8601 duration (years and months are not used by LL2)."""
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.strip())
    if match is None or value.strip() in ("P", "PT", "-P"):
        return None
    total = sum(
        float(amount) * _UNIT_SECONDS[unit]
        for unit, amount in match.groupdict().items()
        if unit != "sign" and amount
    )
    return -total if match["sign"] else total
