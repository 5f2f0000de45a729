"""The public exposure board (信用黑名单曝光台): ``service.blacklists.board``.

The board shows the entries published on a day (their publication period, 公示期/发布期:
:meth:`~govservice.model.BlacklistEntry.published_on`), from every source — our own list,
the court's list of dishonest debtors, the partner cities' lists, the national sector
lists — one line an entry, each naming its source (the list, its region, who supplied it,
the source's own record id such as a court's case number) and its dates (listed, the
publication period, the penalty period). It is made as JSON (:meth:`ExposureBoard.as_json`)
and as one Chinese HTML page that opens offline (:meth:`ExposureBoard.html`, template
``templates/board.html.j2``).

What it shows of a subject:

- a person's identity number always masked, 10 + ``****`` + 4
  (:func:`~govservice.model.identifiers.mask_ric`), whatever the source gave; anything
  shaped like an identity number in a free text (a reason, a court's obligation) masked
  too, and the whole page and JSON scanned once more before they leave
  (:func:`~govservice.model.identifiers.mask_identity_numbers`, as every public output
  is: a credit code of 18 digits that could not be an identity number is left as it is);
- a person's name (and a court's legal representative, the persons listed with an
  enterprise) as the configuration says (``blacklists.exposure.person_names``):
  ``published`` (as the list publishes it, the default) or ``masked`` (the surname and a
  ``*`` for each other character: 张*);
- an enterprise's name, credit code and organisation code as they are: they are public.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import ExposureConfigError, ExposureOutputError
from govservice.model import BlacklistEntry, IdentifierKind, PartyKind, SourceKind
from govservice.model.identifiers import mask_identity_numbers, shown_number
from govservice.model.regions import region_name

PUBLISHED = "published"
MASKED = "masked"
POLICIES = (PUBLISHED, MASKED)
"""The policies of ``blacklists.exposure.person_names``."""
TITLE = "信用黑名单曝光台"
SOURCE_ORDER = (
    SourceKind.OWN,
    SourceKind.COURT,
    SourceKind.OTHER_CITY,
    SourceKind.NATIONAL_SECTOR,
)
"""The order of the board's sections: our own list first."""
IDENTIFIER_LABELS = {
    IdentifierKind.USCC: "统一社会信用代码",
    IdentifierKind.ORGANISATION_CODE: "组织机构代码",
    IdentifierKind.RIC: "身份证号码",
}


def mask_name(name: str) -> str:
    """A person's name masked: its first character and a ``*`` for each other (张三 →
    张*, 欧阳明月 → 欧***); a name of one character is shown as ``*``."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def chinese_date(day: dt.date | None) -> str:
    """2015年7月1日, or — for no day."""
    return "—" if day is None else f"{day.year}年{day.month}月{day.day}日"


@attrs.frozen(kw_only=True)
class BoardLine:
    """One entry on the board, as the public reads it (masked as the module says)."""

    entry_id: str
    subject_kind: str
    """``person`` or ``enterprise``."""
    name: str
    """The subject's name (a person's by the policy)."""
    identifier_kind: str
    """统一社会信用代码, 组织机构代码 or 身份证号码."""
    identifier: str
    """The credit code or organisation code as it is; an identity number masked."""
    reason: str
    authority: str
    legal_basis: str | None
    source_kind: str
    source: str
    """The list in words (本级认定, 法院失信被执行人名单 …)."""
    source_region: str
    source_region_name: str
    """The source's region by name (德州市), as GB/T 2260 names it."""
    supplier: str | None
    """Who supplied it (东营市中级人民法院, 德州市 …)."""
    source_record_id: str | None
    """The source's own record id (a court's case number), as it gave it."""
    listed_on: dt.date
    publish_from: dt.date
    publish_until: dt.date | None
    penalty_from: dt.date
    penalty_until: dt.date | None
    status: str
    """Where it stands on the board's day (惩戒中, 公示中)."""
    sources_of_subject: int
    """How many entries of the board name the same subject (the same subject listed by
    several sources shows on a line each)."""
    details: tuple[tuple[str, str], ...] = ()
    """What the list publishes besides (a court's case, obligation, performance; a sector
    list's penalty, ban, grade), as (label, text)."""

    def as_dict(self) -> dict[str, Any]:
        document = attrs.asdict(self)
        for key, value in document.items():
            if isinstance(value, dt.date):
                document[key] = value.isoformat()
        document["details"] = [{"label": k, "text": v} for k, v in self.details]
        return document


