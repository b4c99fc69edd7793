"""Reverse relations, computed once every source is merged.

LL2 serves some relations from the "other side": a spacecraft's ``flights``, a family's
``spacecraft``, an agency's ``spacecraft_list``, a station's docking locations and what is
docked there, a flight's docking events; and a station's detail shows its docking
locations and what is docked at each without saying, on the location or the event, whose
they are.  The sources rarely show both sides, but the records they point from are in the
snapshot, so the other side can be rebuilt.  A derived field is only written when no source
provided it, and only when something was found: an absent field means "unknown", which
the snapshot must not turn into "none".  Counts (``flights_count``, ``docked_vehicles``...)
are never derived - the snapshot holds a sample of LL2, not all of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from .store import EntityStore, is_ref, ref

Record = dict[str, Any]


def _refs(value: Any) -> list[tuple[str, Any]]:
    """The (resource, id) pairs a stored value references (a ref or a list of refs)."""
    items = value if isinstance(value, list) else [value]
    return [tuple(item["$ref"]) for item in items if is_ref(item)]  # type: ignore[misc]


def _target_id(record: Record, field: str, resource: str) -> Any:
    """The id referenced by a single-ref field, if it points into ``resource``."""
    found = [rid for res, rid in _refs(record.get(field)) if res == resource]
    return found[0] if found else None


def _is_active(event: Record) -> bool:
    """A docking event whose vehicle is still docked: ``departure`` known to be null."""
    return "departure" in event and event["departure"] is None


class Deriver:
    """Fills derived fields in place and remembers what it filled (for ``meta.derived``)."""

    def __init__(self, store: EntityStore) -> None:
        self.store = store
        self.records = store.records
        self.filled: list[dict[str, Any]] = []

    def run(self) -> list[dict[str, Any]]:
        self.docking_event_chasers()
        self.flight_docking_events()
        self.landing_flights()
        self.spacecraft_flights()
        self.family_spacecraft()
        self.agency_spacecraft()
        self.docking_location_stations()
        self.docked_event_locations()
        self.docking_event_station_targets()
        self.docking_location_currently_docked()
        self.station_docking_locations()
        self.station_active_docking_events()
        return self.filled

    # -- one method per derived field ---------------------------------------------------

    def docking_event_chasers(self) -> None:
        """A flight's ``docking_events`` are the ones it chased (DockingEventForChaser*)."""
        chaser: dict[str, Any] = {}
        for _, flight in self._sorted("spacecraft_flights"):
            for _, eid in _refs(flight.get("docking_events")):
                chaser.setdefault(str(eid), ref("spacecraft_flights", flight["id"]))
        self._fill_single("docking_events", "flight_vehicle_chaser", chaser)

    def flight_docking_events(self) -> None:
        """The other way round: a flight's ``docking_events`` are the events it chased."""
        self._fill_list(
            "spacecraft_flights",
            "docking_events",
            "docking_events",
            lambda e: [_target_id(e, "flight_vehicle_chaser", "spacecraft_flights")],
            order=lambda e: (e.get("docking") or "",),
        )

    def landing_flights(self) -> None:
        """A spacecraft flight's ``landing`` is that landing's ``spacecraftflight``."""
        owner: dict[str, Any] = {}
        for _, flight in self._sorted("spacecraft_flights"):
            lid = _target_id(flight, "landing", "landings")
            if lid is not None:
                owner.setdefault(str(lid), ref("spacecraft_flights", flight["id"]))
        self._fill_single("landings", "spacecraftflight", owner)

    def spacecraft_flights(self) -> None:
        """Flights whose ``spacecraft`` is it, in launch order (LL2 orders by launch net)."""
        launches = self.records["launches"]

        def net(flight: Record) -> tuple[bool, str]:
            lid = _target_id(flight, "launch", "launches")
            value = launches.get(str(lid), {}).get("net") if lid is not None else None
            return (value is None, value or "")

        self._fill_list(
            "spacecraft",
            "flights",
            "spacecraft_flights",
            lambda f: [_target_id(f, "spacecraft", "spacecraft")],
            order=net,
        )

    def family_spacecraft(self) -> None:
        self._fill_list(
            "spacecraft_configuration_families",
            "spacecraft",
            "spacecraft_configurations",
            lambda c: [rid for _, rid in _refs(c.get("family"))],
        )

    def agency_spacecraft(self) -> None:
        self._fill_list(
            "agencies",
            "spacecraft_list",
            "spacecraft_configurations",
            lambda c: [_target_id(c, "agency", "agencies")],
        )

    def docking_location_stations(self) -> None:
        """A location a station lists in its ``docking_location`` is that station's."""
        owner: dict[str, Any] = {}
        for _, station in self._sorted("space_stations"):
            for _, lid in _refs(station.get("docking_location")):
                owner.setdefault(str(lid), ref("space_stations", station["id"]))
        self._fill_single("docking_locations", "spacestation", owner)

    def docked_event_locations(self) -> None:
        """The event a location shows as ``currently_docked`` happened at that location."""
        location: dict[str, Any] = {}
        for _, loc in self._sorted("docking_locations"):
            eid = _target_id(loc, "currently_docked", "docking_events")
            if eid is not None:
                location.setdefault(str(eid), ref("docking_locations", loc["id"]))
        self._fill_single("docking_events", "docking_location", location)

    def docking_event_station_targets(self) -> None:
        """An event at a station's docking location docked to that station: its
        ``space_station_target`` (what LL2 filters ``space_station_target__id`` on)."""
        target: dict[str, Any] = {}
        for _, event in self._sorted("docking_events"):
            lid = _target_id(event, "docking_location", "docking_locations")
            location = self.records["docking_locations"].get(str(lid)) if lid is not None else None
            sid = _target_id(location or {}, "spacestation", "space_stations")
            if sid is not None:
                target[str(event["id"])] = ref("space_stations", sid)
        self._fill_single("docking_events", "space_station_target", target)

    def docking_location_currently_docked(self) -> None:
        """The event at a location whose vehicle has not left (latest docking if several)."""
        docked: dict[str, Any] = {}
        events = [e for _, e in self._sorted("docking_events") if _is_active(e)]
        for event in sorted(events, key=lambda e: (e.get("docking") or "", e["id"])):
            lid = _target_id(event, "docking_location", "docking_locations")
            if lid is not None:
                docked[str(lid)] = ref("docking_events", event["id"])
        self._fill_single("docking_locations", "currently_docked", docked)

    def station_docking_locations(self) -> None:
        self._fill_list(
            "space_stations",
            "docking_location",
            "docking_locations",
            lambda loc: [_target_id(loc, "spacestation", "space_stations")],
        )

    def station_active_docking_events(self) -> None:
        self._fill_list(
            "space_stations",
            "active_docking_events",
            "docking_events",
            lambda e: (
                [_target_id(e, "space_station_target", "space_stations")] if _is_active(e) else []
            ),
            order=lambda e: (e.get("docking") or "",),
        )

    # -- helpers -------------------------------------------------------------------------

    def _sorted(self, resource: str) -> Iterable[tuple[str, Record]]:
        """Records in id order, so that every derived list is deterministic."""
        return sorted(self.records[resource].items(), key=lambda kv: _id_key(kv[1]["id"]))

    def _fill_single(self, resource: str, field: str, values: dict[str, Any]) -> None:
        count = 0
        for key, value in sorted(values.items()):
            record = self.records[resource].get(key)
            if record is not None and field not in record:
                record[field] = value
                count += 1
        self._note(resource, field, count)

    def _fill_list(
        self,
        resource: str,
        field: str,
        source: str,
        targets: Callable[[Record], list[Any]],
        order: Callable[[Record], tuple[Any, ...]] | None = None,
    ) -> None:
        """``resource.field`` = refs to every ``source`` record whose ``targets`` name it."""
        found: dict[str, list[Record]] = defaultdict(list)
        for _, item in self._sorted(source):
            for target in targets(item):
                if target is not None:
                    found[str(target)].append(item)
        count = 0
        for key, items in sorted(found.items()):
            record = self.records[resource].get(key)
            if record is None or field in record:
                continue
            if order is not None:
                items = sorted(items, key=lambda i: (*order(i), _id_key(i["id"])))
            record[field] = [ref(source, i["id"]) for i in items]
            count += 1
        self._note(resource, field, count)

    def _note(self, resource: str, field: str, count: int) -> None:
        self.filled.append({"resource": resource, "field": field, "records": count})


def _id_key(rid: Any) -> tuple[int, Any]:
    """Sort ints numerically and strings (launch UUIDs) after them, never mixing types."""
    return (0, rid) if isinstance(rid, int) else (1, str(rid))
