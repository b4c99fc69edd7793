"""LL2 2.2.0: paths ``spacecraft/flight/``, ``config/spacecraft/``, ``astronaut/``,
``spacestation/``, ``docking_event/``, ``config/dockinglocation/``, ``launch/``.

What differs from 2.3.0 (all read from ``spec-2.2.0.json``): no spacecraft
configuration families and no landings endpoint; no ``mode``; images, agency types,
countries and nationalities as strings; a docking event has one ``flight_vehicle`` and
one ``space_station``; a station's docking ports say what is ``docked``; astronauts have
``twitter`` and ``instagram``, launches ``holdreason``.  Filters with a 2.3.0 meaning:
spacecraft ``name``/``status``/``spacecraft_config``; configurations ``name``,
``in_use``, ``human_rated`` and ``agency`` (sent as ``manufacturer``); flights
``spacecraft``; agencies ``featured``; astronauts ``status_ids`` (one value, sent as
``status``) and the birth and death dates; stations ``name``, ``status``, ``owners``,
``orbit``, ``type``; docking events by docking date, location, chaser flight and target
station.
"""

from __future__ import annotations

from gateway.upstream.versions.legacy import LegacyAdapter

__all__ = ["V2_2_0"]


class V2_2_0(LegacyAdapter):
    version = "2.2.0"
