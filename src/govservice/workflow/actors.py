"""Who acts on a case (:class:`Actor`), and the refusal of an action to a role."""

from __future__ import annotations

import attrs

from govservice.errors import RoleError, WorkflowError
from govservice.model import Role


def _actor_name(instance: Actor, attribute: attrs.Attribute, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise WorkflowError("an actor is named (who acts)")


@attrs.frozen
class Actor:
    """Who acts, in which role. An agent (代办员) acts for the applicant (全程代办)."""

    name: str = attrs.field(validator=_actor_name)
    role: Role = attrs.field(converter=Role)


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
