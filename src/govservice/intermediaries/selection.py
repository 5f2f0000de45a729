"""Needs and selections (中介服务需求与选取): ``service.intermediaries.selections``.

An owner posts a need for a listed service (:meth:`Selections.post_need`); the witnesses'
commitment is published (:meth:`Selections.commit`); on the day of the selection the
eligible agencies are found (:meth:`Selections.eligible`: they offer the service, hold a
valid qualification for it, are active and are not blacklisted) and a strategy (a plugin
on ``govservice_register_selection_strategies``: random draw, lowest price, best score,
direct choice) chooses one (:meth:`Selections.select`). The selection record is stored as
an event of the trail and holds what anyone needs to re-run the draw
(:func:`govservice.intermediaries.draw.verify`). Nothing is stored when a step is refused.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.codec import to_document
from govservice.errors import (
    CommitmentError,
    DirectReasonError,
    GovServiceError,
    NeedNotFoundError,
    NeedServiceError,
    NoEligibleCandidateError,
    SelectionError,
    StrategyResultError,
    UnknownStrategyError,
)
from govservice.intermediaries import draw
from govservice.intermediaries.eligibility import (
    Candidate,
    candidate_of,
    judge,
    status_on,
)
from govservice.model import Need, Selection, Witness
from govservice.store.base import every

__all__ = ["Choice", "Eligibility", "Selections"]

_NEED_KIND = "need"
_SELECTION_KIND = "selection"


STRATEGY_LABELS = {
    "random-draw": "随机摇号",
    "lowest-price": "最低价",
    "best-score": "考核得分最高",
    "direct": "直接选取",
}
"""The built-in strategies as a clerk reads them (a plugin's own is shown by its name)."""


def _strategy_label(name: str) -> str:
    return STRATEGY_LABELS.get(name, f"“{name}”")


@attrs.frozen(kw_only=True)
class Choice:
    """What a selection strategy chose (see :data:`govservice.hookspecs.SelectionStrategy`)."""

    result: str
    """The credit code of the agency chosen."""
    scores: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=tuple)
    """What it ranked by: (credit code, the fee or score as decimal text)."""
    ranked: str | None = None
    """``lowest`` or ``highest``: its draw was among those tied at the best of ``scores``."""
    direct: bool = False
    """A direct choice (直接选取): no draw; the selection needs a written reason."""


@attrs.frozen
class Eligibility:
    """Who may be selected for a service on a day, and why the others may not."""

    service_code: str
    on: dt.date
    candidates: tuple[Candidate, ...]
    """The eligible agencies, sorted by credit code."""
    excluded: tuple[tuple[str, str], ...]
    """(credit code, why, in Chinese) of each agency offering the service that is not."""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(candidate.credit_code for candidate in self.candidates)


class _Refused(draw.DrawStream):
    """The stream given to a strategy when the draw cannot be made (no commitment
    published, or contributions that do not give it): any draw from it raises ``error``
    (a direct choice draws nothing and needs none)."""

    def __init__(self, error: CommitmentError) -> None:
        self.error = error
        self.counter = 0

    def block(self) -> bytes:
        raise self.error


