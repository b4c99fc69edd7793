"""LL2 2.0.0: the paths and filters of 2.2.0 (no description of its own is known), with
the shapes seed 000 shows.

Beyond 2.2.0's differences from 2.3.0: a launch status is ``{id, name}`` where ``name``
is the short name 2.2.0 moved to ``abbrev``; a crew member's ``role`` is a string; a
launch has ``launch_library_id``, ``inhold``, ``tbdtime`` and ``tbddate`` and no
``net_precision``, ``last_updated`` or launch attempt counts; a spacecraft in a flight
list has no record (``in_space``, ``flights_count``...); a flight detail has no landing.
"""

from __future__ import annotations

from gateway.upstream.versions.legacy import LegacyAdapter

__all__ = ["V2_0_0"]


class V2_0_0(LegacyAdapter):
    version = "2.0.0"
