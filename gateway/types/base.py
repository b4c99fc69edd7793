"""How LL2 JSON becomes typed objects, once, at the upstream edge.

Every Strawberry type of the schema is either a *value* (an image, a status, a
country: embedded whole wherever it appears) or an *entity* (an agency, a
spacecraft...: an LL2 resource with its own endpoint, embedded in several
representations of different richness).  Both are built by ``from_data``, which
learns from the Strawberry definition, once per class, how each LL2 key converts.

Entities are interned per request by :class:`gateway.types.store.EntityStore`:
whichever representation an agency arrives in, the request holds one ``Agency``
object, and richer representations merge into it.  Relations to entities are
fields made by :func:`related`: their resolver hands back the object when it holds
every field the client selected below it, and otherwise the loader's promise of
the richer representation.

Nothing is converted before it is read: related objects are built when a resolver
first asks for them (:meth:`Model.related`), every other field when it is first read
(:class:`_Lazy`, from the latest representation that has its key).  A detailed LL2
page embeds hundreds of objects of dozens of keys each, and a client selects a few.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Self

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.lazy_type import LazyType

from gateway.types.node import Node
from gateway.types.resolving import GatewayInfo

if TYPE_CHECKING:
    from gateway.types.store import EntityStore

__all__ = ["Entity", "Value", "legacy_only", "models", "read_field", "realise", "related"]

Converter = Callable[[Any, "EntityStore"], Any]


def _identity(value: Any, store: EntityStore) -> Any:
    return value


def _unwrap(tp: Any) -> Any:
    while isinstance(tp, StrawberryOptional | LazyType):
        tp = tp.of_type if isinstance(tp, StrawberryOptional) else tp.resolve_type()
    return tp


def _model_of(tp: Any) -> type[Model] | None:
    """The Value or Entity class a field holds, through lists and nullability."""
    tp = _unwrap(tp)
    while isinstance(tp, StrawberryList):
        tp = _unwrap(tp.of_type)
    return tp if isinstance(tp, type) and issubclass(tp, Model) else None


def _converter_for(tp: Any) -> Converter:
    tp = _unwrap(tp)
    if isinstance(tp, StrawberryList):
        item = _converter_for(tp.of_type)

        def convert_list(value: Any, store: EntityStore) -> Any:
            if not isinstance(value, list):
                return None
            return [item(v, store) for v in value if v is not None]

        return convert_list
    # LL2's objects arrive as dicts (JSON): isinstance(value, dict), not the Mapping ABC,
    # whose check costs several times more, once per related object.
    if isinstance(tp, type) and issubclass(tp, Entity):
        entity_cls = tp
        return lambda value, store: (
            store.entity(entity_cls, value) if isinstance(value, dict) else None
        )
    if isinstance(tp, type) and issubclass(tp, Value):
        value_cls = tp
        if value_cls.interned:
            return lambda value, store: (
                store.value(value_cls, value) if isinstance(value, dict) else None
            )
        return lambda value, store: (
            value_cls.from_data(value, store) if isinstance(value, dict) else None
        )
    return _identity


@dataclasses.dataclass(frozen=True, slots=True)
class _Slot:
    attr: str
    convert: Converter
    relation: bool
    #: The Value or Entity class the field holds, if any.
    model: type[Model] | None
    #: The field holds a value (or a list of them), which may embed entities:
    #: :func:`realise` reads it to reach them.
    deferred: bool = False


class _Tables(NamedTuple):
    """What a model class knows of LL2's keys, made once per class."""

    #: LL2 key -> how to store it.
    slots: dict[str, _Slot]
    #: LL2 key -> attribute, for the fields read from the data when first read.
    lazy: dict[str, str]
    #: LL2 key -> attribute, for the fields :func:`related` made.
    relation_keys: dict[str, str]
    #: Attribute -> slot, for the fields :func:`related` made.
    relations: dict[str, _Slot]


class _Lazy:
    """A field taken from LL2's data when first read.

    A detailed LL2 object carries dozens of keys (and embeds images, licences,
    statuses, countries...); a client reads a few of them.  Each field of a model is
    one of these on its class: reading it on an object whose instance dict lacks it
    takes the key from the latest representation that has it, converts it and keeps
    it in the instance dict, where later reads find it (a non-data descriptor comes
    after the instance dict).
    """

    __slots__ = ("attr", "convert", "default", "key")

    def __init__(self, attr: str, key: str, convert: Converter, default: Any) -> None:
        self.attr = attr
        self.key = key
        self.convert = convert
        self.default = default

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.default
        key = self.key
        value = self.default
        for data in reversed(obj._merged):
            if key in data:
                value = data[key]
                if value is not None and self.convert is not _identity:
                    value = self.convert(value, obj._store)
                break
        setattr(obj, self.attr, value)  # the instance's own from now on
        return value


def read_field(obj: object, name: str) -> object:
    """The schema's default resolver: the attribute (a field of a model is converted
    from LL2's data when first read)."""
    return getattr(obj, name)


