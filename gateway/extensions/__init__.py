"""Strawberry schema extensions: what every operation goes through before it runs."""

from gateway.extensions.introspection import IntrospectionSwitch
from gateway.extensions.limits import OperationLimits, max_body_bytes

__all__ = ["IntrospectionSwitch", "OperationLimits", "max_body_bytes"]
