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


class PartnerConfigError(ConfigError):
    """A partner city of ``blacklists.partners`` is configured wrong: its region is not a
    GB/T 2260 code, or is given twice; one of its keys cannot be read as a public key of
    its signature scheme, names a scheme no plugin registers, has a ``valid_from`` or
    ``valid_until`` that is not a date or ends before it begins, or has an id another key
    has. The message names the partner, the key and the file's line (``config check``)."""

    code = "GS412"


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


class AlteredStateError(TrailBrokenError):
    """A setting the trail covers (what was last imported of a partner, the files we sent,
    the loads of a blacklist source: :mod:`govservice.store.states`) is not what its last
    link chained: nothing that depends on it is done until it is looked into."""

    code = "GS710"


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


# --- stations (issue 13): GS950 to GS959 -------------------------------------------------


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


# --- the intermediary supermarket (issue 14): GS960 to GS999 --------------------------------


class IntermediaryError(GovServiceError):
    """Something of the intermediary supermarket (中介超市) cannot be done as asked: a
    listed service, an agency or its offer, a need, a selection, an engagement or an
    assessment. The message names the record and the rule; nothing of it is stored."""

    code = "GS960"


# --- H1 (issue 14): store and trail of the supermarket's records, GS995 to GS999 ---------

# --- H2 (issue 14): needs, selection, the draw, GS970 to GS979 ---------------------------


class SelectionError(IntermediaryError):
    """A need cannot be posted, or a selection made, as asked. The need, the service and
    the rule are named (``notice`` tells the clerk in Chinese); nothing is recorded."""

    code = "GS970"
    title = "中介服务需求或选取不能按此办理"

    def __init__(
        self, message: str, *, where: str | None = None, notice: str | None = None
    ) -> None:
        super().__init__(message, where=where)
        self.notice = notice


class NeedServiceError(SelectionError):
    """A need names a service that is not in the intermediary service list, not open for
    needs on the day (cancelled, 取消; taken into the approval, 纳入审批程序), or offered
    by no agency (withdrawn ones aside). The service is named; nothing is recorded."""

    code = "GS971"
    title = "该中介服务事项不能发布需求"


class NoEligibleCandidateError(SelectionError):
    """No agency is eligible for the need's service on the day: each agency offering it
    is named with why it is not (no valid qualification, suspended, withdrawn,
    blacklisted). Nothing is recorded."""

    code = "GS972"
    title = "没有符合条件的中介机构可供选取"


class DirectReasonError(SelectionError):
    """A direct choice (直接选取) was asked without a written reason, or without naming the
    agency chosen, or names an agency that is not eligible. Nothing is recorded."""

    code = "GS973"
    title = "直接选取须写明理由并指定符合条件的机构"


class CommitmentError(SelectionError):
    """A draw was asked before its commitment was published, the contributions revealed
    at the draw do not give the published commitment, or a commitment was published twice
    for one need. Nothing is recorded."""

    code = "GS974"
    title = "摇号承诺值未公布或与见证人贡献不符"


class UnknownStrategyError(SelectionError):
    """No selection strategy is registered under the name asked; the known ones are
    listed."""

    code = "GS975"
    title = "没有这种选取方式"


class StrategyResultError(SelectionError):
    """A selection strategy (a plugin's) chose an agency that is not a candidate, or made
    a draw that its record cannot reproduce. The strategy is named; nothing is recorded."""

    code = "GS976"


class NeedNotFoundError(SelectionError):
    """No need, or no selection, of that id is stored."""

    code = "GS977"
    title = "没有这条中介服务需求或选取记录"


class MalformedSelectionError(SelectionError):
    """``verify-draw`` was given something that is not a selection record: a file that
    cannot be read as one, a record missing a field or holding a wrong one. What is
    wrong is named; nothing is checked."""

    code = "GS978"
    title = "不是一条完整的选取记录"


# --- H3 (issue 14): service list, agencies, offers, fees, GS961 to GS969 -----------------


class _Told:
    """Mixin of the errors of the list and the registry that also tell the clerk, in
    Chinese (``notice``), which service, agency and rule they are about."""

    def __init__(
        self, message: str, *, where: str | None = None, notice: str | None = None
    ) -> None:
        super().__init__(message, where=where)
        self.notice = notice


class ServiceListError(_Told, IntermediaryError):
    """A service of the intermediary service list (中介服务事项清单) cannot be taken or
    changed as given: its code is listed already (or twice in one file), a change of its
    status is dated before its last change or leaves it as it is. The service is named;
    nothing is stored."""

    code = "GS961"
    title = "中介服务事项清单不能按此变更"


class ServiceNotListedError(_Told, IntermediaryError):
    """An offer, or a look-up, names a service that is not in the list of intermediary
    services, not yet listed on the day, or cancelled (取消). The agency and the service
    are named; nothing is stored."""

    code = "GS962"
    title = "中介服务事项不在清单内或已取消"


