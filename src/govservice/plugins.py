"""Loading plugins, keeping one broken plugin from breaking the rest, and the typed facade.

One :class:`Plugins` belongs to one :class:`~govservice.GovService`; nothing is loaded at
import time and no manager is global. Plugins come from three places, in this order:

1. the built-in default plugins (:mod:`govservice.builtin`);
2. the ``govservice`` entry-point group of the installed distributions, narrowed by the
   environment variable ``GOVSERVICE_PLUGINS`` (a comma-separated allow-list of entry-point
   names; empty means none) when it is set;
3. the modules named in the configuration's ``plugins`` list.

``disable_plugins`` in the configuration leaves any of them out by name. A county plugin
serves the ``regions`` given for it in the configuration or, when none are given, the
``REGIONS`` its module declares (all regions when neither says). A plugin module may
define ``SETTINGS_SCHEMA`` (a JSON Schema for its ``settings`` block) and
``make_plugin(settings)`` (returning the object to register); otherwise the module itself
is registered.

A plugin that fails to import, implements a hook that does not exist, has bad settings or
raises inside a hook is reported as a :class:`~govservice.errors.PluginError` naming it.
In strict mode that error is raised; otherwise it is kept in :attr:`Plugins.problems`, the
plugin is left out (of everything, or of the hook it failed in) and the rest goes on; the
command line prints each problem as a warning, whatever the command.

Library code calls the typed methods of :class:`Plugins`, never ``pm.hook`` directly.
Setting ``GOVSERVICE_TRACE=1`` prints every hook call, each plugin's result, to stderr.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import jsonschema
import pluggy

from govservice import hookspecs
from govservice.builtin import DEFAULT_PLUGINS
from govservice.config import Config, check_document
from govservice.errors import (
    ConfigError,
    GovServiceError,
    PluginError,
    PluginFailedError,
    PluginHookError,
    PluginImportError,
)

ENTRY_POINT_GROUP = "govservice"
ALLOW_ENV = "GOVSERVICE_PLUGINS"
TRACE_ENV = "GOVSERVICE_TRACE"
HOOK_PREFIX = "govservice_"


@attrs.frozen(kw_only=True)
class LoadedPlugin:
    """A registered plugin: its name, where it came from, what it serves and implements."""

    name: str
    source: str
    """``builtin``, ``entry point``, ``config`` or ``given`` (passed to GovService)."""
    module: str
    regions: frozenset[str]
    """Regions the plugin serves; empty means every region."""
    hooks: tuple[str, ...]
    plugin: object = attrs.field(eq=False, repr=False)

    def serves(self, region: str | None) -> bool:
        return region is None or not self.regions or region in self.regions


class _Manager(pluggy.PluginManager):
    """Like pytest: a callable named ``govservice_*`` is a hook implementation even when
    the ``@hookimpl`` marker was forgotten, so a misspelt name cannot pass unnoticed."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        options = super().parse_hookimpl_opts(plugin, name)
        if options is None and name.startswith(HOOK_PREFIX) and callable(getattr(plugin, name)):
            return {}
        return options


