r"""Local rules of Lijin County (利津县, region 370522) for govservice.

Rules:

1. River permit (河道管理范围内建设项目许可, 河道许可): a case of a river-works item (an
   item whose code is listed in ``river_item_codes``, or whose department name contains
   one of ``river_departments``: 水务, 黄河河务 by default) must carry the permit's number
   in ``case.attributes["river_permit_number"]``, written as ``permit_pattern`` says
   (default ``^利河许\d{4}第\d{3,4}号$``, e.g. 利河许2015第012号: the county's prefix, the
   4-digit year, 第, a 3- or 4-digit serial, 号; digits half-width, no spaces). A missing
   number gives ``LIJIN-RIVER-PERMIT-MISSING``, a malformed one
   ``LIJIN-RIVER-PERMIT-MALFORMED``; they block the ``block_actions`` (acceptance, 受理,
   by default) and only warn at the ``warn_actions`` (application, 申请, by default).
   Where items are handled by a consolidated approval bureau (行政审批服务局), department
   names no longer tell: list the item codes.
2. Event log (办件事件日志): when ``event_log`` is set, every case event is appended to
   that file as one JSON line: the case id, region and item code, the applicant's kind,
   name and identifier (a resident identity number masked as in published lists, 前10位
   + ``****`` + 后4位; other personal documents left out), and the event's fields with
   times in ISO 8601, Asia/Shanghai. Identity numbers written in free text (notes, actor,
   on whose behalf) are masked too. Parent folders are created; a relative path is taken
   from the working directory of the process.

Settings (the ``settings`` block of the ``lijin`` plugin entry; all optional)::

    river_item_codes: []                      # item codes, e.g. 11370522MB2850437N-XK-0012
    river_departments: [水务, 黄河河务]        # parts of department names
    permit_pattern: "^利河许\\d{4}第\\d{3,4}号$"   # a Python regex, ASCII digits
    permit_example: 利河许2015第012号          # shown to clerks; must match the pattern
    block_actions: [accept]
    warn_actions: [apply]
    event_log: /var/log/govservice/lijin-events.jsonl   # no log when absent

Regions: the core calls these hooks only for cases and calendars of the ``regions`` given in
the plugin's configuration entry or, when none are given (or there is no entry, the plugin
being loaded from its entry point), of :data:`REGIONS` (370522); the plugin does not
re-check the region itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from govservice.clock import SHANGHAI
from govservice.errors import ConfigError
from govservice.hookspecs import hookimpl
from govservice.model import Case, CaseEvent, IdentifierKind, Item, Party
from govservice.model.identifiers import mask_ric
from govservice.rules import Action, Finding, Severity

REGIONS = frozenset({"370522"})
"""Served when the configuration names no regions: Lijin County (利津县), GB/T 2260."""

PERMIT_ATTRIBUTE = "river_permit_number"
MISSING = "LIJIN-RIVER-PERMIT-MISSING"
MALFORMED = "LIJIN-RIVER-PERMIT-MALFORMED"

DEFAULTS: dict[str, Any] = {
    "river_item_codes": [],
    "river_departments": ["水务", "黄河河务"],
    "permit_pattern": r"^利河许\d{4}第\d{3,4}号$",
    "permit_example": "利河许2015第012号",
    "block_actions": [Action.ACCEPT.value],
    "warn_actions": [Action.APPLY.value],
}

_ACTIONS = {"type": "array", "items": {"enum": [a.value for a in Action]}, "uniqueItems": True}

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "govservice-lijin settings",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "river_item_codes": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": DEFAULTS["river_item_codes"],
        },
        "river_departments": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": DEFAULTS["river_departments"],
        },
        "permit_pattern": {
            "type": "string",
            "format": "regex",
            "minLength": 1,
            "default": DEFAULTS["permit_pattern"],
        },
        "permit_example": {
            "type": "string",
            "minLength": 1,
            "default": DEFAULTS["permit_example"],
        },
        "block_actions": {**_ACTIONS, "default": DEFAULTS["block_actions"]},
        "warn_actions": {**_ACTIONS, "default": DEFAULTS["warn_actions"]},
        "event_log": {"type": "string", "minLength": 1},
    },
}

ACTION_LABELS = {
    Action.APPLY: "申请",
    Action.ACCEPT: "受理",
    Action.REFUSE: "不予受理",
    Action.REQUEST_SUPPLEMENT: "一次性告知补正",
    Action.SUPPLEMENT: "补正",
    Action.REVIEW: "审查",
    Action.SUSPEND: "进入特别程序",
    Action.RESUME: "恢复办理",
    Action.DECIDE: "作出决定",
    Action.COMPLETE: "办结",
    Action.WITHDRAW: "撤回",
}

_RIC_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


class LijinRules:
    """The Lijin plugin object, built from validated settings by :func:`make_plugin`."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        chosen = {**DEFAULTS, **settings}
        self.item_codes = frozenset(chosen["river_item_codes"])
        self.departments = tuple(chosen["river_departments"])
        self.pattern = re.compile(chosen["permit_pattern"], re.ASCII)
        self.example: str = chosen["permit_example"]
        self.block_actions = frozenset(Action(a) for a in chosen["block_actions"])
        self.warn_actions = frozenset(Action(a) for a in chosen["warn_actions"])
        log = chosen.get("event_log")
        self.event_log = Path(log).expanduser() if log else None
        self._river: dict[tuple[str, str], bool] = {}
        """:meth:`is_river_works` by item code and department: asked at every action of
        every case, and the answer depends on those two texts alone."""

    # --- river permit ----------------------------------------------------------------------

    def is_river_works(self, item: Item) -> bool:
        """Whether cases of ``item`` need a river permit (河道许可)."""
        key = (item.code, item.department)
        known = self._river.get(key)
        if known is None:
            known = item.code in self.item_codes or any(
                d in item.department for d in self.departments
            )
            if len(self._river) >= 4096:
                self._river.clear()
            self._river[key] = known
        return known

    @hookimpl
    def govservice_case_rules(
        self, case: Case, item: Item, action: Action
    ) -> list[Finding] | None:
        if not self.is_river_works(item):
            return None
        if action in self.block_actions:
            severity = Severity.BLOCK
        elif action in self.warn_actions:
            severity = Severity.WARN
        else:
            return None
        number = case.attributes.get(PERMIT_ATTRIBUTE, "")
        if number.strip() and self.pattern.fullmatch(number) is not None:
            return None  # a well-formed number: nothing to say (the usual case)
        outcome = self._outcome(action, severity)
        if not number.strip():
            message = (
                f"利津县：“{item.name}”属于黄河河道管理范围内建设项目，办件缺少河道管理范围内"
                f"建设项目许可文号，{outcome}。请申请人提交河道许可决定书，并在办件的"
                f"“河道许可文号”（{PERMIT_ATTRIBUTE}）中填写文号，格式如 {self.example}。"
            )
            return [Finding(code=MISSING, message=message, severity=severity)]
        shown = number if len(number) <= 40 else number[:40] + "…"
        message = (
            f"利津县：河道许可文号“{shown}”格式不正确，{outcome}。应形如 {self.example}"
            "（数字为半角，不含空格），请对照河道许可决定书更正"
            f"办件的“河道许可文号”（{PERMIT_ATTRIBUTE}）。"
        )
        return [Finding(code=MALFORMED, message=message, severity=severity)]

    def _outcome(self, action: Action, severity: Severity) -> str:
        """What a finding says follows from it: the action blocked, or (a warning) the
        actions that will be."""
        if severity is Severity.BLOCK:
            return f"不能{ACTION_LABELS[action]}"
        later = "、".join(ACTION_LABELS[a] for a in Action if a in self.block_actions)
        return f"{later}时将被拦截" if later else "请及时补齐"

    # --- event log -------------------------------------------------------------------------

    @hookimpl
    def govservice_case_event(self, case: Case, event: CaseEvent) -> None:
        if self.event_log is None:
            return
        line = json.dumps(event_record(case, event), ensure_ascii=False)
        self.event_log.parent.mkdir(parents=True, exist_ok=True)
        with self.event_log.open("a", encoding="utf-8") as log:
            log.write(line + "\n")


