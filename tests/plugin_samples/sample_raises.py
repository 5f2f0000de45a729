"""A plugin whose rule raises (a bug in a county's code)."""

from govservice.hookspecs import hookimpl


@hookimpl
def govservice_case_rules(case, item, action):
    raise RuntimeError("county database unreachable")
