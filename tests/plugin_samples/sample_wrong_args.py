"""A plugin implementing a real hook with an argument the hook does not have."""

from govservice.hookspecs import hookimpl


@hookimpl
def govservice_case_rules(case, applicant):
    return []
