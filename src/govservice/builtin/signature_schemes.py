"""The built-in signature scheme of the blacklist exchange files: Ed25519."""

from __future__ import annotations

from collections.abc import Callable

from govservice.blacklists.signing import Ed25519Scheme, SignatureScheme
from govservice.hookspecs import hookimpl


@hookimpl
def govservice_register_signature_schemes(
    register: Callable[[str, SignatureScheme], None],
) -> None:
    register("ed25519", Ed25519Scheme())
