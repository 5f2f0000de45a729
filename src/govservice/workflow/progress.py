"""Public progress lookup (进度查询): what a citizen sees after scanning the QR code.

:func:`progress` finds a case by its tracking code (an unguessable code printed on the
acceptance notice) and returns only what may be public: the item, the state, the steps
with their dates, the due date, and the applicant with the name and identity number
masked. Internal notes, staff names and refused attempts are left out. :func:`qr_svg` and
:func:`qr_png` draw the lookup link (``public.progress_url`` in the configuration) as a QR
code with segno.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import attrs
import segno

from govservice.clock import SHANGHAI
from govservice.errors import UnknownTrackingCodeError, UsageError
from govservice.model import Case, CaseEvent, CaseState, IdentifierKind, Party, PartyKind
from govservice.model.case import TRACKING_ALPHABET
from govservice.store.base import CaseQuery

STEP_LABELS = {
    "apply": "提交申请",
    "accept": "已受理",
    "refuse": "不予受理",
    "request_supplement": "一次性告知补正",
    "supplement": "已补正材料",
    "review": "审查中",
    "suspend": "进入特别程序（不计入办理时限）",
    "resume": "恢复办理",
    "decide": "已作出决定",
    "complete": "已办结",
    "withdraw": "已撤回",
    "consult": "联审会议",
    "evaluate": "已评价",
    "extend": "延长法定办理期限",
}
"""The steps a citizen sees, by event action; other events (assignments, follow-ups,
refused attempts) are internal."""


def _step_label(event: CaseEvent) -> str:
    """The public label of a step; a supplement that leaves materials still awaited is
    partial (部分补正)."""
    if event.action == "supplement" and event.to_state is CaseState.AWAITING_SUPPLEMENT:
        return "部分补正材料"
    return STEP_LABELS[event.action]


@attrs.frozen
class Step:
    """One public step: when, and what happened."""

    on: dt.date
    label: str


@attrs.frozen
class PublicProgress:
    """A case as the public lookup shows it; nothing in it identifies the applicant."""

    tracking_code: str
    item_name: str
    department: str
    state: CaseState
    state_label: str
    applicant_name: str
    applicant_identifier: str | None
    received_on: dt.date
    promised_due: dt.date | None
    deadline_provisional: bool
    steps: tuple[Step, ...]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as YYYY-MM-DD)."""
        return {
            "tracking_code": self.tracking_code,
            "item_name": self.item_name,
            "department": self.department,
            "state": self.state.value,
            "state_label": self.state_label,
            "applicant_name": self.applicant_name,
            "applicant_identifier": self.applicant_identifier,
            "received_on": self.received_on.isoformat(),
            "promised_due": self.promised_due.isoformat() if self.promised_due else None,
            "deadline_provisional": self.deadline_provisional,
            "steps": [{"on": s.on.isoformat(), "label": s.label} for s in self.steps],
        }

    def as_text(self) -> str:
        """The lookup page as text, in Chinese."""
        lines = [
            f"办件查询码：{self.tracking_code}",
            f"事项：{self.item_name}（{self.department}）",
            f"申请人：{self.applicant_name}"
            + (f"（{self.applicant_identifier}）" if self.applicant_identifier else ""),
            f"收件日期：{self.received_on.isoformat()}",
            f"当前状态：{self.state_label}",
        ]
        if self.promised_due is not None:
            suffix = "（临时期限）" if self.deadline_provisional else ""
            lines.append(f"承诺办结日期：{self.promised_due.isoformat()}{suffix}")
        lines.append("办理进度：")
        lines.extend(f"  {step.on.isoformat()}  {step.label}" for step in self.steps)
        return "\n".join(lines)


def normalize_code(code: str) -> str:
    """A tracking code as typed: spaces and dashes dropped, upper case."""
    return "".join(code.split()).replace("-", "").upper()


def find_by_code(store: Any, code: str) -> Case:
    """The case with tracking ``code``.

    :raises UnknownTrackingCodeError: when none has it (the same answer for a mistyped
        code and for one that was never issued).
    """
    wanted = normalize_code(code)
    if len(wanted) != 12 or any(char not in TRACKING_ALPHABET for char in wanted):
        raise UnknownTrackingCodeError(
            "a tracking code has 12 letters and digits (no 0, 1, I or O); check the notice",
            notice="查询码为 12 位字母和数字（不含 0、1、I、O），请核对告知书上的查询码",
        )
    page = store.find_cases(CaseQuery(tracking_code=wanted), limit=1)
    if not page.records:
        raise UnknownTrackingCodeError(
            f"no case has tracking code {wanted}",
            notice=f"没有查询码为 {wanted} 的办件，请核对告知书上的查询码",
        )
    return page.records[0].record


def progress(store: Any, code: str) -> PublicProgress:
    """What the public lookup shows for tracking ``code``."""
    case = find_by_code(store, code)
    item = store.item(case.item_code, case.item_version)
    steps = tuple(
        Step(event.at.astimezone(SHANGHAI).date(), _step_label(event))
        for event in case.events
        if event.refusal is None and event.action in STEP_LABELS
    )
    return PublicProgress(
        tracking_code=case.tracking_code or "",
        item_name=item.name if item is not None else case.item_code,
        department=case.department,
        state=case.state,
        state_label=case.state.label,
        applicant_name=masked_name(case.applicant),
        applicant_identifier=masked_identifier(case.applicant),
        received_on=case.received_at.astimezone(SHANGHAI).date(),
        promised_due=case.promised_due,
        deadline_provisional=case.deadline_provisional,
        steps=steps,
    )


def masked_name(party: Party) -> str:
    """An enterprise's name as it is (it is public); a person's surname and ``*`` for the
    rest of the name (张**)."""
    if party.kind is PartyKind.ENTERPRISE:
        return party.name
    name = party.name.strip()
    return name[0] + "*" * max(len(name) - 1, 1)


def masked_identifier(party: Party) -> str | None:
    """A credit code as it is; an identity number with only the region (first 6) and the
    last 4 characters shown, the birth date hidden too (370502********123X); any other
    personal document left out."""
    identifier = party.identifier
    if identifier.kind is IdentifierKind.USCC:
        return identifier.number
    if identifier.kind is IdentifierKind.RIC:
        number = identifier.number.upper()
        return number[:6] + "*" * 8 + number[-4:]
    return None


def lookup_url(template: str | None, code: str) -> str:
    """The public lookup link of ``code`` from the ``public.progress_url`` template."""
    if not template:
        raise UsageError(
            "no lookup link: set public.progress_url in the configuration, e.g. "
            "https://zwfw.example.gov.cn/progress/{code}"
        )
    return template.replace("{code}", normalize_code(code))


def qr_svg(url: str, *, scale: int = 4) -> str:
    """The QR code of ``url`` as an SVG document (error correction level M)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False)
    return buffer.getvalue().decode("utf-8")


def qr_png(url: str, *, scale: int = 6) -> bytes:
    """The QR code of ``url`` as PNG bytes (error correction level M)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale)
    return buffer.getvalue()
