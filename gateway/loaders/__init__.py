"""Per-request loading: entity loaders with batch plans, completion, list pages."""

from gateway.loaders.entity import EntityLoader
from gateway.loaders.request import RequestLoader

__all__ = ["EntityLoader", "RequestLoader"]
