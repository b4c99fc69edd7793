"""Comparable forms of the values LL2 records hold as JSON text.

Dates, date-times and ISO 8601 durations (``time_in_space: "P71DT3H15M51S"``) are
strings in the snapshot but are compared as what they mean, as PostgreSQL would.
Parsing is memoised: the same few thousand strings are compared on every request.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime
from typing import Any

__all__ = ["parse_date", "parse_datetime", "parse_duration", "sort_key"]

_DURATION_RE = re.compile(
    r"(?P<sign>-)?P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
_DATE_LIKE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.lru_cache(maxsize=1 << 16)
def parse_datetime(text: str) -> datetime | None:
    """An aware datetime (naive means UTC, a bare date means midnight), or None."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@functools.lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> date | None:
    """The calendar date of ``YYYY-MM-DD`` (or of a date-time's first ten characters)."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


@functools.lru_cache(maxsize=1 << 16)
def parse_duration(text: str) -> float | None:
    """Seconds in an ISO 8601 duration such as ``P12DT11H13M``, or None."""
    m = _DURATION_RE.fullmatch(text)
    if m is None or text in ("P", "-P", "PT", "-PT"):
        return None
    total = (
        float(m["d"] or 0) * 86400
        + float(m["h"] or 0) * 3600
        + float(m["m"] or 0) * 60
        + float(m["s"] or 0)
    )
    return -total if m["sign"] else total


def sort_key(value: Any) -> tuple[int, Any]:
    """A total order over JSON values: numbers, durations and times by magnitude."""
    if type(value) is dict:
        value = value.get("id")
    if value is None:
        return (9, 0)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        if value[:1] in ("P", "-"):
            seconds = parse_duration(value)
            if seconds is not None:
                return (0, seconds)
        if _DATE_LIKE_RE.match(value):
            when = parse_datetime(value)
            if when is not None:
                return (0, when.timestamp())
        return (1, value)
    return (2, repr(value))
