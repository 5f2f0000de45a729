"""Engagements (服务合同): the agreement made with the agency a selection chose, the fee's
findings, delivery and lateness in working days on the centre's calendar, complaints.
Every test runs on a SQLite file store (and the memory store where it says so)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest

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
from govservice.errors import EngagementError, EngagementNotFoundError
from govservice.model import ServiceFee

D = dt.date


def _setup(service, *, fee=None):
    service.store.add(listed_service(**({"fee": fee} if fee else {})))
    service.store.add(agency(1))
    return stored_selection(service, 1, credit_code(1), D(2015, 9, 1))


@pytest.mark.parametrize("backend", ["sqlite", "memory"])
def test_an_engagement_is_with_the_agency_the_selection_chose(tmp_path, backend):
    with centre(tmp_path, today=D(2015, 9, 2), backend=backend) as service:
        selection = _setup(service)
        engagements = service.intermediaries.engagements
        made = engagements.engage(
            selection.id, agreed_fee=Decimal(4000), signed_on=D(2015, 9, 2), due_on=D(2015, 9, 30)
        )
        assert made.id == "HT-2015-0001-1"
        assert made.credit_code == credit_code(1)
        assert (made.need_id, made.service_code, made.region) == (
            "XQ-2015-0001",
            SERVICE,
            "370500",
        )
        assert made.findings == ()
        assert engagements.get(made.id) == made
        assert [e.id for e in engagements.all(credit_code=credit_code(1))] == [made.id]
        assert list(engagements.all(credit_code=credit_code(2))) == []


@pytest.mark.parametrize(
    ("agreed", "found"),
    [
        (Decimal(4000), []),
        (Decimal(4800), ["约定收费4800元，不符合该机构公布的收费标准（3000元至4500元）"]),
        (
            Decimal(6000),
            [
                "约定收费6000元，不符合该事项公布的收费方式：区间收费（2000元至5000元）",
                "约定收费6000元，不符合该机构公布的收费标准（3000元至4500元）",
            ],
        ),
        (
            None,
            [
                "约定收费未约定金额，不符合该事项公布的收费方式：区间收费（2000元至5000元）",
                "约定收费未约定金额，不符合该机构公布的收费标准（3000元至4500元）",
            ],
        ),
    ],
)
def test_an_agreed_fee_outside_the_published_regime_or_offer_is_a_finding(tmp_path, agreed, found):
    with centre(tmp_path, today=D(2015, 9, 2)) as service:
        selection = _setup(service)
        made = service.intermediaries.engagements.engage(
            selection.id, agreed_fee=agreed, signed_on=D(2015, 9, 2), due_on=D(2015, 9, 30)
        )
        assert list(made.findings) == found
        # recorded as signed, the findings with it
        assert service.intermediaries.engagements.get(made.id).findings == tuple(found)


def test_a_negotiated_service_takes_any_fee_and_a_fixed_one_only_its_amount(tmp_path):
    with centre(tmp_path, today=D(2015, 9, 2)) as service:
        service.store.add(listed_service(fee=ServiceFee(regime="negotiated")))
        service.store.add(agency(1, services=()))
        service.store.add(agency(2, services=()))
        one = stored_selection(service, 1, credit_code(1), D(2015, 9, 1))
        engagements = service.intermediaries.engagements
        free = engagements.engage(
            one.id, agreed_fee=None, signed_on=D(2015, 9, 1), due_on=D(2015, 9, 30)
        )
        assert free.findings == ()
    (tmp_path / "fixed").mkdir()
    with centre(tmp_path / "fixed", today=D(2015, 9, 2)) as service:
        service.store.add(
            listed_service(fee=ServiceFee(regime="fixed", amount=Decimal("1500.00")))
        )
        service.store.add(agency(1, services=()))
        one = stored_selection(service, 1, credit_code(1), D(2015, 9, 1))
        two = stored_selection(service, 2, credit_code(1), D(2015, 9, 1))
        engagements = service.intermediaries.engagements
        kept = engagements.engage(
            one.id, agreed_fee=Decimal("1500"), signed_on=D(2015, 9, 1), due_on=D(2015, 9, 30)
        )
        assert kept.findings == ()
        broke = engagements.engage(
            two.id, agreed_fee=Decimal("1800"), signed_on=D(2015, 9, 1), due_on=D(2015, 9, 30)
        )
        assert broke.findings == (
            "约定收费1800元，不符合该事项公布的收费方式：固定收费（1500.00元）",
        )


@pytest.mark.parametrize("backend", ["sqlite", "memory"])
def test_an_engagement_that_cannot_be_recorded_is_refused_and_nothing_is_stored(tmp_path, backend):
    with centre(tmp_path, today=D(2015, 9, 2), backend=backend) as service:
        selection = _setup(service)
        engagements = service.intermediaries.engagements
        with pytest.raises(EngagementError, match="no selection XQ-2015-0099-1 is stored"):
            engagements.engage(
                "XQ-2015-0099-1", agreed_fee=None, signed_on=D(2015, 9, 2), due_on=D(2015, 9, 3)
            )
        with pytest.raises(EngagementError, match="before the selection"):
            engagements.engage(
                selection.id, agreed_fee=None, signed_on=D(2015, 8, 31), due_on=D(2015, 9, 3)
            )
        with pytest.raises(EngagementError, match=r"after today \(2015-09-02\)"):
            engagements.engage(
                selection.id, agreed_fee=None, signed_on=D(2015, 9, 3), due_on=D(2015, 9, 30)
            )
        with pytest.raises(EngagementError, match="due_on"):
            engagements.engage(
                selection.id, agreed_fee=None, signed_on=D(2015, 9, 2), due_on=D(2015, 9, 1)
            )
        with pytest.raises(EngagementError, match="agreed_fee"):
            engagements.engage(
                selection.id,
                agreed_fee=Decimal("-1"),
                signed_on=D(2015, 9, 2),
                due_on=D(2015, 9, 30),
            )
        assert list(engagements.all()) == []
        engagements.engage(
            selection.id, agreed_fee=None, signed_on=D(2015, 9, 2), due_on=D(2015, 9, 30)
        )
        with pytest.raises(EngagementError, match="engaged already"):
            engagements.engage(
                selection.id,
                agreed_fee=None,
                signed_on=D(2015, 9, 2),
                due_on=D(2015, 9, 30),
                engagement_id="HT-2015-0777",
            )
        assert [e.id for e in engagements.all()] == ["HT-2015-0001-1"]


def test_late_delivery_is_counted_in_working_days_across_the_national_day_holiday(tmp_path):
    """Due on 30 September 2015: 1 to 7 October are the National Day holiday and Saturday
    10 October is worked in exchange (调休)."""
    with centre(tmp_path, today=D(2015, 9, 2)) as service:
        _setup(service)
        for number in (2, 3, 4):
            stored_selection(service, number, credit_code(1), D(2015, 9, 1))
        engagements = service.intermediaries.engagements
        made = [
            engagements.engage(
                f"XQ-2015-{n:04d}-1",
                agreed_fee=Decimal(4000),
                signed_on=D(2015, 9, 2),
                due_on=D(2015, 9, 30),
            )
            for n in (1, 2, 3, 4)
        ]
        move(service, D(2015, 10, 12))
        on_time = engagements.deliver(made[0].id, on=D(2015, 9, 30), quality=90)
        holiday = engagements.deliver(made[1].id, on=D(2015, 10, 8), quality=80)
        exchange = engagements.deliver(made[2].id, on=D(2015, 10, 10))
        assert engagements.late_days(on_time) == 0
        assert engagements.late_days(holiday) == 1  # eight days on, one working day
        assert engagements.late_days(exchange) == 3  # 8, 9 and the worked Saturday 10
        # undelivered: counted up to the day asked (today by default)
        assert engagements.late_days(made[3], on=D(2015, 10, 9)) == 2
        assert engagements.late_days(made[3]) == 4  # Monday 12 October
        assert (holiday.delivered_on, holiday.quality) == (D(2015, 10, 8), 80)
        assert trail_changes(service, f"engagement/{holiday.id}")[-1] == {
            "action": "delivered",
            "on": "2015-10-08",
            "quality": 80,
            "late_working_days": 1,
        }


def test_a_delivery_that_cannot_be_recorded_is_refused_and_nothing_is_stored(tmp_path):
    with centre(tmp_path, today=D(2015, 9, 10)) as service:
        selection = _setup(service)
        engagements = service.intermediaries.engagements
        made = engagements.engage(
            selection.id, agreed_fee=None, signed_on=D(2015, 9, 2), due_on=D(2015, 9, 30)
        )
        with pytest.raises(EngagementNotFoundError, match="no engagement HT-2015-0404"):
            engagements.deliver("HT-2015-0404", on=D(2015, 9, 5))
        with pytest.raises(EngagementError, match="after today"):
            engagements.deliver(made.id, on=D(2015, 9, 11))
        with pytest.raises(EngagementError, match="delivered_on"):
            engagements.deliver(made.id, on=D(2015, 9, 1))
        with pytest.raises(EngagementError, match="a rating is 0 to 100, not 101"):
            engagements.deliver(made.id, on=D(2015, 9, 5), quality=101)
        assert engagements.get(made.id) == made
        engagements.deliver(made.id, on=D(2015, 9, 5), quality=88)
        with pytest.raises(EngagementError, match="delivered on 2015-09-05 already"):
            engagements.deliver(made.id, on=D(2015, 9, 6))
        assert engagements.get(made.id).quality == 88


def test_complaints_and_their_outcome_are_recorded_in_the_trail(tmp_path):
    with centre(tmp_path, today=D(2015, 10, 12)) as service:
        selection = _setup(service)
        engagements = service.intermediaries.engagements
        made = engagements.engage(
            selection.id, agreed_fee=None, signed_on=D(2015, 9, 2), due_on=D(2015, 9, 30)
        )
        engagements.complain(made.id, on=D(2015, 10, 9), text="超过约定期限未出具检测报告")
        engagements.complain(made.id, on=D(2015, 10, 10), text="报告格式不规范")
        done = engagements.resolve(made.id, 1, upheld=True, outcome="责令限期出具，记入考核")
        assert [(c.text, c.upheld) for c in done.complaints] == [
            ("超过约定期限未出具检测报告", True),
            ("报告格式不规范", None),
        ]
        with pytest.raises(EngagementError, match="has 2 complaint"):
            engagements.resolve(made.id, 3, upheld=False, outcome="不予受理")
        with pytest.raises(EngagementError, match="before the signing"):
            engagements.complain(made.id, on=D(2015, 9, 1), text="早于合同")
        assert engagements.get(made.id) == done
        actions = [c["action"] for c in trail_changes(service, f"engagement/{made.id}")]
        assert actions == ["engaged", "complained", "complained", "resolved"]


def test_the_command_line_records_an_engagement_and_its_delivery(tmp_path):
    config = tmp_path / "centre.yaml"
    config.write_text(
        "name: 东营市政务服务中心\n"
        'region: "370500"\n'
        f"storage: {{backend: sqlite, settings: {{path: {tmp_path / 'centre.db'}}}}}\n",
        encoding="utf-8",
    )

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "govservice", "--config", str(config), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )

    with centre(tmp_path, today=D(2015, 9, 2)) as service:  # the same database file
        _setup(service)
    done = cli(
        "intermediaries", "engage", "XQ-2015-0001-1",
        "--fee", "6000", "--signed", "2015-09-02", "--due", "2015-09-30",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"已登记：服务合同HT-2015-0001-1，东营鲁东防雷检测有限公司（{credit_code(1)}），"
        "约定收费6000元，2015-09-02签订，2015-09-30前交付"
    )
    assert (
        lines[1] == "发现：约定收费6000元，不符合该事项公布的收费方式：区间收费（2000元至5000元）"
    )
    done = cli(
        "intermediaries", "deliver", "HT-2015-0001-1", "--on", "2015-10-08", "--quality", "80"
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "已登记交付：服务合同HT-2015-0001-1于2015-10-08交付，逾期1个工作日，质量评分80"
    )
    again = cli("intermediaries", "deliver", "HT-2015-0001-1", "--on", "2015-10-09")
    assert again.returncode == 2
    assert "error[GS980]" in again.stderr
    assert "delivered on 2015-10-08 already" in again.stderr
    assert "Traceback" not in again.stderr
    bad_fee = cli(
        "intermediaries", "engage", "XQ-2015-0001-1",
        "--fee", "-5", "--signed", "2015-09-02", "--due", "2015-09-30",
    )  # fmt: skip
    assert bad_fee.returncode == 2
    assert "is not an amount of yuan" in bad_fee.stderr


# --- fees per unit (计费单位) -------------------------------------------------------------


def test_a_fee_per_unit_is_judged_on_the_agreed_quantity() -> None:
    """1.36 yuan a square metre: 13,600 yuan for 10,000 m² keeps to it; 41,000 does not;
    without the quantity it cannot be judged, and that is what is found."""
    from govservice.intermediaries.engagements import fee_findings
    from govservice.intermediaries.offers import offer_words
    from govservice.model import (
        FeeRegime,
        IntermediaryService,
        ListStatusChange,
        ServiceFee,
        ServiceOffer,
    )
    from govservice.samples import make_intermediary

    listed = IntermediaryService(
        code="ZJ-370500-006",
        name="房产测绘",
        department="东营市住房和城乡建设局",
        region="370500",
        basis="《房产测绘管理办法》",
        fee=ServiceFee(regime=FeeRegime.TARIFF),
        history=[ListStatusChange(status="retained", on=dt.date(2015, 1, 1))],
    )
    offer = ServiceOffer(
        name="房产测绘", service_code="ZJ-370500-006", fee_from=Decimal("1.36"), unit="平方米"
    )
    agency = make_intermediary(services=(offer,))
    assert offer_words(offer, listed.fee) == "1.36元/平方米"
    area = Decimal(10000)
    assert fee_findings(Decimal(13600), listed, agency, listed.code, area) == ()
    (found,) = fee_findings(Decimal(41000), listed, agency, listed.code, area)
    assert "1.36元/平方米" in found
    (unjudged,) = fee_findings(Decimal(13600), listed, agency, listed.code)
    assert "未约定计费数量" in unjudged


def test_an_offer_per_unit_under_a_fixed_fee_of_the_whole_service_is_refused() -> None:
    from govservice.errors import OfferFeeError
    from govservice.intermediaries.offers import check_offer
    from govservice.model import IntermediaryService, ListStatusChange, ServiceFee, ServiceOffer
    from govservice.samples import make_intermediary

    listed = IntermediaryService(
        code="ZJ-370500-001",
        name="施工图设计文件审查",
        department="东营市住房和城乡建设局",
        region="370500",
        basis="《建筑工程施工图设计文件审查管理办法》",
        fee=ServiceFee(regime="fixed", amount=Decimal("3000")),
        history=[ListStatusChange(status="retained", on=dt.date(2015, 1, 1))],
    )
    offer = ServiceOffer(
        name="施工图审查", service_code=listed.code, fee_from=Decimal("3000"), unit="平方米"
    )
    with pytest.raises(OfferFeeError, match="per 平方米"):
        check_offer(make_intermediary(services=(offer,)), offer, listed, dt.date(2015, 6, 1))
