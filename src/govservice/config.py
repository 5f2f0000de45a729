"""The YAML configuration of a service centre, checked against ``config.schema.json``.

Every error names the file, the line and the key. Secrets are written as
``{"$env": "VARIABLE"}`` and read from the environment when the file is loaded; they are
held as :class:`Secret`, whose ``repr`` never shows the value.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import yaml

from govservice import schemas
from govservice.errors import ConfigError
from govservice.formats import DEFAULT_WINDOW, DateWindow
from govservice.validation import describe
from govservice.yamlio import line_of, load_with_lines

ENV_KEY = "$env"


class Secret(str):
    """A text read from the environment; shown as ``'****'`` by ``repr``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'****'"


@attrs.frozen(kw_only=True)
class PluginConfig:
    """One entry of ``plugins``: a module to load, or settings for an installed plugin."""

    name: str
    module: str | None = None
    regions: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    settings: Mapping[str, Any] = attrs.field(factory=dict)
    index: int = 0
    """Position in the ``plugins`` list, to locate errors in the file."""


@attrs.frozen(kw_only=True)
class Config:
    """A centre's configuration (see ``schemas/config.schema.json``)."""

    name: str
    region: str
    timezone: str = "Asia/Shanghai"
    strict: bool = False
    storage_backend: str = "memory"
    storage_settings: Mapping[str, Any] = attrs.field(factory=dict)
    calendar_schedules: tuple[Path, ...] = ()
    closures: frozenset[dt.date] = frozenset()
    yellow_days: int = 3
    progress_url: str | None = None
    """The public lookup link, ``{code}`` standing for the tracking code."""
    agency_url: str | None = None
    """The public page of an agency of the intermediary supermarket (``public.agency_url``),
    ``{code}`` standing for its unified social credit code: the contact card's QR code."""
    plugins: tuple[PluginConfig, ...] = ()
    disable_plugins: frozenset[str] = frozenset()
    date_window: DateWindow = DEFAULT_WINDOW
    """The years a date or a time in a record may lie in (``validation.years``)."""
    trail_signing_key: Path | None = None
    """The centre's Ed25519 key (PEM) that signs checkpoints of the trail (``trail.signing_key``)."""
    trail_checkpoints: Path | None = None
    """The append-only JSON Lines file of signed checkpoints (``trail.checkpoints``; by
    default ``trail-checkpoints.jsonl`` beside the configuration file, or the key)."""
    trail_every: int = 1000
    """Links chained between two checkpoints (``trail.every``); one is written at least daily."""
    stations: Mapping[str, Any] = attrs.field(factory=dict)
    """The ``stations`` section as the schema checked it: ``subsidies`` (以奖代补 amounts
    per year and level, read by :func:`govservice.stations.subsidies.amounts_of`) and the
    settings of coverage, training and the staff assessment."""
    intermediaries: Mapping[str, Any] = attrs.field(factory=dict)
    """The ``intermediaries`` section as the schema checked it: ``assessment``, the rules
    of the agencies' quarterly assessment (read by
    :func:`govservice.intermediaries.assessment.configured_rules`)."""
    blacklists: Mapping[str, Any] = attrs.field(factory=dict)
    """The ``blacklists`` section as the schema checked it (issue 15): each part's keys
    (``sources``, ``partners``, ``exchange``, ``screening``, ``exposure``)."""
    path: Path | None = None
    lines: Mapping[tuple, int] = attrs.field(factory=dict, repr=False, eq=False)

    def where(self, *path: str | int) -> str:
        """``FILE:LINE`` of the key at ``path`` (or of its nearest parent), for messages."""
        name = str(self.path) if self.path else "<config>"
        line = line_of(dict(self.lines), tuple(path))
        return f"{name}:{line}" if line else name

    def plugin(self, name: str) -> PluginConfig | None:
        """The configuration entry of the plugin called ``name``, if any."""
        return next((p for p in self.plugins if p.name == name), None)


def default_config() -> Config:
    """The configuration used when none is given: the Dongying city centre in memory."""
    return Config(name="东营市政务服务中心", region="370500")


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read, check and resolve the configuration file at ``path``.

    :raises ConfigError: naming the file, line and key of every problem.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("no such configuration file", where=name) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the configuration: {error}", where=name) from None
    try:
        data, lines = load_with_lines(text)
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise ConfigError(
            f"not valid YAML: {getattr(error, 'problem', error)}", where=where
        ) from None
    if data is None:
        raise ConfigError("the configuration file is empty", where=name)
    check_document(data, schemas.SCHEMA_BASE + schemas.CONFIG_FILE, name, lines)
    data = _resolve_env(data, (), environ if environ is not None else os.environ, name, lines)
    return _build(data, path, lines)


