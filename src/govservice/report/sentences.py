"""The sentences of the year report, in Chinese, as the yearbook tells a year.

One function a section; the terminal (:mod:`~govservice.report.terminal`) and the page
(:mod:`~govservice.report.page`) say the same words. Names are shown escaped
(:func:`govservice.cli.terminal.printable`): nothing in a record can move the cursor or
reverse a line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from govservice.cli.terminal import printable
from govservice.report.figures import YearFigures

NONE = "（无）"
"""What an empty section says."""


def rate(value: Decimal | None) -> str:
    """A percentage as the report prints it (— when there is nothing to divide)."""
    return "—" if value is None else f"{value}%"


def days(value: Decimal | None) -> str:
    """An average of working days as the report prints it."""
    return "—" if value is None else f"{value}"


def title(figures: YearFigures) -> str:
    """The report's title, naming the centre."""
    return f"{figures.centre}{figures.year}年度政务服务工作报告"


def overview(figures: YearFigures) -> str:
    centre = printable(figures.centre)
    text = (
        f"{figures.year}年，{centre}共受理各类行政审批及便民服务事项{figures.accepted}件、"
        f"办结{figures.completed}件，按期办结率{rate(figures.on_time_rate)}，"
        f"平均用时{days(figures.average_days)}个工作日"
        f"（承诺时限平均{days(figures.average_promised_days)}个工作日）。"
        f"全年收到申请{figures.applications}件；"
        f"截至{figures.as_of.month}月{figures.as_of.day}日在办{figures.in_progress}件，"
        f"超期办结{figures.late}件，超期未办结{figures.overdue_open}件。"
    )
    return text


def withdrawals(figures: YearFigures) -> str:
    return f"不予受理{figures.refused}件，申请人撤回{figures.withdrawn}件。"


def green_channel(figures: YearFigures) -> str:
    green = figures.green_channel
    return (
        f"全年对{green.key_projects}个重点建设项目提供绿色通道审批服务（专人负责制），"
        f"绿色通道办件{green.cases}件、办结{green.completed}件（按期{green.on_time}件）；"
        f"全程代办{green.full_agency_cases}件；联审联批会商{green.consultations}次。"
    )


def supplements(figures: YearFigures) -> str:
    notices = figures.supplements
    procedures = figures.special_procedures
    kinds = "、".join(f"{p.label}{p.count}次" for p in procedures.by_procedure)
    kinds = f"（{kinds}）" if kinds else ""  # 特别程序0次, not 0次（（无））
    return (
        f"一次性告知补正{notices.notices}次（受理前{notices.before_acceptance}次、"
        f"审查中{notices.in_review}次，涉及{notices.cases}件）；"
        f"特别程序{procedures.count}次{kinds}，不计入办理时限"
        f"{procedures.excluded_days}个工作日，仍在特别程序中{procedures.open}件；"
        f"延长法定办理期限{figures.extensions}件。"
    )


def evaluations(figures: YearFigures) -> str:
    rated = figures.evaluations
    if not rated.evaluated:
        return NONE
    grades = "、".join(f"{g.label}{g.count}件" for g in rated.by_grade)
    return (
        f"共收到评价{rated.evaluated}件：{grades}，满意率{rate(rated.satisfaction_rate)}。"
        f"差评{rated.bad}件，开展整改{rated.rectifications_opened}件，"
        f"已整改{rated.rectifications_closed}件（按期{rated.closed_on_time}件），"
        f"整改中{rated.rectifications_open}件，逾期未整改{rated.rectifications_overdue}件；"
        f"整改回访{rated.follow_ups}次。"
    )


def supervision(figures: YearFigures) -> str:
    watched = figures.supervision
    return (
        f"截至{figures.as_of.year}年{figures.as_of.month}月{figures.as_of.day}日："
        f"红灯超期{watched.red}件，黄灯预警{watched.yellow}件，"
        f"收件后逾期未受理{watched.acceptance_overdue}件。"
    )


