"""A plugin that wraps a hook instead of implementing it."""

from govservice.hookspecs import hookimpl


@hookimpl(wrapper=True)
def govservice_extra_materials(item, case):
    result = yield
    return result