class OfferFeeError(_Told, IntermediaryError):
    """An agency's offer does not keep to the fee regime of the service (收费方式): a fixed
    fee (固定收费) or an agency's tariff without its amount, a fixed fee other than the
    service's, an amount outside the service's range, an amount where the government pays.
    The agency, the service and the regime are named; nothing is stored."""

    code = "GS963"
    title = "中介机构报价不符合该服务的收费方式"


class AgencyRegistryError(_Told, IntermediaryError):
    """An agency cannot be registered, changed or withdrawn as given: it is registered
    already, an offer names no service of the list or one service twice, its status
    history does not start with its registration, or it is withdrawn already. The agency
    is named; nothing is stored."""

    code = "GS964"
    title = "中介机构不能按此登记或变更"


# --- H4 (issue 14): engagements, assessment, status, GS980 to GS989 ----------------------


class EngagementError(IntermediaryError):
    """An engagement (服务合同) cannot be recorded or changed as asked: its selection is not
    stored or is engaged already, a date is out of order or in the future, a delivery is
    recorded twice, a complaint is not the engagement's. Nothing is stored."""

    code = "GS980"


class EngagementNotFoundError(EngagementError):
    """No engagement is stored under that id."""

    code = "GS981"


class AgencyStatusError(IntermediaryError):
    """A suspension, reinstatement or withdrawal of an agency cannot be recorded: the
    agency is not stored or has withdrawn, the dates are out of order or overlap a
    suspension recorded, or the agency is not suspended. Nothing is stored."""

    code = "GS982"


class AgencyRulesError(IntermediaryError):
    """The rules of the agencies' assessment (``intermediaries.assessment`` of the
    configuration, or a plugin's ``govservice_agency_assessment_rules``) cannot be used:
    the weights do not add up to 100, or the grades' lowest scores do not fall from 优秀 to
    合格. Nothing is assessed."""

    code = "GS983"


class AgencyQuarterError(IntermediaryError):
    """The agencies' assessment was asked for a quarter outside 1 to 4, a year outside
    ``validation.years``, or a quarter that has not ended yet. Nothing is assessed."""

    code = "GS984"


# --- H5 (issue 14): card, demo, report, GS990 to GS994 -----------------------------------


class ContactCardError(IntermediaryError):
    """An agency's contact card (中介服务联系卡) cannot be made."""

    code = "GS990"


class AgencyPageLinkError(ContactCardError):
    """The configuration sets no public page of the agencies (``public.agency_url``) for
    the card's QR code."""

    code = "GS991"


class CardAgencyNotFoundError(ContactCardError):
    """No agency of the credit code asked for is registered in the supermarket."""

    code = "GS992"


# --- blacklists (issue 15): GS610 to GS654 ------------------------------------------------


class BlacklistError(GovServiceError):
    """Something of the blacklists (黑名单) cannot be done as asked: an entry, a source, an
    exchange file, a screening or the exposure board. The message names the entry, the
    file or the source and the rule; nothing of it is stored."""

    code = "GS610"
    title = "黑名单不能按此办理"

    def __init__(
        self, message: str, *, where: str | None = None, notice: str | None = None
    ) -> None:
        super().__init__(message, where=where)
        self.notice = notice


# --- B1 (issue 15): entries, their life and provenance, GS611 to GS619 -------------------


class BlacklistEntryError(BlacklistError):
    """An entry cannot be listed or changed as given: a field is wrong (a check digit, a
    date out of order, an unknown source kind), or its id is taken. The entry and the
    field are named; nothing is stored."""

    code = "GS611"
    title = "黑名单条目不能按此列入"


class BlacklistEntryNotFoundError(BlacklistError):
    """No blacklist entry of the id asked for is stored."""

    code = "GS612"
    title = "没有该黑名单条目"


class RevocationError(BlacklistError):
    """An entry cannot be revoked (移出, 信用修复) as asked: it is revoked already, the day
    is before its listing, or it is another source's entry (a court's, another city's),
    which only its source revokes. The entry is named; nothing is stored."""

    code = "GS613"
    title = "黑名单条目不能按此移出"


# --- B2 (issue 15): sources and the court list, GS620 to GS629 ---------------------------


class BlacklistSourceError(BlacklistError):
    """A source of the blacklists (our own list, a court's, a partner city's files)
    cannot be listed or loaded as asked; the source is named, nothing of it is stored."""

    code = "GS620"
    title = "黑名单来源不能按此加载"


class UnknownSourceError(BlacklistSourceError):
    """No blacklist source is registered under the name asked for; the known ones are named."""

    code = "GS621"
    title = "没有该黑名单来源"


class CourtListError(BlacklistSourceError):
    """A court's list of dishonest debtors (失信被执行人名单) cannot be read in the court's
    published shape: the file is not there or not JSON, or a listing lacks a key the court
    publishes or holds what it cannot (an unknown key, a date that is none, a check digit).
    The file, the record and the key are named; nothing of the list is stored."""

    code = "GS622"
    title = "法院失信被执行人名单不能读取"

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        notice: str | None = None,
        problems: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, where=where, notice=notice)
        self.problems = problems
        """Every listing's problem (``FILE: record N: key: what``), the first one the message."""


