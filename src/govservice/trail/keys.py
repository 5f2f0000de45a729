"""The centre's Ed25519 signing key (through ``cryptography``): made, read, named.

The key is a PEM file (PKCS#8, not encrypted: protect it with the file system, readable by
the service's account only). Its *key id* is the first 16 hex digits of the SHA-256 of the
raw public key; every checkpoint names it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govservice.errors import CheckpointError


def generate_key(path: Path) -> Ed25519PrivateKey:
    """Make a new key and write it to ``path`` (mode 0600).

    :raises CheckpointError: ``path`` exists (a key is never overwritten) or cannot be written.
    """
    return write_key(path, Ed25519PrivateKey.generate())


def write_key(path: Path, key: Ed25519PrivateKey) -> Ed25519PrivateKey:
    """Write ``key`` to ``path`` (PEM, PKCS #8, mode 0600); returns it.

    :raises CheckpointError: ``path`` exists (a key is never overwritten) or cannot be written.
    """
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CheckpointError(
            "a file is already there; a signing key is never overwritten (the checkpoints "
            "it signed could no longer be checked): name another file",
            where=str(path),
        ) from None
    except OSError as error:
        raise CheckpointError(f"cannot write the key: {error.strerror}", where=str(path)) from None
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    """The key in the PEM file at ``path``.

    :raises CheckpointError: the file cannot be read or holds no Ed25519 private key.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CheckpointError(
            f"cannot read the signing key (trail.signing_key): {error.strerror}", where=str(path)
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(
            "not an Ed25519 private key in PEM (make one with `govservice audit keygen`)",
            where=str(path),
        )
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as PEM text, to publish beside the checkpoints."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
