"""The list of intermediary services (中介服务事项清单) of a centre:
``service.intermediaries.services``.

A row of the list is a service an approval requires (施工图设计文件审查, 防雷装置验收检测 …,
:class:`~govservice.model.IntermediaryService`), stored as the record kind
``intermediary-service`` under its code. The list:

- adds services (:meth:`ServiceList.add`, :meth:`ServiceList.add_all`, or a file:
  :meth:`ServiceList.import_file`), each checked against the catalog: an approval item it
  names that the store does not hold is a finding (``INTERMEDIARY-ITEM-UNKNOWN``, a
  warning: the item may be published later), never silence;
- changes a service's status with its date and the document that decided it
  (:meth:`ServiceList.change_status`: 保留, 取消, 纳入审批程序, 清理调整), keeping the history;
- answers what is listed on a day (:meth:`ServiceList.on`) and which services an approval
  item requires (:meth:`ServiceList.for_item`: the other way of the link, which the item's
  service guide shows);
- exports the list (:meth:`ServiceList.export`), as JSON, JSON Lines or YAML, which
  ``govservice import intermediary-service FILE`` reads back.

Every write checks first and stores after, in one transaction: nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from govservice.catalog.guides import chinese_date
from govservice.codec import from_document, to_document
from govservice.errors import (
    DuplicateRecordError,
    RecordNotFoundError,
    ServiceListError,
    UsageError,
)
from govservice.model import (
    FeeRegime,
    IntermediaryService,
    ListStatus,
    ListStatusChange,
    ServiceFee,
)
from govservice.records import read_records
from govservice.rules import Finding, Severity

KIND = "intermediary-service"
"""The record kind of a listed service."""

UNKNOWN_ITEM = "INTERMEDIARY-ITEM-UNKNOWN"
"""The code of the finding: a service names an approval item the store does not hold."""

EXPORT_FORMATS = ("json", "jsonl", "yaml")


class ServiceList:
    """The intermediary service list of ``service``, on its store and clock."""

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def store(self) -> Any:
        return self.service.store

    # --- reading -------------------------------------------------------------------------

    def find(self, code: str) -> IntermediaryService | None:
        """The listed service ``code``, or None."""
        stored = self.store.get(KIND, code)
        return None if stored is None else stored.record

    def get(self, code: str) -> IntermediaryService:
        """The listed service ``code``.

        :raises RecordNotFoundError: no service of the list has that code."""
        found = self.find(code)
        if found is None:
            raise RecordNotFoundError(
                f"no intermediary service has the code {code!r}", where="service code"
            )
        return found

    def all(self, region: str | None = None) -> Iterator[IntermediaryService]:
        """Every service of the list (of ``region``), by code, whatever its status."""
        after = None
        while True:
            page = self.store.list(KIND, region=region, limit=1000, after=after)
            for stored in page.records:
                yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def on(self, day: dt.date, region: str | None = None) -> list[IntermediaryService]:
        """The list as published on ``day``: the services listed by then and not
        cancelled (保留, 清理调整, and 纳入审批程序: listed, the government paying), by code."""
        return [s for s in self.all(region) if _listed(s, day)]

    def for_item(self, item_code: str, *, on: dt.date | None = None) -> list[IntermediaryService]:
        """The services the approval item ``item_code`` requires (the link from the item to
        the list), by code; with ``on``, only those listed and not cancelled that day."""
        return [s for s in self.all() if item_code in s.items and (on is None or _listed(s, on))]

    def by_item(self, *, on: dt.date | None = None) -> dict[str, list[IntermediaryService]]:
        """Every item code named by the list, with the services it requires (as
        :meth:`for_item`, in one pass: for a guide book)."""
        found: dict[str, list[IntermediaryService]] = {}
        for listed in self.all():
            if on is None or _listed(listed, on):
                for code in listed.items:
                    found.setdefault(code, []).append(listed)
        return found

    # --- checks ----------------------------------------------------------------------------

    def check(self, service: IntermediaryService) -> list[Finding]:
        """What to know of ``service`` before it is listed: each approval item it names
        that the store does not hold (``INTERMEDIARY-ITEM-UNKNOWN``, a warning)."""
        return [
            Finding(
                code=UNKNOWN_ITEM,
                message=f"中介服务事项“{service.name}”（{service.code}）所服务的审批事项"
                f"{code}不在事项目录中（请核对事项编码）",
                severity=Severity.WARN,
            )
            for code in service.items
            if self.store.item(code) is None
        ]

    # --- writing -------------------------------------------------------------------------

    def add(self, service: IntermediaryService) -> list[Finding]:
        """List a new service; returns the findings of :meth:`check` (warnings: it is
        listed all the same).

        :raises ServiceListError: its code is listed already.
        """
        return self.add_all([service])

    def add_all(self, services: Iterable[IntermediaryService]) -> list[Finding]:
        """List several new services at once: one refused, none is listed.

        :raises ServiceListError: a code listed already, or given twice.
        """
        chosen = list(services)
        seen: set[str] = set()
        for listed in chosen:
            if listed.code in seen:
                raise ServiceListError(
                    f"intermediary service {listed.code} is given twice",
                    notice=f"中介服务事项{listed.code}重复出现，每项只能列入一次",
                )
            seen.add(listed.code)
        findings: list[Finding] = []
        with self.store.transaction():
            for listed in chosen:
                findings.extend(self.check(listed))
                try:
                    self.store.add(
                        listed,
                        change={
                            "action": "listed",
                            "status": listed.status,
                            "on": listed.history[-1].on,
                        },
                    )
                except DuplicateRecordError:
                    raise ServiceListError(
                        f"intermediary service {listed.code} is listed already",
                        notice=f"中介服务事项“{listed.name}”（{listed.code}）已在清单内",
                    ) from None
        return findings

    def import_file(self, path: str | Path) -> tuple[list[IntermediaryService], list[Finding]]:
        """List the services of a file (JSON, JSON Lines or YAML; each checked against
        ``intermediary-service.schema.json``): every one is checked before any is stored.

        :raises InvalidRecordError: the first invalid record, with its file and line.
        :raises ServiceListError: as :meth:`add_all`.
        """
        window = self.service.config.date_window
        services = [
            from_document(
                IntermediaryService,
                record.document,
                where=f"{record.file}:{record.line}",
                window=window,
            )
            for record in read_records(path)
        ]
        return services, self.add_all(services)

    def change_status(
        self,
        code: str,
        status: ListStatus | str,
        on: dt.date,
        document: str | None = None,
        *,
        fee: ServiceFee | None = None,
    ) -> IntermediaryService:
        """Record that the service ``code`` is ``status`` from ``on`` (保留, 取消,
        纳入审批程序, 清理调整), decided by ``document``; its history keeps every change.

        Taken into the approval (``in_approval``), the government pays: the service's fee
        becomes ``government`` and its payer the approving department, unless ``fee``
        gives another. ``fee`` may change the fee with any status (清理调整 often does).

        :raises RecordNotFoundError: no service of the list has that code.
        :raises ServiceListError: ``on`` is before the last change, or the status is the
            one the service already has.
        """
        status = _status(status)
        with self.store.transaction():
            stored = self.store.get(KIND, code)
            if stored is None:
                raise RecordNotFoundError(
                    f"no intermediary service has the code {code!r}", where="service code"
                )
            listed: IntermediaryService = stored.record
            last = listed.history[-1]
            if on < last.on:
                raise ServiceListError(
                    f"intermediary service {code}: a change on {on.isoformat()} comes "
                    f"before its last change ({last.on.isoformat()}, {last.status.value})",
                    notice=f"中介服务事项“{listed.name}”的状态变更日期{chinese_date(on)}"
                    f"早于上次变更（{chinese_date(last.on)}{last.status.label}）",
                )
            if status is last.status and fee is None:
                raise ServiceListError(
                    f"intermediary service {code} is {status.value} already",
                    notice=f"中介服务事项“{listed.name}”已是“{status.label}”状态",
                )
            changes: dict[str, Any] = {
                "history": (
                    *listed.history,
                    ListStatusChange(status=status, on=on, document=document),
                )
            }
            if fee is not None:
                changes["fee"] = fee
            elif (
                status is ListStatus.IN_APPROVAL and listed.fee.regime is not FeeRegime.GOVERNMENT
            ):
                changes["fee"] = ServiceFee(regime=FeeRegime.GOVERNMENT, note=listed.fee.note)
                changes["payer"] = listed.department
            changed = attrs.evolve(listed, **changes)
            self.store.update(
                changed,
                stored.version,
                change={
                    "action": "status",
                    "status": status.value,
                    "on": on.isoformat(),
                    "document": document,
                },
            )
        return changed

    # --- out -------------------------------------------------------------------------------

    def export(self, format: str = "json", *, region: str | None = None) -> str:
        """The list (of ``region``) as ``json`` (an array), ``jsonl`` (a record a line) or
        ``yaml``: what ``govservice import intermediary-service`` and :meth:`import_file`
        read back.

        :raises UsageError: an unknown format.
        """
        documents = [to_document(listed) for listed in self.all(region)]
        if format == "json":
            return json.dumps(documents, ensure_ascii=False, indent=2) + "\n"
        if format == "jsonl":
            return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
        if format == "yaml":
            import yaml

            return yaml.safe_dump(documents, allow_unicode=True, sort_keys=False)
        raise UsageError(
            f"format must be one of {', '.join(EXPORT_FORMATS)}, not {format!r}",
            where="--format",
        )


def _listed(service: IntermediaryService, day: dt.date) -> bool:
    status = service.status_on(day)
    return status is not None and status is not ListStatus.CANCELLED


def _status(status: ListStatus | str) -> ListStatus:
    try:
        return ListStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in ListStatus)
        raise UsageError(
            f"unknown status {status!r} of a listed service; statuses: {known}",
            where="status",
        ) from None


__all__ = ["EXPORT_FORMATS", "KIND", "UNKNOWN_ITEM", "ServiceList"]
