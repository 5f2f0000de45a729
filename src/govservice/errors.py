"""The one error hierarchy of govservice.

Every error a user or an integrator can cause derives from :class:`GovServiceError` and
carries a stable ``code``. The command line prints ``error[CODE]: message`` and exits with
status 2; it never shows a traceback for these. Codes never change meaning once released;
``docs/errors.md`` lists them.
"""

from __future__ import annotations

from typing import ClassVar


class GovServiceError(Exception):
    """Base class of every error raised on purpose by govservice."""

    code: ClassVar[str] = "GS000"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


# --- input files ---------------------------------------------------------------------------


class InputError(GovServiceError):
    """An input file cannot be read as records."""

    code = "GS100"


class InputNotFoundError(InputError):
    """The named file does not exist or is not a regular file."""

    code = "GS101"


class EmptyInputError(InputError):
    """The file holds no records at all."""

    code = "GS102"


class BinaryInputError(InputError):
    """The file is not UTF-8 text (a spreadsheet, an archive, a picture...)."""

    code = "GS103"


class MalformedInputError(InputError):
    """The file is text but not well-formed JSON, JSON Lines or YAML."""

    code = "GS104"


class UnknownInputFormatError(InputError):
    """The file's extension names no format govservice reads."""

    code = "GS105"


# --- usage and schemas -----------------------------------------------------------------------


class UsageError(GovServiceError):
    """A call names something that does not exist (an unknown record kind, an option)."""

    code = "GS110"


class SchemaLoadError(GovServiceError):
    """A bundled JSON Schema is missing or is not a valid draft 2020-12 schema."""

    code = "GS200"


# --- records ---------------------------------------------------------------------------------


class InvalidRecordError(GovServiceError):
    """A document does not describe a valid entity.

    ``problems`` holds every problem found, each as ``(json_pointer, message)``.
    """

    code = "GS300"

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        problems: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message, where=where)
        self.problems = problems


# --- configuration and plugins ------------------------------------------------------------


class ConfigError(GovServiceError):
    """The configuration file is wrong: the message names the file, line and key."""

    code = "GS400"


class CalendarUnavailableError(ConfigError):
    """No working-day calendar can be had for a region (every calendar plugin failed)."""

    code = "GS410"


class PluginError(GovServiceError):
    """A plugin cannot be used. ``plugin`` names it."""

    code = "GS500"

    def __init__(self, message: str, *, plugin: str, where: str | None = None) -> None:
        super().__init__(message, where=where)
        self.plugin = plugin


class PluginImportError(PluginError):
    """A plugin's module cannot be found or fails to import."""

    code = "GS501"


class PluginHookError(PluginError):
    """A plugin implements a hook that does not exist (misspelt) or with wrong arguments."""

    code = "GS502"


class PluginFailedError(PluginError):
    """A plugin raised an exception inside a hook."""

    code = "GS503"


class RulesBlockedError(GovServiceError):
    """Local rules block the action; ``findings`` holds every blocking finding."""

    code = "GS600"

    def __init__(self, message: str, *, findings: tuple = (), where: str | None = None) -> None:
        super().__init__(message, where=where)
        self.findings = findings


# --- storage --------------------------------------------------------------------------------


class StoreError(GovServiceError):
    """The store cannot do what was asked."""

    code = "GS700"


class ConflictError(StoreError):
    """The record changed since it was read (a stale version); nothing was written."""

    code = "GS701"


class DuplicateRecordError(StoreError):
    """A record with this identity is already stored."""

    code = "GS702"


class RecordNotFoundError(StoreError):
    """No record with this identity is stored."""

    code = "GS703"


class DatabaseVersionError(StoreError):
    """The database was written by a newer govservice than this one; nothing was changed."""

    code = "GS704"


class ForeignDatabaseError(StoreError):
    """The file or database is not a govservice database (or is damaged)."""

    code = "GS705"


class DatabaseUnavailableError(StoreError):
    """The database server cannot be reached or refuses the credentials."""

    code = "GS706"


class TrailBrokenError(StoreError):
    """The tamper-evident trail is broken: nothing is added to it (an attestation) until
    the break is looked into."""

    code = "GS707"


# --- the case workflow -----------------------------------------------------------------------


class WorkflowError(GovServiceError):
    """An action on a case cannot be taken as asked (a reason missing, nothing to do)."""

    code = "GS800"


class TransitionError(WorkflowError):
    """The action is not possible in the case's state; the message lists what is."""

    code = "GS801"


class RoleError(WorkflowError):
    """The actor's role may not take this action; the refused attempt is recorded."""

    code = "GS802"


class ItemNotAcceptingError(WorkflowError):
    """The item is cancelled or suspended (停办) and takes no new case; says since when."""

    code = "GS803"


class ProjectOpenError(WorkflowError):
    """A joint-review project cannot complete while any of its cases is open."""

    code = "GS804"


class UnknownTrackingCodeError(WorkflowError):
    """No case has this tracking code (or it is mistyped)."""

    code = "GS805"
