"""The signature schemes of the exchange files between cities (签名算法), behind a hook.

A scheme signs the exact bytes of a file (:mod:`govservice.blacklists.exchange` says which
bytes) with a private key and checks a signature with a partner's public key. Ed25519
(through ``cryptography``, as the trail's checkpoints) is built in; a province that requires
SM2 with SM3 (国密) registers a scheme of its own through
:func:`~govservice.hookspecs.govservice_register_signature_schemes`, under its name
(``sm2-sm3``), and partners name it in their keys (``blacklists.partners[].keys[].scheme``).

A scheme is any object with:

- ``name``: what the file's ``signature.scheme`` says (``ed25519``);
- ``sign(private_key, data) -> bytes``: ``private_key`` is what :meth:`load_private` gave;
- ``verify(public_key, signature, data) -> bool``: ``public_key`` is what
  :meth:`load_public` gave; False for a signature that does not match (never raises for one);
- ``load_private(path) -> object``: the private key in a file;
- ``load_public(text) -> object``: a public key as the configuration holds it
  (:class:`ValueError` when it is not one);
- ``public_text(private_key) -> str``: the public half as the configuration holds it;
- ``key_id(private_key) -> str``: the id a file signed with it names.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govservice.errors import ExchangeConfigError
from govservice.trail.keys import key_id, load_key

ED25519 = "ed25519"


class SignatureScheme(Protocol):
    """What a signature scheme provides (see the module's docstring)."""

    name: str

    def sign(self, private_key: Any, data: bytes) -> bytes: ...

    def verify(self, public_key: Any, signature: bytes, data: bytes) -> bool: ...

    def load_private(self, path: Path) -> Any: ...

    def load_public(self, text: str) -> Any: ...

    def public_text(self, private_key: Any) -> str: ...

    def key_id(self, private_key: Any) -> str: ...


class Ed25519Scheme:
    """Ed25519 (RFC 8032) through ``cryptography``: the built-in scheme.

    A public key is written as PEM (SubjectPublicKeyInfo) or as the base64 of its 32 raw
    bytes; a private key is a PEM file (PKCS#8), as ``govservice audit keygen`` makes one.
    Its key id is the first 16 hex digits of the SHA-256 of the raw public key
    (:func:`govservice.trail.keys.key_id`), as the trail's checkpoints name it."""

    name = ED25519

    def sign(self, private_key: Ed25519PrivateKey, data: bytes) -> bytes:
        return private_key.sign(data)

    def verify(self, public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
        try:
            public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def load_private(self, path: Path) -> Ed25519PrivateKey:
        return load_key(path)

    def load_public(self, text: str) -> Ed25519PublicKey:
        text = text.strip()
        if text.startswith("-----BEGIN"):
            try:
                key = serialization.load_pem_public_key(text.encode("ascii"))
            except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError):
                raise ValueError("not a public key in PEM") from None
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("a PEM public key, but not an Ed25519 one")
            return key
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("neither PEM nor the base64 of 32 bytes") from None
        if len(raw) != 32:
            raise ValueError(f"the base64 of {len(raw)} bytes, not the 32 of an Ed25519 key")
        return Ed25519PublicKey.from_public_bytes(raw)

    def public_text(self, private_key: Ed25519PrivateKey) -> str:
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode("ascii")

    def key_id(self, private_key: Ed25519PrivateKey) -> str:
        return key_id(private_key.public_key())


def schemes_of(service: Any) -> dict[str, SignatureScheme]:
    """The signature schemes registered through the hook (``ed25519`` built in), by name."""
    found = service.plugins.registry("govservice_register_signature_schemes")
    return {name: scheme for name, (_plugin, scheme) in found.items()}


def scheme_named(service: Any, name: str) -> SignatureScheme:
    """The registered scheme called ``name``.

    :raises ExchangeConfigError: none is (naming those that are)."""
    known = schemes_of(service)
    if name not in known:
        raise ExchangeConfigError(
            f"no signature scheme is called {name!r}; registered: "
            f"{', '.join(sorted(known)) or 'none'} (a plugin adds one through "
            "govservice_register_signature_schemes)"
        )
    return known[name]
