"""A changed copy of a frozen model instance that re-checks only what the change can affect.

:func:`attrs.evolve` builds the copy through ``__init__``: every converter and validator of
every field runs again, though the unchanged values passed them when the instance was made
and cannot have changed since (the classes are frozen). A case carries some thirty fields
and is copied at every step of its workflow, so :func:`evolve` gives the same copy for less:

- the unchanged values are copied as they are;
- each changed value goes through its field's converter, then its validator;
- a validator that may look beyond its own value (at other fields, like
  ``Case.evaluation``'s, or into a mutable value, like ``Case.attributes``'s) runs whatever
  changed; only the validators of :mod:`govservice.model._checks` known to judge a value by
  itself alone (:data:`_VALUE_ONLY`) are skipped for unchanged fields;
- validators run in field order, after every value is set, then ``__attrs_post_init__``
  (class-level checks), as in ``__init__``. A class whose ``__attrs_post_init__`` does
  nothing but run its class-level checks can list them, each with the fields it reads,
  as ``__govservice_checks__`` (``((fields, check), ...)``; a check reads only those
  fields, which hold frozen values): a copy runs those that read a changed field.

The result equals what :func:`attrs.evolve` gives, and a change it refuses is refused with
the same error. Classes this cannot copy so (fields left out of ``__init__``, converters
that take the instance, ``__attrs_pre_init__``, cached hashes) go through
:func:`attrs.evolve`.
"""

from __future__ import annotations

import types
from typing import Any, TypeVar

import attrs
from attr import _config as _attrs_config

from govservice.model import _checks

T = TypeVar("T")

_VALUE_ONLY_NAMES = (
    "non_empty",
    "optional_non_empty",
    "each_non_empty",
    "one_line",
    "paragraph",
    "region_code",
    "yuan",
    "non_negative",
    "positive",
    "aware",
    "not_empty_tuple",
    "unique",
)
_VALUE_ONLY = frozenset(
    getattr(_checks, name) for name in _VALUE_ONLY_NAMES if hasattr(_checks, name)
)
"""Validators of :mod:`~govservice.model._checks` whose verdict depends on the value alone."""


def _value_only(validator: Any) -> bool:
    """Whether ``validator`` judges the value alone (an unchanged value passes it again)."""
    if validator in _VALUE_ONLY:
        return True
    if getattr(validator, "__module__", None) == _checks.__name__ and getattr(
        validator, "__qualname__", ""
    ).startswith("matches."):
        return True  # _checks.matches(pattern): the value against a pattern
    kind = type(validator).__name__
    if kind == "_AndValidator":
        return all(_value_only(inner) for inner in validator._validators)
    if kind == "_OptionalValidator":
        return _value_only(validator.validator)
    if kind == "_DeepIterable":
        return _value_only(validator.member_validator) and (
            validator.iterable_validator is None or _value_only(validator.iterable_validator)
        )
    return False


class _Plan:
    """How to copy instances of one class: a function made for each set of fields changed
    (written out as ``__init__`` is: the unchanged values copied, the changed ones
    converted, then the validators that must run, in field order, and the class checks)."""

    __slots__ = ("cls", "fields", "made")

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.fields = {field.name: field for field in attrs.fields(cls)}
        self.made: dict[tuple[str, ...], Any] = {}

    def copier(self, changed: tuple[str, ...]) -> Any:
        """The function ``copy(instance, **changes)`` for changes of the fields ``changed``."""
        found = self.made.get(changed)
        if found is None:
            found = self.made[changed] = self._make(changed)
        return found

    def _make(self, changed: tuple[str, ...]) -> Any:
        scope: dict[str, Any] = {
            "_new": object.__new__,
            "_set": object.__setattr__,
            "_config": _attrs_config,
            "_cls": self.cls,
        }
        # Locals start with "_": no field's name does (a private field is left to attrs).
        lines = [f"def copy(_instance, *, {', '.join(changed)}):", "    _copy = _new(_cls)"]
        lines.append("    _put = _set.__get__(_copy)")
        for index, (name, field) in enumerate(self.fields.items()):
            slot = _slot(self.cls, name)
            if slot is not None:  # the slot's own setter: what object.__setattr__ ends in
                scope[f"_slot_{index}"] = slot.__set__
                put = f"_slot_{index}(_copy, "
            else:
                put = f"_put({name!r}, "
            if name not in changed:
                lines.append(f"    {put}_instance.{name})")
            elif field.converter is not None:
                scope[f"_convert_{index}"] = field.converter
                lines.append(f"    {put}_convert_{index}({name}))")
            else:
                lines.append(f"    {put}{name})")
        checks = []
        for index, (name, field) in enumerate(self.fields.items()):
            if field.validator is None:
                continue
            if name in changed or not _value_only(field.validator):
                scope[f"_check_{index}"] = field.validator
                scope[f"_field_{index}"] = field
                checks.append(f"        _check_{index}(_copy, _field_{index}, _copy.{name})")
        if checks:
            lines += ["    if _config._run_validators:", *checks]
        class_checks = getattr(self.cls, "__govservice_checks__", None)
        if class_checks is not None:  # only those that read a changed field
            for index, (names, check) in enumerate(class_checks):
                if set(names) & set(changed):
                    scope[f"_class_check_{index}"] = check
                    lines.append(f"    _class_check_{index}(_copy)")
        elif hasattr(self.cls, "__attrs_post_init__"):
            lines.append("    _copy.__attrs_post_init__()")
        lines.append("    return _copy")
        source = "\n".join(lines)
        where = f"<govservice evolve {self.cls.__qualname__} {' '.join(changed)}>"
        exec(compile(source, where, "exec"), scope)
        return scope["copy"]


def _slot(cls: type, name: str) -> types.MemberDescriptorType | None:
    """The slot ``name`` of instances of ``cls`` (None when it is not a plain slot): setting
    it through its descriptor is what :func:`object.__setattr__` does, without looking it
    up first."""
    for klass in cls.__mro__:
        if name in vars(klass):
            found = vars(klass)[name]
            return found if isinstance(found, types.MemberDescriptorType) else None
    return None


_PLANS: dict[type, _Plan | None] = {}


def _plan(cls: type) -> _Plan | None:
    if cls in _PLANS:
        return _PLANS[cls]
    plan: _Plan | None = None
    if attrs.has(cls) and not hasattr(cls, "__attrs_pre_init__"):
        fields = attrs.fields(cls)
        if all(
            field.init
            and field.alias == field.name
            and not isinstance(field.converter, attrs.Converter)
            for field in fields
        ) and "_attrs_cached_hash" not in getattr(cls, "__slots__", ()):
            plan = _Plan(cls)
    _PLANS[cls] = plan
    return plan


_COPIERS: dict[tuple[Any, ...], Any] = {}
"""The copier of each class and fields changed met so far: ``(cls, *names) -> copy``."""


def evolve(instance: T, /, **changes: Any) -> T:
    """A copy of the attrs instance ``instance`` with ``changes``: :func:`attrs.evolve`,
    re-checking only what the changes can affect (see the module's docstring)."""
    copy = _COPIERS.get((type(instance), *changes))
    if copy is not None:  # the same class and fields changed as before: checked then
        return copy(instance, **changes)
    cls = type(instance)
    plan = _PLANS[cls] if cls in _PLANS else _plan(cls)
    if plan is None or not changes or not changes.keys() <= plan.fields.keys():
        return attrs.evolve(instance, **changes)  # its errors for unknown fields, too
    copy = _COPIERS[(cls, *changes)] = plan.copier(tuple(changes))
    return copy(instance, **changes)
