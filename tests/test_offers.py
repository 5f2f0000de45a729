"""Agencies and their offers (issue 14 H3): each offer checked against its service's fee
regime — a negotiated offer without an amount accepted, a fixed one refused — with a
clear error naming the agency, the service and the regime, and nothing stored."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice.cli import main
from govservice.codec import from_document
from govservice.errors import (
    AgencyRegistryError,
    OfferFeeError,
    RecordNotFoundError,
    ServiceNotListedError,
)
from govservice.intermediaries.offers import check_offer, fee_words, offer_words
from govservice.model import (
    FeeRegime,
    Intermediary,
    IntermediaryService,
    IntermediaryStatus,
    ListStatusChange,
    Presence,
    Qualification,
    ServiceFee,
    ServiceOffer,
    StatusChange,
)
from govservice.store.chained import changes
from people_helpers import BACKENDS, centre_on

EXAMPLES = Path(__file__).parents[1] / "examples" / "dongying"
CREDIT = "91370500MA3F1Q9R49"
LISTED = dt.date(2015, 3, 1)
DAY = dt.date(2015, 6, 1)

FEES = {
    "fixed": ServiceFee(regime="fixed", amount=Decimal("3000")),
    "range": ServiceFee(regime="range", amount=Decimal("1500"), amount_to=Decimal("6000")),
    "negotiated": ServiceFee(regime="negotiated"),
    "price_document": ServiceFee(regime="price_document", document="鲁价费发〔2012〕53号"),
    "government": ServiceFee(regime="government"),
    "tariff": ServiceFee(regime="tariff"),
}
CODES = {regime: f"ZJ-370500-{n:03d}" for n, regime in enumerate(FEES, start=1)}


def listed(regime: str, *history: ListStatusChange) -> IntermediaryService:
    return IntermediaryService(
        code=CODES[regime],
        name=f"{regime}服务",
        department="东营市住房和城乡建设管理局",
        region="370500",
        basis="《建设工程质量管理条例》",
        fee=FEES[regime],
        history=history or (ListStatusChange(status="retained", on=LISTED),),
    )


def offer(regime: str, low: str | None = None, high: str | None = None, **more) -> ServiceOffer:
    return ServiceOffer(
        name=f"{regime}服务",
        service_code=CODES[regime],
        fee_from=None if low is None else Decimal(low),
        fee_to=None if high is None else Decimal(high),
        **more,
    )


def agency(*offers: ServiceOffer, **changes_) -> Intermediary:
    fields = {
        "credit_code": CREDIT,
        "name": "东营市正衡工程咨询有限公司",
        "region": "370500",
        "presence": Presence.VIRTUAL,
        "qualifications": (
            Qualification(name="工程咨询资格证书", level="乙级", services=tuple(CODES.values())),
        ),
        "services": offers,
        "registered_on": DAY,
    }
    return Intermediary(**(fields | changes_))


@pytest.fixture(params=BACKENDS)
def centre(request, tmp_path):
    with centre_on(request.param, tmp_path) as service:
        service.intermediaries.services.add_all(listed(regime) for regime in FEES)
        yield service


# --- the rule of the issue ----------------------------------------------------------------------


def test_a_negotiated_offer_without_an_amount_is_accepted(centre):
    stored = centre.intermediaries.agencies.register(agency(offer("negotiated")))
    assert stored.offer(CODES["negotiated"]).fee_from is None
    assert centre.intermediaries.agencies.get(CREDIT) == stored
    lines = centre.intermediaries.agencies.offers(service_code=CODES["negotiated"])
    assert [offer_words(line.offer, line.service.fee) for line in lines] == [
        "市场调节价，双方协商"
    ]


def test_a_fixed_offer_without_an_amount_is_refused_clearly_and_nothing_stored(centre):
    with pytest.raises(OfferFeeError) as refused:
        centre.intermediaries.agencies.register(agency(offer("negotiated"), offer("fixed")))
    error = refused.value
    assert error.code == "GS963"
    message = str(error)
    assert CREDIT in message
    assert CODES["fixed"] in message
    assert "regime fixed" in message
    assert "must publish its amount" in message
    assert "东营市正衡工程咨询有限公司" in error.notice
    assert "fixed服务" in error.notice
    assert "固定收费" in error.notice
    assert "须公布收费金额" in error.notice
    assert centre.intermediaries.agencies.find(CREDIT) is None
    assert centre.store.count("intermediary") == 0
    assert changes(centre.store, "intermediary", CREDIT) == []


# --- every regime ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "low", "high", "accepted"),
    [
        ("fixed", "3000", None, True),
        ("fixed", "3000", "3000", True),
        ("fixed", "2800", None, False),  # not the service's fixed amount
        ("fixed", None, None, False),
        ("range", "1500", "6000", True),
        ("range", "2000", None, True),
        ("range", "1000", "3000", False),  # below the range
        ("range", "2000", "7000", False),  # above it
        ("range", None, None, False),
        ("negotiated", None, None, True),
        ("negotiated", "5000", "30000", True),  # a published price is the agency's
        ("price_document", None, None, True),
        ("price_document", "1200", None, True),
        ("government", None, None, True),
        ("government", "0", None, True),
        ("government", "500", None, False),  # the government pays
        ("tariff", None, None, False),  # the agency's own tariff is its amount
        ("tariff", "1.36", None, True),
        ("tariff", "1.20", "1.50", True),
    ],
)
def test_each_regime_decides_what_an_offer_must_say(centre, regime, low, high, accepted):
    agencies = centre.intermediaries.agencies
    candidate = agency(offer(regime, low, high))
    if accepted:
        assert agencies.register(candidate).offer(CODES[regime]).fee_from == (
            None if low is None else Decimal(low)
        )
        return
    with pytest.raises(OfferFeeError) as refused:
        agencies.register(candidate)
    assert f"regime {regime}" in str(refused.value)
    assert FeeRegime(regime).label in refused.value.notice
    assert agencies.find(CREDIT) is None


def test_the_offers_in_words():
    assert offer_words(offer("fixed", "3000"), FEES["fixed"]) == "3000元"
    assert offer_words(offer("range", "1500", "3000"), FEES["range"]) == "1500元至3000元"
    assert offer_words(offer("negotiated"), FEES["negotiated"]) == "市场调节价，双方协商"
    assert offer_words(offer("price_document"), FEES["price_document"]) == (
        "按鲁价费发〔2012〕53号规定收费"
    )
    assert offer_words(offer("government"), FEES["government"]).startswith("政府承担")
    assert offer_words(offer("tariff", "1.36"), FEES["tariff"]) == "1.36元"
    assert offer_words(offer("tariff"), FEES["tariff"]) == "未公布"
    assert fee_words(FEES["tariff"]) == "按各中介机构收费标准（见各机构报价）"


AMOUNTS = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False)
)


@settings(max_examples=300, deadline=None)
@given(regime=st.sampled_from(sorted(FEES)), low=AMOUNTS, high=AMOUNTS)
def test_check_offer_agrees_with_the_regime_on_any_amounts(regime, low, high):
    """An offer passes exactly when its regime allows every amount it publishes (the
    model's ``ServiceFee.allows``) and it publishes one where the regime needs it."""
    if low is None:
        high = None
    elif high is not None and high < low:
        low, high = high, low
    made = ServiceOffer(name="服务", service_code=CODES[regime], fee_from=low, fee_to=high)
    fee = FEES[regime]
    needs = fee.regime.offer_needs_amount
    expected = (low is not None or not needs) and all(
        fee.allows(value) for value in (low, high if high is not None else low)
    )
    if fee.regime in (FeeRegime.NEGOTIATED, FeeRegime.PRICE_DOCUMENT, FeeRegime.TARIFF):
        expected = low is not None or not needs
    try:
        check_offer(agency(made), made, listed(regime), DAY)
    except OfferFeeError:
        assert not expected
    else:
        assert expected


# --- the list decides what may be offered ---------------------------------------------------------


def test_an_offer_of_a_service_not_listed_or_cancelled_is_refused(centre):
    agencies = centre.intermediaries.agencies
    stray = ServiceOffer(name="工程造价咨询", service_code="ZJ-370500-404", fee_from=Decimal(1))
    with pytest.raises(ServiceNotListedError, match="ZJ-370500-404") as refused:
        agencies.register(agency(stray))
    assert "不在中介服务事项清单内" in refused.value.notice
    centre.intermediaries.services.change_status(CODES["range"], "cancelled", dt.date(2015, 5, 1))
    with pytest.raises(ServiceNotListedError, match="cancelled on 2015-06-01"):
        agencies.register(agency(offer("range", "2000")))
    with pytest.raises(ServiceNotListedError, match="not listed yet"):
        agencies.register(agency(offer("negotiated"), registered_on=dt.date(2015, 2, 1)))
    assert centre.store.count("intermediary") == 0
    # before the cancellation it could be offered
    assert agencies.register(agency(offer("range", "2000"), registered_on=dt.date(2015, 4, 1)))


def test_an_offer_must_name_a_listed_service_and_once(centre):
    agencies = centre.intermediaries.agencies
    with pytest.raises(AgencyRegistryError, match="names no service of the list"):
        agencies.register(agency(ServiceOffer(name="地形测绘", fee_from=Decimal(3000))))
    with pytest.raises(AgencyRegistryError, match="offered twice") as twice:
        agencies.register(agency(offer("negotiated"), offer("negotiated", "100")))
    assert "重复申报" in twice.value.notice
    assert centre.store.count("intermediary") == 0


# --- the registry -----------------------------------------------------------------------------------


def test_registration_starts_the_history_and_the_trail(centre):
    agencies = centre.intermediaries.agencies
    stored = agencies.register(agency(offer("tariff", "1.36")))
    assert stored.history == (
        StatusChange(status="active", on=DAY, reason="登记进驻（虚拟进驻）"),
    )
    assert stored.status_on(DAY) is IntermediaryStatus.ACTIVE
    trail = changes(centre.store, "intermediary", CREDIT)
    assert [c.change["action"] for c in trail] == ["registered"]
    assert trail[0].change["presence"] == "virtual"
    with pytest.raises(AgencyRegistryError, match="registered already"):
        agencies.register(agency(offer("negotiated")))
    assert agencies.get(CREDIT) == stored
    # registered without a day: the centre's clock says when
    other = agency(credit_code="91370100MA3D0W3L8R", registered_on=None)
    assert agencies.register(other).registered_on == dt.date(2016, 1, 8)


def test_a_status_without_a_history_is_refused(centre):
    with pytest.raises(AgencyRegistryError, match="without a status history") as refused:
        centre.intermediaries.agencies.register(agency(status="suspended"))
    assert "暂停" in refused.value.notice
    wrong = agency(history=(StatusChange(status="active", on=dt.date(2015, 7, 1)),))
    with pytest.raises(AgencyRegistryError, match="must start with its registration"):
        centre.intermediaries.agencies.register(wrong)
    assert centre.store.count("intermediary") == 0


def test_the_example_agencies_register_against_the_example_list(tmp_path):
    with centre_on("sqlite", tmp_path) as service:
        service.intermediaries.services.import_file(EXAMPLES / "intermediary-services.json")
        documents = json.loads((EXAMPLES / "intermediaries.json").read_text(encoding="utf-8"))
        stored = service.intermediaries.agencies.register_all(
            from_document(Intermediary, d) for d in documents
        )
        assert len(stored) == len(documents) == 8
        assert {a.presence for a in stored} == set(Presence)
        suspended = service.intermediaries.agencies.get("91370523MA3ELK4Q19")
        assert suspended.status_on(dt.date(2015, 12, 1)) is IntermediaryStatus.SUSPENDED
        assert suspended.status_on(dt.date(2016, 4, 1)) is IntermediaryStatus.ACTIVE
        offering = service.intermediaries.agencies.offering("ZJ-370500-006")
        assert [a.credit_code for a in offering] == ["91370500MA3DXK7L22", "91370523MA3ELK4Q19"]


def test_offers_are_changed_checked_and_withdrawal_ends_them(centre):
    agencies = centre.intermediaries.agencies
    agencies.register(agency(offer("range", "2000", "3000"), offer("negotiated")))
    changed = agencies.set_offers(CREDIT, [offer("range", "2500")], on=DAY)
    assert [o.service_code for o in changed.services] == [CODES["negotiated"], CODES["range"]]
    assert changed.offer(CODES["range"]).fee_from == Decimal("2500")
    with pytest.raises(OfferFeeError):
        agencies.set_offers(CREDIT, [offer("fixed")], on=DAY)
    assert agencies.get(CREDIT) == changed  # refused: unchanged
    only = agencies.set_offers(CREDIT, [offer("tariff", "9")], on=DAY, replace=True)
    assert [o.service_code for o in only.services] == [CODES["tariff"]]
    assert agencies.offering(CODES["tariff"]) == [only]  # the store's index follows
    assert agencies.offering(CODES["range"]) == []
    assert [line.agency for line in agencies.offers(service_code=CODES["tariff"])] == [only]

    with pytest.raises(AgencyRegistryError, match="before its last change"):
        agencies.withdraw(CREDIT, dt.date(2015, 5, 1))
    gone = agencies.withdraw(CREDIT, dt.date(2015, 9, 30), "机构申请退出")
    assert gone.status is IntermediaryStatus.WITHDRAWN
    assert gone.history[-1] == StatusChange(
        status="withdrawn", on=dt.date(2015, 9, 30), reason="机构申请退出"
    )
    assert gone.status_on(dt.date(2015, 9, 29)) is IntermediaryStatus.ACTIVE
    with pytest.raises(AgencyRegistryError, match="withdrawn already"):
        agencies.withdraw(CREDIT, dt.date(2015, 10, 1))
    with pytest.raises(AgencyRegistryError, match="withdrawn"):
        agencies.set_offers(CREDIT, [offer("negotiated")], on=dt.date(2015, 10, 1))
    assert agencies.offers(on=dt.date(2015, 10, 1)) == []  # a withdrawn agency shows none
    assert len(agencies.offers(on=dt.date(2015, 9, 1))) == 1
    actions = [c.change["action"] for c in changes(centre.store, "intermediary", CREDIT)]
    assert actions == ["registered", "offers", "offers", "withdrawn"]
    with pytest.raises(RecordNotFoundError):
        agencies.withdraw("91370100MA3D0W3L8R")


# --- from the command line -------------------------------------------------------------------------


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        f"  settings:\n    path: {tmp_path / 'centre.db'}\n",
        encoding="utf-8",
    )
    return path


