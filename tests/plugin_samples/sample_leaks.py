"""A plugin whose error message quotes a person's identity number."""

from govservice.hookspecs import hookimpl


@hookimpl
def govservice_case_rules(case, item, action):
    raise RuntimeError("no household record for 370523198001010019")
