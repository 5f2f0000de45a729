"""Blacklist entries (黑名单): subjects barred from public-resource trading or agency work.

An entry's life has three dates kept apart (a ban may outlast its publication, and the
reverse):

- the listing (``listed_on``, 列入日期), the day the authority decided it;
- the publication period (公示期 / 发布期, ``publish_from`` … ``publish_until``): while it
  is shown to the public (the exposure board);
- the penalty period (惩戒期, ``penalty_from`` … ``penalty_until``): while it bars its
  subject (screening).

It may be revoked early with a reason (信用修复, credit repair: :class:`Revocation`); it
expires by itself when both periods have ended (``in_force_on`` and ``published_on`` are
derived from the dates and the day; ``expired_on`` only records the day the centre noted
the expiry in its trail).

Its provenance is :class:`ListingSource`: the kind of list (our own, a court's, another
city's, a national sector list), the region, who supplied it, when the centre received it
(its clock), and the source's own record id, kept as is: a court's case number such as
``(2019)皖1122执1194号`` need not fit our id pattern.

A court's list of dishonest debtors (失信被执行人) publishes more than our own list: every
published field has its own field in :class:`CourtRecord`. A national sector list
(government procurement, consumption restriction, construction market grades) has its own
in :class:`SectorRecord`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum, Party


class SourceKind(LabelledEnum):
    """Where a listing comes from."""

    OWN = "own", "本级认定"
    COURT = "court", "法院失信被执行人名单"
    OTHER_CITY = "other_city", "外市共享"
    NATIONAL_SECTOR = "national_sector", "全国行业领域名单"


class SectorList(LabelledEnum):
    """A national sector list (全国行业领域黑名单), the lists a national sector publishes."""

    GOVERNMENT_PROCUREMENT = "government_procurement", "政府采购严重违法失信行为记录名单"
    CONSUMPTION_RESTRICTION = "consumption_restriction", "限制消费人员名单"
    CONSTRUCTION_MARKET = "construction_market", "建筑市场主体信用评价"
    OTHER = "other", "其他行业领域名单"


class Sex(LabelledEnum):
    """A person's sex as a court publishes it (性别)."""

    MALE = "male", "男"
    FEMALE = "female", "女"


class EntryStatus(LabelledEnum):
    """Where an entry stands on a day (:meth:`BlacklistEntry.status_on`)."""

    PENDING = "pending", "未生效"
    IN_FORCE = "in_force", "惩戒中"
    PUBLISHED = "published", "公示中"
    """Shown to the public, its penalty period over (or not begun)."""
    REVOKED = "revoked", "已移出"
    """Revoked before its end, for the reason its revocation gives (信用修复 most often)."""
    EXPIRED = "expired", "已期满"


def _aware(instance: object, attribute: attrs.Attribute, value: dt.datetime | None) -> None:
    _checks.aware(instance, attribute, value)