def trail(figures: YearFigures) -> str:
    checked = figures.trail
    simulated = "（模拟数据：办理时间为回溯模拟）" if checked.simulation else ""
    if not checked.ok:
        return (
            f"链条断裂，须立即核查（govservice audit verify）：{printable(checked.problem or '')}"
            f"；已校验留痕{checked.links}条。{simulated}"
        )
    records = [f"办件记录{checked.cases}件"]
    if checked.supermarket_records:
        records.append(f"中介超市及黑名单记录{checked.supermarket_records}条")
    if checked.station_records:
        records.append(f"站点（考核、培训、人员、纪律）记录{checked.station_records}条")
    return (
        f"链条完整：校验留痕{checked.links}条（办件事件{checked.events}条、"
        f"拒绝记录{checked.refusals}条），{'，'.join(records)}"
        f"{'，均' if len(records) > 1 else ''}与链条一致；"
        f"链头第{checked.head_seq}条（{checked.head_hash[:16]}）。{simulated}"
    )


def catalog(figures: YearFigures) -> str:
    """How the catalog changed in the year: the adjustments, then the year's diff."""
    changed = figures.catalog
    if changed is None:
        return NONE
    decisions = "、".join(
        f"{a.effective.month}月{a.effective.day}日"
        + (f"{printable(a.decision_number)}" if a.decision_number else printable(a.decided_by))
        for a in changed.adjustments
    )
    adjusted = (
        f"全年调整事项目录{len(changed.adjustments)}次（{decisions}）："
        if changed.adjustments
        else "全年未调整事项目录："
    )
    parts = [f"保留事项{changed.retained}项"]
    for count, label in (
        (changed.taken_over, "承接省级下放事项"),
        (changed.added, "新增事项"),
        (changed.cancelled, "取消（停办）事项"),
        (changed.moved, "划转事项"),
        (changed.changed, "调整收费、时限等内容的事项"),
    ):
        if count:
            parts.append(f"{label}{count}项")
    return (
        adjusted
        + "，".join(parts)
        + f"；年初在办事项{changed.first_in_service}项，年末{changed.last_in_service}项"
        + f"（目录第{changed.first_version}版至第{changed.last_version}版）。"
    )


def yuan(amount: Decimal) -> str:
    """An amount of money as the report prints it: 6,150,000元."""
    whole = amount.to_integral_value()
    return f"{whole:,}元" if whole == amount else f"{amount:,.2f}元"


def hours(value: Decimal) -> str:
    """Hours as the report prints them: 813, 3.5 (no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def grassroots(figures: YearFigures) -> str:
    """基层便民服务: stations built, subsidies (以奖代补), coverage (应进必进), training and
    the staff assessment's honours."""
    done = figures.grassroots
    if done is None:
        return NONE
    built = "、".join(f"{count.label}{count.count}个" for count in done.built)
    levels = "、".join(f"{count.label}{count.count}个" for count in done.stations if count.count)
    total = sum(count.count for count in done.stations)
    text = f"{figures.year}年新建{built}；" if built else f"{figures.year}年未新建站点；"
    text += f"全市共有各级服务站点{total}个（{levels}）。"
    if not done.subsidies_configured:
        text += "以奖代补：未配置本年度奖补标准。"
    else:
        earned = "、".join(
            f"{s.label}{s.stations}个奖补{yuan(s.amount)}" for s in done.subsidies if s.stations
        )
        text += (
            f"以奖代补：新达标{earned}，合计{yuan(done.subsidy_total)}。"
            if earned
            else "以奖代补：本年度无新达标站点。"
        )
    if done.coverage_required:
        text += (
            f"应进必进：指导性目录应进驻事项{done.coverage_required}项次，"
            f"已进驻{done.coverage_covered}项次，进驻率{rate(done.coverage_rate)}，"
            f"{done.coverage_full}个站点全部进驻，缺项{done.coverage_gaps}项次。"
        )
    if done.training_sessions:
        text += (
            f"业务培训{done.training_sessions}期、{done.training_person_times}人次、"
            f"{hours(done.training_hours)}学时，{done.untrained}个站点全年未参加培训。"
        )
    if done.assessed_quarters:
        quarter = done.honours[0].quarter if done.honours else None
        text += f"进驻人员季度考核{done.assessed_quarters}次"
        if quarter is not None:
            titles: dict[str, list[str]] = {}
            for honour in done.honours:
                titles.setdefault(honour.title, []).append(printable(honour.name))
            named = "；".join(f"{title}：{'、'.join(names)}" for title, names in titles.items())
            text += f"，第{quarter}季度{named}"
        text += "。"
    return text