@attrs.frozen(kw_only=True)
class Board:
    """The board of a day."""

    title: str
    day: dt.date
    person_names: str
    lines: tuple[BoardLine, ...]

    def by_source(self) -> list[tuple[str, str, list[BoardLine]]]:
        """(source kind, its label, its lines) of each source kind with a line, ours first."""
        found = []
        for kind in SOURCE_ORDER:
            lines = [line for line in self.lines if line.source_kind == kind.value]
            if lines:
                found.append((kind.value, kind.label, lines))
        return found

    def counts(self) -> dict[str, int]:
        counted = Counter(line.source_kind for line in self.lines)
        return {kind.value: counted[kind.value] for kind in SOURCE_ORDER if counted[kind.value]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "day": self.day.isoformat(),
            "person_names": self.person_names,
            "count": len(self.lines),
            "by_source": self.counts(),
            "entries": [line.as_dict() for line in self.lines],
        }


class ExposureBoard:
    """The exposure board of ``service``'s blacklists (``service.blacklists.board``)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # --- the configuration -------------------------------------------------------------

    @property
    def section(self) -> dict[str, Any]:
        blacklists = getattr(self.service.config, "blacklists", None) or {}
        return dict(blacklists.get("exposure") or {})

    @property
    def person_names(self) -> str:
        """``blacklists.exposure.person_names``: ``published`` (default) or ``masked``.

        :raises ExposureConfigError: another value.
        """
        policy = self.section.get("person_names", PUBLISHED)
        if policy not in POLICIES:
            raise ExposureConfigError(
                f"blacklists.exposure.person_names is {policy!r}: give published (names as "
                "the list publishes them) or masked (张*)"
            )
        return policy

    @property
    def title(self) -> str:
        return self.section.get("title") or f"{self.service.config.name}{TITLE}"

    def today(self) -> dt.date:
        return self.service.clock.now().astimezone(SHANGHAI).date()

    # --- the board ----------------------------------------------------------------------

    def board(self, day: dt.date | None = None, *, person_names: str | None = None) -> Board:
        """The entries published on ``day`` (default today), ours first, then the court's,
        the partner cities', the national lists'; within a source the latest listed first.

        :param person_names: the policy for persons' names, instead of the configuration's.
        :raises ExposureConfigError: an unknown policy.
        """
        on = day or self.today()
        policy = self.person_names if person_names is None else person_names
        if policy not in POLICIES:
            raise ExposureConfigError(
                f"the policy for persons' names is {policy!r}: give published or masked"
            )
        entries = self.service.blacklists.entries.published(on)
        return self.board_of(entries, on, policy)

    def board_of(self, entries: Sequence[BlacklistEntry], day: dt.date, policy: str) -> Board:
        """The board of ``entries`` (those published on ``day``) with ``policy``."""
        from govservice.blacklists.sources import subject_key

        keys = {entry.id: subject_key(entry) for entry in entries}
        shared = Counter(keys.values())
        suppliers = self._suppliers()
        rank = {kind: index for index, kind in enumerate(SOURCE_ORDER)}
        ordered = sorted(
            entries,
            key=lambda e: (rank.get(e.source.kind, 9), -e.listed_on.toordinal(), e.id),
        )
        lines = tuple(
            _line(entry, day, policy, shared[keys[entry.id]], suppliers) for entry in ordered
        )
        return Board(title=self.title, day=day, person_names=policy, lines=lines)

    def _suppliers(self) -> dict[str, str]:
        """Who supplies the lists of each region, in words, when an entry names no one: the
        partner cities of the configuration, and ourselves."""
        names = {self.service.config.region: self.service.config.name}
        exchange = self.service.blacklists.exchange
        if exchange is not None:
            with contextlib.suppress(Exception):  # a broken partner key: the exchange's to tell
                names.update({r: p.name for r, p in exchange.partners().items()})
        return names

    def as_json(self, day: dt.date | None = None, *, person_names: str | None = None) -> str:
        """The board as JSON text (keys in ``docs/blacklists.md``), identity numbers
        masked."""
        return to_json(self.board(day, person_names=person_names))

    def html(self, day: dt.date | None = None, *, person_names: str | None = None) -> str:
        """The board as one Chinese HTML page (styles inline, no script, nothing fetched)."""
        return render(self.board(day, person_names=person_names))

    def write(
        self,
        path: str | Path,
        day: dt.date | None = None,
        *,
        as_json: bool = False,
        person_names: str | None = None,
    ) -> Path:
        """Write the page (or, ``as_json``, the JSON) to ``path``, written beside and
        renamed into place (no half-written file is left).

        :raises ExposureOutputError: the file cannot be written.
        """
        text = (
            self.as_json(day, person_names=person_names)
            if as_json
            else self.html(day, person_names=person_names)
        )
        path = Path(path)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            try:
                partial.write_text(text, encoding="utf-8")
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
        except OSError as error:
            raise ExposureOutputError(
                f"cannot write the exposure board: {error.strerror or error}", where=str(path)
            ) from None
        return path


def to_json(board: Board) -> str:
    """The JSON text of ``board``; anything shaped like an identity number left in it is
    masked (:func:`~govservice.model.identifiers.mask_identity_numbers`)."""
    text = json.dumps(board.as_dict(), ensure_ascii=False, indent=2)
    return mask_identity_numbers(text) + "\n"


def _line(
    entry: BlacklistEntry,
    day: dt.date,
    policy: str,
    shared: int,
    suppliers: dict[str, str],
) -> BoardLine:
    subject = entry.subject
    person = subject.kind is PartyKind.PERSON

    def shown_person(name: str | None) -> str | None:
        if name is None:
            return None
        return mask_name(name) if policy == MASKED else name

    identifier = subject.identifier
    number = shown_number(identifier.kind.value, identifier.number)
    name = shown_person(subject.name) if person else subject.name
    source = entry.source
    return BoardLine(
        entry_id=entry.id,
        subject_kind=subject.kind.value,
        name=name or "",
        identifier_kind=IDENTIFIER_LABELS.get(identifier.kind, identifier.kind.value),
        identifier=number,
        reason=mask_identity_numbers(entry.reason),
        authority=entry.authority,
        legal_basis=entry.legal_basis,
        source_kind=source.kind.value,
        source=source.kind.label,
        source_region=source.region,
        source_region_name=region_name(source.region),
        supplier=source.name or suppliers.get(source.region),
        source_record_id=source.record_id,
        listed_on=entry.listed_on,
        publish_from=entry.publication_start,
        publish_until=entry.publication_end,
        penalty_from=entry.penalty_from,
        penalty_until=entry.penalty_until,
        status=entry.status_on(day).label,
        sources_of_subject=shared,
        details=tuple(
            (label, mask_identity_numbers(text))
            for label, text in _details(entry, shown_person)
            if text
        ),
    )


def _details(entry: BlacklistEntry, shown_person: Any) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    court = entry.court
    if court is not None:
        found += [
            ("案号", court.case_number),
            ("执行法院", court.court),
            ("法定代表人或负责人", shown_person(court.legal_representative)),
            ("执行依据文号", court.enforcement_basis_number),
            ("做出执行依据单位", court.enforcement_basis_unit),
            ("立案时间", chinese_date(court.filed_on) if court.filed_on else None),
            ("生效法律文书确定的义务", court.obligation),
            ("履行情况", court.performance),
            ("未履行部分", court.unperformed_part),
            ("失信被执行人行为具体情形", "；".join(court.dishonest_conduct) or None),
            ("发布时间", chinese_date(court.published_on) if court.published_on else None),
        ]
    sector = entry.sector
    if sector is not None:
        found += [
            ("名单", sector.list.label),
            ("处罚结果", sector.penalty_result),
            ("禁止期限", sector.ban_period),
            ("处罚日期", chinese_date(sector.penalty_on) if sector.penalty_on else None),
            ("信用等级", sector.grade),
            ("具体情形", sector.conduct),
        ]
    if entry.fine is not None:
        found.append(("罚款", f"{entry.fine:,}元"))
    return found


@functools.cache
def _template() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("govservice.blacklists", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("board.html.j2")


def render(board: Board) -> str:
    """The page of ``board``: the same board draws the same page, byte for byte; anything
    shaped like an identity number left in it is masked."""
    from markupsafe import Markup

    from govservice.report.charts import CJK_FONTS

    page = _template().render(
        board=board,
        day=chinese_date(board.day),
        date=chinese_date,
        fonts=Markup(CJK_FONTS),
        masked=board.person_names == MASKED,
    )
    return mask_identity_numbers(page)