def check_document(
    data: Any, schema_id: str, name: str, lines: Mapping[tuple, int], prefix: tuple = ()
) -> None:
    """Validate ``data`` (found at ``prefix`` in the file) against a schema; one error
    lists every problem, each as ``FILE:LINE: key: message``.

    The error's ``where`` is the first problem's ``FILE:LINE``, so whoever re-raises it
    with a location of its own (a plugin's entry) keeps this one and does not add a second.
    """
    validator = jsonschema.Draft202012Validator(
        schemas.schema_for(schema_id) if isinstance(schema_id, str) else schema_id,
        registry=schemas.registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    root = data if not prefix else None
    problems = sorted(
        (_locate(error, name, lines, prefix, root) for error in validator.iter_errors(data)),
        key=lambda problem: (problem[0], problem[1]),
    )
    if problems:
        (line, _, first), *rest = problems
        where = f"{name}:{line}"
        raise ConfigError(
            "\n".join([first.removeprefix(f"{where}: "), *(message for _, _, message in rest)]),
            where=where,
        )


def _locate(
    error: jsonschema.ValidationError,
    name: str,
    lines: Mapping[tuple, int],
    prefix: tuple,
    root: Any = None,
) -> tuple[int, str, str]:
    path = (*prefix, *error.absolute_path)
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        unknown = sorted(str(key) for key in error.instance if key not in allowed)
        if unknown:
            path = (*path, unknown[0])
            message = f"unknown key {unknown[0]!r}" + (
                f"; allowed here: {', '.join(sorted(allowed))}" if allowed else ""
            )
    else:
        pointer = "".join(f"/{part}" for part in path)
        message = describe(
            str(error.validator), error.validator_value, error.instance, pointer, message
        )
    line = line_of(dict(lines), path) or 0
    key = ".".join(str(part) for part in path) or "(top level)"
    about = _partner_of(root, path)
    return line, key, f"{name}:{line}: {key}: {about + ': ' if about else ''}{message}"


def _partner_of(root: Any, path: tuple) -> str:
    """For a problem within a partner city of ``blacklists.partners`` in the document
    ``root``: the partner and its key in words (``partner 德州市 (371400), key dz-2015``), as
    ``config check`` names them in the problems it finds itself
    (:mod:`govservice.blacklists.partners`); else nothing."""
    if root is None or path[:2] != ("blacklists", "partners") or len(path) < 3:
        return ""
    try:
        partner = root["blacklists"]["partners"][path[2]]
    except (KeyError, IndexError, TypeError):
        return ""
    if not isinstance(partner, dict):
        return ""
    words = f"partner {partner.get('name', '?')} ({partner.get('region', '?')})"
    keys = partner.get("keys")
    if len(path) >= 5 and path[3] == "keys" and isinstance(keys, list):
        key = keys[path[4]] if isinstance(path[4], int) and path[4] < len(keys) else None
        if isinstance(key, dict):
            words += f", key {key.get('id', '?')}"
    return words


def _resolve_env(
    value: Any, path: tuple, environ: Mapping[str, str], name: str, lines: Mapping[tuple, int]
) -> Any:
    if isinstance(value, dict):
        if set(value) == {ENV_KEY} and isinstance(value[ENV_KEY], str):
            variable = value[ENV_KEY]
            if variable not in environ:
                line = line_of(dict(lines), path) or 0
                key = ".".join(map(str, path))
                raise ConfigError(
                    f"{name}:{line}: {key}: environment variable {variable} is not set"
                )
            return Secret(environ[variable])
        return {k: _resolve_env(v, (*path, k), environ, name, lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, (*path, i), environ, name, lines) for i, v in enumerate(value)]
    return value


FILE_SETTINGS = ("path", "sslrootcert", "sslcert", "sslkey")
"""The storage settings that name files (SQLite's database, PostgreSQL's TLS certificates
and key): a relative path is relative to the configuration file."""


def _build(data: dict[str, Any], path: Path, lines: dict) -> Config:
    storage = data.get("storage", {"backend": "sqlite", "settings": {"path": "govservice.db"}})
    settings = dict(storage.get("settings", {}))
    for key in FILE_SETTINGS:
        value = settings.get(key)
        if isinstance(value, str) and value != "system" and not Path(value).is_absolute():
            settings[key] = str(path.parent / value)  # ("system": libpq's own CAs)
    calendar = data.get("calendar", {})
    plugins = tuple(
        PluginConfig(
            name=entry.get("name") or entry["module"],
            module=entry.get("module"),
            regions=entry.get("regions", ()),
            settings=entry.get("settings", {}),
            index=index,
        )
        for index, entry in enumerate(data.get("plugins", []))
    )
    try:
        zoneinfo.ZoneInfo(data.get("timezone", "Asia/Shanghai"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        line = line_of(lines, ("timezone",)) or 0
        raise ConfigError(
            f"{path}:{line}: timezone: {data['timezone']!r} is not a time zone (Asia/Shanghai)"
        ) from None
    trail = data.get("trail", {})
    signing_key = trail.get("signing_key")
    checkpoints = trail.get("checkpoints")
    if signing_key is not None or checkpoints is not None:
        checkpoints = path.parent / (checkpoints or "trail-checkpoints.jsonl")
    names = [plugin.name for plugin in plugins]
    for index, plugin_name in enumerate(names):
        if plugin_name in names[:index]:
            line = line_of(lines, ("plugins", index)) or 0
            raise ConfigError(f"{path}:{line}: plugins.{index}: {plugin_name!r} is listed twice")
    window = DateWindow(**data.get("validation", {}).get("years", {}))
    _check_assessment(data.get("stations", {}).get("assessment"), path, lines)
    _check_agency_assessment(data.get("intermediaries", {}).get("assessment"), path, lines)
    _check_blacklist_sources(data.get("blacklists", {}).get("sources", ()), path, lines)
    for index, text in enumerate(calendar.get("closures", ())):  # a range check, as for records
        if not window.earliest <= dt.date.fromisoformat(text).year <= window.latest:
            line = line_of(lines, ("calendar", "closures", index)) or 0
            raise ConfigError(
                f"{path}:{line}: calendar.closures.{index}: {text} is outside the years "
                f"{window.earliest} to {window.latest} (validation.years widens them)"
            )
    return Config(
        name=data["name"],
        region=data["region"],
        timezone=data.get("timezone", "Asia/Shanghai"),
        strict=data.get("strict", False),
        storage_backend=storage.get("backend", "memory"),
        storage_settings=settings,
        calendar_schedules=tuple(path.parent / p for p in calendar.get("schedules", ())),
        closures=frozenset(dt.date.fromisoformat(d) for d in calendar.get("closures", ())),
        yellow_days=data.get("supervision", {}).get("yellow_days", 3),
        progress_url=data.get("public", {}).get("progress_url"),
        agency_url=data.get("public", {}).get("agency_url"),
        plugins=plugins,
        disable_plugins=frozenset(data.get("disable_plugins", ())),
        date_window=DateWindow(**data.get("validation", {}).get("years", {})),
        trail_signing_key=None if signing_key is None else path.parent / signing_key,
        trail_checkpoints=checkpoints,
        trail_every=trail.get("every", 1000),
        stations=data.get("stations", {}),
        intermediaries=data.get("intermediaries", {}),
        blacklists=data.get("blacklists", {}),
        path=path,
        lines=lines,
    )


def _check_blacklist_sources(sources: Any, path: Path, lines: dict) -> None:
    """Each of ``blacklists.sources`` has a name of its own, not ``own`` (our own list is
    always a source by that name) (issue 15, B2)."""
    seen: set[str] = set()
    for index, source in enumerate(sources):
        name = source.get("name")
        if name == "own" or name in seen:
            line = line_of(lines, ("blacklists", "sources", index, "name")) or 0
            why = "is our own list's" if name == "own" else "is given twice"
            raise ConfigError(
                f"{path}:{line}: blacklists.sources.{index}.name: {name!r} {why}; "
                "each source has a name of its own"
            )
        seen.add(name)


def _check_agency_assessment(section: Any, path: Path, lines: dict) -> None:
    """The rules of ``intermediaries.assessment`` hold together: weights adding up to 100,
    grades' lowest scores falling from 优秀 to 合格 (issue 14, H4)."""
    if section is None:
        return
    from govservice.intermediaries.assessment import rules_from_config

    rules_from_config(section, where=lambda *keys: f"{path}:{line_of(lines, keys) or 0}")


def _check_assessment(section: Any, path: Path, lines: dict) -> None:
    """The weights of ``stations.assessment`` (考核细则) add up to 100 (issue 13, S3)."""
    if section is None:
        return
    from decimal import Decimal

    from govservice.errors import AssessmentRulesError
    from govservice.model.assessment import Weights

    try:
        Weights(**{key: Decimal(str(value)) for key, value in section["weights"].items()})
    except ValueError as error:
        line = line_of(lines, ("stations", "assessment", "weights")) or 0
        raise AssessmentRulesError(
            f"stations.assessment.weights: {error}", where=f"{path}:{line}"
        ) from None
