"""``service.intermediaries``: one attribute per part of the supermarket, each on the
service's store and clock."""

from __future__ import annotations

from typing import Any

from govservice.intermediaries.agencies import Agencies
from govservice.intermediaries.assessment import AgencyAssessment
from govservice.intermediaries.engagements import Engagements
from govservice.intermediaries.selection import Selections
from govservice.intermediaries.service_list import ServiceList


class Intermediaries:
    """The intermediary supermarket of ``service``."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.services = ServiceList(service)
        """The intermediary service list (:class:`~govservice.intermediaries.service_list.ServiceList`)."""
        self.agencies = Agencies(service)
        """The agencies and their offers (:class:`~govservice.intermediaries.agencies.Agencies`)."""
        self.selections = Selections(service)
        """Needs and selections (:class:`~govservice.intermediaries.selection.Selections`)."""
        self.engagements = Engagements(service)
        """Engagements (:class:`~govservice.intermediaries.engagements.Engagements`)."""
        self.assessment = AgencyAssessment(service)
        """Quarterly assessment (:class:`~govservice.intermediaries.assessment.AgencyAssessment`)."""
