"""A misspelt hook without the @hookimpl marker: still caught by its prefix."""


def govservice_extra_material(item, case):
    return []
