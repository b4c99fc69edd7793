"""Where each resource lives below the LL2 2.3.0 base URL."""

from __future__ import annotations

from typing import Final

__all__ = ["RESOURCE_PATHS", "detail_path", "list_path"]

RESOURCE_PATHS: Final[dict[str, str]] = {
    "spacecraft": "spacecraft/",
    "spacecraft_configurations": "spacecraft_configurations/",
    "spacecraft_configuration_families": "spacecraft_configuration_families/",
    "spacecraft_flights": "spacecraft_flights/",
    "agencies": "agencies/",
    "astronauts": "astronauts/",
    "docking_events": "docking_events/",
    "space_stations": "space_stations/",
    "docking_locations": "config/docking_locations/",
    "launches": "launches/",
    "landings": "landings/",
}


def list_path(resource: str) -> str:
    return RESOURCE_PATHS[resource]


def detail_path(resource: str, id: str) -> str:
    return f"{RESOURCE_PATHS[resource]}{id}/"
