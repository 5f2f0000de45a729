"""A county plugin that declares the region it serves (Kenli, 370505)."""

from govservice.hookspecs import hookimpl
from govservice.model import Material

REGIONS = ("370505",)


@hookimpl
def govservice_extra_materials(item, case):
    return [Material(name="垦利区居住证明", originals=1, copies=0)]