@attrs.frozen(kw_only=True)
class ListingSource:
    """The provenance of an entry: the list it came from and how it reached the centre."""

    kind: SourceKind = attrs.field(converter=SourceKind)
    region: str = attrs.field(validator=_checks.region_code)
    """The region of the list (ours 370500, Dezhou 371400; a court's: the court's city)."""
    record_id: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The entry's identifier in the source's own list, kept as is (a court's case number
    ``(2019)皖1122执1194号``), for exchange, merging and revocation."""
    name: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """Who supplied the list, in words (德州市公共资源交易中心, 东营市中级人民法院)."""
    received_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    """When the centre received the entry (its clock); None for our own, made here."""
    signer: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """The key id that signed the file it came in (a partner city's exchange file)."""


@attrs.frozen(kw_only=True)
class Revocation:
    """A listing lifted before its end (移出, most often 信用修复: credit repair)."""

    on: dt.date
    reason: str = attrs.field(validator=_checks.non_empty)
    authority: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """Who decided it, when not the authority that listed the entry."""


@attrs.frozen(kw_only=True)
class RelatedParty:
    """A person a court lists with an enterprise debtor (``qysler``): its name, its
    number as published (an identity number masked), its role."""

    name: str = attrs.field(validator=_checks.non_empty)
    """``iname``."""
    card_number: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """``cardNum`` as published (masked 10 + ``****`` + 4)."""
    role: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """``corporationtypename`` (法定代表人, 负责人 ...)."""


@attrs.frozen(kw_only=True)
class CourtRecord:
    """What a court publishes of a dishonest debtor (失信被执行人), each field its own.

    The subject's name (``iname``) and identity number or organisation code as published
    (``cardNum``, an identity number masked 10 + ``****`` + 4) are the entry's
    ``subject``; the case number (``caseCode``) is also the source's ``record_id``. The
    names in brackets are the keys of the court's published JSON.
    """

    case_number: str = attrs.field(validator=_checks.non_empty)
    """案号 (``caseCode``), e.g. ``(2019)皖1122执1194号``."""
    court: str = attrs.field(validator=_checks.non_empty)
    """执行法院 (``courtName``)."""
    province: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """省份 (``areaName``), in words as published (山东)."""
    legal_representative: str | None = attrs.field(
        default=None, validator=_checks.optional_non_empty
    )
    """法定代表人或者负责人姓名 (``businessEntity``), for an organisation."""
    sex: Sex | None = attrs.field(default=None, converter=attrs.converters.optional(Sex))
    """性别 (``sexy``), for a person."""
    age: int | None = attrs.field(default=None)
    """年龄 (``age``) as published, for a person."""
    enforcement_basis_number: str | None = attrs.field(
        default=None, validator=_checks.optional_non_empty
    )
    """执行依据文号 (``gistId``)."""
    enforcement_basis_unit: str | None = attrs.field(
        default=None, validator=_checks.optional_non_empty
    )
    """做出执行依据单位 (``gistUnit``)."""
    filed_on: dt.date | None = None
    """立案时间 (``regDate``)."""
    obligation: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """生效法律文书确定的义务 (``duty``)."""
    performance: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """被执行人的履行情况 (``performance``): 全部未履行, 部分未履行 ..."""
    performed_part: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """已履行部分 (``performedPart``), as published."""
    unperformed_part: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """未履行部分 (``unperformPart``), as published."""
    dishonest_conduct: tuple[str, ...] = attrs.field(
        default=(), converter=_checks.as_tuple, validator=_checks.each_non_empty
    )
    """失信被执行人行为具体情形 (``disruptTypeName``): a list, one situation each."""
    published_on: dt.date | None = None
    """发布时间 (``publishDate``)."""
    published_id: int | None = None
    """The court's own id of the record (``id``), besides its case number."""
    party_type: str | None = attrs.field(default=None, validator=_checks.one_line)
    """``partyTypeName`` as published (may be empty)."""
    related_parties: tuple[RelatedParty, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    """The persons listed with an enterprise debtor (``qysler``)."""

    def __attrs_post_init__(self) -> None:
        if self.age is not None and not (type(self.age) is int and 0 <= self.age <= 150):
            raise ValueError(f"CourtRecord.age must be a whole number 0 to 150, not {self.age!r}")
        if self.published_id is not None and not (
            type(self.published_id) is int and 0 <= self.published_id < 2**63
        ):
            raise ValueError(
                f"CourtRecord.published_id must be a whole number 0 or more, not "
                f"{self.published_id!r}"
            )
        _checks.not_after("filed_on", "published_on")(self)


@attrs.frozen(kw_only=True)
class SectorRecord:
    """What a national sector list publishes of an entry beyond our own fields."""

    list: SectorList = attrs.field(converter=SectorList)
    penalty_result: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """处罚结果 (罚款 5 万元, 一年内禁止参加政府采购活动), as published."""
    ban_period: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """禁止期限 as published (一年, 三年); the days are the entry's penalty period."""
    penalty_on: dt.date | None = None
    """处罚日期."""
    grade: str | None = attrs.field(default=None, validator=_checks.optional_non_empty)
    """信用等级 on a graded list (a construction market grade: D 级)."""
    conduct: str | None = attrs.field(default=None, validator=_checks.paragraph)
    """严重违法失信行为的具体情形, as published, when it is more than the entry's reason."""


def _revocation(instance: BlacklistEntry, attribute: attrs.Attribute, value: object) -> None:
    if isinstance(value, Revocation) and value.on < instance.listed_on:
        raise ValueError(
            f"BlacklistEntry.revocation: revoked on {value.on}, before listed on "
            f"{instance.listed_on}"
        )


def _entry_checks(entry: BlacklistEntry) -> None:
    _checks.not_after("penalty_from", "penalty_until")(entry)
    _checks.not_after("publish_from", "publish_until")(entry)
    kind = entry.source.kind
    if kind is SourceKind.NATIONAL_SECTOR and entry.sector is None:
        raise ValueError(
            "BlacklistEntry.sector: an entry of a national sector list names its list "
            "(SectorRecord)"
        )
    if entry.sector is not None and kind not in (
        SourceKind.NATIONAL_SECTOR,
        SourceKind.OTHER_CITY,
    ):
        raise ValueError(
            f"BlacklistEntry.sector: an entry from a {kind.value} list has no sector record"
        )
    if entry.court is not None:
        if kind not in (SourceKind.COURT, SourceKind.OTHER_CITY):
            raise ValueError(
                f"BlacklistEntry.court: an entry from a {kind.value} list has no court record"
            )
        record_id = entry.source.record_id
        if (
            kind is SourceKind.COURT
            and record_id is not None
            and record_id != entry.court.case_number
        ):
            raise ValueError(
                f"BlacklistEntry.source.record_id: {record_id!r} is not the court's case "
                f"number {entry.court.case_number!r}"
            )
    if entry.expired_on is not None:
        last = entry.ends_on
        if last is None:
            raise ValueError(
                "BlacklistEntry.expired_on: an entry whose penalty or publication has no "
                "end never expires"
            )
        if entry.expired_on <= last:
            raise ValueError(
                f"BlacklistEntry.expired_on ({entry.expired_on}) is not after the end of "
                f"its periods ({last})"
            )


@attrs.frozen(kw_only=True)
class BlacklistEntry:
    """One listing of an enterprise or a person."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "BL-2015-0001"))
    """Ours (``BL-2015-0001``), or derived from the source's record id
    (:func:`derived_entry_id`)."""
    subject: Party
    reason: str = attrs.field(validator=_checks.non_empty)
    """列入事由, in words."""
    authority: str = attrs.field(validator=_checks.non_empty)
    """认定机关: who listed it."""
    legal_basis: str | None = None
    source: ListingSource
    fine: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    """A fine imposed with the listing (罚款), in yuan, when there was one."""
    listed_on: dt.date
    """列入日期: the day the authority decided the listing."""
    penalty_from: dt.date
    """惩戒期 from: the first day it bars its subject."""
    penalty_until: dt.date | None = None
    """惩戒期 until (inclusive); None: until revoked."""
    publish_from: dt.date | None = None
    """公示期 from; None: from ``listed_on``."""
    publish_until: dt.date | None = None
    """公示期 until (inclusive); None: as long as the penalty period (open when that is)."""
    subject_region: str | None = attrs.field(default=None, validator=_checks.region_code)
    """Where the subject is registered or lives (GB/T 2260), when known: matching by name
    is within a region. None: the one a credit code embeds, if any (:attr:`region_of_subject`)."""
    court: CourtRecord | None = None
    """The court's published fields, for an entry of a court's list of dishonest debtors."""
    sector: SectorRecord | None = None
    """The sector's published fields, for an entry of a national sector list."""
    revocation: Revocation | None = attrs.field(default=None, validator=_revocation)
    expired_on: dt.date | None = None
    """The day the centre recorded the entry's expiry in its trail (its periods had
    ended); informational: :meth:`in_force_on` is derived from the dates."""

    def __attrs_post_init__(self) -> None:
        _entry_checks(self)

    # --- derived from the dates and the day -----------------------------------------------

    def revoked_on(self, day: dt.date) -> bool:
        """Whether the listing was revoked on or before ``day``."""
        return self.revocation is not None and self.revocation.on <= day

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the listing bars its subject on ``day`` (its penalty period)."""
        if self.revoked_on(day) or day < self.penalty_from:
            return False
        return self.penalty_until is None or day <= self.penalty_until

    @property
    def publication_start(self) -> dt.date:
        """The first day of publication: ``publish_from``, else ``listed_on``."""
        return self.publish_from if self.publish_from is not None else self.listed_on

    @property
    def publication_end(self) -> dt.date | None:
        """The last day of publication: ``publish_until``, else the penalty period's end
        (None: open)."""
        return self.publish_until if self.publish_until is not None else self.penalty_until

    def published_on(self, day: dt.date) -> bool:
        """Whether the listing is shown to the public on ``day`` (its publication period);
        a revoked listing is withdrawn from publication."""
        if self.revoked_on(day) or day < self.publication_start:
            return False
        end = self.publication_end
        return end is None or day <= end

    @property
    def ends_on(self) -> dt.date | None:
        """The last day either period lasts (None: open): after it the entry has expired."""
        end = self.publication_end
        if self.penalty_until is None or end is None:
            return None
        return max(self.penalty_until, end)

    def expired_by(self, day: dt.date) -> bool:
        """Whether both periods had ended before ``day`` (automatic expiry), unrevoked."""
        end = self.ends_on
        return end is not None and end < day and not self.revoked_on(day)

    def status_on(self, day: dt.date) -> EntryStatus:
        """Where the entry stands on ``day``."""
        if self.revoked_on(day):
            return EntryStatus.REVOKED
        if self.in_force_on(day):
            return EntryStatus.IN_FORCE
        if self.published_on(day):
            return EntryStatus.PUBLISHED
        if self.expired_by(day):
            return EntryStatus.EXPIRED
        return EntryStatus.PENDING


def derived_entry_id(source: ListingSource, *parts: str) -> str:
    """An entry id derived from its source's record id (which need not fit our pattern)
    and ``parts`` that tell apart several entries of one record (a court's case number may
    list a company and its guarantor: their numbers): ``{kind}-{region}-{first 16 hex of
    SHA-256 of "record_id|part|..."}``, e.g. ``court-370500-3f9a…``; the same record of
    the same source always gets the same id."""
    if source.record_id is None:
        raise ValueError("derived_entry_id: the source gives no record id to derive from")
    text = "|".join((source.record_id, *parts))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{source.kind.value.replace('_', '-')}-{source.region}-{digest}"
