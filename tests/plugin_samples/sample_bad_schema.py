"""A plugin whose SETTINGS_SCHEMA is not a JSON Schema."""

SETTINGS_SCHEMA = {"type": "objectz"}