class Model:
    """Shared ``from_data`` machinery for values and entities."""

    if TYPE_CHECKING:  # declared as fields by Value and Entity
        _rel: dict[str, Any]
        _raw: dict[str, list[Any]]
        _merged: list[Mapping[str, Any]]
        #: The request's identity map, which converts related data when it is read.
        _store: EntityStore

    #: The fields each instance gets a new container for (:meth:`blank`).
    CONTAINERS: ClassVar[frozenset[str]] = frozenset({"_rel", "_raw", "_merged"})

    #: LL2 key -> attribute name, for the rare LL2 name that is no good in Python.
    KEYS: ClassVar[Mapping[str, str]] = {}
    #: attribute of a computed field -> the LL2 key it is computed from.
    DERIVED: ClassVar[Mapping[str, str]] = {}
    #: attributes set by whoever builds the object, never from LL2 data.
    MANAGED: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def tables(cls) -> _Tables:
        """How the class takes in LL2 data, made on first use (and put in place: a
        :class:`_Lazy` per field that is no relation)."""
        found: _Tables | None = cls.__dict__.get("_tables")
        if found is not None:
            return found
        renamed = {attr: key for key, attr in cls.KEYS.items()}
        slots: dict[str, _Slot] = {}
        for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            resolver = field.base_resolver
            relation = resolver is not None and getattr(
                resolver.wrapped_func, "_ll2_relation", False
            )
            if resolver is not None and not relation:
                continue
            attr = field.python_name
            if attr in cls.MANAGED or attr.startswith("_"):  # strawberry.Private: not LL2's
                continue
            model = _model_of(field.type)
            slots[renamed.get(attr, attr)] = _Slot(
                attr,
                _converter_for(field.type),
                relation,
                model,
                deferred=not relation and model is not None and issubclass(model, Value),
            )
        for key, slot in slots.items():
            if not slot.relation:
                default = getattr(cls, slot.attr, None)
                setattr(cls, slot.attr, _Lazy(slot.attr, key, slot.convert, default))
        found = _Tables(
            slots,
            lazy={key: s.attr for key, s in slots.items() if not s.relation},
            relation_keys={key: s.attr for key, s in slots.items() if s.relation},
            relations={s.attr: s for s in slots.values() if s.relation},
        )
        cls._tables = found  # type: ignore[attr-defined]
        return found

    @classmethod
    def slots(cls) -> dict[str, _Slot]:
        """LL2 key -> how to store it."""
        return cls.tables().slots

    @classmethod
    def relations(cls) -> dict[str, _Slot]:
        """Attribute -> slot, for the fields :func:`related` made."""
        return cls.tables().relations

    def _apply(self, data: Mapping[str, Any], store: EntityStore) -> None:
        """Take in ``data`` as the latest representation: its relations wait in
        ``_raw``; every other field is read from the data when first read (and one
        read from an earlier representation is read anew)."""
        self._store = store
        merged = self._merged
        merged.append(data)
        if len(merged) > 1:
            attrs = self.__dict__
            lazy = self.tables().lazy
            for key in data:
                attr = lazy.get(key)
                if attr is not None:
                    attrs.pop(attr, None)
        raw = self._raw
        for key, attr in self.tables().relation_keys.items():
            if key in data:
                raw.setdefault(attr, []).append(data[key])

    @classmethod
    def blank(cls, **fields: Any) -> Self:
        """An instance with ``fields``, its own containers and every other field at its
        class default.

        The dataclass ``__init__`` assigns each of a type's fields (a spacecraft has a
        score of them) and a 20-item page builds dozens of objects per request; an
        object's defaults are its class's, so only what differs is set, attribute by
        attribute (reaching for ``__dict__`` makes CPython build the instance's dict: three
        times slower, measured).
        """
        obj = cls.__new__(cls)
        obj._rel = {}  # CONTAINERS, unrolled: three stores, no loop
        obj._raw = {}
        obj._merged = []
        for name, value in fields.items():
            setattr(obj, name, value)
        return obj

    @classmethod
    def check_defaults(cls) -> None:
        """Raise TypeError unless :meth:`blank` builds what the dataclass ``__init__``
        would: every other field a plain default, which the class holds."""
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            if field.name in cls.CONTAINERS or field.name in cls.MANAGED or not field.init:
                continue
            default = getattr(cls, field.name, dataclasses.MISSING)
            if default is dataclasses.MISSING or default is not field.default:
                raise TypeError(f"{cls.__name__}.{field.name} needs a plain default")

    def related(self, attr: str, store: EntityStore) -> Any:
        """The object (or list) at relation ``attr``, built from LL2's data on first use;
        every representation received since merges into it, in order."""
        rel = self._rel
        pending = self._raw.pop(attr, None)
        if pending is not None:
            convert = self.relations()[attr].convert
            for value in pending:
                rel[attr] = None if value is None else convert(value, store)
        return rel.get(attr)


