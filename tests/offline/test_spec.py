"""spec.json: generated from the LL2 digest, deterministic, and what the emulator expects."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from gateway.offline import ApiSpec
from tests.inputs import LL2, REPO

PACKAGED = REPO / "gateway" / "ll2" / "data" / "spec.json"


def _build_spec_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_spec", REPO / "scripts" / "build_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_packaged_spec_is_what_the_script_builds(tmp_path: Path) -> None:
    build_spec = _build_spec_module()
    out = tmp_path / "spec.json"
    assert build_spec.main(["--out", str(out)]) == 0
    assert out.read_text() == PACKAGED.read_text(), "run scripts/build_spec.py"
    extract = json.loads((LL2 / "2.3.0-spacecraft-domain-extract.json").read_text())
    built = {e["path"] for e in json.loads(out.read_text())["endpoints"]}
    assert {p.removeprefix("/2.3.0/") for p in extract["endpoints"]} <= built


def test_parse_type() -> None:
    parse = _build_spec_module().parse_type
    assert parse("[Country]") == {
        "type": "[Country]",
        "ref": "Country",
        "scalar": None,
        "many": True,
        "nullable": False,
        "optional": False,
        "read_only": False,
        "default": None,
    }
    image = parse("Image|null [readOnly]")
    assert (image["ref"], image["nullable"], image["read_only"]) == ("Image", True, True)
    mode = parse("string [readOnly] default='normal'")
    assert (mode["scalar"], mode["default"]) == ("string", "normal")
    assert parse("string(date)|null (optional)")["scalar"] == "string(date)"


def test_modes_come_from_the_discriminators(spec: ApiSpec) -> None:
    assert spec.endpoints["spacecraft/"].modes == {
        "normal": "SpacecraftNormal",
        "detailed": "SpacecraftEndpointDetailed",
    }
    assert list(spec.endpoints["agencies/"].modes) == ["list", "normal", "detailed"]
    assert spec.endpoints["astronauts/"].modes["list"] == "AstronautDetailed"
    assert spec.endpoints["spacecraft/{id}/"].schema == "SpacecraftEndpointDetailed"
    assert spec.endpoints["launches/{id}/"].id_type == "string(uuid)"
    assert spec.endpoints["config/spacecraft_statuses/"].schema == "SpacecraftStatus"
    assert spec.endpoints["config/docking_locations/"].resource == "docking_locations"


def test_filters_search_and_ordering(spec: ApiSpec) -> None:
    agencies = spec.endpoints["agencies/"]
    by_name = {f.name: f for f in agencies.filters}
    assert by_name["country_code"].comma and by_name["country_code"].scalar == "string"
    assert by_name["founding_year__gte"].scalar == "integer"
    assert "limit" not in by_name and "search" not in by_name
    assert agencies.search == ("abbrev", "name")
    space_stations = {f.name: f for f in spec.endpoints["space_stations/"].filters}
    assert space_stations["owners"].repeat and space_stations["owner__ids"].comma
    assert spec.endpoints["spacecraft/"].ordering == (
        "flights_count",
        "id",
        "mission_ends_count",
        "time_docked",
        "time_in_space",
    )


def test_url_paths(spec: ApiSpec) -> None:
    assert spec.schemas["SpacecraftNormal"].url_path == "spacecraft/"
    assert spec.schemas["DockingLocation"].url_path is None  # DockingLocation has no url
    assert spec.schemas["Pad"].url_path == "pads/"
    assert spec.schemas["InfoURL"].url_path is None  # a data URL, not a link