def cli(config: Path, *args: str) -> int:
    return main(["--config", str(config), "--now", "2015-11-02T09:00:00+08:00", *args])


def test_register_and_offers_from_the_command_line(tmp_path, capsys):
    config = config_file(tmp_path)
    services = str(EXAMPLES / "intermediary-services.json")
    assert cli(config, "intermediaries", "services", "import", services) == 0
    capsys.readouterr()

    fixed = tmp_path / "fixed.json"
    fixed.write_text(
        json.dumps(
            [
                {
                    "credit_code": CREDIT,
                    "name": "东营市正衡施工图审查中心",
                    "region": "370500",
                    "presence": "virtual",
                    "services": [{"name": "施工图设计文件审查", "service_code": "ZJ-370500-001"}],
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert cli(config, "intermediaries", "register", str(fixed)) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.count("\n") == 1
    assert "拒绝[GS963]" in out.err
    assert "东营市正衡施工图审查中心" in out.err
    assert "施工图设计文件审查" in out.err
    assert "固定收费" in out.err
    assert "须公布收费金额" in out.err

    negotiated = tmp_path / "negotiated.json"
    document = json.loads(fixed.read_text(encoding="utf-8"))
    document[0]["services"] = [{"name": "环境影响报告书编制", "service_code": "ZJ-370500-003"}]
    negotiated.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert cli(config, "intermediaries", "register", str(negotiated)) == 0
    assert "共登记中介机构1家" in capsys.readouterr().out

    assert cli(config, "intermediaries", "offers", "--service", "ZJ-370500-003") == 0
    out = capsys.readouterr().out
    assert "环境影响报告书编制（ZJ-370500-003）  市场调节价，双方协商" in out
    assert (
        "东营市正衡施工图审查中心（91370500MA3F1Q9R49，虚拟进驻，正常）：市场调节价，双方协商"
        in out
    )

    added = tmp_path / "offers.json"
    added.write_text(
        json.dumps([{"name": "施工图设计文件审查", "service_code": "ZJ-370500-001"}]),
        encoding="utf-8",
    )
    assert cli(config, "intermediaries", "offers", "--agency", CREDIT, "--add", str(added)) == 2
    assert "拒绝[GS963]" in capsys.readouterr().err
    added.write_text(
        json.dumps(
            [
                {
                    "name": "施工图设计文件审查",
                    "service_code": "ZJ-370500-001",
                    "fee_from": "3000.00",
                }
            ]
        ),
        encoding="utf-8",
    )
    assert cli(config, "intermediaries", "offers", "--agency", CREDIT, "--add", str(added)) == 0
    assert cli(config, "intermediaries", "offers", "--agency", CREDIT, "--json") == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [(o["service_code"], o["regime"], o["fee_text"]) for o in shown] == [
        ("ZJ-370500-001", "fixed", "3000元"),
        ("ZJ-370500-003", "negotiated", "市场调节价，双方协商"),
    ]
    assert cli(config, "intermediaries", "withdraw", CREDIT, "--reason", "申请退出") == 0
    assert "自2015年11月2日起退出" in capsys.readouterr().out


def test_an_invalid_agency_file_exits_1_and_registers_nothing(tmp_path, capsys):
    config = config_file(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"credit_code": "91370500MA3F1Q9R40"}]), encoding="utf-8")
    assert cli(config, "intermediaries", "register", str(bad)) == 1
    out = capsys.readouterr()
    assert "bad.json" in out.out
    assert "未作改动" in out.err
    assert not (tmp_path / "centre.db").exists()


def test_the_bulk_import_of_agencies_checks_their_offers_too(tmp_path, capsys):
    config = config_file(tmp_path)
    assert (
        cli(config, "import", "intermediary-service", str(EXAMPLES / "intermediary-services.json"))
        == 0
    )
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(
        json.dumps(
            {
                "credit_code": CREDIT,
                "name": "东营市正衡施工图审查中心",
                "region": "370500",
                "presence": "virtual",
                "registered_on": "2015-06-01",
                "services": [{"name": "施工图设计文件审查", "service_code": "ZJ-370500-001"}],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert cli(config, "import", "intermediary", str(fixed)) == 2
    assert "拒绝[GS963]" in capsys.readouterr().err
    assert cli(config, "intermediaries", "offers", "--agency", CREDIT) == 2  # not stored
    capsys.readouterr()
    assert cli(config, "import", "intermediary", str(EXAMPLES / "intermediaries.json")) == 0
    assert "intermediary: 8 imported" in capsys.readouterr().out


def test_offers_that_are_not_offers_exit_1_and_change_nothing(tmp_path, capsys):
    config = config_file(tmp_path)
    assert (
        cli(config, "import", "intermediary-service", str(EXAMPLES / "intermediary-services.json"))
        == 0
    )
    assert cli(config, "intermediaries", "register", str(EXAMPLES / "intermediaries.json")) == 0
    capsys.readouterr()
    for content in ('[1, {"name": "x"}]', '[{"name": "x", "bogus": 1}]', '[{"fee_from": "-1"}]'):
        odd = tmp_path / "odd.json"
        odd.write_text(content, encoding="utf-8")
        assert (
            cli(
                config,
                "intermediaries",
                "offers",
                "--agency",
                "91370500MA3DXK7L22",
                "--add",
                str(odd),
            )
            == 1
        )
        out = capsys.readouterr()
        assert "odd.json:1" in out.out
        assert "未作改动" in out.err
    assert cli(config, "intermediaries", "offers", "--agency", "91370500MA3DXK7L22", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [o["service_code"] for o in shown] == ["ZJ-370500-005", "ZJ-370500-006"]
