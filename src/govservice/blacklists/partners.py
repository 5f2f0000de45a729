"""The partner cities' keys of the configuration, checked (``govservice config check``).

``blacklists.partners`` lists the cities whose signed exchange files are imported
(:mod:`govservice.blacklists.exchange`), each with its keys. An import reads a partner's
key only when a file names it, so a key that cannot be used would be found only the day a
file signed with it arrives. :func:`partner_problems` reads every one now: each partner's
region is a GB/T 2260 code given once; each key's public key is one of its signature
scheme (:meth:`~govservice.blacklists.signing.SignatureScheme.load_public`), its scheme is
registered, its days of validity are dates (``valid_until`` not before ``valid_from``) and
its id is no other key's. Each problem is one :class:`~govservice.errors.PartnerConfigError`
naming the partner, the key and the line of the configuration file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from govservice.blacklists.signing import ED25519, SignatureScheme
from govservice.config import Config
from govservice.errors import PartnerConfigError
from govservice.model import regions

SECTION = ("blacklists", "partners")


def partner_problems(
    config: Config, schemes: Mapping[str, SignatureScheme]
) -> list[PartnerConfigError]:
    """What is wrong with ``blacklists.partners`` of ``config`` (nothing: an empty list),
    each public key read by its scheme among the registered ``schemes`` (by name)."""
    check = _Check(config, schemes)
    partners = config.blacklists.get("partners", ())
    for index, partner in enumerate(partners if isinstance(partners, (list, tuple)) else ()):
        if isinstance(partner, Mapping):  # (anything else is the schema's to report)
            check.partner(index, partner)
    return check.problems


@attrs.define
class _Check:
    config: Config
    schemes: Mapping[str, SignatureScheme]
    problems: list[PartnerConfigError] = attrs.field(factory=list)
    regions_seen: dict[str, tuple] = attrs.field(factory=dict)
    """Each region seen, with the path of its partner."""
    key_ids: dict[str, tuple[str, tuple]] = attrs.field(factory=dict)
    """Each key id seen, with its partner (in words) and the path of its key."""

    def add(self, path: tuple, about: str, message: str) -> None:
        key = ".".join(str(part) for part in path)
        where = self.config.where(*path)
        self.problems.append(PartnerConfigError(f"{key}: {about}: {message}", where=where))

    def partner(self, index: int, partner: Mapping[str, Any]) -> None:
        path = (*SECTION, index)
        region = partner.get("region")
        about = f"partner {partner.get('name') or '?'} ({region})"
        if not isinstance(region, str) or not regions.in_table(region):
            self.add(
                (*path, "region"),
                about,
                f"{region!r} is not in the GB/T 2260 table of region codes (行政区划代码); "
                "give the city's code, which its files claim (德州市: 371400)",
            )
        elif region in self.regions_seen:
            first = self.regions_seen[region]
            self.add(
                (*path, "region"),
                about,
                f"region {region} is given twice (also {_dotted(first)}, "
                f"{self.config.where(*first)}): give each partner once, with all its keys",
            )
        else:
            self.regions_seen[region] = path
        keys = partner.get("keys", ())
        for number, key in enumerate(keys if isinstance(keys, (list, tuple)) else ()):
            if isinstance(key, Mapping):
                self.key((*path, "keys", number), about, key)

    def key(self, path: tuple, partner: str, key: Mapping[str, Any]) -> None:
        key_id = key.get("id")
        about = f"{partner}, key {key_id}"
        if isinstance(key_id, str) and key_id in self.key_ids:
            other, first = self.key_ids[key_id]
            self.add(
                (*path, "id"),
                about,
                f"key id {key_id!r} is given twice (also for {other}, {_dotted(first)}, "
                f"{self.config.where(*first)}): a file names its key by id, so each key "
                "needs an id of its own",
            )
        elif isinstance(key_id, str):
            self.key_ids[key_id] = (partner, path)
        self.public_key(path, about, key)
        start = self.date(path, about, key, "valid_from")
        end = self.date(path, about, key, "valid_until")
        if start is not None and end is not None and end < start:
            self.add(
                (*path, "valid_until"),
                about,
                f"valid_until {end.isoformat()} is before valid_from {start.isoformat()}: "
                "the key would never be valid",
            )

    def public_key(self, path: tuple, about: str, key: Mapping[str, Any]) -> None:
        name = key.get("scheme", ED25519)
        scheme = self.schemes.get(name) if isinstance(name, str) else None
        if scheme is None:
            self.add(
                (*path, "scheme" if "scheme" in key else "public_key"),
                about,
                f"no signature scheme is called {name!r}; registered: "
                f"{', '.join(sorted(self.schemes)) or 'none'} (a plugin adds one through "
                "govservice_register_signature_schemes)",
            )
            return
        text = key.get("public_key")
        if not isinstance(text, str):
            self.add((*path, "public_key"), about, "the public key is missing")
            return
        try:
            scheme.load_public(text)
        except Exception as error:  # (a plugin's scheme may raise anything)
            self.add(
                (*path, "public_key"),
                about,
                f"not a public key of the scheme {name}: {error or type(error).__name__}",
            )

    def date(self, path: tuple, about: str, key: Mapping[str, Any], field: str) -> dt.date | None:
        """The day of ``field`` of the key (None when it is absent or not a day: said)."""
        if field not in key:
            if field == "valid_from":
                self.add(path, about, "valid_from is missing: the first day the key may sign")
            return None
        value = key[field]
        day = None
        if isinstance(value, str) and len(value) == 10:
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value)
        if day is None:
            self.add((*path, field), about, f"{value!r} is not a date written as YYYY-MM-DD")
        return day


def _dotted(path: tuple) -> str:
    return ".".join(str(part) for part in path)
