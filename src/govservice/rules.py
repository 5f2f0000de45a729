"""What local rules and fee policies return: findings and fee adjustments."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from govservice.model import _checks


class Severity(enum.StrEnum):
    """``block`` stops the action; ``warn`` is recorded and the action goes on."""

    BLOCK = "block"
    WARN = "warn"


class Action(enum.StrEnum):
    """The moments at which local rules are consulted."""

    APPLY = "apply"
    ACCEPT = "accept"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    REVIEW = "review"
    SUSPEND = "suspend"
    RESUME = "resume"
    DECIDE = "decide"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"


@attrs.frozen(kw_only=True)
class Finding:
    """One finding of a local rule: a stable code, a message for the clerk, a severity.

    ``plugin`` is filled in by the core with the name of the plugin that returned it.
    """

    code: str = attrs.field(validator=_checks.non_empty)
    message: str = attrs.field(validator=_checks.non_empty)
    severity: Severity = attrs.field(default=Severity.BLOCK, converter=Severity)
    plugin: str | None = None

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.BLOCK


@attrs.frozen(kw_only=True)
class FeeAdjustment:
    """A county's change to one fee of an item for one case: a lower amount, and why.

    ``amount`` of ``Decimal("0")`` waives the fee. When several adjustments name the same
    fee the lowest amount wins (the applicant gets the most favourable policy).
    """

    fee: str = attrs.field(validator=_checks.non_empty)
    amount: Decimal = attrs.field(validator=_checks.yuan)
    reason: str = attrs.field(validator=_checks.non_empty)
