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
  the comma-list id filters, and which keys the version ever sends for a resource (the
  planner asks no call for the others: they are null), so the planner never trusts a
  page for more than it has, nor fetches what no answer holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.errors import BadUserInput
from gateway.ll2 import RESOURCES, ResourceApi, api

__all__ = ["VersionAdapter"]


class VersionAdapter:
    """One LL2 version, as the gateway's upstream code sees it.

    Paths and planning facts come from the version's description
    (:func:`gateway.ll2.api`); a subclass says how parameters and shapes translate.
    """

    #: The LL2 version, e.g. ``"2.2.0"``.
    version: ClassVar[str]

    def served(self, resource: str) -> ResourceApi | None:
        """``resource`` as this version serves it; None when it has no endpoint for it."""
        return api(resource, self.version)

    def _served(self, resource: str) -> ResourceApi:
        served = api(resource, self.version)
        if served is None:
            raise self.unsupported(resource)
        return served

    def supports(self, resource: str) -> bool:
        """Whether this version has endpoints for ``resource``."""
        return resource in RESOURCES and api(resource, self.version) is not None

    def list_path(self, resource: str) -> str:
        return self._served(resource).list_path

    def detail_path(self, resource: str, id: str) -> str:
        return self._served(resource).detail_path(id)

    def comma_id_filter(self, resource: str) -> str | None:
        """The list filter taking comma-separated ids in this version, if any."""
        return None

    def map_params(self, resource: str, params: Mapping[str, str]) -> dict[str, str]:
        """The query of a 2.3.0 list request, in this version's terms.

        Raises:
            BadUserInput: for a parameter this version cannot honour with the same meaning.
        """
        raise NotImplementedError

    def normalise(
        self, resource: str, data: dict[str, Any], *, detail: bool = False
    ) -> dict[str, Any]:
        """An object this version sent for ``resource`` (a list item, or the detail
        endpoint's answer when ``detail``), in the 2.3.0 shape."""
        raise NotImplementedError

    def is_whole(self, resource: str, mode: str | None) -> bool:
        """Whether a list page asked in ``mode`` holds each object as its detail
        endpoint does (then the page completes the objects and feeds the detail cache)."""
        served = self.served(resource)
        return served is not None and served.is_whole(mode)

    def richest_mode(self, resource: str) -> str | None:
        """The list mode that says the most (what batch loads ask for), if modes exist."""
        served = self.served(resource)
        return served.richest_mode if served is not None else None

    def sweepable(self, resource: str) -> bool:
        """Whether a loader batch may read whole list pages instead of ``/{id}/`` calls."""
        served = self.served(resource)
        return served is not None and served.sweepable

    def sent_keys(self, resource: str) -> frozenset[str]:
        """Every 2.3.0-named key some answer of this version has for ``resource``."""
        served = self.served(resource)
        return served.sent_keys if served is not None else frozenset()

    def unsupported(self, resource: str) -> BadUserInput:
        """The error for a resource this version does not have."""
        return BadUserInput(
            f"LL2 {self.version} has no {resource.replace('_', ' ')} endpoint; the "
            f"gateway's upstream speaks LL2 {self.version}, and this needs LL2 2.3.0.",
            upstreamVersion=self.version,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} LL2 {self.version}>"
