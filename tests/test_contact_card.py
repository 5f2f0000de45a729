"""The contact card of an agency (中介服务联系卡, issue 14, part 6): its fees in the words
of each of the six regimes, what it shows and hides, its QR code, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import segno

from govservice import GovService
from govservice.cli import main
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import AgencyPageLinkError, CardAgencyNotFoundError
from govservice.intermediaries.card import (
    ContactCards,
    card_fee_words,
    contact_card,
    qr_svg,
    render_card,
)
from govservice.model import (
    Contact,
    Intermediary,
    IntermediaryService,
    ListStatusChange,
    Practitioner,
    Qualification,
    ServiceFee,
    ServiceOffer,
    StatusChange,
)
from govservice.model.identifiers import mask_ric

URL = "https://zwfw.dongying.gov.cn/zjcs/agency/{code}"
CODE = "91370500MA3C0001XX"
IDENTITY = "370502198512240498"
DAY = dt.date(2015, 8, 3)


def listed(code: str, name: str, fee: ServiceFee, *history: tuple[str, dt.date]):
    return IntermediaryService(
        code=code,
        name=name,
        department="东营市规划局",
        region="370500",
        basis="《中华人民共和国城乡规划法》",
        fee=fee,
        history=[
            ListStatusChange(status=s, on=d)
            for s, d in history or [("retained", dt.date(2015, 1, 1))]
        ],
    )


SERVICES = {
    "ZJ-1": listed("ZJ-1", "建设工程消防设施检测", ServiceFee(regime="fixed", amount=Decimal(3000))),
    "ZJ-2": listed(
        "ZJ-2", "建设工程规划放线测量",
        ServiceFee(regime="range", amount=Decimal(1500), amount_to=Decimal(6000)),
    ),
    "ZJ-3": listed("ZJ-3", "地震安全性评价", ServiceFee(regime="negotiated")),
    "ZJ-4": listed(
        "ZJ-4", "施工图设计文件审查",
        ServiceFee(regime="price_document", document="鲁价费发〔2012〕53号"),
    ),
    "ZJ-5": listed("ZJ-5", "建设项目用地勘测定界", ServiceFee(regime="government")),
    "ZJ-6": listed(
        "ZJ-6", "建设工程竣工规划核实测量", ServiceFee(regime="tariff"),
        ("retained", dt.date(2015, 1, 1)), ("cancelled", dt.date(2015, 6, 1)),
    ),
}  # fmt: skip

OFFERS = (
    ServiceOffer(name="消防设施检测", service_code="ZJ-1", fee_from=Decimal(3000), promised_days=5),
    ServiceOffer(
        name="放线测量", service_code="ZJ-2", fee_from=Decimal(2000), fee_to=Decimal(4000)
    ),
    ServiceOffer(name="地震安全性评价", service_code="ZJ-3"),
    ServiceOffer(name="施工图审查", service_code="ZJ-4"),
    ServiceOffer(name="勘测定界", service_code="ZJ-5"),
    ServiceOffer(
        name="竣工测量", service_code="ZJ-6", fee_from=Decimal(2500), fee_to=Decimal(25000),
        fee_basis="按建筑面积每平方米1.2元计收",
    ),
)  # fmt: skip


def the_agency(**changes) -> Intermediary:
    fields = {
        "credit_code": CODE,
        "name": "东营市恒信测绘有限公司",
        "region": "370500",
        "presence": "physical",
        "qualifications": (
            Qualification(
                name="测绘资质证书",
                level="乙级",
                number="乙测资字3750123",
                expires_on=dt.date(2015, 6, 30),
                services=("ZJ-2",),
            ),
            Qualification(
                name="工程咨询单位资格证书", level="丙级", expires_on=dt.date(2019, 12, 31)
            ),
        ),
        "services": OFFERS,
        "practitioners": (
            Practitioner(name="赵明", certificate="注册测绘师", identity_number=IDENTITY),
            Practitioner(name="刘芳", certificate="测绘作业证"),
        ),
        "contact": Contact(name="赵明", phone="0546-8221234", address="东营市东营区西四路"),
        "registered_on": dt.date(2015, 1, 5),
    }
    return Intermediary(**{**fields, **changes})


def page_of(agency: Intermediary, on: dt.date = DAY) -> str:
    url = URL.replace("{code}", agency.credit_code)
    return render_card(contact_card(agency, SERVICES, url=url, on=on, centre="东营市政务服务中心"))


def text_of(page: str) -> str:
    """The words a reader sees (tags and the SVG dropped)."""
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# --- fees in the regimes' words --------------------------------------------------------------


def test_each_of_the_six_regimes_is_told_in_its_own_words() -> None:
    words = {
        offer.service_code: card_fee_words(SERVICES[offer.service_code].fee, offer)
        for offer in OFFERS
    }
    assert words["ZJ-1"] == "3000元"
    assert words["ZJ-2"] == "1500元至6000元（本机构2000元至4000元）"
    assert words["ZJ-3"] == "市场调节价，双方协商"
    assert words["ZJ-4"] == "按鲁价费发〔2012〕53号规定收费"
    assert words["ZJ-5"] == "政府承担（纳入审批程序），申请人不付费"
    assert words["ZJ-6"] == "按本机构收费标准：2500元至25000元；按建筑面积每平方米1.2元计收"


def test_a_negotiated_offer_with_a_reference_price_and_an_unlisted_offer() -> None:
    priced = ServiceOffer(name="地震安全性评价", service_code="ZJ-3", fee_from=Decimal(80000))
    assert (
        card_fee_words(SERVICES["ZJ-3"].fee, priced)
        == "市场调节价，双方协商（本机构参考价80000元）"
    )
    unlisted = ServiceOffer(
        name="房产测绘", fee_from=Decimal("1.36"), fee_basis="按建筑面积每平方米计收"
    )
    assert card_fee_words(None, unlisted) == "1.36元；按建筑面积每平方米计收"
    assert card_fee_words(None, ServiceOffer(name="咨询")) == "未公布"


# --- what the card shows ---------------------------------------------------------------------


def test_the_card_shows_the_agency_its_services_fees_and_contact() -> None:
    text = text_of(page_of(the_agency()))
    for words in (
        "中介服务联系卡", "东营市恒信测绘有限公司", "有形进驻", "正常", CODE,
        "2015年1月5日入驻", "0546-8221234", "东营市东营区西四路",
        "建设工程消防设施检测", "3000元", "5个工作日", "市场调节价，双方协商",
        "按鲁价费发〔2012〕53号规定收费", "政府承担（纳入审批程序），申请人不付费",
        "测绘资质证书", "乙级", "乙测资字3750123", "注册测绘师",
    ):  # fmt: skip
        assert words in text, words
    assert "资质截至2015年8月3日" in text


def test_identity_numbers_are_masked_and_never_whole() -> None:
    page = page_of(the_agency())
    assert IDENTITY not in page
    assert mask_ric(IDENTITY) == "3705021985****0498"
    assert "3705021985****0498" in page


def test_a_number_written_into_a_text_is_masked_even_with_a_wrong_check_digit() -> None:
    mistyped = IDENTITY[:-1] + "7"  # one digit off: still someone's number
    agency = the_agency(
        practitioners=(
            Practitioner(name="赵明", certificate=f"注册测绘师（证号{mistyped}）"),
            Practitioner(name="刘芳", certificate=f"测绘作业证{IDENTITY}"),
        ),
        contact=Contact(name="赵明", phone="0546-8221234", address=f"身份证{IDENTITY.lower()}"),
    )
    page = page_of(agency)
    assert mistyped not in page
    assert IDENTITY not in page
    assert "3705021985****0497" in page
    assert "3705021985****0498" in page
    assert CODE in page  # the agency's credit code is public


def test_an_expired_qualification_and_a_cancelled_service_are_marked() -> None:
    text = text_of(page_of(the_agency()))
    assert "2015年6月30日（已过期）" in text
    assert "2019年12月31日" in text
    assert "2019年12月31日（已过期）" not in text
    assert "清单状态：取消，暂不受理" in text  # ZJ-6 cancelled from 1 June


def test_a_suspended_agency_says_until_when_and_is_active_again_after() -> None:
    agency = the_agency(
        history=(
            StatusChange(status="active", on=dt.date(2015, 1, 5), reason="登记进驻"),
            StatusChange(
                status="suspended", on=dt.date(2015, 7, 1), until=dt.date(2015, 12, 31),
                reason="连续两个季度考核不合格",
            ),
        )
    )  # fmt: skip
    during = text_of(page_of(agency, dt.date(2015, 8, 3)))
    assert "暂停" in during
    assert "暂停承接新业务至2015年12月31日" in during
    after = text_of(page_of(agency, dt.date(2016, 1, 1)))
    assert "暂停承接新业务" not in after
    assert "正常" in after


def test_the_qr_code_is_inline_svg_of_the_public_page() -> None:
    page = page_of(the_agency())
    url = URL.replace("{code}", CODE)
    assert url in page
    svg = re.search(r"<svg.*?</svg>", page, flags=re.S).group(0)
    assert svg == qr_svg(url)
    assert 'class="qr"' in svg
    assert "<path" in svg
    # the same symbol segno makes of the link: what a phone reads back
    matrix = segno.make_qr(url, error="m")
    out = io.BytesIO()
    matrix.save(out, kind="svg", scale=1, xmldecl=False, svgns=True, omitsize=True,
                svgclass="qr", lineclass=None, title=url)  # fmt: skip
    assert out.getvalue().decode().strip() == svg
    assert "<script" not in page
    links = set(re.findall(r"https?://[^\"\s<]+", page))
    assert links == {url, "http://www.w3.org/2000/svg"}  # the link, and the SVG namespace
    assert not re.search(r"\b(src|href)=|@import|url\(", page)  # nothing fetched


def test_every_field_is_escaped_and_the_page_is_the_same_each_time() -> None:
    agency = the_agency(name="东营<script>alert(1)</script>测绘有限公司")
    page = page_of(agency)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page_of(agency) == page


# --- from a centre's store, and the CLI --------------------------------------------------------


def centre(tmp_path: Path, *, agency_url: str | None = URL) -> GovService:
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend="sqlite",
        storage_settings={"path": str(tmp_path / "centre.db")},
        agency_url=agency_url,
    )
    clock = FixedClock(dt.datetime(2015, 8, 3, 9, tzinfo=SHANGHAI))
    return GovService(config, clock=clock, strict=True, plugins=[])


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A centre's configuration whose SQLite store holds the services and the agency."""
    service = centre(tmp_path)
    market = service.intermediaries
    market.services.add_all(
        [s for c, s in SERVICES.items() if c != "ZJ-6"]
        + [
            listed(
                "ZJ-6",
                "建设工程竣工规划核实测量",
                ServiceFee(regime="tariff"),
                ("retained", dt.date(2015, 1, 1)),
            )
        ]
    )
    market.agencies.register(the_agency(), on=dt.date(2015, 1, 5))
    market.services.change_status("ZJ-6", "cancelled", dt.date(2015, 6, 1), "国发〔2015〕58号")
    service.store.close()
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        "  settings:\n    path: centre.db\npublic:\n"
        f'  agency_url: "{URL}"\n',
        encoding="utf-8",
    )
    return path


