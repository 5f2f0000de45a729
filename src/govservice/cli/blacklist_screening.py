"""``govservice blacklist screen|override``: screening against the blacklists (黑名单筛查).

``screen`` screens subjects — each argument a credit code, an organisation code, an
identity number (full or masked as published) or a name; or one subject given by
``--name`` with ``--credit-code`` / ``--org-code`` / ``--id-number`` — against the
entries in force on ``--on`` (default today), every source at once. Each hit names the
entry, its source, the features that matched and the score; ``--threshold`` sets the name
similarity (default: ``blacklists.screening.threshold``), ``--exclude ID`` leaves out an
entry already judged not to be the subject, ``--json`` prints the results. Identity
numbers are always masked. Exit 0 whatever is found (the output says it); 2 for a
subject or option that is not one.

``override CASE --reason TEXT`` (a supervisor, ``--role supervisor``) lets the screening
hits of a submitted case pass, so that it can be accepted for an item that requires
screening; the reason is the note of the event, the entries its warnings, on the case and
in the trail.
"""

from __future__ import annotations

import argparse
import json

from govservice.cli.common import day, persistent_store, service_from
from govservice.cli.identity import actor_from, add_identity_options
from govservice.cli.terminal import emit, printable_json
from govservice.errors import ScreeningError, UsageError
from govservice.model.identifiers import mask_identity_numbers


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``screen`` and ``override`` to ``blacklist``."""
    screen = actions.add_parser(
        "screen",
        help="screen subjects by identifier and by name against every list in force",
        description="Screen each SUBJECT (a credit code, an organisation code, an identity "
        "number full or masked, or a name), or one subject given by --name and its numbers, "
        "against the blacklist entries in force on the day: exactly by identifier (a credit "
        "code also matches the organisation code it embeds; a masked identity number by its "
        "visible parts plus the name) and fuzzily by normalised name (rapidfuzz).",
    )
    screen.add_argument("subjects", nargs="*", metavar="SUBJECT")
    screen.add_argument("--name", help="the subject's name (with the options below)")
    screen.add_argument("--credit-code", metavar="USCC", help="its unified social credit code")
    screen.add_argument("--org-code", metavar="CODE", help="its organisation code (组织机构代码)")
    screen.add_argument("--id-number", metavar="NUMBER", help="its identity number")
    screen.add_argument("--on", type=day, metavar="DATE", help="this day (default: today)")
    screen.add_argument(
        "--any-day", action="store_true", help="every entry, in force on the day or not"
    )
    screen.add_argument(
        "--threshold",
        type=float,
        metavar="SCORE",
        help="the name similarity a match must reach, 0 to 100 (default: the configuration's)",
    )
    screen.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ENTRY",
        help="leave out this entry, judged not the subject (repeat for several)",
    )
    screen.add_argument("--json", action="store_true", help="print the results as JSON")
    screen.set_defaults(run=run_screen)

    override = actions.add_parser(
        "override",
        help="a supervisor lets a case's screening hits pass, with the reason",
        description="黑名单筛查放行: the applicant of the submitted case CASE matches blacklist "
        "entries; a supervisor judges the hit not to bar the case (another subject of the "
        "same name, say) and states why. The case may then be accepted; the reason, the "
        "entries and their sources are recorded on the case and in the trail.",
    )
    override.add_argument("case_id", metavar="CASE")
    override.add_argument("--reason", required=True, help="why the hits do not bar the case")
    add_identity_options(override)
    override.set_defaults(run=run_override)


def _subjects(args: argparse.Namespace) -> list:
    from govservice.blacklists.screening import Subject

    subjects = [Subject.of(text) for text in args.subjects]
    if args.name or args.credit_code or args.org_code or args.id_number:
        subjects.append(
            Subject(
                name=args.name,
                credit_code=args.credit_code,
                organisation_code=args.org_code,
                identity_number=args.id_number,
            )
        )
    if not subjects:
        raise UsageError(
            "name a subject: SUBJECT, or --name / --credit-code / --org-code / --id-number"
        )
    return subjects


def run_screen(args: argparse.Namespace) -> int:
    service = service_from(args)
    service.__dict__["store"] = persistent_store(service, create=False)
    try:
        subjects = _subjects(args)
        results = service.blacklists.screening.screen_many(
            subjects,
            day=args.on,
            exclude=args.exclude,
            threshold=args.threshold,
            any_day=args.any_day,
        )
    except ScreeningError as error:
        raise UsageError(error.message, where=error.where) from None
    finally:
        service.store.close()
    if args.json:
        text = json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2)
        emit(printable_json(mask_identity_numbers(text)))
        return 0
    for result in results:
        if not result.matches:
            emit(mask_identity_numbers(f"{result.subject.describe()}：未命中黑名单"))
            continue
        emit(mask_identity_numbers(f"{result.subject.describe()}：命中{len(result.matches)}条"))
        for match in result.matches:
            emit(mask_identity_numbers(f"  {match.explain()}"))
        if result.excluded:
            emit(f"  已排除：{'、'.join(result.excluded)}")
    return 0


def run_override(args: argparse.Namespace) -> int:
    from govservice.workflow import Workflow

    service = service_from(args)
    store = persistent_store(service, create=False)
    service.__dict__["store"] = store  # the screening reads the same store
    try:
        workflow = Workflow(service, store)
        stored = workflow.override_screening(args.case_id, actor_from(args), args.reason)
        event = stored.record.events[-1]
        emit(f"办件 {stored.record.id}：黑名单筛查放行（{event.actor}）：{args.reason}")
        for warning in event.warnings:
            emit(mask_identity_numbers(f"  {warning.message}"))
    finally:
        store.close()
    return 0
