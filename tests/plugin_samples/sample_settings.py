"""A plugin with settings: a fixed closure day and a warning on every application."""

import datetime as dt

from govservice.hookspecs import hookimpl
from govservice.rules import Finding

SETTINGS_SCHEMA = {
    "type": "object",
    "properties": {
        "closure": {"type": "string", "format": "date"},
        "message": {"type": "string"},
    },
    "required": ["closure"],
    "additionalProperties": False,
}


class SamplePlugin:
    def __init__(self, settings):
        self.closure = dt.date.fromisoformat(settings["closure"])
        self.message = settings.get("message", "请核对申请人联系方式")

    @hookimpl
    def govservice_closure_days(self, region):
        return [self.closure]

    @hookimpl
    def govservice_case_rules(self, case, action):
        if action == "apply":
            return [Finding(code="SAMPLE-WARN", message=self.message, severity="warn")]
        return None


def make_plugin(settings):
    return SamplePlugin(settings)