def date_words(day: date) -> str:
    """A day as the report writes it: 2015年7月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def supermarket(figures: YearFigures) -> str:
    """中介超市: agencies by presence, the list, needs and selections by strategy,
    engagements on time, complaints, grades per quarter and the suspensions."""
    market = figures.supermarket
    if market is None:
        return NONE
    as_of = figures.as_of
    statuses = "、".join(f"{label}{count}项" for _, label, count in market.services_by_status)
    text = (
        f"中介超市进驻中介机构{market.agencies}家（有形进驻{market.physical}家、"
        f"虚拟进驻{market.online}家），截至{as_of.month}月{as_of.day}日正常{market.active}家"
        + (f"、暂停{market.suspended_now}家" if market.suspended_now else "")
        + (f"、退出{market.withdrawn}家" if market.withdrawn else "")
        + f"；中介服务事项清单{market.services}项"
        + (f"（{statuses}）" if statuses else "")
        + "。"
    )
    strategies = "、".join(f"{s.label}{s.count}次" for s in market.by_strategy)
    text += (
        f"全年发布中介服务需求{market.needs}个，选取中介机构{market.selections}次"
        + (f"（{strategies}）" if strategies else "")
        + f"；签订服务合同{market.engagements}份，已交付{market.delivered}份，"
        f"按时交付率{rate(market.on_time_rate)}（逾期交付{market.late}份），"
        f"逾期未交付{market.overdue_open}份；收到投诉{market.complaints}件、"
        f"查实{market.complaints_upheld}件；约定收费不符合公示标准{market.fee_findings}份。"
    )
    if market.grades:
        quarters = "；".join(
            f"第{g.quarter}季度有业务的机构{g.assessed}家，优秀{g.excellent}家、良好{g.good}家、"
            f"合格{g.passing}家、不合格{g.failed}家"
            for g in market.grades
        )
        text += f"季度考核：{quarters}。"
    for s in market.suspensions:
        failed = "、".join(str(q) for q, _ in s.failed_quarters)
        scores = "、".join(score for _, score in s.failed_quarters)
        until = f"至{date_words(s.suspended_until)}" if s.suspended_until else ""
        text += (
            f"{printable(s.name)}第{failed}季度考核连续不合格（得分{scores}），"
            f"自{date_words(s.suspended_from)}起暂停承接业务{until}"
            + (f"，{date_words(s.reinstated_on)}恢复" if s.reinstated_on else "")
            + "。"
        )
    if market.direct:
        text += f"直接选取{len(market.direct)}次，均书面说明理由并纳入电子监察。"
    return text


def blacklists(figures: YearFigures) -> str:
    """黑名单: entries by source, the subjects several sources list, revocations and
    expiries, the exchange with the partner cities, what screening barred."""
    lists = figures.blacklists
    if lists is None:
        return NONE
    as_of = figures.as_of
    sources = "、".join(f"{s.label}{s.stored}条" for s in lists.by_source)
    text = (
        f"黑名单共{lists.entries}条（{sources}），涉及主体{lists.subjects}个，"
        f"其中{lists.shared}个主体被两个以上来源列入；截至{as_of.month}月{as_of.day}日"
        f"惩戒中{lists.in_force}条、曝光台公示{lists.published}条。"
    )
    if lists.revoked:
        text += (
            f"全年移出{len(lists.revoked)}条（"
            + "；".join(
                f"{printable(r.name)}，{r.source}，{date_words(r.on)}" for r in lists.revoked
            )
            + "）"
        )
        text += f"，期满{lists.expired}条。" if lists.expired else "。"
    elif lists.expired:
        text += f"全年期满{lists.expired}条。"
    if lists.received:
        received = "、".join(
            f"{name}第{sequence}号文件（{held}条）" for _, name, sequence, held in lists.received
        )
        text += f"与外市交换：已接收{received}，均验签通过"
        text += f"；向外市发送{lists.sent}个文件。" if lists.sent else "。"
    elif lists.sent:
        text += f"向外市发送交换文件{lists.sent}个。"
    text += (
        f"黑名单筛查：中介机构选取排除被列入黑名单的机构{lists.selections_barred}次，"
        f"因申请人被列入黑名单不予受理{lists.cases_refused}件。"
    )
    return text
