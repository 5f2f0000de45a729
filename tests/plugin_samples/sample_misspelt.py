"""A plugin whose author misspelt a hook name (rule instead of rules)."""

from govservice.hookspecs import hookimpl


@hookimpl
def govservice_case_rule(case, item, action):
    return []