class Plugins:
    """The plugins of one GovService, and typed calls of their hooks."""

    def __init__(
        self,
        config: Config,
        *,
        strict: bool | None = None,
        environ: Mapping[str, str] | None = None,
        extra: Iterable[tuple[str, object]] = (),
    ) -> None:
        self.config = config
        self.strict = config.strict if strict is None else strict
        self.environ = os.environ if environ is None else environ
        self.trace = self.environ.get(TRACE_ENV, "") not in ("", "0")
        self.problems: list[PluginError] = []
        self.loaded: dict[str, LoadedPlugin] = {}
        self._left_out: set[tuple[str, str]] = set()
        self._serving_cache: dict[tuple[str, str | None], list[Any]] = {}
        self._attempted: set[str] = set()
        self.pm = _Manager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self._load(list(extra))

    # --- loading ---------------------------------------------------------------------------

    def _load(self, extra: list[tuple[str, object]]) -> None:
        disabled = self.config.disable_plugins
        for name, make in DEFAULT_PLUGINS.items():
            if name not in disabled:
                self._add(name, "builtin", lambda make=make: make(self.config))
        for entry_point in self._entry_points():
            if entry_point.name not in disabled:
                self._add(entry_point.name, "entry point", entry_point.load)
        for name, plugin in extra:
            self._add(name, "given", lambda plugin=plugin: plugin)
        for entry in self.config.plugins:
            if entry.module is None:
                if entry.name not in self._attempted and entry.name not in disabled:
                    self._fail(
                        PluginImportError(
                            f"no installed plugin is called {entry.name!r} (give a module, "
                            "or install the plugin's distribution)",
                            plugin=entry.name,
                            where=self.config.where("plugins", entry.index, "name"),
                        )
                    )
                continue
            if entry.name not in disabled:
                self._add(entry.name, "config", lambda m=entry.module: importlib.import_module(m))
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:  # pragma: no cover - caught per plugin
            self._fail(PluginHookError(str(error), plugin=str(error.plugin)))

    def _entry_points(self) -> list[importlib.metadata.EntryPoint]:
        found = sorted(
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name
        )
        allowed = self.environ.get(ALLOW_ENV)
        if allowed is None:
            return found
        names = {name.strip() for name in allowed.split(",") if name.strip()}
        return [entry_point for entry_point in found if entry_point.name in names]

    def _add(self, name: str, source: str, load: Callable[[], object]) -> None:
        self._attempted.add(name)
        entry = self.config.plugin(name)
        where = self.config.where("plugins", entry.index) if entry else None
        try:
            target = load()
        except GovServiceError as error:
            self._fail(PluginError(error.message, plugin=name, where=error.where or where))
            return
        except (Exception, SystemExit) as error:  # any import-time failure of their code
            self._fail(
                PluginImportError(
                    f"plugin {name!r} failed to import: {type(error).__name__}: {error}",
                    plugin=name,
                    where=where,
                )
            )
            return
        try:
            plugin = self._configure(name, target, entry)
        except ConfigError as error:
            self._fail(PluginError(error.message, plugin=name, where=error.where or where))
            return
        except (Exception, SystemExit) as error:  # make_plugin is someone else's code
            self._fail(
                PluginFailedError(
                    f"plugin {name!r} failed to start: {type(error).__name__}: {error}",
                    plugin=name,
                    where=where,
                )
            )
            return
        if self.pm.is_registered(plugin):
            return
        self._serving_cache.clear()
        try:
            self.pm.register(plugin, name=name)
        except ValueError as error:
            self._fail(PluginError(str(error), plugin=name, where=where))
            return
        except pluggy.PluginValidationError as error:
            self._fail(PluginHookError(_one_line(error), plugin=name, where=where))
            return
        wrappers = [
            caller.name
            for caller in self.pm.get_hookcallers(plugin) or ()
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper)
        ]
        if wrappers:
            self.pm.unregister(plugin)
            self._serving_cache.clear()
            self._fail(
                PluginHookError(
                    f"plugin {name!r} wraps {', '.join(wrappers)}: hook wrappers are not "
                    "part of the govservice contract; implement the hook itself",
                    plugin=name,
                    where=where,
                )
            )
            return
        unknown = [
            hook for hook in self._hooks_of(plugin) if not getattr(self.pm.hook, hook).has_spec()
        ]
        if unknown:
            self.pm.unregister(plugin)
            self._serving_cache.clear()
            self._fail(
                PluginHookError(
                    f"plugin {name!r} implements {', '.join(unknown)}, which is no "
                    f"govservice hook{_suggest(unknown[0])}",
                    plugin=name,
                    where=where,
                )
            )
            return
        self.loaded[name] = LoadedPlugin(
            name=name,
            source=source,
            module=getattr(target, "__name__", type(target).__module__),
            regions=entry.regions if entry and entry.regions else _declared_regions(target),
            hooks=tuple(sorted(self._hooks_of(plugin))),
            plugin=plugin,
        )

    def _configure(self, name: str, target: object, entry: Any) -> object:
        settings = dict(entry.settings) if entry else {}
        schema = getattr(target, "SETTINGS_SCHEMA", None)
        if schema is not None:
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                raise ConfigError(
                    f"plugin {name!r}: its SETTINGS_SCHEMA is not a valid JSON Schema: "
                    f"{error.message}"
                ) from None
            check_document(
                settings,
                schema,
                str(self.config.path or "<config>"),
                self.config.lines,
                prefix=("plugins", entry.index, "settings") if entry else (),
            )
        elif settings:
            raise ConfigError(
                f"plugin {name!r} takes no settings",
                where=self.config.where("plugins", entry.index, "settings"),
            )
        make = getattr(target, "make_plugin", None)
        if isinstance(target, types.ModuleType) and callable(make):
            return make(settings)
        return target

    def _hooks_of(self, plugin: object) -> list[str]:
        return [
            caller.name
            for caller in self.pm.get_hookcallers(plugin) or ()
            if caller.name.startswith(HOOK_PREFIX) or not caller.has_spec()
        ]

    def _fail(self, error: PluginError) -> None:
        if self.strict:
            raise error
        self.problems.append(error)

    # --- calling ---------------------------------------------------------------------------

    def call(
        self,
        hook: str,
        *,
        scope: str | None = None,
        firstresult: bool = False,
        expect: type | None = None,
        many: bool = False,
        **kwargs: Any,
    ) -> list[tuple[str, Any]]:
        """Call ``hook`` on each plugin serving the region ``scope``, each guarded on its own.

        :param expect: the type a result must have (each item of it, with ``many``); a
            plugin that returns something else has failed, like one that raised.
        :return: ``(plugin name, result)`` for each non-None result, in pluggy's order
            (``tryfirst`` first, then the most recently registered).
        """
        serving = self._serving(hook, scope)
        if not serving:
            return []
        results = []
        for impl in serving:
            name = impl.plugin_name
            try:
                result = impl.function(*[kwargs[arg] for arg in impl.argnames])
                if result is not None and many:
                    result = list(result)
                if result is not None and expect is not None:
                    _check_result(result, expect, many)
            except Exception as error:  # someone else's code: report it, by name
                self._leave_out(name, hook)
                self._fail(
                    PluginFailedError(
                        f"plugin {name!r} failed in {hook}: {type(error).__name__}: {error}",
                        plugin=name,
                    )
                )
                continue
            if self.trace:
                print(f"govservice trace: {hook} [{name}] -> {result!r}", file=sys.stderr)
            if result is not None:
                results.append((name, result))
                if firstresult:
                    break
        return results

    def _serving(self, hook: str, scope: str | None) -> list[Any]:
        """The implementations of ``hook`` to call for region ``scope``, in calling order
        (worked out once: a case's every action asks)."""
        found = self._serving_cache.get((hook, scope))
        if found is None:
            found = self._serving_cache[hook, scope] = [
                impl
                for impl in reversed(getattr(self.pm.hook, hook).get_hookimpls())
                if (loaded := self.loaded.get(impl.plugin_name)) is not None
                and loaded.serves(scope)
                and (impl.plugin_name, hook) not in self._left_out
            ]
        return found

    def _leave_out(self, plugin: str, hook: str) -> None:
        """Call ``plugin`` no more for ``hook`` in this session (it failed there)."""
        self._left_out.add((plugin, hook))
        self._serving_cache.clear()

    def collect(
        self, hook: str, *, scope: str | None = None, expect: type | None = None, **kwargs: Any
    ) -> list[Any]:
        """Every item of every plugin's iterable result, flattened."""
        results = self.call(hook, scope=scope, expect=expect, many=True, **kwargs)
        return [item for _, result in results for item in result]

    def implemented(self, hook: str, *, scope: str | None = None) -> bool:
        """Whether any plugin serving the region ``scope`` implements ``hook``."""
        return bool(self._serving(hook, scope))

    def tell(
        self,
        hook: str,
        *,
        scope: str | None = None,
        only: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> list[tuple[str, Exception]]:
        """Call ``hook`` on each plugin serving the region ``scope`` (those named in
        ``only``, when given), each guarded on its own, for what has happened already (a
        notification): results are ignored and a failure is returned, never raised, in
        strict mode too, nor is the plugin left out (the outbox tries it again later).

        :return: ``(plugin name, exception)`` for each plugin that raised.
        """
        wanted = None if only is None else set(only)
        failed = []
        for impl in self._serving(hook, scope):
            name = impl.plugin_name
            if wanted is not None and name not in wanted:
                continue
            try:
                result = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception as error:  # someone else's code: the caller reports it
                failed.append((name, error))
                continue
            if self.trace:
                print(f"govservice trace: {hook} [{name}] -> {result!r}", file=sys.stderr)
        return failed

    def registry(self, hook: str) -> dict[str, tuple[str, Any]]:
        """Call a ``register``-style hook; returns ``name -> (plugin, thing)``.

        A name registered twice is a :class:`PluginError` naming both plugins.
        """
        found: dict[str, tuple[str, Any]] = {}
        for impl in reversed(getattr(self.pm.hook, hook).get_hookimpls()):
            plugin = impl.plugin_name
            if plugin not in self.loaded or (plugin, hook) in self._left_out:
                continue

            def register(name: str, thing: Any = None, *, _plugin: str = plugin) -> None:
                if thing is None:  # register(standard): the name is the thing's id
                    name, thing = name.id, name  # type: ignore[attr-defined]
                if name in found:
                    raise PluginError(
                        f"{name!r} is registered by both {found[name][0]!r} and {_plugin!r}",
                        plugin=_plugin,
                    )
                found[name] = (_plugin, thing)

            try:
                impl.function(*(register for _ in impl.argnames))
            except PluginError as error:
                self._fail(error)
            except Exception as error:
                self._leave_out(plugin, hook)
                self._fail(
                    PluginFailedError(
                        f"plugin {plugin!r} failed in {hook}: {type(error).__name__}: {error}",
                        plugin=plugin,
                    )
                )
        return found


def _check_result(result: Any, expect: type | None, many: bool) -> None:
    if result is None or expect is None:
        return
    for item in result if many else (result,):
        if not isinstance(item, expect):
            raise TypeError(f"returned {type(item).__name__}, not {expect.__name__}")


def _declared_regions(target: object) -> frozenset[str]:
    """The regions a plugin module declares it serves (``REGIONS``), if it does."""
    return frozenset(getattr(target, "REGIONS", ()) or ())


def _one_line(error: Exception) -> str:
    return "; ".join(line.strip() for line in str(error).strip().splitlines() if line.strip())


def _suggest(name: str) -> str:
    import difflib

    hooks = [n for n in dir(hookspecs) if n.startswith(HOOK_PREFIX)]
    close = difflib.get_close_matches(name, hooks, n=1)
    return f" (did you mean {close[0]}?)" if close else ""