def event_record(case: Case, event: CaseEvent) -> dict[str, Any]:
    """The JSON-ready line written for ``event`` on ``case``; no identity number unmasked."""
    return {
        "case_id": case.id,
        "region": case.region,
        "item_code": case.item_code,
        "applicant": _party(case.applicant),
        "event": {
            "at": event.at.astimezone(SHANGHAI).isoformat(),
            "actor": _scrub(event.actor),
            "role": event.role.value,
            "action": event.action,
            "from_state": event.from_state.value if event.from_state else None,
            "to_state": event.to_state.value,
            "note": _scrub(event.note),
            "on_behalf_of": _scrub(event.on_behalf_of),
        },
    }


def _party(party: Party) -> dict[str, Any]:
    kind = party.identifier.kind
    if kind is IdentifierKind.RIC:
        number: str | None = mask_ric(party.identifier.number.upper())
    elif kind is IdentifierKind.USCC:
        number = party.identifier.number  # an enterprise's code is public
    else:
        number = None  # a passport or other personal document: left out
    return {
        "kind": party.kind.value,
        "name": _scrub(party.name),
        "identifier_kind": kind.value,
        "identifier": number,
    }


def _scrub(text: str | None) -> str | None:
    """``text`` with anything shaped like an identity number masked."""
    if text is None:
        return None
    return _RIC_IN_TEXT.sub(lambda m: mask_ric(m.group().upper()), text)


def make_plugin(settings: Mapping[str, Any]) -> LijinRules:
    """Build the plugin from its ``settings`` (already checked against SETTINGS_SCHEMA).

    :raises ConfigError: when the pattern is not a regex, the example does not match it,
        or an action is listed both to block and to warn.
    """
    chosen = {**DEFAULTS, **settings}
    try:
        pattern = re.compile(chosen["permit_pattern"], re.ASCII)
    except re.error as error:
        raise ConfigError(f"settings.permit_pattern: not a regular expression: {error}") from None
    if pattern.fullmatch(chosen["permit_example"]) is None:
        raise ConfigError(
            f"settings.permit_example: {chosen['permit_example']!r} does not match "
            f"permit_pattern {chosen['permit_pattern']!r}"
        )
    both = sorted(set(chosen["block_actions"]) & set(chosen["warn_actions"]))
    if both:
        raise ConfigError(
            f"settings: {', '.join(both)} listed in both block_actions and warn_actions"
        )
    return LijinRules(settings)
