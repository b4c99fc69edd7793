"""Version adapters as plain functions: parameters and planning facts per LL2 version."""

from __future__ import annotations

import pytest

from gateway.errors import BadUserInput
from gateway.ll2 import RESOURCES
from gateway.upstream.versions import VERSIONS, adapter_for


def test_2_3_0_sends_what_it_is_given() -> None:
    v = adapter_for("2.3.0")
    params = {"mode": "normal", "limit": "5", "name__contains": "Dragon", "ordering": "-id"}
    assert v.map_params("spacecraft", params) == params


@pytest.mark.parametrize("version", ["2.0.0", "2.2.0"])
def test_old_versions_rename_filters_and_drop_modes(version: str) -> None:
    v = adapter_for(version)
    mapped = v.map_params(
        "docking_events",
        {"mode": "detailed", "limit": "10", "offset": "0", "space_station_target__id": "18"},
    )
    assert mapped == {"limit": "10", "offset": "0", "space_station__id": "18"}
    assert v.map_params("spacecraft_configurations", {"agency": "115"}) == {"manufacturer": "115"}


@pytest.mark.parametrize("version", ["2.0.0", "2.2.0"])
@pytest.mark.parametrize(
    ("resource", "params", "argument"),
    [
        ("agencies", {"ordering": "total_launch_count"}, "ordering"),
        ("spacecraft", {"in_space": "true"}, "in_space"),
        ("astronauts", {"status_ids": "1,2"}, "status_ids"),
    ],
)
def test_old_versions_refuse_what_they_cannot_honour(
    version: str, resource: str, params: dict[str, str], argument: str
) -> None:
    with pytest.raises(BadUserInput) as caught:
        adapter_for(version).map_params(resource, params)
    assert caught.value.extensions["argument"] == argument
    assert caught.value.extensions["upstreamVersion"] == version


def test_a_missing_endpoint_is_unsupported() -> None:
    v = adapter_for("2.2.0")
    assert not v.supports("spacecraft_configuration_families")
    with pytest.raises(BadUserInput):
        v.list_path("spacecraft_configuration_families")
    assert v.served("landings") is None
    assert not v.supports("rockets")


@pytest.mark.parametrize("version", VERSIONS)
def test_planning_facts(version: str) -> None:
    v = adapter_for(version)
    for name in RESOURCES:
        if not v.supports(name):
            continue
        richest = v.richest_mode(name)
        assert (richest is None) == (version != "2.3.0" or name == "docking_locations")
        assert v.sweepable(name) == v.is_whole(name, richest)
        assert "id" in v.sent_keys(name)
    # 2.3.0's detailed pages are whole; 2.2.0's flight list is not its detail
    assert adapter_for("2.3.0").is_whole("spacecraft_flights", "detailed")
    assert not adapter_for("2.3.0").is_whole("spacecraft_flights", "normal")
    assert not adapter_for("2.2.0").sweepable("spacecraft_flights")
