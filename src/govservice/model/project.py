"""Joint-review projects (联审联批): one project, several cases in several departments."""

from __future__ import annotations

import datetime as dt

import attrs

from govservice.model import _checks
from govservice.model.common import LabelledEnum, Party


class ProjectState(LabelledEnum):
    """A project is open while any of its cases is; it is completed once, by hand."""

    OPEN = "open", "办理中"
    COMPLETED = "completed", "已办结"


@attrs.frozen(kw_only=True)
class Consultation:
    """A joint consultation (联审会议), recorded once for every case of the project."""

    at: dt.datetime = attrs.field(validator=_checks.aware)
    convened_by: str = attrs.field(validator=_checks.non_empty)
    departments: tuple[str, ...] = attrs.field(
        converter=_checks.as_tuple, validator=[_checks.each_non_empty, _checks.not_empty_tuple]
    )
    conclusions: str = attrs.field(validator=_checks.non_empty)


@attrs.frozen(kw_only=True)
class Project:
    """A project whose approvals are reviewed together, e.g. a key construction project
    (重点建设项目) on the green channel with a dedicated handler and a centre agent.

    Its cases name it in ``Case.project_id``; its progress and combined deadline derive from
    them (:mod:`govservice.workflow.projects`).
    """

    id: str = attrs.field(validator=_checks.matches(_checks.CODE, "XM2015-001"))
    name: str = attrs.field(validator=_checks.non_empty)
    region: str = attrs.field(validator=_checks.region_code)
    owner: Party
    """The enterprise (建设单位) whose project it is."""
    created_at: dt.datetime = attrs.field(validator=_checks.aware)
    state: ProjectState = attrs.field(default=ProjectState.OPEN, converter=ProjectState)
    key_project: bool = False
    """A key construction project (重点建设项目)."""
    green_channel: bool = False
    handler: str | None = None
    """The dedicated handler (专人负责制)."""
    agent: str | None = None
    """The centre's agent who takes the whole set of approvals (全程代办)."""
    consultations: tuple[Consultation, ...] = attrs.field(default=(), converter=_checks.as_tuple)
    completed_at: dt.datetime | None = attrs.field(default=None, validator=_checks.aware)

    def __attrs_post_init__(self) -> None:
        _checks.in_order("created_at", "completed_at")(self)
        if (self.state is ProjectState.COMPLETED) != (self.completed_at is not None):
            raise ValueError("Project.completed_at: set exactly when the project is completed")