def test_contact_cards_read_the_store(stored: Path) -> None:
    service = GovService(stored, clock=FixedClock(dt.datetime(2015, 8, 3, 9, tzinfo=SHANGHAI)))
    try:
        card = ContactCards(service).card(CODE)
        assert card.on == DAY
        assert card.url == URL.replace("{code}", CODE)
        assert [s.code for s in card.services] == ["ZJ-1", "ZJ-2", "ZJ-3", "ZJ-4", "ZJ-5", "ZJ-6"]
        assert [s.listed for s in card.services][-1] is False  # cancelled in June
        assert card.services[-1].list_status == "取消"
        with pytest.raises(CardAgencyNotFoundError) as missing:
            ContactCards(service).card("91370500MA3C0002XY")
        assert missing.value.code == "GS992"
    finally:
        service.store.close()


def test_no_public_page_configured_is_a_clear_error(tmp_path: Path) -> None:
    service = centre(tmp_path, agency_url=None)
    try:
        with pytest.raises(AgencyPageLinkError) as refused:
            ContactCards(service).card(CODE)
        assert refused.value.code == "GS991"
        assert "public.agency_url" in str(refused.value)
    finally:
        service.store.close()


def test_the_cli_writes_the_card_and_refuses_to_overwrite(stored: Path, capsys) -> None:
    out = stored.parent / "card.html"
    assert (
        main(
            [
                "--config",
                str(stored),
                "--now",
                "2015-08-03T09:00",
                "intermediaries",
                "card",
                CODE,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "联系卡" in printed
    assert "东营市恒信测绘有限公司" in printed
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "中介服务联系卡" in page
    assert IDENTITY not in page
    before = out.read_bytes()
    assert main(["--config", str(stored), "intermediaries", "card", CODE, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "--force" in err
    assert out.read_bytes() == before


def test_the_cli_prints_json_and_names_an_unknown_agency(stored: Path, capsys) -> None:
    assert (
        main(
            [
                "--config",
                str(stored),
                "intermediaries",
                "card",
                CODE,
                "--on",
                "2015-08-03",
                "--json",
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["credit_code"] == CODE
    assert document["presence"] == "有形进驻"
    assert document["practitioners"][0]["identity"] == "3705021985****0498"
    assert "qr_svg" not in document
    unknown = stored.parent / "unknown.html"
    code = main(
        [
            "--config",
            str(stored),
            "intermediaries",
            "card",
            "91370500MA3C0002XY",
            "--out",
            str(unknown),
        ]
    )
    assert code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "error[GS992]" in lines[0]
    assert not unknown.exists()


def test_the_cli_gives_the_cards_of_the_hall_in_one_page(stored: Path, capsys) -> None:
    out = stored.parent / "hall.html"
    arguments = ["--config", str(stored), "intermediaries", "card"]
    assert main([*arguments, "--hall", "--on", "2015-08-03", "--out", str(out)]) == 0
    assert "1张" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert page.count('<article class="card">') == 1  # the one agency, in the hall
    assert "break-after: page" in page
    assert main(arguments) == 2  # neither a credit code nor --hall
    err = capsys.readouterr().err
    assert "--hall" in err
    assert "Traceback" not in err
