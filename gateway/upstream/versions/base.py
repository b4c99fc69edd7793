"""What every LL2 version adapter answers: the common base of ``gateway.upstream.versions``.

The gateway is written against LL2 2.3.0: its types read 2.3.0 objects, its resolvers
build 2.3.0 query parameters and the planner picks 2.3.0 modes.  An adapter sits at the
upstream edge and makes one LL2 version look like that:

* **paths** - where each resource's list and detail endpoints live;
* **parameters** - :meth:`VersionAdapter.map_params` turns 2.3.0 filters, orderings and
  modes into the version's, and refuses (``BAD_USER_INPUT``) what it cannot honour with
  the same meaning, rather than answer something else;
* **shapes** - :meth:`VersionAdapter.normalise` turns each object the version sends into
  the 2.3.0 shape, nested objects included;
* **planning facts** - which list pages hold whole detail objects, the richest list mode,
  the comma-list id filters, and which keys the version never sends for a resource (so
  selecting them costs no call: they are null), so the planner never trusts a page for
  more than it has, nor fetches what no answer holds.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.errors import BadUserInput

__all__ = ["VersionAdapter"]


class VersionAdapter:
    """One LL2 version, as the gateway's upstream code sees it."""

    #: The LL2 version, e.g. ``"2.2.0"``.
    version: ClassVar[str]
    #: resource -> its list filter that takes comma-separated ids (``launches?id=a,b``).
    comma_id_filters: Mapping[str, str] = {}

    def supports(self, resource: str) -> bool:
        """Whether this version has endpoints for ``resource``."""
        raise NotImplementedError

    def list_path(self, resource: str) -> str:
        raise NotImplementedError

    def detail_path(self, resource: str, id: str) -> str:
        return f"{self.list_path(resource)}{id}/"

    def map_params(self, resource: str, params: Mapping[str, str]) -> dict[str, str]:
        """The query of a 2.3.0 list request, in this version's terms.

        Raises:
            BadUserInput: for a parameter this version cannot honour with the same meaning.
        """
        raise NotImplementedError

    def normalise(self, resource: str, data: Any, *, detail: bool = False) -> Any:
        """An object this version sent for ``resource`` (a list item, or the detail
        endpoint's answer when ``detail``), in the 2.3.0 shape."""
        raise NotImplementedError

    def is_whole(self, resource: str, mode: str | None) -> bool:
        """Whether a list page asked in ``mode`` holds each object as its detail
        endpoint does (then the page completes the objects and feeds the detail cache)."""
        raise NotImplementedError

    def richest_mode(self, resource: str) -> str | None:
        """The list mode that says the most (what batch loads ask for), if modes exist."""
        raise NotImplementedError

    def sweepable(self, resource: str) -> bool:
        """Whether a loader batch may read whole list pages instead of ``/{id}/`` calls."""
        raise NotImplementedError

    def sent_keys(self, resource: str) -> frozenset[str]:
        """Every 2.3.0-named key some answer of this version has for ``resource``."""
        raise NotImplementedError

    @functools.cache  # noqa: B019 - adapters live as long as the process
    def absent(self, resource: str) -> frozenset[str]:
        """Keys the gateway's type for ``resource`` reads that no answer of this version
        has (2.3.0: the older versions' fields; 2.2.0: ``family``...): never worth a call."""
        from gateway.loaders.selection import graphql_to_keys  # the loaders import us
        from gateway.types.base import Entity

        cls = Entity.registry.get(resource)
        if cls is None:
            return frozenset()
        wanted = {key for key in graphql_to_keys(cls).values() if key and key[0] != "_"}
        return frozenset(wanted - self.sent_keys(resource) - {"id"})

    def unsupported(self, resource: str) -> BadUserInput:
        """The error for a resource this version does not have."""
        return BadUserInput(
            f"LL2 {self.version} has no {resource.replace('_', ' ')} endpoint; the "
            f"gateway's upstream speaks LL2 {self.version}, and this needs LL2 2.3.0.",
            upstreamVersion=self.version,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} LL2 {self.version}>"
