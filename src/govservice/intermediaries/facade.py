"""``service.intermediaries``: one attribute per part of the supermarket, each on the
service's store and clock."""

from __future__ import annotations

import importlib
from typing import Any

_PARTS = {
    # attribute: (module, class)
    "services": ("service_list", "ServiceList"),
    "agencies": ("agencies", "Agencies"),
    "selections": ("selection", "Selections"),
    "engagements": ("engagements", "Engagements"),
    "assessment": ("assessment", "AgencyAssessment"),
}


class Intermediaries:
    """The intermediary supermarket of ``service``."""

    services: Any
    """The intermediary service list (:class:`~govservice.intermediaries.service_list.ServiceList`)."""
    agencies: Any
    """The agencies and their offers (:class:`~govservice.intermediaries.agencies.Agencies`)."""
    selections: Any
    """Needs and selections (:class:`~govservice.intermediaries.selection.Selections`)."""
    engagements: Any
    """Engagements (:class:`~govservice.intermediaries.engagements.Engagements`)."""
    assessment: Any
    """Quarterly assessment (:class:`~govservice.intermediaries.assessment.AgencyAssessment`)."""

    def __init__(self, service: Any) -> None:
        self.service = service
        for attribute, (module, name) in _PARTS.items():
            try:  # XXX(issue 14, while the parts are built): every part is required
                part = importlib.import_module(f"govservice.intermediaries.{module}")
            except ModuleNotFoundError:
                setattr(self, attribute, None)
            else:
                setattr(self, attribute, getattr(part, name)(service))
