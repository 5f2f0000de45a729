"""Who acts on a case (:class:`Actor`), and the refusal of an action to a role.

Whether an actor may act on a particular case (the registry of staff, the applicant, a
mandate) is decided in :mod:`~govservice.workflow.authority`.
"""

from __future__ import annotations

import attrs

from govservice.errors import RoleError, WorkflowError
from govservice.model import Role
from govservice.model._checks import unsafe_character


def _actor_name(instance: Actor, attribute: attrs.Attribute, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise WorkflowError("an actor is named (who acts)")
    _safe("Actor.name", value)


def _actor_id(instance: Actor, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise WorkflowError("an actor's id, when given, is not empty")
    if value is not None:
        _safe("Actor.id", value)


def _safe(field: str, value: str) -> None:
    """Who acts is shown on screens and in the trail: no control character, no line
    break, no bidirectional override (a forged history line)."""
    found = unsafe_character(value)
    if found is not None:
        raise WorkflowError(
            f"{field}: character {found[0] + 1} is {found[1]}; who acts is one line of "
            "text without control characters or bidirectional overrides"
        )


@attrs.frozen
class Actor:
    """Who acts, in which role, as the integrator authenticated them.

    ``id`` is the identifier the integrator authenticated (the library does not
    authenticate; see "Who may act" in ``docs/workflow.md``):

    - an applicant: the applicant's identifier number (统一社会信用代码 of an enterprise,
      居民身份证号码 of a person), compared with ``Case.applicant``; without it an
      applicant is refused;
    - an agent (代理人) from outside: their own identifier number, compared with the
      mandates (委托书) recorded on the case;
    - staff (window clerks, reviewers, approvers, supervisors, the centre's agents): the
      staff number (工号) of the registry of staff. ``Actor(name, role)`` without one finds
      the member of staff by name at the case's station (refused when two share it).

    The trail records ``name``; an identity number never appears unmasked in a refusal.
    """

    name: str = attrs.field(validator=_actor_name)
    role: Role = attrs.field(converter=Role)
    id: str | None = attrs.field(default=None, validator=_actor_id, kw_only=True)


def role_error(
    actor: Actor,
    roles: frozenset[Role],
    action: str,
    label: str,
    *,
    where: str,
    recorded: bool = False,
) -> RoleError:
    """The error telling ``actor`` that only ``roles`` may take ``action``."""
    allowed = ", ".join(sorted(role.value for role in roles))
    said = ". The attempt is recorded" if recorded else ""
    return RoleError(
        f"{actor.name} ({actor.role.value}) may not {action} ({label}); allowed: {allowed}{said}",
        where=where,
    )


def check_role(
    actor: Actor, roles: frozenset[Role], action: str, label: str, *, where: str
) -> None:
    """Raise :class:`RoleError` unless ``actor``'s role is one of ``roles``."""
    if actor.role not in roles:
        raise role_error(actor, roles, action, label, where=where)
