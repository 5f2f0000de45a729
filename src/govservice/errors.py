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


class AssessmentRulesError(ConfigError):
    """The rules of the quarterly staff assessment (考核细则: ``stations.assessment`` of the
    configuration, or a plugin's ``govservice_assessment_rules``) cannot be used: the
    weights do not add up to 100, or a rule is malformed. Nothing is assessed."""

    code = "GS411"


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


class TemplateOverrideError(PluginError):
    """A county's template override of the guides, manuals or fee list (hook
    ``govservice_catalog_templates``) cannot be used: it names no template of the
    package, its file cannot be read, or it does not compile or render. ``where`` is the
    file and the line (``/path/guide.html.j2:12``); ``plugin`` the plugin that gave it."""

    code = "GS505"


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


# --- the catalog ---------------------------------------------------------------------------


class CatalogError(GovServiceError):
    """A catalog (its versions, adjustments, imports and exports) cannot do what was asked."""

    code = "GS900"


class AdjustmentRefusedError(CatalogError):
    """An adjustment (调整) cannot be applied to the catalog as it stands: it cancels,
    retains, changes or moves an item the catalog does not hold in service, adds one it
    holds already, takes an item over (承接下放) that it took over before, or names an
    item twice. Every problem is listed (``problems``); nothing of it is applied."""

    code = "GS901"

    def __init__(
        self, message: str, *, problems: tuple[str, ...] = (), where: str | None = None
    ) -> None:
        super().__init__(message, where=where)
        self.problems = problems


class AdjustmentDateError(CatalogError):
    """An adjustment is dated before the catalog's last version took effect: versions
    follow each other in time. Nothing of it is applied."""

    code = "GS902"


class CatalogVersionNotFoundError(CatalogError):
    """No version of the region's catalog is stored under that number, or none was in
    force on that day (before the first)."""

    code = "GS903"


# --- stations (issue 13): GS950 to GS999 -------------------------------------------------


class StationError(GovServiceError):
    """A station, its evaluation, its coverage, its training or its subsidy cannot be
    recorded or reported as asked; the message names the station and the rule."""

    code = "GS950"


class StationLevelError(StationError):
    """A station is not exactly one level below its parent (a village station under a
    village station, a community centre straight under the county centre), or its parent
    is not stored. Nothing is stored."""

    code = "GS951"


class StationRegionError(StationError):
    """A station's region does not lie within its parent's county (or, under the city
    centre, within the city). Nothing is stored."""

    code = "GS952"


class StationCycleError(StationError):
    """A station's parents would run in a circle (it would be its own ancestor). Nothing is
    stored."""

    code = "GS953"


class EvaluationPointError(StationError):
    """An evaluation names a standard that does not apply to the station, or a point that
    is not in the standard's checklist, or leaves out a point the inspector must decide.
    Nothing is stored."""

    code = "GS954"


class SubsidyAmountsError(StationError):
    """The configuration sets no subsidy amounts (以奖代补) for the year asked
    (``stations.subsidies``); the year is named. Nothing is reported."""

    code = "GS955"


class GuidingCatalogError(StationError):
    """A version of the guiding catalog (便民服务事项指导性目录) cannot be taken as given: a
    file that is not one, an item the store does not hold, a level named twice for an item,
    a number or day that does not follow the region's last version, or a county's
    additions (``stations.guiding_items``, the ``govservice_guiding_items`` hook) naming an
    item that is not stored. The version, item or level is named; nothing is stored."""

    code = "GS956"


class GuidingVersionNotFoundError(StationError):
    """No version of the guiding catalog was in force for the region on the day asked (the
    region, its city and its province issued none by then), or none has that number."""

    code = "GS957"


# --- staff: training and the quarterly assessment (issue 13) --------------------------------


class StaffRecordsError(GovServiceError):
    """A training session or a record of window staff cannot be taken as given, or an
    assessment cannot be made as asked. Nothing of it is stored."""

    code = "GS1100"


class UnknownStaffStationError(StaffRecordsError):
    """An attendance of a training session, or a record of staff, names a station that is
    not stored: the station and the person are named; nothing of the session or the
    records is stored."""

    code = "GS1101"


class AssessmentQuarterError(StaffRecordsError):
    """A quarter outside 1 to 4, or a year outside the configuration's ``validation.years``,
    was asked of the staff assessment."""

    code = "GS1102"