class SourceFileError(BlacklistSourceError):
    """The file (or folder) a source of the configuration names is not there or cannot be
    read; the source and the file are named."""

    code = "GS623"
    title = "黑名单来源文件不能读取"


class SourceLoadError(BlacklistSourceError):
    """A source's plugin failed while loading, or gave what a load cannot store (no
    ``LoadResult``, two entries of one id); the source and the plugin's error are named,
    nothing of that load is stored."""

    code = "GS624"
    title = "黑名单来源加载失败"


# --- B3 (issue 15): the exchange between cities, GS630 to GS639 --------------------------


class ExchangeError(BlacklistError):
    """An exchange file between cities (黑名单交换文件) cannot be imported or exported as
    asked. The file and the reason are named in one line; nothing of it is stored."""

    code = "GS630"
    title = "黑名单交换文件不能导入或导出"


class UnsignedFileError(ExchangeError):
    """A partner's exchange file carries no signature: only signed files are imported."""

    code = "GS631"
    title = "交换文件未签名，不予导入"


class UnknownKeyError(ExchangeError):
    """The file is signed by a key no partner of the configuration has
    (``blacklists.partners[].keys``)."""

    code = "GS632"
    title = "交换文件的签名密钥未登记"


class ExpiredKeyError(ExchangeError):
    """The file was exported on a day its key was not valid (before its ``valid_from``,
    after its ``valid_until``: a rotated key)."""

    code = "GS633"
    title = "交换文件的签名密钥不在有效期内"


class SignatureMismatchError(ExchangeError):
    """The signature does not match the file: it was altered after signing (a single
    byte is enough), or signed with another key or scheme than it names."""

    code = "GS634"
    title = "交换文件签名不符，文件在签名后被改动"


class RegionClaimError(ExchangeError):
    """The file claims to come from a city other than its key's (a key of Binzhou signing
    a file that says it is Dezhou's), or from another partner than the one asked for."""

    code = "GS635"
    title = "交换文件声称的城市与签名密钥不符"


class ReplayedFileError(ExchangeError):
    """The file's sequence number is older than the partner's last file imported, or is
    that number with other content: a replay."""

    code = "GS636"
    title = "交换文件序号早于已导入的文件（重放）"


class SkippedFileError(ExchangeError):
    """The file is a delta that does not follow what was imported of the partner: it
    holds changes since a later file (one in between is missing), or its previous file's
    SHA-256 is not that of the file imported."""

    code = "GS637"
    title = "交换文件跳过了序号（缺少增量文件）"


class MalformedExchangeFileError(ExchangeError):
    """The file is not an exchange file: not JSON, not of the format
    (``blacklist-exchange.schema.json``), or one of its entries is not a valid entry of
    the partner's own list. Every problem is listed."""

    code = "GS638"
    title = "交换文件格式不符"

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        problems: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message, where=where)
        self.problems = problems


class ExchangeConfigError(ExchangeError):
    """The exchange cannot be used as configured: a partner's public key that is not one,
    a key id given twice, no signing key of our own for an export, an unknown signature
    scheme."""

    code = "GS639"
    title = "黑名单交换配置有误"


# --- B4 (issue 15): screening, GS640 to GS649 --------------------------------------------


class ScreeningError(BlacklistError):
    """A subject cannot be screened as asked: nothing to screen it by (no name, no
    number), a threshold outside 0 to 100, an entry excluded that is not stored."""

    code = "GS640"


class ScreeningBlockedError(BlacklistError):
    """A case cannot be accepted (受理): its applicant is on a blacklist in force and its
    item requires screening (``Item.requires_screening``). The message names each entry,
    its source and what matched; a supervisor may override it with a reason on the case
    (``blacklist override``), then the case may be accepted. ``matches``: the
    :class:`~govservice.blacklists.screening.Match` objects."""

    code = "GS641"
    title = "申请人被列入黑名单，不予受理"

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        notice: str | None = None,
        matches: tuple = (),
    ) -> None:
        super().__init__(message, where=where, notice=notice)
        self.matches = matches


class ScreeningOverrideError(BlacklistError):
    """A supervisor's override of a screening hit cannot be recorded: no reason given,
    the case is not awaiting acceptance, or its applicant matches no entry to override;
    nothing is recorded."""

    code = "GS642"
    title = "黑名单筛查放行不能按此办理"


# --- B5 (issue 15): the exposure board, GS650 to GS654 -----------------------------------


class ExposureConfigError(BlacklistError):
    """The exposure board cannot be made as configured: ``blacklists.exposure.
    person_names`` (or ``--person-names``) is neither ``published`` nor ``masked``."""

    code = "GS650"
    title = "曝光台设置有误"


class ExposureOutputError(BlacklistError):
    """The exposure board cannot be written where asked (permission denied, a full disk);
    the message names the path, nothing half-written is left."""

    code = "GS651"
    title = "曝光台页面无法写入"


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
