"""The bundled JSON Schemas: read from package data, checked, held in memory registries.

Schemas are loaded with :mod:`importlib.resources` from ``govservice/schemas`` (the
repository's top-level ``schemas/`` folder); no ``$ref`` ever reaches the network.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

import jsonschema
import jsonschema_rs
import referencing
from referencing.jsonschema import DRAFT202012

from govservice.errors import SchemaLoadError
from govservice.kinds import KINDS, SCHEMA_BASE

__all__ = ["DEFS_FILE", "SCHEMA_BASE", "SCHEMA_FILES", "documents", "registry", "schema_for"]

DEFS_FILE = "defs.schema.json"
CONFIG_FILE = "config.schema.json"
CATALOG_FILES = ("adjustment.schema.json", "catalog.schema.json")
"""The documents of a versioned catalog (an adjustment, a whole catalog), which are not
records of a store: see :mod:`govservice.catalog.exchange`."""
STAFF_FILES = ("training-session.schema.json",)
"""Documents of the stations' staff that are not records of a generic kind: a training
session (:mod:`govservice.stations.training`)."""
STATION_FILES = ("station-evaluation.schema.json",)
"""Documents of the stations that are not records of a generic kind: an evaluation of a
station against a standard (:mod:`govservice.stations.evaluation`)."""
EXCHANGE_FILES = ("blacklist-exchange.schema.json",)
"""The exchange files of the blacklists between cities, which are not records of a store
(:mod:`govservice.blacklists.exchange`; issue 15, B3)."""
SCHEMA_FILES = (
    DEFS_FILE,
    *(kind.schema_file for kind in KINDS.values()),
    CONFIG_FILE,
    *CATALOG_FILES,
    *STAFF_FILES,
    *STATION_FILES,
    *EXCHANGE_FILES,
)


@functools.cache
def documents() -> dict[str, dict[str, Any]]:
    """Every bundled schema, by ``$id``, each checked against the draft 2020-12 metaschema."""
    folder = files("govservice") / "schemas"
    loaded: dict[str, dict[str, Any]] = {}
    for name in SCHEMA_FILES:
        resource = folder / name
        try:
            schema = json.loads(resource.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SchemaLoadError(f"cannot read bundled schema: {error}", where=name) from None
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise SchemaLoadError(
                f"not a valid draft 2020-12 schema: {error.message}", where=name
            ) from None
        if schema.get("$id") != SCHEMA_BASE + name:
            raise SchemaLoadError(f"$id must be {SCHEMA_BASE + name}", where=name)
        loaded[schema["$id"]] = schema
    return loaded


def schema_for(schema_id: str) -> dict[str, Any]:
    """The schema whose ``$id`` is ``schema_id``."""
    return documents()[schema_id]


@functools.cache
def registry() -> referencing.Registry:
    """A :class:`referencing.Registry` of every bundled schema, for ``jsonschema``."""
    resources = [(uri, DRAFT202012.create_resource(schema)) for uri, schema in documents().items()]
    return referencing.Registry().with_resources(resources).crawl()


@functools.cache
def compiled_registry() -> jsonschema_rs.Registry:
    """The same schemas in a registry for the compiled validator (jsonschema-rs)."""
    return jsonschema_rs.Registry(list(documents().items()))
