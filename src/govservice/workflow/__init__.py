"""The case workflow: the state table, deadlines, the actions, supervision, joint review
and the public progress lookup.

- :mod:`~govservice.workflow.transitions`: the state machine as one table.
- :mod:`~govservice.workflow.engine`: :class:`Workflow`, where a case changes state.
- :mod:`~govservice.workflow.session`: reading and writing cases, batches of actions.
- :mod:`~govservice.workflow.actors`: who acts, and the refusal of an action to a role.
- :mod:`~govservice.workflow.authority`: who may act on a case (the registry of staff,
  the applicant, mandates, centre agents).
- :mod:`~govservice.workflow.deadlines`: due dates in working days.
- :mod:`~govservice.workflow.supervision`: lights and the supervision report (电子监察).
- :mod:`~govservice.workflow.projects`: joint review (联审联批).
- :mod:`~govservice.workflow.progress`: the public lookup and its QR code (进度查询).
"""

from govservice.workflow.actors import Actor
from govservice.workflow.engine import Workflow
from govservice.workflow.transitions import TRANSITIONS, Transition

__all__ = ["TRANSITIONS", "Actor", "Transition", "Workflow"]
