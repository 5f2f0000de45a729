"""A plugin whose make_plugin raises (a bug at start-up)."""


def make_plugin(settings):
    raise KeyError("county_code")
