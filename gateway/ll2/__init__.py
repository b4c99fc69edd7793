"""What LL2 is: its resources, versions, endpoints, serializers and freshness.

The leaf of the gateway: every other package reads LL2's facts from here, and this
package imports nothing else of the gateway (``tests/test_architecture.py``).

* :mod:`gateway.ll2.resources`: one :class:`Resource` record per resource;
* :mod:`gateway.ll2.spec`: each LL2 version's endpoints and serializers, as data;
* :mod:`gateway.ll2.api`: one resource as one version serves it;
* :mod:`gateway.ll2.freshness`: how long answers stay fresh.
"""

from gateway.ll2.api import MODE_ORDER, ResourceApi, api
from gateway.ll2.freshness import Freshness
from gateway.ll2.resources import (
    ENTITY_SCHEMAS,
    RESOURCE_PATHS,
    RESOURCES,
    Resource,
    resource,
    resource_of,
)
from gateway.ll2.spec import CURRENT_VERSION, VERSIONS, ApiSpec, load_spec, load_version_spec

__all__ = [
    "CURRENT_VERSION",
    "ENTITY_SCHEMAS",
    "MODE_ORDER",
    "RESOURCES",
    "RESOURCE_PATHS",
    "VERSIONS",
    "ApiSpec",
    "Freshness",
    "Resource",
    "ResourceApi",
    "api",
    "load_spec",
    "load_version_spec",
    "resource",
    "resource_of",
]
