"""The agencies' quarterly assessment (中介机构考核): rules from the configuration or a
plugin, grades, and the consequence — two 不合格 quarters in a row suspend the agency from
the rule's date for six months, it is not eligible until its reinstatement, and both the
suspension and the reinstatement are events of the trail with their figures."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agency_helpers import (
    SERVICE,
    agency,
    centre,
    credit_code,
    listed_service,
    move,
    stored_selection,
    trail_changes,
)
from govservice import GovService
from govservice.config import load_config
from govservice.errors import (
    AgencyQuarterError,
    AgencyRulesError,
    AgencyStatusError,
    ConfigError,
)
from govservice.hookspecs import hookimpl
from govservice.model import (
    AgencyGrade,
    AgencyRules,
    Complaint,
    Engagement,
    IntermediaryStatus,
    Witness,
)

D = dt.date
BAD, GOOD = credit_code(1), credit_code(2)
D_ = Decimal


def _engaged(service, number, code, *, signed, due, fee=Decimal(4000)):
    """A selection of ``code`` on ``signed`` and its engagement, due on ``due``."""
    move(service, signed)
    selection = stored_selection(service, number, code, signed)
    return service.intermediaries.engagements.engage(
        selection.id, agreed_fee=fee, signed_on=signed, due_on=due
    )


def _two_bad_quarters(service):
    """Agency BAD delivers late and badly in 2015Q2 and Q3; GOOD on time and well."""
    service.store.add(listed_service())
    service.store.add(agency(1))
    service.store.add(agency(2))
    engagements = service.intermediaries.engagements
    late = _engaged(service, 1, BAD, signed=D(2015, 4, 1), due=D(2015, 6, 15))
    fine = _engaged(service, 2, GOOD, signed=D(2015, 4, 1), due=D(2015, 6, 15))
    move(service, D(2015, 7, 2))
    engagements.deliver(late.id, on=D(2015, 6, 30), quality=30)
    engagements.deliver(fine.id, on=D(2015, 6, 15), quality=95)
    engagements.complain(late.id, on=D(2015, 6, 20), text="逾期未出具检测报告")
    engagements.resolve(late.id, 1, upheld=True, outcome="责令整改，记入考核")
    second = _engaged(service, 3, BAD, signed=D(2015, 7, 2), due=D(2015, 9, 15))
    move(service, D(2015, 10, 9))
    engagements.deliver(second.id, on=D(2015, 9, 30), quality=40)


def test_two_fail_quarters_suspend_from_the_day_after_the_quarter_for_six_months(tmp_path):
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        assessment = service.intermediaries.assessment
        move(service, D(2015, 7, 2))
        first = {q.credit_code: q for q in assessment.assess(2015, 2)}
        bad, good = first[BAD], first[GOOD]
        assert (bad.engagements, bad.on_time, bad.late) == (1, 0, 1)
        assert (bad.quality, bad.complaints_upheld, bad.fee_breaches) == (D_("30.00"), 1, 0)
        assert dict(bad.parts) == {
            "timeliness": D_("0.00"),
            "quality": D_("12.00"),
            "fees": D_("15.00"),
            "complaints": D_("10.00"),
        }
        assert (bad.score, bad.grade) == (D_("37.00"), AgencyGrade.FAIL)
        assert (good.score, good.grade) == (D_("98.00"), AgencyGrade.EXCELLENT)
        assert bad.suspended_from is None  # one 不合格 quarter: no consequence yet
        assert service.store.get("intermediary", BAD).record.status is IntermediaryStatus.ACTIVE

        move(service, D(2015, 10, 9))
        outcome = service.intermediaries.assessment.assess_quarter(2015, 3)
        second = {q.credit_code: q for q in outcome.quarters}[BAD]
        assert (second.score, second.grade) == (D_("46.00"), AgencyGrade.FAIL)
        assert (second.suspended_from, second.suspended_until) == (D(2015, 10, 1), D(2016, 3, 31))
        assert second.rule == "连续2个季度考核不合格，自考核季度结束次日起暂停进驻6个月"
        assert [q.credit_code for q in outcome.suspended] == [BAD]
        stored = service.store.get("intermediary", BAD).record
        assert stored.status is IntermediaryStatus.SUSPENDED
        assert stored.status_on(D(2015, 9, 30)) is IntermediaryStatus.ACTIVE
        assert stored.status_on(D(2015, 10, 1)) is IntermediaryStatus.SUSPENDED
        assert stored.history[-1].until == D(2016, 3, 31)
        # GOOD's second quarter had no engagement due: idle, not graded (no full marks for
        # work it did not do, which would rank it first for best-score)
        assert GOOD in outcome.idle
        assert GOOD not in {q.credit_code for q in outcome.quarters}
        assert service.intermediaries.assessment.quarter(GOOD, 2015, 3) is None


def test_a_suspended_agency_is_not_eligible_until_its_reinstatement_and_both_are_in_the_trail(
    tmp_path,
):
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        assessment = service.intermediaries.assessment
        selections = service.intermediaries.selections
        move(service, D(2015, 7, 2))
        assessment.assess(2015, 2)
        move(service, D(2015, 10, 9))
        assessment.assess(2015, 3)

        def eligible(day):
            return selections.eligible(SERVICE, day)

        assert eligible(D(2015, 9, 30)).codes == (BAD, GOOD)
        for day in (D(2015, 10, 1), D(2015, 12, 1), D(2016, 3, 31)):
            found = eligible(day)
            assert found.codes == (GOOD,)
            assert "暂停" in dict(found.excluded)[BAD]

        suspended = trail_changes(service, f"intermediary/{BAD}")[-1]
        assert suspended["action"] == "suspended"
        assert (suspended["from"], suspended["until"]) == ("2015-10-01", "2016-03-31")
        figures = suspended["figures"]
        assert figures["rule"] == "连续2个季度考核不合格，自考核季度结束次日起暂停进驻6个月"
        assert [(q["period"], q["score"], q["grade"]) for q in figures["quarters"]] == [
            ("2015Q2", "37.00", "fail"),
            ("2015Q3", "46.00", "fail"),
        ]
        graded = trail_changes(service, f"agency-quarter/{BAD}-2015-Q3")
        assert [(g["action"], g["score"], g["grade"]) for g in graded] == [
            ("graded", "46.00", "fail")
        ]
        assert graded[0]["parts"] == {
            "timeliness": "0.00",
            "quality": "16.00",
            "fees": "15.00",
            "complaints": "15.00",
        }

        # the next assessment after the suspension ends records the reinstatement
        move(service, D(2016, 4, 6))
        outcome = assessment.assess_quarter(2016, 1)
        assert [a.credit_code for a in outcome.reinstated] == [BAD]
        back = service.store.get("intermediary", BAD).record
        assert back.status is IntermediaryStatus.ACTIVE
        assert (back.history[-1].status, back.history[-1].on) == (
            IntermediaryStatus.ACTIVE,
            D(2016, 4, 1),
        )
        assert eligible(D(2016, 3, 31)).codes == (GOOD,)
        assert eligible(D(2016, 4, 1)).codes == (BAD, GOOD)
        actions = [c["action"] for c in trail_changes(service, f"intermediary/{BAD}")]
        assert actions[-2:] == ["suspended", "reinstated"]
        reinstated = trail_changes(service, f"intermediary/{BAD}")[-1]
        assert reinstated == {
            "action": "reinstated",
            "on": "2016-04-01",
            "suspended_from": "2015-10-01",
            "suspended_until": "2016-03-31",
            "reason": "暂停期满，恢复进驻",
        }
        # recorded once: a later call has nothing to do
        assert assessment.reinstate_due(D(2016, 5, 1)) == []


def test_a_quarter_with_nothing_to_assess_is_not_graded_and_breaks_a_run(tmp_path):
    """不合格 in 2015Q1, no work due in Q2, 不合格 in Q3: Q2 gets no grade (not full marks),
    and the two 不合格 quarters are not in a row: no suspension."""
    with centre(tmp_path, today=D(2015, 1, 5)) as service:
        service.store.add(listed_service())
        service.store.add(agency(1))
        engagements = service.intermediaries.engagements
        first = _engaged(service, 1, BAD, signed=D(2015, 1, 5), due=D(2015, 3, 2))
        move(service, D(2015, 4, 2))
        engagements.deliver(first.id, on=D(2015, 3, 31), quality=30)
        assessment = service.intermediaries.assessment
        assert assessment.quarter(BAD, 2015, 1) is None
        assert assessment.assess_quarter(2015, 1).quarters[0].grade is AgencyGrade.FAIL
        third = _engaged(service, 2, BAD, signed=D(2015, 7, 1), due=D(2015, 8, 3))
        idle = assessment.assess_quarter(2015, 2)
        assert (idle.quarters, idle.idle) == ((), (BAD,))
        move(service, D(2015, 10, 9))
        engagements.deliver(third.id, on=D(2015, 9, 30), quality=30)
        outcome = assessment.assess_quarter(2015, 3)
        assert outcome.quarters[0].grade is AgencyGrade.FAIL
        assert outcome.suspended == ()
        assert service.store.get("intermediary", BAD).record.status is IntermediaryStatus.ACTIVE


def test_assessing_a_quarter_again_changes_nothing_and_suspends_once(tmp_path):
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        assessment = service.intermediaries.assessment
        move(service, D(2015, 7, 2))
        assessment.assess(2015, 2)
        move(service, D(2015, 10, 9))
        assessment.assess(2015, 3)
        links = service.store.ledger_head()[0]
        again = assessment.assess_quarter(2015, 3)
        assert again.suspended == ()
        assert service.store.ledger_head()[0] == links  # nothing written
        history = service.store.get("intermediary", BAD).record.history
        assert [c.status.value for c in history] == ["active", "suspended"]


def test_a_third_fail_quarter_in_a_row_does_not_suspend_again(tmp_path):
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        engagements = service.intermediaries.engagements
        # engaged before the suspension, due in Q4, delivered late and badly
        third = _engaged(service, 4, BAD, signed=D(2015, 9, 1), due=D(2015, 12, 1))
        assessment = service.intermediaries.assessment
        move(service, D(2015, 7, 2))
        assessment.assess(2015, 2)
        move(service, D(2015, 10, 9))
        assessment.assess(2015, 3)
        move(service, D(2016, 1, 5))
        engagements.deliver(third.id, on=D(2015, 12, 21), quality=10)
        outcome = assessment.assess_quarter(2015, 4)
        q4 = {q.credit_code: q for q in outcome.quarters}[BAD]
        assert q4.grade is AgencyGrade.FAIL
        assert q4.suspended_from is None
        assert outcome.suspended == ()
        history = service.store.get("intermediary", BAD).record.history
        assert [c.status.value for c in history] == ["active", "suspended"]


def test_the_rules_of_the_configuration_decide_the_date_the_length_and_the_streak(tmp_path):
    rules = {
        "assessment": {
            "weights": {"timeliness": 40, "quality": 30, "fees": 20, "complaints": 10},
            "grades": {"excellent": 95, "good": 85, "passing": 70},
            "consequences": {
                "fail_quarters": 1,
                "suspend_months": 3,
                "suspend_from": "assessment_day",
            },
        }
    }
    with centre(tmp_path, today=D(2015, 4, 1), intermediaries=rules) as service:
        _two_bad_quarters(service)
        assessment = service.intermediaries.assessment
        assert assessment.rules().source == "config"
        move(service, D(2015, 7, 6))
        outcome = assessment.assess_quarter(2015, 2)
        bad = {q.credit_code: q for q in outcome.quarters}[BAD]
        # timeliness 0 + quality 30 x 0.30 + fees 20 + complaints 10 - 5
        assert (bad.score, bad.grade) == (D_("34.00"), AgencyGrade.FAIL)
        assert (bad.suspended_from, bad.suspended_until) == (D(2015, 7, 6), D(2015, 10, 5))
        assert bad.rule == "连续1个季度考核不合格，自考核之日起暂停进驻3个月"
        good = {q.credit_code: q for q in outcome.quarters}[GOOD]
        # 40 + 30 x 0.95 + 20 + 10 = 98.50: 优秀 from 95
        assert (good.score, good.grade) == (D_("98.50"), AgencyGrade.EXCELLENT)


def test_late_grace_days_and_fee_breaches_count_as_the_rules_say(tmp_path):
    rules = {
        "assessment": {
            "weights": {"timeliness": 30, "quality": 40, "fees": 15, "complaints": 15},
            "late_grace_days": 3,
            "fee_breach_points": 10,
        }
    }
    with centre(tmp_path, today=D(2015, 9, 1), intermediaries=rules) as service:
        service.store.add(listed_service())
        service.store.add(agency(1))
        engagements = service.intermediaries.engagements
        # due 30 September, delivered on the worked Saturday 10 October: 3 working days
        made = _engaged(service, 1, BAD, signed=D(2015, 9, 1), due=D(2015, 9, 30), fee=D_(6000))
        assert len(made.findings) == 2
        move(service, D(2015, 10, 12))
        engagements.deliver(made.id, on=D(2015, 10, 10), quality=80)
        move(service, D(2016, 1, 4))
        (q,) = service.intermediaries.assessment.assess(2015, 3)
        assert (q.on_time, q.late, q.fee_breaches) == (1, 0, 1)
        assert dict(q.parts)["fees"] == D_("5.00")
        assert q.score == D_("30.00") + D_("32.00") + D_("5.00") + D_("15.00")
        assert q.grade is AgencyGrade.GOOD


def test_a_plugin_s_rules_come_before_the_configuration(tmp_path):
    county = AgencyRules(timeliness=50, quality=20, fees=20, complaints=10, passing=70)

    class Plugin:
        @hookimpl
        def govservice_agency_assessment_rules(self, region):
            return county

    rules = {
        "assessment": {"weights": {"timeliness": 25, "quality": 25, "fees": 25, "complaints": 25}}
    }
    with centre(
        tmp_path, today=D(2015, 4, 1), intermediaries=rules, plugins=[("dongying", Plugin())]
    ) as service:
        chosen = service.intermediaries.assessment.rules()
        assert (chosen.timeliness, chosen.passing, chosen.source) == (50, 70, "dongying")


def test_a_quarter_not_ended_or_out_of_range_is_refused_and_nothing_is_stored(tmp_path):
    with centre(tmp_path, today=D(2015, 6, 30)) as service:
        service.store.add(agency(1))
        assessment = service.intermediaries.assessment
        with pytest.raises(AgencyQuarterError, match=r"2015Q2 ends on 2015-06-30"):
            assessment.assess(2015, 2)
        with pytest.raises(AgencyQuarterError, match="quarter 5 is not 1, 2, 3 or 4"):
            assessment.assess(2015, 5)
        with pytest.raises(AgencyQuarterError, match="year 1800 is outside"):
            assessment.assess(1800, 1)
        assert service.store.list("agency-quarter").records == ()
        assert assessment.assess_quarter(2015, 1).idle == (BAD,)  # a quarter that has ended


def test_configured_weights_that_do_not_add_up_are_refused_naming_file_and_line(tmp_path):
    path = tmp_path / "centre.yaml"
    path.write_text(
        "name: 东营市政务服务中心\n"
        'region: "370500"\n'
        "intermediaries:\n"
        "  assessment:\n"
        "    weights: {timeliness: 30, quality: 40, fees: 15, complaints: 10}\n",
        encoding="utf-8",
    )
    with pytest.raises(AgencyRulesError) as raised:
        load_config(path)
    assert raised.value.where == f"{path}:5"
    assert "the weights add up to 95, not 100" in str(raised.value)
    path.write_text(
        "name: 东营市政务服务中心\n"
        'region: "370500"\n'
        "intermediaries:\n"
        "  assessment:\n"
        "    weights: {timeliness: 30, quality: 40, fees: 15, complaints: 15}\n"
        "    grades: {excellent: 80, good: 85}\n",
        encoding="utf-8",
    )
    with pytest.raises(AgencyRulesError, match="must fall from 优秀 to 合格"):
        load_config(path)


def test_status_changes_out_of_order_are_refused_and_nothing_is_stored(tmp_path):
    with centre(tmp_path, today=D(2015, 10, 9)) as service:
        service.store.add(agency(1))
        assessment = service.intermediaries.assessment
        with pytest.raises(AgencyStatusError, match="not suspended"):
            assessment.reinstate(BAD, on=D(2015, 10, 9), reason="复核")
        with pytest.raises(AgencyStatusError, match="no agency with credit code"):
            assessment.suspend(credit_code(7), on=D(2015, 10, 1), until=D(2016, 3, 31), reason="x")
        with pytest.raises(AgencyStatusError, match="a change dated 2014-12-01 cannot follow"):
            assessment.suspend(BAD, on=D(2014, 12, 1), until=D(2015, 3, 31), reason="x")
        assessment.suspend(BAD, on=D(2015, 10, 1), until=D(2016, 3, 31), reason="违规收费")
        with pytest.raises(AgencyStatusError, match="suspended from 2015-10-01 until 2016-03-31"):
            assessment.suspend(BAD, on=D(2015, 11, 1), until=D(2015, 12, 31), reason="x")
        # lifted early by a decision
        assessment.reinstate(BAD, on=D(2015, 12, 1), reason="复核撤销暂停决定")
        assessment.withdraw(BAD, on=D(2016, 1, 1), reason="申请退出")
        with pytest.raises(AgencyStatusError, match="has withdrawn on 2016-01-01"):
            assessment.suspend(BAD, on=D(2016, 2, 1), until=D(2016, 3, 1), reason="x")
        stored = service.store.get("intermediary", BAD).record
        assert [c.status.value for c in stored.history] == [
            "active",
            "suspended",
            "active",
            "withdrawn",
        ]
        actions = [c["action"] for c in trail_changes(service, f"intermediary/{BAD}")]
        assert actions[-3:] == ["suspended", "reinstated", "withdrawn"]


def test_the_command_line_prints_the_grades_in_chinese(tmp_path):
    database = tmp_path / "centre.db"
    config = tmp_path / "centre.yaml"
    config.write_text(
        "name: 东营市政务服务中心\n"
        'region: "370500"\n'
        f"storage: {{backend: sqlite, settings: {{path: {database}}}}}\n",
        encoding="utf-8",
    )

    def cli(*args, now="2015-10-09T09:00+08:00"):
        return subprocess.run(
            [sys.executable, "-m", "govservice", "--config", str(config), "--now", now, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )

    done = cli("db", "init", "--simulation")
    assert done.returncode == 0, done.stderr
    with centre(tmp_path, today=D(2015, 4, 1)) as service:  # the same database file
        _two_bad_quarters(service)
    done = cli("intermediaries", "assess", "2015", "2", now="2015-07-02T09:00+08:00")
    assert done.returncode == 0, done.stderr
    done = cli("intermediaries", "assess", "2015", "3")
    assert done.returncode == 0, done.stderr
    assert "2015年第3季度中介机构考核：2家（考核细则：内置细则）" in done.stdout
    assert "46.00分  不合格" in done.stdout
    assert "本季度无到期合同、无成立投诉（不评定等次）：1家" in done.stdout  # GOOD: idle
    assert "暂停进驻（1家）：" in done.stdout
    assert "2015-10-01至2016-03-31（连续2个季度考核不合格" in done.stdout
    refused = cli("intermediaries", "assess", "2015", "4")
    assert refused.returncode == 2
    assert "2015Q4 ends on 2015-12-31" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_configuration_file_sets_every_rule(tmp_path):
    path = tmp_path / "centre.yaml"
    path.write_text(
        "name: 东营市政务服务中心\n"
        'region: "370500"\n'
        "intermediaries:\n"
        "  assessment:\n"
        "    weights: {timeliness: 25, quality: 45, fees: 15, complaints: 15}\n"
        "    grades: {excellent: 92, good: 82, passing: 65}\n"
        "    complaint_points: 7.5\n"
        "    fee_breach_points: 3\n"
        "    late_grace_days: 2\n"
        "    consequences: {fail_quarters: 3, suspend_months: 12, suspend_from: assessment_day}\n",
        encoding="utf-8",
    )
    rules = GovService(load_config(path)).intermediaries.assessment.rules()
    assert rules == AgencyRules(
        timeliness=25,
        quality=45,
        fees=15,
        complaints=15,
        excellent=92,
        good=82,
        passing=65,
        complaint_points=D_("7.5"),
        fee_breach_points=3,
        late_grace_days=2,
        fail_quarters=3,
        suspend_months=12,
        suspend_from="assessment_day",
        source="config",
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("late_grace_days", "grace"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="unknown key 'grace'"):
        load_config(path)


def test_after_its_reinstatement_an_agency_can_be_suspended_again(tmp_path):
    """Reinstated on 1 April 2016, BAD fails 2016Q1 and Q2 (work signed before its
    suspension, due after it): suspended again from 1 July 2016, the reinstatement
    recorded before the new suspension."""
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        engagements = service.intermediaries.engagements
        q1 = _engaged(service, 5, BAD, signed=D(2015, 9, 1), due=D(2016, 3, 1))
        q2 = _engaged(service, 6, BAD, signed=D(2015, 9, 1), due=D(2016, 5, 3))
        assessment = service.intermediaries.assessment
        move(service, D(2015, 7, 2))
        assessment.assess(2015, 2)
        move(service, D(2015, 10, 9))
        assessment.assess(2015, 3)
        move(service, D(2016, 5, 20))
        engagements.deliver(q1.id, on=D(2016, 3, 20), quality=20)
        engagements.deliver(q2.id, on=D(2016, 5, 20), quality=20)
        first = assessment.assess_quarter(2016, 1)
        assert {q.credit_code: q for q in first.quarters}[BAD].grade is AgencyGrade.FAIL
        assert [a.credit_code for a in first.reinstated] == [BAD]
        assert first.suspended == ()  # 2015Q4 was not assessed: no streak
        move(service, D(2016, 7, 4))
        second = assessment.assess_quarter(2016, 2)
        again = {q.credit_code: q for q in second.quarters}[BAD]
        assert (again.suspended_from, again.suspended_until) == (D(2016, 7, 1), D(2016, 12, 31))
        history = service.store.get("intermediary", BAD).record.history
        assert [(c.status.value, c.on) for c in history] == [
            ("active", D(2015, 1, 5)),
            ("suspended", D(2015, 10, 1)),
            ("active", D(2016, 4, 1)),
            ("suspended", D(2016, 7, 1)),
        ]
        actions = [c["action"] for c in trail_changes(service, f"intermediary/{BAD}")]
        assert actions == ["added", "suspended", "reinstated", "suspended"]


_DAYS = st.dates(min_value=D(2015, 6, 1), max_value=D(2015, 11, 30))


@st.composite
def _engagements(draw):
    found = []
    for n in range(draw(st.integers(0, 8))):
        signed = D(2015, 5, 1)
        due = draw(_DAYS)
        delivered = draw(st.none() | _DAYS)
        complaints = tuple(
            Complaint(on=draw(_DAYS), text="投诉", upheld=draw(st.none() | st.booleans()))
            for _ in range(draw(st.integers(0, 3)))
        )
        found.append(
            Engagement(
                id=f"HT-2015-{n:04d}",
                selection_id=f"XQ-2015-{n:04d}-1",
                need_id=f"XQ-2015-{n:04d}",
                service_code=SERVICE,
                credit_code=BAD,
                region="370500",
                signed_on=signed,
                due_on=due,
                delivered_on=delivered,
                quality=draw(st.none() | st.integers(0, 100)),
                complaints=complaints,
                findings=draw(st.sampled_from([(), ("约定收费超出公布标准",)])),
            )
        )
    return found


_RULES = st.builds(
    AgencyRules,
    timeliness=st.just(30),
    quality=st.just(40),
    fees=st.just(15),
    complaints=st.just(15),
    complaint_points=st.integers(0, 20),
    fee_breach_points=st.integers(0, 20),
    late_grace_days=st.integers(0, 5),
)


@settings(max_examples=300, deadline=None)
@given(engagements=_engagements(), rules=_RULES)
def test_a_quarter_s_score_is_its_parts_within_their_weights_and_graded_by_the_rules(
    engagements, rules
):
    from govservice.builtin.calendar import OfficialCalendar
    from govservice.intermediaries.assessment import quarter_figures

    calendar = OfficialCalendar().calendar
    first, last = D(2015, 7, 1), D(2015, 9, 30)
    figures = quarter_figures(engagements, first, last, D(2015, 12, 1), calendar, rules)
    due = [e for e in engagements if first <= e.due_on <= last]
    assert figures["engagements"] == len(due) == figures["on_time"] + figures["late"]
    parts = dict(figures["parts"])
    for name in ("timeliness", "quality", "fees", "complaints"):
        assert D_(0) <= parts[name] <= getattr(rules, name)
        assert parts[name] == parts[name].quantize(D_("0.01"))
    assert figures["score"] == sum(parts.values())
    assert D_(0) <= figures["score"] <= D_(100)
    assert figures["grade"] is rules.grade(figures["score"])
    if not due:  # nothing to measure but complaints: those parts earn their weight
        assert (parts["timeliness"], parts["quality"], parts["fees"]) == (30, 40, 15)


def test_the_stored_quarters_are_read_back_by_agency_and_by_quarter(tmp_path):
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        assessment = service.intermediaries.assessment
        move(service, D(2015, 7, 2))
        graded = assessment.assess(2015, 2)
        assert assessment.quarters(2015, 2) == list(graded)
        assert assessment.quarters(2015, 3) == []
        assert assessment.quarter(BAD, 2015, 2) == graded[0]
        assert assessment.quarter(BAD, 2015, 3) is None


def test_no_draw_chooses_the_suspended_agency_until_its_reinstatement(tmp_path):
    """End to end on the real parts: needs posted and drawn (the draw's own record) during
    the suspension always give GOOD, the one candidate; after the reinstatement BAD is a
    candidate again, and the engagement of a draw is with the agency it chose."""
    with centre(tmp_path, today=D(2015, 4, 1)) as service:
        _two_bad_quarters(service)
        assessment = service.intermediaries.assessment
        selections = service.intermediaries.selections
        move(service, D(2015, 7, 2))
        assessment.assess(2015, 2)
        move(service, D(2015, 10, 9))
        assessment.assess(2015, 3)

        def drawn(day, n):
            move(service, day)
            need = selections.post_need(  # (XQ-…-0001 on are the fixture's selections' needs)
                service_code=SERVICE,
                owner="东营市某置业有限公司",
                deadline=D(2016, 12, 31),
                id=f"XQ-{day.year}-{900 + n}",
            )
            witnesses = [Witness(name="业主代表", contribution=f"{n}-7431")]
            selections.commit(need.id, witnesses)
            return selections.select(need.id, witnesses=witnesses)

        for n, day in enumerate((D(2015, 10, 12), D(2015, 12, 1), D(2016, 3, 31))):
            chosen = drawn(day, n)
            assert chosen.candidates == (GOOD,)
            assert BAD in dict(chosen.excluded)
            assert chosen.result == GOOD
        move(service, D(2016, 4, 6))
        assessment.reinstate_due()
        chosen = drawn(D(2016, 4, 6), 9)
        assert chosen.candidates == (BAD, GOOD)
        made = service.intermediaries.engagements.engage(
            chosen.id, agreed_fee=Decimal(3500), signed_on=D(2016, 4, 6), due_on=D(2016, 5, 6)
        )
        assert made.credit_code == chosen.result
        assert made.findings == ()
