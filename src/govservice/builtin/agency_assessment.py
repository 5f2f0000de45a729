"""The built-in rules of the agencies' quarterly assessment (中介机构考核细则): the
configuration's ``intermediaries.assessment``, else
:data:`~govservice.model.supermarket.DEFAULT_AGENCY_RULES`. A county's plugin answers
``govservice_agency_assessment_rules`` before this one (it answers ``trylast``)."""

from __future__ import annotations

from typing import Any

from govservice.hookspecs import hookimpl
from govservice.model import AgencyRules


class ConfiguredAgencyRules:
    """The rules the configuration sets (checked when it was loaded), or the built-in ones."""

    def __init__(self, config: Any) -> None:
        from govservice.intermediaries.assessment import configured_rules

        self.rules = configured_rules(config)

    @hookimpl(trylast=True)
    def govservice_agency_assessment_rules(self, region: str) -> AgencyRules:
        return self.rules
