"""The public progress lookup (进度查询): tracking codes, what a citizen sees, the QR code."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from collections import Counter

import pytest
import segno

from govservice.clock import SHANGHAI, FixedClock
from govservice.errors import RoleError, UnknownTrackingCodeError, UsageError
from govservice.model import CaseState, Identifier, Party, SubmittedMaterial
from govservice.model.case import TRACKING_ALPHABET
from govservice.samples import (
    START,
    config_with,
    enterprise,
    make_case,
    make_item,
    person,
    register_staff,
)
from govservice.service import GovService
from govservice.store.simulation import make_simulation
from govservice.workflow import Actor
from govservice.workflow.engine import new_tracking_code
from govservice.workflow.progress import (
    find_by_code,
    lookup_url,
    progress,
    qr_png,
    qr_svg,
)

D = dt.date
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
URL = "https://zwfw.dongying.gov.cn/progress/{code}"

CLERK = Actor("王窗口", "window_clerk")
REVIEWER = Actor("李审查", "reviewer")
APPROVER = Actor("赵审批", "approver")
SUPERVISOR = Actor("周监察", "supervisor")


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(params=["memory", "sqlite"])
def service(request, tmp_path):
    settings = {"path": str(tmp_path / "gs.db")} if request.param == "sqlite" else {}
    config = config_with(
        storage_backend=request.param, storage_settings=settings, progress_url=URL
    )
    service = GovService(config, clock=FixedClock(START), strict=True)
    make_simulation(service.store)  # the tests act on days of their choosing (at=)
    register_staff(service.store, ["370500"])
    service.store.add_item(make_item())
    yield service
    service.store.close()


def apply(service, applicant, **changes):
    item = make_item()
    materials = [SubmittedMaterial(name=m.name, originals=1, copies=2) for m in item.materials]
    case = make_case(item, applicant=applicant, materials=materials, **changes)
    actor = Actor(applicant.name, "applicant", id=applicant.identifier.number)
    return service.workflow.apply(case, actor, at=START)


# --- tracking codes ----------------------------------------------------------------------------


def test_the_alphabet_has_no_look_alikes():
    assert TRACKING_ALPHABET == ALPHABET
    assert len(set(ALPHABET)) == 32
    assert not set("01IO") & set(ALPHABET)


def test_a_thousand_codes_are_all_different_and_well_formed():
    codes = [new_tracking_code() for _ in range(1000)]
    assert len(set(codes)) == 1000
    assert all(len(code) == 12 and set(code) <= set(ALPHABET) for code in codes)
    # 12,000 characters: every one of the 32 turns up (each about 375 times).
    seen = Counter("".join(codes))
    assert set(seen) == set(ALPHABET)
    assert min(seen.values()) > 250


def test_a_thousand_applied_cases_get_a_thousand_codes(service):
    codes = {}
    with service.workflow.batch():
        for seed in range(1000):
            stored = apply(service, person(seed))
            codes[stored.record.id] = stored.record.tracking_code
    assert len(set(codes.values())) == 1000
    for code in codes.values():
        assert re.fullmatch(f"[{ALPHABET}]{{12}}", code)
    for case_id in list(codes)[::97]:  # and each code finds its own case
        assert find_by_code(service.store, codes[case_id]).id == case_id


# --- what the lookup shows ---------------------------------------------------------------------


@pytest.fixture
def handled(service):
    """A person's case taken all the way: refused attempts and internal actions among the
    steps. Accepted Monday 2 March 2015 on a 5-day promise: due Monday 9 March."""
    applicant = person(7, name="张伟")
    me = Actor("张伟", "applicant", id=applicant.identifier.number)
    workflow = service.workflow
    stored = apply(service, applicant)
    case_id = stored.record.id
    workflow.accept(case_id, CLERK, at=at(D(2015, 3, 2)))
    workflow.assign(case_id, SUPERVISOR, handler="刘洋", green_channel=True, at=at(D(2015, 3, 2)))
    with pytest.raises(RoleError):  # a clerk may not review: recorded, refused
        workflow.review(case_id, CLERK, at=at(D(2015, 3, 3), 9))
    workflow.review(case_id, REVIEWER, at=at(D(2015, 3, 3)))
    with pytest.raises(RoleError):  # nor may the reviewer decide
        workflow.decide(case_id, REVIEWER, "grant", at=at(D(2015, 3, 4)))
    workflow.decide(case_id, APPROVER, "grant", at=at(D(2015, 3, 5)))
    # Half past midnight on 6 March in Shanghai is still 5 March in UTC.
    workflow.complete(case_id, CLERK, at=at(D(2015, 3, 6), 0, 30))
    workflow.evaluate(case_id, me, "dissatisfied", comment="等了很久", at=at(D(2015, 3, 9)))
    workflow.follow_up(case_id, SUPERVISOR, "已电话回访张伟，已整改", at=at(D(2015, 3, 10)))
    stored = workflow.case(case_id)
    assert [e.action for e in stored.record.events] == [
        "apply",
        "accept",
        "assign",
        "review",
        "review",
        "decide",
        "decide",
        "complete",
        "evaluate",
        "follow_up",
    ]
    return stored.record, applicant


def test_progress_shows_state_steps_and_due_date(service, handled):
    case, _ = handled
    shown = progress(service.store, case.tracking_code)
    assert shown.tracking_code == case.tracking_code
    assert shown.item_name == "建设工程规划许可证核发"
    assert shown.department == "东营市自然资源和规划局"
    assert shown.state is CaseState.COMPLETED
    assert shown.state_label == "已办结"
    assert shown.received_on == D(2015, 3, 2)
    assert shown.promised_due == D(2015, 3, 9)
    assert shown.deadline_provisional is False
    assert [(step.on, step.label) for step in shown.steps] == [
        (D(2015, 3, 2), "提交申请"),
        (D(2015, 3, 2), "已受理"),
        (D(2015, 3, 3), "审查中"),
        (D(2015, 3, 5), "已作出决定"),
        (D(2015, 3, 6), "已办结"),
        (D(2015, 3, 9), "已评价"),
    ]


def test_refused_attempts_and_internal_actions_are_not_steps(service, handled):
    case, _ = handled
    shown = progress(service.store, case.tracking_code)
    labels = [step.label for step in shown.steps]
    assert labels.count("审查中") == 1  # the refused attempt by the clerk is left out
    assert labels.count("已作出决定") == 1
    text = shown.as_text()
    document = json.dumps(shown.as_dict(), ensure_ascii=False)
    for internal in (
        "刘洋",
        "专人负责",
        "绿色通道",
        "回访",
        "王窗口",
        "李审查",
        "赵审批",
        "GS802",
    ):
        assert internal not in text
        assert internal not in document


def test_a_person_is_masked_everywhere(service, handled):
    case, applicant = handled
    number = applicant.identifier.number
    shown = progress(service.store, case.tracking_code)
    assert shown.applicant_name == "张*"
    assert shown.applicant_identifier == number[:6] + "*" * 8 + number[14:]
    assert len(shown.applicant_identifier) == 18
    text = shown.as_text()
    document = json.dumps(shown.as_dict(), ensure_ascii=False)
    for public in (text, document):
        assert number not in public
        assert number.lower() not in public
        assert "张伟" not in public
        assert number[:6] + "*" * 8 + number[14:] in public
    assert "申请人：张*（" in text


def test_a_longer_name_keeps_only_the_surname(service):
    stored = apply(service, person(8, name="欧阳明华"))
    shown = progress(service.store, stored.record.tracking_code)
    assert shown.applicant_name == "欧***"
    assert "明华" not in shown.as_text()


def test_a_person_without_an_identity_number_shows_no_document(service):
    passport = Party(
        kind="person",
        name="John Smith",
        identifier=Identifier(kind="passport", number="E12345678"),
    )
    shown = progress(service.store, apply(service, passport).record.tracking_code)
    assert shown.applicant_identifier is None
    assert "E12345678" not in shown.as_text()
    assert "Smith" not in json.dumps(shown.as_dict())


def test_an_enterprise_is_shown_with_its_credit_code(service):
    company = enterprise(42, name="东营市黄河建设有限公司")
    stored = apply(service, company)
    shown = progress(service.store, stored.record.tracking_code)
    assert shown.applicant_name == "东营市黄河建设有限公司"
    assert shown.applicant_identifier == company.identifier.number
    assert "申请人：东营市黄河建设有限公司（" + company.identifier.number + "）" in shown.as_text()
    # Only applied for: one step, no due date yet.
    assert shown.state_label == "已申请"
    assert shown.promised_due is None
    assert [(s.on, s.label) for s in shown.steps] == [(D(2015, 3, 2), "提交申请")]
    assert "承诺办结日期" not in shown.as_text()


def test_as_text_and_as_dict(service, handled):
    case, _ = handled
    shown = progress(service.store, case.tracking_code)
    text = shown.as_text()
    for line in (
        f"办件查询码：{case.tracking_code}",
        "事项：建设工程规划许可证核发（东营市自然资源和规划局）",
        "收件日期：2015-03-02",
        "当前状态：已办结",
        "承诺办结日期：2015-03-09",
        "办理进度：",
        "  2015-03-06  已办结",
    ):
        assert line in text, line
    document = json.loads(json.dumps(shown.as_dict(), ensure_ascii=False))
    assert document["state"] == "completed"
    assert document["promised_due"] == "2015-03-09"
    assert document["received_on"] == "2015-03-02"
    assert document["steps"][0] == {"on": "2015-03-02", "label": "提交申请"}
    assert len(document["steps"]) == 6


def test_a_suspended_case_shows_the_special_procedure(service):
    workflow = service.workflow
    case_id = apply(service, person(9)).record.id
    workflow.accept(case_id, CLERK, at=at(D(2015, 3, 2)))
    workflow.review(case_id, REVIEWER, at=at(D(2015, 3, 3)))
    stored = workflow.suspend(
        case_id, REVIEWER, "expert_review", "组织专家评审", expected_days=3, at=at(D(2015, 3, 4))
    )
    shown = progress(service.store, stored.record.tracking_code)
    assert shown.state_label == "特别程序"
    assert shown.steps[-1].label == "进入特别程序（不计入办理时限）"
    assert "组织专家评审" not in shown.as_text()  # the internal reason stays internal
    # Resumed on Mon 9 March: Thu 5, Fri 6, Mon 9 (3 working days) move Mon 9 to Thu 12.
    stored = workflow.resume(case_id, REVIEWER, at=at(D(2015, 3, 9)))
    shown = progress(service.store, stored.record.tracking_code)
    assert shown.steps[-1] == type(shown.steps[-1])(D(2015, 3, 9), "恢复办理")
    assert shown.promised_due == D(2015, 3, 12)


# --- typed codes, unknown codes ----------------------------------------------------------------


def test_a_code_as_people_type_it(service, handled):
    case, _ = handled
    code = case.tracking_code
    for typed in (
        code.lower(),
        f"  {code[:4]} {code[4:8]} {code[8:]} ",
        f"{code[:4]}-{code[4:8]}-{code[8:]}",
        f"{code[:6].lower()} - {code[6:]}",
    ):
        assert progress(service.store, typed).tracking_code == code, typed


def test_unknown_and_malformed_codes(service, handled):
    case, _ = handled
    code = case.tracking_code
    other = next(c for c in ("2" * 12, "3" * 12) if c != code)
    for wrong in (
        other,  # well formed, never issued
        code[:11],  # too short
        code + "2",  # too long
        "0" + code[1:],  # 0 is not in the alphabet
        "O" + code[1:],
        "1" + code[1:],
        "I" + code[1:],
        "",
        "   ",
        code[:6] + "_" + code[7:],
        code[:6] + "张" + code[7:],
    ):
        with pytest.raises(UnknownTrackingCodeError) as refused:
            progress(service.store, wrong)
        assert refused.value.code == "GS805"


# --- the link and the QR code ------------------------------------------------------------------


def test_lookup_url(service, handled):
    case, _ = handled
    code = case.tracking_code
    template = service.config.progress_url
    assert lookup_url(template, code) == f"https://zwfw.dongying.gov.cn/progress/{code}"
    assert lookup_url(template, code.lower()[:6] + "-" + code[6:]) == lookup_url(template, code)
    for missing in (None, ""):
        with pytest.raises(UsageError, match=r"public\.progress_url") as refused:
            lookup_url(missing, code)
        assert refused.value.code == "GS110"


def test_qr_svg_is_an_svg_document():
    url = lookup_url(URL, "K7QF3M9TXW2P")
    svg = qr_svg(url)
    assert svg.lstrip().startswith("<svg")
    root = ET.fromstring(svg)
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    size = segno.make_qr(url, error="m").symbol_size(scale=4)
    assert (int(float(root.get("width"))), int(float(root.get("height")))) == size
    assert qr_svg(url) == svg  # the same link always draws the same code


def png_chunks(data: bytes):
    """The chunks of a PNG, each CRC checked."""
    position, chunks = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        position += 12 + length
    return chunks


def test_qr_png_is_a_png_of_the_right_size():
    url = lookup_url(URL, "K7QF3M9TXW2P")
    data = qr_png(url)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks = png_chunks(data)
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1][0] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    qr = segno.make_qr(url, error="m")
    assert qr.error == "M"
    modules = 17 + 4 * qr.version  # a QR code of version v has 17 + 4v modules a side
    assert width == height == (modules + 2 * 4) * 6  # a quiet zone of 4, 6 pixels a module
    # The image data inflates to one filter byte and the packed pixels per row.
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (1 + (width * depth * channels + 7) // 8)
    small = png_chunks(qr_png(url, scale=1))[0][1]
    assert struct.unpack(">II", small[:8]) == (modules + 8, modules + 8)
