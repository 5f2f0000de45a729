"""The one error hierarchy of govservice.

Every error a user or an integrator can cause derives from :class:`GovServiceError` and
carries a stable ``code``. The command line prints ``error[CODE] message`` and exits with
status 2; it never shows a traceback for these. Codes never change meaning once released;
``docs/errors.md`` lists them.

The message (``str(error)``) is English, for developers. A refusal of the workflow is also
told to the clerk in Chinese: the error's ``notice`` (a sentence naming the case, the actor
and what was refused, built where it is raised), else its class's ``title``; the command
line prints ``拒绝[CODE] notice（message）``.
"""

from __future__ import annotations

from typing import ClassVar


class GovServiceError(Exception):
    """Base class of every error raised on purpose by govservice."""

    code: ClassVar[str] = "GS000"
    title: ClassVar[str | None] = None
    """What a clerk is told (Chinese) of an error of this class that carries no ``notice``
    of its own; None: the error is for developers and operators (English only)."""
    notice: str | None = None
    """What a clerk is told (Chinese) of this error, naming what it is about; None: the
    class's ``title``. Set by the errors that take it (``notice=``)."""

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


class FileAccessError(InputError):
    """A file, or a folder on its path, cannot be read or written: permission denied (a
    folder without search permission, say) or another refusal of the system. The message
    names the path."""

    code = "GS106"


class DuplicateKeyError(MalformedInputError):
    """An object (a JSON object, a YAML mapping) gives one key twice: JSON and YAML
    parsers silently keep the last, so the file says two things. Both lines are named."""

    code = "GS107"


# --- usage and schemas -----------------------------------------------------------------------


class UsageError(GovServiceError):
    """A call names something that does not exist (an unknown record kind, an option)."""

    code = "GS110"


class OutputRefusedError(UsageError):
    """An output file would replace an existing file (without ``--force``), a folder, or
    the configured database, its companion files or the configuration (never, even with
    ``--force``); nothing was written."""

    code = "GS111"


class DemoFolderRefusedError(OutputRefusedError):
    """The folder ``govservice demo`` was given (``--out``) exists and is not a folder, or
    is a folder neither empty nor made by the demo (marked by ``.govservice-demo``);
    nothing in it was touched."""

    code = "GS112"


class DemoScaleError(UsageError):
    """``govservice demo`` was given a scale that is not a number above 0 and at most 1,
    or a seed that is not a whole number."""

    code = "GS113"


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


class NoticeUndeliveredError(PluginFailedError):
    """A notification plugin failed to deliver a notice of the outbox (an SMS gateway down,
    say). Never raised into the action, which is stored: reported as a warning, and the
    notice is tried again later (``govservice notices`` lists those not delivered)."""

    code = "GS504"


class RulesBlockedError(GovServiceError):
    """Local rules block the action; ``findings`` holds every blocking finding."""

    code = "GS600"
    title = "地方规则不允许此项办理"

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
    """The tamper-evident trail is broken: nothing is added to it (an attestation) or
    signed (a checkpoint) until the break is looked into."""

    code = "GS707"


class LedgerHeadError(TrailBrokenError):
    """The trail's head (``ledger_head``) is missing or damaged: nothing is chained after it,
    and the chain cannot be checked against it, until it is restored."""

    code = "GS708"


class CheckpointError(StoreError):
    """A signed checkpoint of the trail cannot be made or read (no signing key configured,
    a key or checkpoint file that cannot be read or written)."""

    code = "GS709"


# --- the case workflow -----------------------------------------------------------------------


class WorkflowError(GovServiceError):
    """An action on a case cannot be taken as asked (a reason missing, nothing to do).

    ``notice``: what the clerk is told, in Chinese (else the class's ``title``)."""

    code = "GS800"
    title = "不能按所请办理"

    def __init__(
        self, message: str, *, where: str | None = None, notice: str | None = None
    ) -> None:
        super().__init__(message, where=where)
        self.notice = notice


class TransitionError(WorkflowError):
    """The action is not possible in the case's state; the message lists what is."""

    code = "GS801"
    title = "办件当前状态下不能办理此项"


class RoleError(WorkflowError):
    """The actor's role may not take this action; the refused attempt is recorded."""

    code = "GS802"
    title = "该角色无权办理此项"


class ItemNotAcceptingError(WorkflowError):
    """The item is cancelled or suspended (停办) and takes no new case; says since when."""

    code = "GS803"
    title = "事项已取消或暂停办理（停办），不受理新申请"


class ProjectOpenError(WorkflowError):
    """A joint-review project cannot complete while any of its cases is open."""

    code = "GS804"
    title = "联审项目尚有未办结的办件，不能项目办结"


class UnknownTrackingCodeError(WorkflowError):
    """No case has this tracking code (or it is mistyped)."""

    code = "GS805"
    title = "查询码有误或没有对应的办件，请核对告知书上的查询码"


class AuthorizationError(RoleError):
    """The actor's role may take the action, but not on this case: not in the centre's
    registry of staff, or without that role at the case's station; not the applicant; an
    agent without a valid mandate (委托书), or a centre's agent the case is not assigned to.
    The refused attempt is recorded."""

    code = "GS806"
    title = "无权对此办件办理此项"


class ApplicationRefusedError(WorkflowError):
    """An application carries what only the centre sets (fees, green channel, handler,
    tracking code, state, events, deadlines, decision ...), a station that is not stored
    or does not serve the case's region, a region other than the item's (or one the item
    is delegated to), or a time of receipt the centre's clock does not allow. Every
    problem is named at once (``fields``: the centre-set fields carried); the refused
    application is recorded on the trail."""

    code = "GS807"
    title = "申请含有不能由申请人填报的内容或与事项不符，不予接收"

    def __init__(
        self,
        message: str,
        *,
        fields: tuple[str, ...] = (),
        where: str | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__(message, where=where, notice=notice)
        self.fields = fields


class ClockClaimError(WorkflowError):
    """A time was given for an action (``at=``, ``--now``) on a store that is not a
    simulation: a centre's store keeps the server's clock (see
    :mod:`govservice.store.simulation`). An operator's mistake: English only."""

    title = None

    code = "GS808"


class SupplementMismatchError(WorkflowError):
    """A supplement hands in a material its notice (补正告知) did not ask for; the message
    lists what the notice asked for and what is still awaited."""

    code = "GS809"
    title = "补正材料与补正告知不符"
