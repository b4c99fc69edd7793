"""Injected upstream failures, so the gateway's resilience can be tested offline.

A :class:`Faults` plan holds rules; every LL2 call (not ``/api-throttle/`` nor
``/_offline/*``) is offered to each rule, and a rule fires on every ``every``-th call
it matches (optionally at most ``times`` times).  Kinds:

=========  ===========================================================================
latency    sleep ``delay`` seconds more, then answer normally
status     answer ``status`` (default 503) with a JSON ``{"detail": ...}`` body
non_json   answer ``status`` (default 200) with an HTML page as ``text/html``
drop       close the connection without answering
truncate   announce the full Content-Length, send half the body, close the connection
cut        answer a complete HTTP response whose JSON body is cut in half
nulls      null ``fields`` (default: every field the serializer declares nullable) in
           the object or in every list result
missing    remove ``fields`` (same default as ``nulls``): the keys are absent, not null
=========  ===========================================================================

``status``, ``non_json`` and ``drop`` answer before the quota is consulted (as an
edge proxy would); the others shape a real, counted answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Final, Literal, get_args

__all__ = ["FAULT_KINDS", "Fault", "FaultKind", "Faults"]

FaultKind = Literal["latency", "status", "non_json", "drop", "truncate", "cut", "nulls", "missing"]
FAULT_KINDS: Final[frozenset[str]] = frozenset(get_args(FaultKind))
#: kinds that replace the answer before the handler (and the quota) is reached.
EARLY_KINDS: Final[frozenset[str]] = frozenset({"status", "non_json", "drop"})


@dataclass(slots=True)
class Fault:
    """One rule. ``path`` is a prefix of the path below ``/2.3.0/`` ("" = any)."""

    kind: FaultKind
    every: int = 1
    path: str = ""
    status: int | None = None
    delay: float = 0.0
    fields: tuple[str, ...] = ()
    times: int | None = None
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")
        if self.every < 1:
            raise ValueError("every must be >= 1")
        self.fields = tuple(self.fields)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)} - {"seen", "fired"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault option(s): {sorted(unknown)}")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["fields"] = list(self.fields)
        return out

    def offer(self, path: str) -> bool:
        """Count a call to ``path``; True if the rule fires for it."""
        if not path.startswith(self.path):
            return False
        self.seen += 1
        if self.times is not None and self.fired >= self.times:
            return False
        if self.seen % self.every:
            return False
        self.fired += 1
        return True


class Faults:
    """The fault plan consulted for every LL2 call; empty means a healthy upstream."""

    def __init__(self, rules: Iterable[Fault] = ()) -> None:
        self.rules: list[Fault] = list(rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def add(self, kind: FaultKind, **options: Any) -> Fault:
        rule = Fault(kind, **options)
        self.rules.append(rule)
        return rule

    def replace(self, rules: Iterable[Fault]) -> None:
        self.rules = list(rules)

    def clear(self) -> None:
        self.rules.clear()

    def draw(self, path: str) -> list[Fault]:
        """The rules that fire for a call to ``path`` (every rule counts the call)."""
        return [rule for rule in self.rules if rule.offer(path)]

    def to_json(self) -> list[dict[str, Any]]:
        return [rule.to_json() for rule in self.rules]