def models() -> list[type[Model]]:
    """Every value and entity class defined so far, with its conversion tables made.

    The tables are made on first use otherwise, by the first request to meet the class:
    built once at start, they cost no client a few milliseconds.
    """
    found: list[type[Model]] = []
    stack: list[type[Model]] = [Model]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in found and hasattr(sub, "__strawberry_definition__"):
                found.append(sub)
                sub.tables()  # putting the fields in place
                sub.check_defaults()
            stack.append(sub)
    return found


def realise(roots: Iterable[Model], store: EntityStore) -> None:
    """Build every deferred value and related object reachable from ``roots``.

    Building is deferred until a field is read, but an object embedded anywhere in
    an answer may carry what another copy of the same entity lacks (a page embeds
    an agency in full under one spacecraft, in short under another): before paying
    for a call, the loaders realise what the request already holds.
    """
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        for slot in obj.slots().values():
            if slot.relation:
                value = obj.related(slot.attr, store)
            elif slot.deferred:
                value = read_field(obj, slot.attr)
            else:
                continue
            if isinstance(value, Model):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, Model))


@strawberry.type
class Value(Model):
    """An object LL2 embeds whole wherever it appears."""

    #: Whether equal ids within a request share one object (images recur a lot).
    interned: ClassVar[bool] = False
    #: Related entities by attribute (a mission's agencies), read by :func:`related`.
    _rel: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: LL2 data of relations not built yet, by attribute.
    _raw: strawberry.Private[dict[str, list[Any]]] = dataclasses.field(default_factory=dict)
    #: The LL2 data it was built from (its fields are read from it when first read).
    _merged: strawberry.Private[list[Mapping[str, Any]]] = dataclasses.field(default_factory=list)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], store: EntityStore) -> Self:
        obj = cls.blank()
        obj._apply(data, store)
        return obj


@strawberry.type
class Entity(Model, Node):
    """An LL2 resource with its own endpoint; one instance per id within a request.

    Every entity is a Relay :class:`~gateway.types.node.Node`: ``node(id:)`` loads it
    by its ``globalId`` as its own root field loads it by ``id``.
    """

    resource: ClassVar[str]
    #: The store sets ``id`` (a null from LL2 must not break ``ID!``).
    MANAGED: ClassVar[frozenset[str]] = frozenset({"id"})
    #: resource name -> entity class, filled as the classes are defined.
    registry: ClassVar[dict[str, type[Entity]]] = {}

    id: strawberry.ID
    #: Related entities by attribute, read by the resolvers :func:`related` makes.
    _rel: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: LL2 data of relations not built yet, by attribute.
    _raw: strawberry.Private[dict[str, list[Any]]] = dataclasses.field(default_factory=dict)
    #: True once the detailed representation (the richest LL2 has) was merged in.
    _complete: strawberry.Private[bool] = False
    #: The LL2 data merged in so far: a page embeds one agency under many spacecraft.
    _merged: strawberry.Private[list[Mapping[str, Any]]] = dataclasses.field(default_factory=list)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "resource" in cls.__dict__:
            Entity.registry[cls.resource] = cls

    def merge(self, data: Mapping[str, Any], store: EntityStore, *, complete: bool) -> None:
        """Take in one LL2 representation; one equal to a representation already taken
        in changes nothing, and costs a comparison in C rather than a conversion."""
        if complete:
            self._complete = True
        for merged in self._merged:
            if merged is data or merged == data:
                return
        self._apply(data, store)

    def received(self, key: str) -> bool:
        """Whether some representation merged in had LL2's ``key``."""
        return any(key in data for data in self._merged)

    def lacks(self, keys: frozenset[str]) -> bool:
        """Whether a richer representation could still supply some of ``keys``."""
        if self._complete:
            return False
        merged = self._merged
        if len(merged) == 1:  # the usual case: a comparison in C
            return not keys <= merged[0].keys()
        return not all(self.received(key) for key in keys)


def legacy_only(description: str, versions: str = "2.0.0/2.2.0") -> Any:
    """A field only older LL2 versions send (null over an LL2 2.3.0 upstream).

    It keeps what those versions said reachable when the gateway sits on one of them
    (``--upstream-version``); 2.3.0 dropped or reshaped it.
    """
    return strawberry.field(
        default=None, description=f"LL2 {versions} only (null from LL2 2.3.0): {description}"
    )


def related(description: str | None = None, *, via: str | None = None) -> Any:
    """A field holding another entity (or a list of them).

    Its resolver returns the related object when that already holds what the client
    selected below this field, or an awaitable of the richer representation.
    ``via`` names a relation whose detailed representation is the only one carrying
    this field (a docking location's ``currently_docked`` comes with its station).
    """
    if via is None:

        def resolve(root: Any, info: GatewayInfo) -> object:
            return info.context.data.related(info, root)

    else:
        carrier = via

        def resolve(root: Any, info: GatewayInfo) -> object:
            if root.received(info.python_name):
                return info.context.data.related(info, root)
            return info.context.data.related_via(info, root, carrier)

    resolve._ll2_relation = True  # type: ignore[attr-defined]
    resolve._ll2_via = via  # type: ignore[attr-defined]  # read by the executor's relation path
    return strawberry.field(resolver=resolve, description=description)
