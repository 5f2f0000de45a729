"""govservice: run Chinese government service centres (政务服务中心) as a library.

The public face: :class:`GovService` (one centre: its configuration, clock, plugins and
store), :data:`hookimpl` for plugin authors, and the errors. The domain model lives in
:mod:`govservice.model`, documents are turned
into models with :mod:`govservice.codec`, validated with :mod:`govservice.validation`, and
every deliberate error derives from :class:`govservice.errors.GovServiceError`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govservice.errors import GovServiceError
    from govservice.hookspecs import hookimpl
    from govservice.service import GovService

try:
    __version__ = version("govservice")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = ["GovService", "GovServiceError", "__version__", "hookimpl"]

_LAZY = {
    "GovService": "govservice.service",
    "GovServiceError": "govservice.errors",
    "hookimpl": "govservice.hookspecs",
}


def __getattr__(name: str) -> Any:
    """The public names, loaded when first asked for: importing a module of the package
    (the command's entry point, :mod:`govservice.console`) does not load the library."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'govservice' has no attribute {name!r}")
