"""The identity map: one object per entity, each LL2 representation merged in once."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gateway.types.agency import Agency
from gateway.types.spacecraft import Spacecraft
from gateway.types.store import EntityStore

CONFIG: dict[str, Any] = {
    "id": 7,
    "name": "Dragon 2",
    "agency": {"id": 121, "name": "SpaceX", "abbrev": "SpX"},
}


def _craft(**extra: Any) -> dict[str, Any]:
    return {"id": 1, "name": "C206", "spacecraft_config": copy.deepcopy(CONFIG), **extra}


def test_equal_representations_merge_once() -> None:
    store = EntityStore()
    craft = store.entity(Spacecraft, _craft())
    again = store.entity(Spacecraft, _craft())  # an equal copy: another page, another dict
    assert again is craft
    assert craft._merged == [_craft()]
    assert len(craft._raw["spacecraft_config"]) == 1  # its relation is not queued twice


def test_a_richer_representation_still_merges_and_completes() -> None:
    store = EntityStore()
    craft = store.entity(Spacecraft, _craft())
    assert craft.lacks(frozenset({"serial_number"}))
    store.entity(Spacecraft, _craft(serial_number="C206"), complete=True)
    assert craft.serial_number == "C206"
    assert not craft.lacks(frozenset({"serial_number", "anything"}))
    config = craft.related("spacecraft_config", store)
    assert config is not None and config.name == "Dragon 2"
    assert isinstance(config.related("agency", store), Agency)


def test_an_equal_representation_marked_complete_completes() -> None:
    store = EntityStore()
    agency = store.entity(Agency, {"id": 121, "name": "SpaceX"})
    store.entity(Agency, {"id": 121, "name": "SpaceX"}, complete=True)
    assert not agency.lacks(frozenset({"description"}))


def test_every_model_has_its_tables_once_the_schema_is_built() -> None:
    import gateway.schema  # noqa: F401  (builds the schema, which prepares the models)
    from gateway.types.base import Entity, models

    built = models()
    assert Spacecraft in built and Agency in built
    assert set(Entity.registry.values()) <= set(built)
    assert all("_tables" in cls.__dict__ for cls in built)


def test_a_blank_object_is_what_the_dataclass_init_builds() -> None:
    import gateway.schema  # noqa: F401
    from gateway.types.base import Entity, models

    for cls in models():
        fields = {"id": "7"} if issubclass(cls, Entity) else {}
        built, blank = cls(**fields), cls.blank(**fields)
        assert blank == built, cls
        assert blank._rel is not cls.blank(**fields)._rel  # containers of its own


def test_a_field_without_a_plain_default_is_refused() -> None:
    import dataclasses
    import gc

    from gateway.types.base import Value

    @dataclasses.dataclass(kw_only=True)
    class Required(Value):
        name: str

    try:
        with pytest.raises(TypeError, match=r"Required\.name needs a plain default"):
            Required.check_defaults()
    finally:
        del Required
        gc.collect()  # gone from Value's subclasses, so from models()


def test_a_field_is_converted_when_first_read_and_not_before() -> None:
    from gateway.types.base import Value

    store = EntityStore()
    agency = store.entity(Agency, {"id": 121, "name": "SpaceX", "image": {"id": 9, "name": "x"}})
    assert "image" not in vars(agency) and "name" not in vars(agency)
    image = agency.image
    assert isinstance(image, Value) and vars(agency)["image"] is image
    assert agency.image is image  # read once, kept
    assert agency.abbrev is None  # no representation has it: the field's default


def test_a_later_representation_wins_even_over_a_field_already_read() -> None:
    store = EntityStore()
    agency = store.entity(Agency, {"id": 121, "name": "SpaceX"})
    assert agency.name == "SpaceX"
    store.entity(Agency, {"id": 121, "name": "Space Exploration", "abbrev": "SpX"})
    assert (agency.name, agency.abbrev) == ("Space Exploration", "SpX")
    store.entity(Agency, {"id": 121, "abbrev": "S"})  # without `name`: the latest that has it
    assert (agency.name, agency.abbrev) == ("Space Exploration", "S")
