"""The pure domain model: frozen attrs classes, no I/O, no clock, no plugins.

Change a record with :func:`attrs.evolve`; turn it into a JSON document and back with
:mod:`govservice.codec`.
"""

from govservice.model.blacklist import BlacklistEntry, ListingSource, Revocation, SourceKind
from govservice.model.case import (
    Case,
    CaseEvent,
    CaseState,
    ChargedFee,
    Decision,
    Evaluation,
    Grade,
    Outcome,
    Role,
    SubmittedMaterial,
)
from govservice.model.common import (
    Contact,
    Fee,
    Identifier,
    IdentifierKind,
    Party,
    PartyKind,
    TimeLimit,
    TimeUnit,
)
from govservice.model.intermediary import (
    Intermediary,
    IntermediaryStatus,
    Practitioner,
    Presence,
    Qualification,
    ServiceOffer,
)
from govservice.model.item import (
    Channel,
    HandlingLevel,
    HandlingType,
    Item,
    ItemStatus,
    ItemType,
    Material,
    MaterialForm,
    Requirement,
    StationLevel,
)
from govservice.model.station import Certification, StaffMember, StaffRole, Station, Window

__all__ = [
    "BlacklistEntry",
    "Case",
    "CaseEvent",
    "CaseState",
    "Certification",
    "Channel",
    "ChargedFee",
    "Contact",
    "Decision",
    "Evaluation",
    "Fee",
    "Grade",
    "HandlingLevel",
    "HandlingType",
    "Identifier",
    "IdentifierKind",
    "Intermediary",
    "IntermediaryStatus",
    "Item",
    "ItemStatus",
    "ItemType",
    "ListingSource",
    "Material",
    "MaterialForm",
    "Outcome",
    "Party",
    "PartyKind",
    "Practitioner",
    "Presence",
    "Qualification",
    "Requirement",
    "Revocation",
    "Role",
    "ServiceOffer",
    "SourceKind",
    "StaffMember",
    "StaffRole",
    "Station",
    "StationLevel",
    "SubmittedMaterial",
    "TimeLimit",
    "TimeUnit",
    "Window",
]