class Selections:
    """Needs, eligibility and selections of ``service`` (its store, clock and plugins)."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self._strategies: dict[str, tuple[str, Any]] | None = None
        self._takes_change: dict[str, bool] = {}

    # --- what is around ------------------------------------------------------------------

    @property
    def store(self) -> Any:
        return self.service.store

    def _now(self) -> dt.datetime:
        return self.service.clock.now().astimezone(SHANGHAI)

    def strategies(self) -> dict[str, tuple[str, Any]]:
        """The registered strategies: ``name -> (plugin, strategy)``."""
        if self._strategies is None:
            self._strategies = self.service.plugins.registry(
                "govservice_register_selection_strategies"
            )
        return self._strategies

    def _strategy(self, name: str) -> tuple[str, Any]:
        found = self.strategies()
        if name not in found:
            known = ", ".join(sorted(found))
            raise UnknownStrategyError(
                f"no selection strategy is called {name!r}; known: {known}",
                notice=f"没有名为 {name} 的选取方式（可用：{known}）",
            )
        return found[name]

    def _add(self, record: Any, change: dict) -> None:
        """Store ``record``; with the trail's ``change`` when the store takes one."""
        add = self.store.add
        if "add" not in self._takes_change:
            self._takes_change["add"] = "change" in inspect.signature(add).parameters
        if self._takes_change["add"]:
            add(record, change=change)
        else:
            add(record)

    def _update(self, record: Any, version: int, change: dict) -> None:
        update = self.store.update
        if "update" not in self._takes_change:
            self._takes_change["update"] = "change" in inspect.signature(update).parameters
        if self._takes_change["update"]:
            update(record, version, change=change)
        else:
            update(record, version)

    # --- reading the register --------------------------------------------------------------

    def _offering(self, service_code: str) -> list[Mapping[str, Any]]:
        """The stored documents of the agencies offering ``service_code``, by credit code."""
        fast = getattr(self.store, "agencies_offering", None)
        if fast is not None:
            return [document for document, _version in fast(service_code)]
        found = []
        after = None
        while True:
            page = self.store.list("intermediary", limit=500, after=after)
            for stored in page.records:
                if any(o.service_code == service_code for o in stored.record.services):
                    found.append(to_document(stored.record))
            if page.next_after is None:
                break
            after = page.next_after
        return sorted(found, key=lambda d: d["credit_code"])

    def screen(self, credit_codes: Sequence[str], day: dt.date) -> dict[str, str]:
        """Why each of ``credit_codes`` is barred on ``day`` (blacklisted by any source:
        ours, the court's, a partner city's), in Chinese, naming the entry and its source:
        the blacklists' screening (``service.blacklists.screen``, see
        :meth:`govservice.blacklists.screening.Screening.bar_agencies`)."""
        return dict(self.service.blacklists.screen(credit_codes, day))

    def eligible(self, service_code: str, day: dt.date | None = None) -> Eligibility:
        """The agencies that may be selected for ``service_code`` on ``day`` (today by the
        centre's clock): they offer it, hold a qualification naming it in force on the
        day, were registered by then and are active on it (not suspended, not
        withdrawn), and are not blacklisted. The others offering it are listed with why."""
        day = day or self._now().date()
        text = day.isoformat()
        passed: list[Mapping[str, Any]] = []
        excluded: dict[str, str] = {}
        for document in self._offering(service_code):
            reason = judge(document, service_code, text)
            if reason is None:
                passed.append(document)
            else:
                excluded[document["credit_code"]] = reason
        barred = self.screen([d["credit_code"] for d in passed], day) if passed else {}
        candidates = []
        for document in passed:
            code = document["credit_code"]
            if code in barred:
                excluded[code] = barred[code]
            else:
                candidates.append(candidate_of(document, service_code))
        return Eligibility(
            service_code,
            day,
            tuple(candidates),
            tuple(sorted(excluded.items())),
        )

    def _with_scores(self, candidates: Sequence[Candidate], day: dt.date) -> list[Candidate]:
        """``candidates`` with the score of each one's latest quarter assessed before
        ``day`` (the ``agency-quarter`` records)."""
        return [c._replace(**_latest_score(self.store, c.credit_code, day)) for c in candidates]

    # --- needs -----------------------------------------------------------------------------

    def post_need(
        self,
        *,
        service_code: str,
        owner: str,
        deadline: dt.date,
        region: str | None = None,
        project_id: str | None = None,
        case_id: str | None = None,
        budget: Decimal | None = None,
        strategy: str = "random-draw",
        owner_credit_code: str | None = None,
        description: str | None = None,
        id: str | None = None,
    ) -> Need:
        """Post an owner's need for the listed service ``service_code``; ``posted_at`` is
        the centre's clock's. The service must be in the list and open for needs on the
        day (保留 or 清理调整), and offered by an agency not withdrawn; the strategy must be
        registered.

        :raises NeedServiceError: the service is not listed, not open, or offered by none.
        :raises UnknownStrategyError: no strategy of that name.
        """
        posted_at = self._now()
        day = posted_at.date()
        if deadline < day:
            raise SelectionError(
                f"the need cannot be posted: its deadline, {deadline}, is before today, {day}",
                notice=f"中介服务需求的截止日期{deadline}早于发布之日{day}，不能发布",
            )
        stored = self.store.get("intermediary-service", service_code)
        if stored is None:
            raise NeedServiceError(
                f"no intermediary service {service_code!r} is in the list",
                notice=f"中介服务事项清单中没有 {service_code}，不能发布需求",
            )
        listed = stored.record
        if not listed.open_on(day):
            status = listed.status_on(day)
            label = status.label if status is not None else "尚未列入清单"
            raise NeedServiceError(
                f"intermediary service {service_code} ({listed.name}) is not open for "
                f"needs on {day}: {status.value if status else 'not listed yet'}",
                notice=f"中介服务事项 {listed.name}（{service_code}）{day} 状态为{label}，"
                "不能发布需求",
            )
        text = day.isoformat()
        offering = [
            d for d in self._offering(service_code) if status_on(d, text)[0] != "withdrawn"
        ]
        if not offering:
            raise NeedServiceError(
                f"no agency offers intermediary service {service_code} ({listed.name})",
                notice=f"没有中介机构提供 {listed.name}（{service_code}），不能发布需求",
            )
        self._strategy(strategy)
        try:
            need = Need(
                id=id or self._next_need_id(day.year),
                service_code=service_code,
                owner=owner,
                owner_credit_code=owner_credit_code,
                project_id=project_id,
                case_id=case_id,
                region=region or self.service.config.region,
                budget=budget,
                deadline=deadline,
                strategy=strategy,
                posted_at=posted_at,
                description=description,
            )
        except ValueError as error:  # a field the model refuses (an id of a wrong form …)
            raise SelectionError(
                f"the need cannot be posted: {error}",
                notice=f"中介服务需求不能按此发布：{error}",
            ) from None
        self._add(need, {"action": "posted", "service_code": service_code})
        return need

    def _next_need_id(self, year: int) -> str:
        number = self.store.count(_NEED_KIND) + 1
        while self.store.get(_NEED_KIND, f"XQ-{year}-{number:04d}") is not None:
            number += 1
        return f"XQ-{year}-{number:04d}"

    def need(self, need_id: str) -> Need:
        """The stored need ``need_id``.

        :raises NeedNotFoundError: none is stored."""
        stored = self.store.get(_NEED_KIND, need_id)
        if stored is None:
            raise NeedNotFoundError(
                f"no need {need_id!r} is stored", notice=f"没有编号为 {need_id} 的中介服务需求"
            )
        return stored.record

    def commit(
        self,
        need_id: str,
        witnesses: Sequence[Witness] | None = None,
        *,
        commitment: str | None = None,
        names: Sequence[str] = (),
    ) -> Need:
        """Publish the commitment of the draw for ``need_id`` before it is made: the
        SHA-256 of the need's id and the ``witnesses``' contributions
        (:func:`govservice.intermediaries.draw.commitment`), or a ``commitment`` the
        witnesses computed themselves (with their ``names``). Only the commitment and
        the names are stored; the contributions are revealed at the draw
        (:meth:`select`), where they must give the same commitment.

        :raises CommitmentError: a commitment is published already, or none is given.
        """
        stored = self.store.get(_NEED_KIND, need_id)
        if stored is None:
            self.need(need_id)
        need = stored.record
        if need.commitment is not None:
            raise CommitmentError(
                f"need {need_id}: a commitment is published already ({need.commitment})",
                notice=f"需求 {need_id} 已公布摇号承诺值，不能再次公布",
            )
        if witnesses is not None:
            if not witnesses:
                raise CommitmentError(
                    f"need {need_id}: a commitment needs at least one witness",
                    notice=f"需求 {need_id} 的摇号承诺须至少一名见证人",
                )
            commitment = draw.commitment(need_id, witnesses)
            names = [witness.name for witness in witnesses]
        if commitment is None:
            raise CommitmentError(
                f"need {need_id}: give the witnesses or the commitment they computed",
                notice=f"需求 {need_id}：须给出见证人贡献或其承诺值",
            )
        try:
            changed = attrs.evolve(
                need, commitment=commitment, committed_at=self._now(), witness_names=names
            )
        except ValueError as error:
            raise CommitmentError(
                f"need {need_id}: {error}", notice=f"需求 {need_id} 的承诺值不是 SHA-256"
            ) from None
        self._update(changed, stored.version, {"action": "committed", "commitment": commitment})
        return changed

    # --- selections ------------------------------------------------------------------------

    def select(
        self,
        need_id: str,
        *,
        strategy: str | None = None,
        reason: str | None = None,
        witnesses: Sequence[Witness] = (),
        named: str | None = None,
        on: dt.date | None = None,
        declined: Sequence[str] = (),
        write: Callable[[Selection], None] | None = None,
    ) -> Selection:
        """Select an agency for ``need_id`` and store the record (an event of the trail,
        ``{"action": "selected", …}``): :meth:`draft`, then the store. Refused as
        :meth:`draft` is, and when the need has been selected for already and the agency
        chosen did not give it up (``declined``): no drawing again until another comes up.
        Nothing is stored then.

        ``write(record)``, when given, is called in the transaction that stores the record
        (``select --out`` writes its file there): when it raises, nothing is stored.

        :raises SelectionError: selected for already, the agency chosen not declined.
        """
        with self.store.transaction():  # checked, drawn and stored as one: none drawn twice
            return self._select(need_id, strategy, reason, witnesses, named, on, declined, write)

    def _select(
        self,
        need_id: str,
        strategy: str | None,
        reason: str | None,
        witnesses: Sequence[Witness],
        named: str | None,
        on: dt.date | None,
        declined: Sequence[str],
        write: Callable[[Selection], None] | None,
    ) -> Selection:
        earlier = [selection.result for selection in self.of_need(need_id)]
        if missing := sorted(set(earlier) - set(declined)):
            raise SelectionError(
                f"need {need_id} has been selected for already ({', '.join(missing)}); it is "
                "selected again only when the agency chosen gave it up (declined); nothing "
                "was recorded",
                notice=f"需求 {need_id} 已选取中介机构（{'、'.join(missing)}），"
                "仅在被选中机构放弃后方可重新选取",
            )
        record = self.draft(
            need_id,
            strategy=strategy,
            reason=reason,
            witnesses=witnesses,
            named=named,
            on=on,
            declined=declined,
        )
        self._add(
            record,
            {
                "action": "selected",
                "need_id": need_id,
                "strategy": record.strategy,
                "candidates": len(record.candidates),
                "candidates_sha256": record.candidates_sha256,
                "result": record.result,
            },
        )
        if write is not None:
            write(record)
        return record

    def draft(
        self,
        need_id: str,
        *,
        strategy: str | None = None,
        reason: str | None = None,
        witnesses: Sequence[Witness] = (),
        named: str | None = None,
        on: dt.date | None = None,
        declined: Sequence[str] = (),
    ) -> Selection:
        """The selection of an agency for ``need_id``, made but not stored (what
        :meth:`select` stores).

        Eligibility is judged on ``on`` (today by the centre's clock; a day from the
        need's posting to today, so that no day is chosen on which an agency barred
        today was eligible, or a competitor was not). ``strategy``
        (the need's own when None) chooses among the candidates; a draw needs the
        commitment published before (:meth:`commit`), and ``witnesses`` reveal the
        contributions that give it. A direct choice (``direct``) names the agency
        (``named``) and needs a written ``reason``. ``declined`` are agencies that gave
        up the need after an earlier selection of it (each the result of one): they are left out (listed among the
        excluded, 已放弃本需求), so that the draw made again is among the others.

        :raises NeedNotFoundError: no such need.
        :raises NoEligibleCandidateError: nobody may be selected (each agency offering the
            service is named with why not).
        :raises DirectReasonError: a direct choice without a reason or an eligible agency.
        :raises CommitmentError: a draw without its commitment, or contributions that do
            not give it.
        :raises StrategyResultError: a strategy chose what its record cannot re-run.
        """
        need = self.need(need_id)
        at = self._now()
        day = on or at.date()
        posted = need.posted_at.astimezone(SHANGHAI).date()
        if not posted <= day <= at.date():  # another day would let in whom today bars
            raise SelectionError(
                f"need {need_id}: eligibility is judged on a day from the need's posting "
                f"({posted}) to today ({at.date()}), not on {day}; nothing was recorded",
                notice=f"需求 {need_id} 的资格审查日须在需求发布之日（{posted}）至今日"
                f"（{at.date()}）之间，不能按 {day} 选取",
            )
        if strategy is not None and strategy != need.strategy:  # no shopping for a method
            raise SelectionError(
                f"need {need_id} was published to be met by {need.strategy!r}, not "
                f"{strategy!r}; nothing was recorded",
                notice=f"需求 {need_id} 发布的选取方式为{_strategy_label(need.strategy)}，"
                f"不能改用{_strategy_label(strategy)}",
            )
        name = need.strategy
        plugin, chooser = self._strategy(name)
        if name == "direct" and not (reason and reason.strip()):
            raise DirectReasonError(
                f"need {need_id}: a direct choice needs a written reason",
                notice=f"需求 {need_id} 直接选取中介机构，须写明理由",
            )
        found = self.eligible(need.service_code, day)
        if declined:
            gave_up = set(declined)
            chosen_before = {earlier.result for earlier in self.of_need(need_id)}
            if unknown := sorted(gave_up - chosen_before):
                raise SelectionError(
                    f"need {need_id}: {', '.join(unknown)} was never selected for it, so "
                    "cannot have given it up; nothing was recorded",
                    notice=f"需求 {need_id}：{'、'.join(unknown)} 未曾被选中，不能作为已放弃的机构排除",
                )
            found = Eligibility(
                found.service_code,
                found.on,
                tuple(c for c in found.candidates if c.credit_code not in gave_up),
                tuple(
                    sorted(
                        [*found.excluded]
                        + [
                            (c.credit_code, "已放弃本需求")
                            for c in found.candidates
                            if c.credit_code in gave_up
                        ]
                    )
                ),
            )
        if not found.candidates:
            why = "; ".join(f"{code}: {text}" for code, text in found.excluded) or "none offers it"
            raise NoEligibleCandidateError(
                f"need {need_id}: no agency is eligible for {need.service_code} on {day} ({why})",
                notice=f"需求 {need_id}：{day} 没有符合条件的中介机构可供选取"
                + (
                    f"（{'；'.join(f'{c} {t}' for c, t in found.excluded)}）"
                    if found.excluded
                    else ""
                ),
            )
        codes = found.codes
        digest = draw.candidates_digest(codes)
        witnesses = tuple(witnesses)
        seed = None
        stream: draw.DrawStream
        if need.commitment is None:
            stream = _Refused(
                CommitmentError(
                    f"need {need_id}: no commitment is published; publish it (commit) "
                    "before the draw",
                    notice=f"需求 {need_id} 尚未公布摇号承诺值，须先公布再摇号",
                )
            )
        elif (revealed := draw.commitment(need_id, witnesses)) != need.commitment:
            stream = _Refused(
                CommitmentError(
                    f"need {need_id}: the contributions revealed give {revealed}, not the "
                    f"commitment published, {need.commitment}",
                    notice=f"需求 {need_id}：见证人当场提供的贡献与事先公布的承诺值不符",
                )
            )
        else:
            seed = draw.seed(need.commitment, digest)
            stream = draw.DrawStream(seed)
        candidates: Sequence[Candidate] = found.candidates
        if getattr(chooser, "uses_scores", False):
            candidates = self._with_scores(candidates, day)
        try:
            choice = chooser(candidates, need, stream, named)
        except GovServiceError:
            raise
        except Exception as error:
            raise StrategyResultError(
                f"selection strategy {name!r} of plugin {plugin!r} failed: {error!r}"
            ) from None
        if not isinstance(choice, Choice):
            raise StrategyResultError(
                f"selection strategy {name!r} of plugin {plugin!r} returned no Choice "
                f"but {type(choice).__name__}; nothing was recorded"
            )
        if choice.ranked is not None and choice.ranked not in draw.RANKINGS:
            raise StrategyResultError(
                f"selection strategy {name!r} of plugin {plugin!r} ranked {choice.ranked!r}, "
                f"not one of {', '.join(draw.RANKINGS)}; nothing was recorded"
            )
        if choice.result not in codes:
            if choice.direct:
                raise DirectReasonError(
                    f"need {need_id}: {choice.result or 'no agency'} named for a direct "
                    f"choice is not eligible for {need.service_code} on {day}",
                    notice=f"需求 {need_id}：直接选取的机构 {choice.result or '（未指定）'} "
                    "不在符合条件的机构之中"
                    + (
                        f"（{dict(found.excluded)[choice.result]}）"
                        if choice.result in dict(found.excluded)
                        else ""
                    ),
                )
            raise StrategyResultError(
                f"selection strategy {name!r} of plugin {plugin!r} chose {choice.result!r}, "
                "which is not a candidate"
            )
        if choice.direct and not (reason and reason.strip()):
            raise DirectReasonError(
                f"need {need_id}: strategy {name!r} makes a direct choice, which needs a "
                "written reason",
                notice=f"需求 {need_id} 直接选取中介机构，须写明理由",
            )
        if not choice.direct and seed is None:
            stream.block()  # refused: a draw or a ranking needs the commitment first
        try:
            record = self._record(
                need, name, day, at, found, digest, witnesses, seed, choice, reason
            )
        except ValueError as error:  # a reason the record refuses (a control character …)
            raise SelectionError(
                f"need {need_id}: the selection cannot be recorded: {error}",
                notice=f"需求 {need_id} 的选取记录不能按此填写：{error}",
            ) from None
        checked = draw.verify(record)
        if not checked.ok or checked.drawn == choice.direct:
            raise StrategyResultError(
                f"selection strategy {name!r} of plugin {plugin!r} chose {choice.result}, "
                "which its record does not re-run to: "
                + "; ".join(
                    f"{d.field}: {d.recorded} != {d.computed}" for d in checked.differences
                )
            )
        return record

    def _record(
        self,
        need: Need,
        name: str,
        day: dt.date,
        at: dt.datetime,
        found: Eligibility,
        digest: str,
        witnesses: tuple[Witness, ...],
        seed: str | None,
        choice: Choice,
        reason: str | None,
    ) -> Selection:
        return Selection(
            id=self._next_selection_id(need.id),
            need_id=need.id,
            service_code=need.service_code,
            region=need.region,
            strategy=name,
            on=day,
            at=at,
            candidates=found.codes,
            candidates_sha256=digest,
            excluded=found.excluded,
            witnesses=() if choice.direct else witnesses,
            commitment=None if choice.direct else need.commitment,
            committed_at=None if choice.direct else need.committed_at,
            seed=None if choice.direct else seed,
            algorithm="direct" if choice.direct else draw.ALGORITHM,
            algorithm_version=1 if choice.direct else draw.VERSION,
            scores=choice.scores,
            ranked=choice.ranked,
            reason=(reason or "").strip() or None,
            result=choice.result,
        )

    def _next_selection_id(self, need_id: str) -> str:
        number = 1
        while self.store.get(_SELECTION_KIND, f"{need_id}-{number}") is not None:
            number += 1
        return f"{need_id}-{number}"

    def get(self, selection_id: str) -> Selection:
        """The stored selection ``selection_id``.

        :raises NeedNotFoundError: none is stored."""
        stored = self.store.get(_SELECTION_KIND, selection_id)
        if stored is None:
            raise NeedNotFoundError(
                f"no selection {selection_id!r} is stored",
                notice=f"没有编号为 {selection_id} 的选取记录",
            )
        return stored.record

    def of_need(self, need_id: str) -> list[Selection]:
        """The selections made for ``need_id``, in the order they were made."""
        found = []
        number = 1
        while (stored := self.store.get(_SELECTION_KIND, f"{need_id}-{number}")) is not None:
            found.append(stored.record)
            number += 1
        return found

    def all(self, region: str | None = None) -> list[Selection]:
        """Every stored selection (of ``region``), by id."""
        return list(every(self.store, _SELECTION_KIND, region=region))

    def direct(
        self,
        region: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[Selection]:
        """The direct choices (直接选取) made without a draw, with their written reasons,
        made from ``since`` to ``until`` (their ``on``; either open): what supervision
        lists (``govservice supervise``), by id."""
        return [
            s
            for s in every(self.store, _SELECTION_KIND, region=region)
            if s.seed is None
            and s.reason
            and (since is None or s.on >= since)
            and (until is None or s.on <= until)
        ]

    def verify(self, selection: Selection) -> draw.VerifyResult:
        """Re-run the draw of ``selection`` from the record alone
        (:func:`govservice.intermediaries.draw.verify`), then, when the centre holds the
        need, against what it published before the draw (the need's commitment and its
        time: a record re-made whole, contributions and all, no longer matches them) and
        against the selection it stored (a record whose candidates, exclusions, ranking or
        result were changed, the digests and seed made again to agree, no longer matches
        it; a record the centre never stored is a difference too)."""
        result = draw.verify(selection)
        stored = self.store.get(_NEED_KIND, selection.need_id)
        kept = self.store.get(_SELECTION_KIND, selection.id)
        if stored is None and kept is None:  # another centre's: the record alone is all
            return result
        found = list(result.differences)
        if stored is not None and result.drawn:
            need = stored.record
            found += [
                draw.Difference(field, str(recorded), str(published), text)
                for field, recorded, published, text in (
                    (
                        "commitment",
                        selection.commitment,
                        need.commitment,
                        "与需求事先公布的承诺值不符",
                    ),
                    (
                        "committed_at",
                        selection.committed_at,
                        need.committed_at,
                        "与需求公布承诺值的时间不符",
                    ),
                )
                if recorded != published
            ]
        if kept is None:
            found.append(draw.Difference("id", selection.id, None, "中心没有存档这条选取记录"))
        else:
            given, archived = to_document(selection), to_document(kept.record)
            named = {d.field for d in found}
            for field in sorted((given.keys() | archived.keys()) - named):
                if given.get(field) != archived.get(field):
                    found.append(
                        draw.Difference(
                            field,
                            _shown(given.get(field)),
                            _shown(archived.get(field)),
                            "与中心存档的选取记录不符",
                        )
                    )
        return attrs.evolve(result, differences=tuple(found))


def _shown(value: Any) -> str | None:
    """A field of a record as a difference shows it: a text or number as it is, a list
    as its length (the whole list is the record's)."""
    if value is None or isinstance(value, str | int):
        return None if value is None else str(value)
    return f"{len(value)} 项"


def quarter_ended_before(day: dt.date) -> tuple[int, int]:
    """The (year, quarter) of the last quarter that ended before ``day``."""
    quarter = (day.month - 1) // 3 + 1
    return (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)


def _latest_score(store: Any, credit_code: str, day: dt.date) -> dict[str, Any]:
    """``score`` and ``quarter`` of the latest quarter of ``credit_code`` assessed that
    ended before ``day`` (empty when there is none): the last four quarters looked up by
    key (an agency is assessed every quarter), else every stored quarter of the agency."""
    year, quarter = quarter_ended_before(day)
    for _ in range(4):
        stored = store.get("agency-quarter", f"{credit_code}-{year}-Q{quarter}")
        if stored is not None:
            return {"score": stored.record.score, "quarter": f"{year}Q{quarter}"}
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    last = (year, quarter)
    best: Any = None
    after = credit_code
    prefix = credit_code + "-"
    while True:
        page = store.list("agency-quarter", limit=8, after=after)
        mine = [s.record for s in page.records if s.record.credit_code == credit_code]
        for found in mine:
            if (found.year, found.quarter) <= last and (
                best is None or (found.year, found.quarter) > (best.year, best.quarter)
            ):
                best = found
        if page.next_after is None or not page.next_after.startswith(prefix):
            break
        after = page.next_after
    if best is None:
        return {}
    return {"score": best.score, "quarter": f"{best.year}Q{best.quarter}"}
