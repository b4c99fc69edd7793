"""What one LL2 version offers for one resource, read from that version's description.

:func:`api` joins a :class:`~gateway.ll2.resources.Resource` with the endpoints and
serializers of an LL2 version (``gateway/ll2/data/spec*.json``): where its list and
detail live, which ``mode`` renders with which serializer (lightest first), whether a
list page holds each record as its detail endpoint does, its filters, orderings and
search, and every key some answer of that version has for it (named as 2.3.0 names
them).  ``None`` means the version has no endpoint for the resource.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from gateway.ll2.resources import RESOURCES, Resource
from gateway.ll2.spec import CURRENT_VERSION, EndpointSpec, FilterSpec, load_version_spec

__all__ = ["MODE_ORDER", "ResourceApi", "api"]

#: LL2's list modes, lightest first.
MODE_ORDER: Final = ("list", "normal", "detailed")


@dataclass(frozen=True, slots=True)
class ResourceApi:
    """One resource as one LL2 version serves it."""

    resource: Resource
    version: str
    listing: EndpointSpec
    detail: EndpointSpec | None
    #: (mode, serializer) pairs of the list, lightest first; empty where there are no modes.
    modes: tuple[tuple[str, str], ...]
    #: filter name -> its description.
    filters: Mapping[str, FilterSpec]
    #: Every key some answer has for the resource, under its 2.3.0 name.
    sent_keys: frozenset[str]

    @property
    def list_path(self) -> str:
        return self.listing.path

    def detail_path(self, id: str) -> str:
        return f"{self.listing.path}{id}/"

    @property
    def richest_mode(self) -> str | None:
        """The list mode that says the most (what batch loads ask for), if modes exist."""
        return self.modes[-1][0] if self.modes else None

    def is_whole(self, mode: str | None) -> bool:
        """Whether a list page asked in ``mode`` holds each record as its detail endpoint
        does (then the page completes the records and feeds the detail cache)."""
        if self.detail is None:
            return False
        return self.listing.schema_for(mode if self.listing.modes else None) == (
            self.detail.schema_for(None)
        )

    @property
    def sweepable(self) -> bool:
        """Whether a batch of ids may read whole list pages instead of ``/{id}/`` calls."""
        return self.is_whole(self.richest_mode)


def _sent_keys(version: str, resource: str) -> frozenset[str]:
    spec = load_version_spec(version)
    return frozenset(
        (f.source or f.name).partition(".")[0]
        for schema in spec.schemas.values()
        if schema.resource == resource
        for f in schema.fields
    )


@functools.cache
def api(resource: str, version: str = CURRENT_VERSION) -> ResourceApi | None:
    """``resource`` as LL2 ``version`` serves it, or None when that version has no list
    endpoint for it; ``KeyError`` for a resource the gateway does not know."""
    record = RESOURCES[resource]
    spec = load_version_spec(version)
    listing = next(
        (e for e in spec.endpoints.values() if e.resource == resource and e.kind == "list"),
        None,
    )
    if listing is None:
        return None
    detail = spec.endpoints.get(listing.path + "{id}/")
    modes = tuple((m, listing.modes[m]) for m in MODE_ORDER if m in listing.modes)
    return ResourceApi(
        resource=record,
        version=version,
        listing=listing,
        detail=detail,
        modes=modes,
        filters=MappingProxyType({f.name: f for f in listing.filters}),
        sent_keys=_sent_keys(version, resource),
    )
