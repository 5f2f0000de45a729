"""Blacklist entries (黑名单): subjects barred from public-resource trading or agency work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum, Party


class SourceKind(LabelledEnum):
    """Where a listing comes from."""

    OWN = "own", "本级认定"
    COURT = "court", "法院失信被执行人名单"
    OTHER_CITY = "other_city", "外市共享"


@attrs.frozen(kw_only=True)
class ListingSource:
    """The list an entry came from: our own, a court's, or another city's."""

    kind: SourceKind = attrs.field(converter=SourceKind)
    region: str = attrs.field(validator=_checks.region_code)
    record_id: str | None = None
    """The entry's identifier in the source's own list, for exchange and revocation."""


@attrs.frozen(kw_only=True)
class Revocation:
    """A listing lifted before its end (移出), with the reason."""

    on: dt.date
    reason: str = attrs.field(validator=_checks.non_empty)


def _revocation(instance: BlacklistEntry, attribute: attrs.Attribute, value: object) -> None:
    if isinstance(value, Revocation) and value.on < instance.listed_on:
        raise ValueError(
            f"BlacklistEntry.revocation: revoked on {value.on}, before listed on "
            f"{instance.listed_on}"
        )


@attrs.frozen(kw_only=True)
class BlacklistEntry:
    """One listing of an enterprise or a person."""

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "BL-2015-0001"))
    subject: Party
    reason: str = attrs.field(validator=_checks.non_empty)
    authority: str = attrs.field(validator=_checks.non_empty)
    legal_basis: str | None = None
    source: ListingSource
    penalty: Decimal | None = attrs.field(default=None, validator=_checks.yuan)
    """A fine imposed with the listing, in yuan, when there was one."""
    listed_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None = None
    revocation: Revocation | None = attrs.field(default=None, validator=_revocation)

    def __attrs_post_init__(self) -> None:
        _checks.not_after("valid_from", "valid_until")(self)

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the listing bars its subject on ``day``."""
        if self.revocation is not None and self.revocation.on <= day:
            return False
        if day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until
