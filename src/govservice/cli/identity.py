"""Who acts, on the command line: the one place the CLI takes an identity from.

The library authorises; whoever runs the command has been authenticated by the integrator
(the centre's sign-on, a wrapper script, a service account), who passes the identity in the
environment: ``GOVSERVICE_ACTOR`` (the name), ``GOVSERVICE_ACTOR_ID`` (the staff number
of a member of staff, or the identifier number of an applicant or an agent) and
``GOVSERVICE_ROLE``. ``--actor``, ``--actor-id`` and ``--role`` replace them (all three:
when any option is given the environment is not read), for training and tests. See "Who may act" in ``docs/workflow.md``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from govservice.errors import UsageError
from govservice.model import Role
from govservice.workflow import Actor

ACTOR_ENV = "GOVSERVICE_ACTOR"
ACTOR_ID_ENV = "GOVSERVICE_ACTOR_ID"
ROLE_ENV = "GOVSERVICE_ROLE"


def add_identity_options(parser: argparse.ArgumentParser) -> None:
    """``--actor``, ``--actor-id`` and ``--role``, each defaulting to its variable."""
    parser.add_argument("--actor", help=f"who acts: a name (default: ${ACTOR_ENV})")
    parser.add_argument(
        "--actor-id",
        help="the identifier the integrator authenticated: a staff number (工号), or an "
        f"applicant's or agent's identifier number (default: ${ACTOR_ID_ENV})",
    )
    parser.add_argument(
        "--role",
        choices=[role.value for role in Role],
        help=f"in what role (default: ${ROLE_ENV})",
    )


def actor_from(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Actor:
    """The :class:`Actor` of the options when any is given, else of the environment: the
    two are never mixed, so an identity is never half one person's and half another's.

    :raises UsageError: no name or no role, or a role that does not exist.
    """
    environ = os.environ if environ is None else environ
    if args.actor or args.actor_id or args.role:  # one identity, never half of each
        name, identifier, role = args.actor, args.actor_id, args.role
    else:
        name, identifier, role = (environ.get(v) for v in (ACTOR_ENV, ACTOR_ID_ENV, ROLE_ENV))
    name, identifier, role = name or None, identifier or None, role or None
    if name is None or role is None:
        missing = " and ".join(
            what
            for what, value in (
                (f"--actor (or ${ACTOR_ENV})", name),
                (f"--role (or ${ROLE_ENV})", role),
            )
            if value is None
        )
        raise UsageError(f"who acts is not given: {missing}")
    try:
        role = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise UsageError(f"${ROLE_ENV}: {role!r} is no role; known: {known}") from None
    return Actor(name, role, id=identifier)
