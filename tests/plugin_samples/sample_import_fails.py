"""A plugin that cannot be imported: its dependency is missing."""

import govservice_no_such_dependency  # noqa: F401
