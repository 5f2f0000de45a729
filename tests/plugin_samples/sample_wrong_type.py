"""A plugin whose hooks return the wrong types."""

from govservice.hookspecs import hookimpl


@hookimpl
def govservice_case_rules(case, item, action):
    return ["缺少材料"]  # texts, not Finding objects


@hookimpl
def govservice_extra_materials(item, case):
    return 42  # not even a list
