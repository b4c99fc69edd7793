"""DRF's SearchFilter, OrderingFilter and LimitOffsetPagination over snapshot records.

* ``search``: terms split on spaces and commas (quoted phrases kept whole); every
  term must occur, case-insensitively, in at least one documented search field.
* ``ordering``: comma-separated documented fields, ``-`` for descending; unknown
  fields are dropped and, if none is left, the default ordering applies.  Objects
  order by id, durations and times by magnitude; nulls sort as PostgreSQL does (last
  ascending, first descending); ties keep the default order (id ascending).
* pagination: ``limit`` defaults to 10 and is capped at 100 (a non-positive or invalid
  limit means the default); ``offset`` defaults to 0 (an invalid one too).  ``next``
  and ``previous`` are absolute URLs with the query string re-encoded in sorted order,
  exactly as DRF's ``replace_query_param`` builds them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from multidict import MultiMapping

from .paths import record_path
from .snapshot import Record, Snapshot
from .values import sort_key

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_ORDERING",
    "MAX_LIMIT",
    "Page",
    "last_value",
    "order",
    "page_links",
    "paginate",
    "search",
    "search_terms",
]

DEFAULT_LIMIT: Final = 10
MAX_LIMIT: Final = 100

#: default ordering per resource where LL2's is known not to be by id.
DEFAULT_ORDERING: Final[dict[str, tuple[str, ...]]] = {"launches": ("net",)}

_TERM_RE = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^\s,]+)')


def last_value(query: MultiMapping[str], name: str) -> str | None:
    """The last value of a repeated parameter, as Django's ``QueryDict`` returns it."""
    values = query.getall(name, [])
    return values[-1] if values else None


def search_terms(text: str) -> list[str]:
    terms = []
    for m in _TERM_RE.finditer(text.replace("\x00", "")):
        term = next(g for g in m.groups() if g is not None).strip()
        if term:
            terms.append(term)
    return terms


def search(
    records: Sequence[Record], text: str | None, fields: Sequence[str], snapshot: Snapshot
) -> list[Record]:
    """Records where every term occurs in some search field (DRF ``icontains``)."""
    terms = [t.casefold() for t in search_terms(text or "")]
    if not terms or not fields:
        return list(records)
    paths = [record_path(f) for f in fields]

    def haystack(record: Record) -> list[str]:
        return [
            v.casefold() for p in paths for v in snapshot.values_at(record, p) if isinstance(v, str)
        ]

    out = []
    for record in records:
        texts = haystack(record)
        if all(any(term in t for t in texts) for term in terms):
            out.append(record)
    return out


def order(
    records: Sequence[Record],
    ordering: str | None,
    allowed: Sequence[str],
    snapshot: Snapshot,
    resource: str | None = None,
) -> list[Record]:
    """Records sorted by the valid terms of ``ordering``, else by the default order."""
    terms = [t.strip() for t in (ordering or "").split(",")]
    terms = [t for t in terms if t and t.removeprefix("-") in allowed]
    out = list(records)  # snapshot lists are already by id ascending
    if not terms:
        terms = list(DEFAULT_ORDERING.get(resource or "", ()))
    for term in reversed(terms):
        descending = term.startswith("-")
        path = record_path(term.removeprefix("-"))

        def key(record: Record, path: tuple[str, ...] = path) -> tuple[int, object]:
            values = snapshot.values_at(record, path)
            return sort_key(values[0] if values else None)

        out.sort(key=key, reverse=descending)
    return out


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: the slice and the envelope's ``count``/``next``/``previous``."""

    count: int
    limit: int
    offset: int
    items: list[Record]
    next: str | None
    previous: str | None


def _positive_int(text: str | None, *, strict: bool, cutoff: int | None = None) -> int:
    if text is None:
        raise ValueError("missing")
    value = int(text)
    if value < 0 or (value == 0 and strict):
        raise ValueError(text)
    return min(value, cutoff) if cutoff else value


def replace_query_param(url: str, key: str, value: object) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def page_links(url: str, count: int, limit: int, offset: int) -> tuple[str | None, str | None]:
    """DRF ``LimitOffsetPagination`` next/previous links for the request ``url``."""
    nxt = None
    if offset + limit < count:
        nxt = replace_query_param(
            replace_query_param(url, "limit", limit), "offset", offset + limit
        )
    prev = None
    if offset > 0:
        with_limit = replace_query_param(url, "limit", limit)
        if offset - limit <= 0:
            prev = remove_query_param(with_limit, "offset")
        else:
            prev = replace_query_param(with_limit, "offset", offset - limit)
    return nxt, prev


def paginate(records: Sequence[Record], query: MultiMapping[str], url: str) -> Page:
    """The page of ``records`` selected by ``limit``/``offset`` in ``query``."""
    try:
        limit = _positive_int(last_value(query, "limit"), strict=True, cutoff=MAX_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    try:
        offset = _positive_int(last_value(query, "offset"), strict=False)
    except ValueError:
        offset = 0
    count = len(records)
    items = [] if count == 0 or offset > count else list(records[offset : offset + limit])
    nxt, prev = page_links(url, count, limit, offset)
    return Page(count, limit, offset, items, nxt, prev)
