"""govservice's own behaviour, registered as default plugins on the public hooks.

A county overrides any of it the way it adds to it: a ``tryfirst`` calendar, a store or
strategy registered under a new name, a ``tryfirst`` registry of staff (an identity
plugin), or ``disable_plugins`` in the configuration.
"""

from __future__ import annotations

from collections.abc import Callable

from govservice.builtin import (
    agency_assessment,
    calendar,
    selection,
    signature_schemes,
    staff,
    standards,
    stores,
)
from govservice.config import Config

DEFAULT_PLUGINS: dict[str, Callable[[Config], object]] = {
    "govservice.calendar": lambda config: calendar.OfficialCalendar(config.calendar_schedules),
    "govservice.stores": lambda config: stores,
    "govservice.selection": lambda config: selection,
    "govservice.standards": lambda config: standards,
    "govservice.staff": lambda config: staff,
    "govservice.agency_assessment": agency_assessment.ConfiguredAgencyRules,
    "govservice.signature_schemes": lambda config: signature_schemes,
    "govservice.blacklist_sources": lambda config: _blacklist_sources(config),
}
"""Each built-in plugin's name and how to make it from the configuration."""


def _blacklist_sources(config: Config) -> object:
    from govservice.builtin.blacklist_sources import ConfiguredSources

    return ConfiguredSources(config)
