"""``govservice case|progress|supervise``: the workflow from the command line.

Each command runs against a SQLite database named in a YAML configuration, at a time given
with ``--now``; errors are one line with a code and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path

import pytest
import yaml

from govservice.cli import main
from govservice.codec import to_document
from govservice.model import Identifier, Material, Party, TimeLimit
from govservice.samples import identity_number, make_item, register_staff
from govservice.store.simulation import make_simulation
from govservice.store.sqlite import SqliteStore

ITEM = make_item(
    materials=(Material(name="建设工程规划许可申请表", originals=1, copies=0),),
    legal_limit=TimeLimit(amount=20),
    promised_limit=TimeLimit(amount=5),
)
RIVER = make_item(
    code="11370522MB2850437N-XK-0012",
    name="河道管理范围内建设项目工程建设方案审批",
    department="利津县水务局",
    region="370522",
    level="county",
)
NUMBER = identity_number(7, born=dt.date(1980, 5, 17))
APPLICANT = Party(kind="person", name="王小明", identifier=Identifier(kind="ric", number=NUMBER))
ME = ("--actor", "王小明", "--actor-id", NUMBER)
"""The applicant on the command line, with the identifier the integrator authenticated."""


@pytest.fixture
def centre(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "lijin")  # the one county plugin named below
    config = tmp_path / "govservice.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "name": "东营市政务服务中心",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": "centre.db"}},
                "supervision": {"yellow_days": 3},
                "public": {"progress_url": "https://zwfw.dongying.gov.cn/progress/{code}"},
                "plugins": [{"name": "lijin"}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    store = SqliteStore(tmp_path / "centre.db")
    make_simulation(store)  # the tests act at the times they give (--now)
    register_staff(store, ["370500", "370522"])  # the city's and Lijin's centres, staffed
    store.add_item(ITEM)
    store.add_item(RIVER)
    store.close()
    return config


def application(tmp_path: Path, case_id: str = "DY-0001", item=ITEM, **fields) -> Path:
    document = {
        "id": case_id,
        "item_code": item.code,
        "region": item.region,
        "department": item.department,
        "station_code": "370500-ZWZX",
        "applicant": to_document(APPLICANT),
        "materials": [{"name": m.name, "originals": 1} for m in item.materials],
        "received_at": "2015-02-16T09:30:00+08:00",
        **fields,
    }
    document = {key: value for key, value in document.items() if value is not None}
    path = tmp_path / f"{case_id}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def run(centre: Path, now: str, *arguments: str) -> int:
    return main(["--config", str(centre), "--now", now, *arguments])


def act(centre: Path, now: str, action: str, case_id: str, actor: str, role: str, *more: str):
    who = ("--actor-id", NUMBER) if actor == APPLICANT.name else ()  # as authenticated
    return run(centre, now, "case", action, case_id, "--actor", actor, *who, "--role", role, *more)


def through_review(centre: Path, tmp_path: Path, case_id: str = "DY-0001") -> None:
    path = application(tmp_path, case_id)
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 0  # fmt: skip
    assert act(centre, "2015-02-17T10:00", "accept", case_id, "李娜", "window_clerk") == 0
    assert act(centre, "2015-02-25T09:00", "review", case_id, "马晓燕", "reviewer") == 0


def tracking_code(centre: Path, case_id: str, capsys) -> str:
    capsys.readouterr()
    assert main(["--config", str(centre), "case", "show", case_id, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["tracking_code"]


# --- the actions -----------------------------------------------------------------------------


def test_a_case_goes_through_from_the_command_line(centre, tmp_path, capsys):
    path = application(tmp_path)
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "办件 DY-0001：申请 → 已申请" in out
    assert "查询码 " in out
    assert act(centre, "2015-02-17T10:00", "accept", "DY-0001", "李娜", "window_clerk") == 0
    # Accepted on the last working day before the 2015 Spring Festival holiday (18-24
    # February): 5 working days are 25, 26, 27, 28 (a Saturday worked) February, 2 March.
    assert "承诺办结 2015-03-02，法定办结 2015-03-23" in capsys.readouterr().out
    assert act(centre, "2015-02-25T09:00", "review", "DY-0001", "马晓燕", "reviewer") == 0
    assert act(centre, "2015-02-26T15:00", "suspend", "DY-0001", "马晓燕", "reviewer",
               "--procedure", "expert_review", "--reason", "专家评审") == 0  # fmt: skip
    assert act(centre, "2015-02-27T16:00", "resume", "DY-0001", "马晓燕", "reviewer") == 0
    assert "承诺办结 2015-03-03，法定办结 2015-03-24" in capsys.readouterr().out
    assert act(centre, "2015-03-02T10:00", "decide", "DY-0001", "王强", "approver",
               "--outcome", "grant") == 0  # fmt: skip
    assert act(centre, "2015-03-02T16:00", "complete", "DY-0001", "李娜", "window_clerk") == 0
    assert act(centre, "2015-03-03T09:00", "evaluate", "DY-0001", "王小明", "applicant",
               "--grade", "dissatisfied") == 0  # fmt: skip
    assert act(centre, "2015-03-05T09:00", "follow-up", "DY-0001", "赵敏", "supervisor",
               "--note", "已约谈窗口人员并回访", "--close") == 0  # fmt: skip
    assert "办件 DY-0001：整改回访 → 已办结" in capsys.readouterr().out
    assert main(["--config", str(centre), "case", "show", "DY-0001"]) == 0
    shown = capsys.readouterr().out
    assert f"事项 {ITEM.name}（{ITEM.code}） 第1版，{ITEM.department}" in shown
    assert "站点 东营市政务服务中心，区划 东营市（370500）" in shown
    assert "370500-ZWZX" not in shown  # the station by name
    assert "状态 已办结\n" in shown
    assert "评价：不满意" in shown
    assert "整改：已完成" in shown
    assert NUMBER not in shown
    assert NUMBER[:10] + "****" + NUMBER[-4:] in shown
    history = shown.split("办理过程：\n", 1)[1].splitlines()
    assert [line.split()[3] for line in history] == [
        "申请",
        "受理",
        "审查",
        "进入特别程序",
        "恢复办理",
        "作出决定",
        "办结",
        "评价",
        "整改回访",
    ]
    assert history[0].startswith("  2015-02-16 09:30 王小明（申请人） 申请 — → 已申请")
    assert history[1] == "  2015-02-17 10:00 李娜（窗口受理人员） 受理 已申请 → 已受理"
    for english in ("apply", "accept", "review", "suspend", "decide", "complete", "evaluate"):
        assert english not in shown, english


def test_a_role_refusal_exits_2_and_is_recorded(centre, tmp_path, capsys):
    through_review(centre, tmp_path)
    capsys.readouterr()
    assert act(centre, "2015-02-25T10:00", "decide", "DY-0001", "李娜", "window_clerk",
               "--outcome", "grant") == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    # the clerk's sentence, with the code beside it (the English is the API's and the trail's)
    assert err[0] == (
        "govservice: 拒绝[GS802] 李娜（窗口受理人员）无权对办件 DY-0001 办理“作出决定”，"
        "只有审批人员可以办理；此次尝试已记录"
    )
    assert main(["--config", str(centre), "case", "show", "DY-0001"]) == 0
    shown = capsys.readouterr().out
    assert (
        "2015-02-25 10:00 李娜（窗口受理人员） 作出决定【被拒绝[GS802]：窗口受理人员无权办理“作出决定”】"
        in shown
    )
    assert "may not" not in shown


def test_a_refused_transition_exits_2_and_changes_nothing(centre, tmp_path, capsys):
    through_review(centre, tmp_path)
    capsys.readouterr()
    assert act(centre, "2015-02-25T10:00", "accept", "DY-0001", "李娜", "window_clerk") == 2
    err = capsys.readouterr().err
    assert err == (
        "govservice: 拒绝[GS801] 处于“审查中”状态的办件不能受理；此状态下可以办理："
        "审查中告知补正、进入特别程序、作出决定、撤回申请\n"
    )
    store = SqliteStore(centre.parent / "centre.db")
    assert len(store.get("case", "DY-0001").record.events) == 3
    store.close()


def test_local_rules_blocking_exit_2_with_every_finding(centre, tmp_path, capsys):
    # Lijin's own item, at no station of the city's; received when it is entered
    path = application(
        tmp_path, "LJ-0001", item=RIVER, station_code=None, received_at="2015-03-02T09:00:00+08:00"
    )
    assert run(centre, "2015-03-02T09:00", "case", "apply", str(path), *ME,
               "--role", "applicant") == 0  # fmt: skip
    assert "警告[LIJIN-RIVER-PERMIT-MISSING]" in capsys.readouterr().out
    assert act(centre, "2015-03-02T10:00", "accept", "LJ-0001", "李娜", "window_clerk") == 2
    err = capsys.readouterr().err
    assert "govservice: 拒绝[GS600] 地方规则不允许此项办理（" in err
    assert "[LIJIN-RIVER-PERMIT-MISSING]" in err


def test_a_supplement_request_lists_every_missing_material(centre, tmp_path, capsys):
    path = application(tmp_path, materials=[])
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 0  # fmt: skip
    assert act(centre, "2015-02-16T09:40", "accept", "DY-0001", "李娜", "window_clerk") == 2
    assert "建设工程规划许可申请表" in capsys.readouterr().err
    assert act(centre, "2015-02-16T09:45", "request-supplement", "DY-0001", "李娜",
               "window_clerk") == 0  # fmt: skip
    assert act(centre, "2015-02-16T10:00", "supplement", "DY-0001", "王小明", "applicant",
               "--material", "建设工程规划许可申请表") == 0  # fmt: skip
    assert act(centre, "2015-02-16T10:05", "accept", "DY-0001", "李娜", "window_clerk") == 0


def test_an_invalid_application_file_exits_2_naming_the_file(centre, tmp_path, capsys):
    path = application(tmp_path, received_at="yesterday")
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "error[GS300]" in err[0]
    assert f"{path}:1" in err[0]


def test_an_unknown_case_exits_2(centre, capsys):
    assert act(centre, "2015-02-16T09:30", "accept", "NOPE-1", "李娜", "window_clerk") == 2
    assert "error[GS703] no case NOPE-1 is stored" in capsys.readouterr().err


def test_case_commands_refuse_the_memory_store(tmp_path, capsys):
    config = tmp_path / "memory.yaml"
    config.write_text("name: 测试\nregion: '370500'\nstorage: {backend: memory}\n")
    assert main(["--config", str(config), "case", "show", "X-1"]) == 2
    assert "error[GS110]" in capsys.readouterr().err


def test_a_malformed_now_exits_2(centre, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--config", str(centre), "--now", "next tuesday", "supervise"])
    assert exit_.value.code == 2
    assert "is not a time" in capsys.readouterr().err


# --- the public lookup -------------------------------------------------------------------------


def test_progress_shows_the_public_view_and_writes_qr_codes(centre, tmp_path, capsys):
    through_review(centre, tmp_path)
    code = tracking_code(centre, "DY-0001", capsys)
    svg, png = tmp_path / "qr.svg", tmp_path / "qr.png"
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    assert main(["--config", str(centre), "progress", typed, "--qr-svg", str(svg),
                 "--qr-png", str(png)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert f"办件查询码：{code}" in out
    assert "申请人：王**" in out
    assert NUMBER not in out
    assert "当前状态：审查中" in out
    assert "2015-02-17  已受理" in out
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    header = png.read_bytes()
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width == height > 100
    assert main(["--config", str(centre), "progress", code, "--json"]) == 0
    public = json.loads(capsys.readouterr().out)
    assert public["state"] == "in_review"
    assert public["applicant_identifier"] == NUMBER[:6] + "*" * 8 + NUMBER[-4:]


def test_an_unknown_tracking_code_exits_2(centre, capsys):
    assert main(["--config", str(centre), "progress", "23456789ABCD"]) == 2
    assert capsys.readouterr().err == (
        "govservice: 拒绝[GS805] 没有查询码为 23456789ABCD 的办件，请核对告知书上的查询码\n"
    )
    assert main(["--config", str(centre), "progress", "0000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govservice: 拒绝[GS805] 查询码为 12 位字母和数字")


# --- supervision ---------------------------------------------------------------------------------


def test_supervise_reports_yellow_and_red_cases(centre, tmp_path, capsys):
    through_review(centre, tmp_path, "DY-0001")  # promised due 2015-03-02
    capsys.readouterr()
    assert run(centre, "2015-02-26T08:00", "supervise", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    # 26 February: 27, 28 February and 2 March are left, three working days: yellow.
    assert report["yellow_total"] == 1
    assert report["red_total"] == 0
    assert report["counts"]["department"] == [{"group": ITEM.department, "red": 0, "yellow": 1}]
    assert report["centre"] == "东营市政务服务中心"
    assert report["station_names"] == {"370500-ZWZX": "东营市政务服务中心"}
    assert run(centre, "2015-03-03T08:00", "supervise") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "东营市政务服务中心电子监察报告 2015-03-03（黄灯：剩余不超过3个工作日）"
    assert "红灯超期 1 件，黄灯预警 0 件" in out
    assert "  东营市政务服务中心：红灯 1，黄灯 0" in lines  # the station by name
    assert f"  DY-0001 {ITEM.department} 东营市政务服务中心 承诺办结 2015-03-02" in lines
    assert "370500-ZWZX" not in out
    assert lines[lines.index("黄灯预警办件：") + 1] == "  （无）"
    assert lines[lines.index("逾期未完成整改：") + 1] == "  （无）"


def test_values_the_model_refuses_exit_2(centre, tmp_path, capsys):
    path = application(tmp_path, materials=[])
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 0  # fmt: skip
    assert act(centre, "2015-02-16T09:45", "request-supplement", "DY-0001", "李娜",
               "window_clerk") == 0  # fmt: skip
    capsys.readouterr()
    assert act(centre, "2015-02-16T10:00", "supplement", "DY-0001", "王小明", "applicant",
               "--material", "") == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "error[GS110] case DY-0001: SubmittedMaterial.name must be a non-empty text" in err[0]
    assert act(centre, "2015-02-16T08:00", "supplement", "DY-0001", "王小明", "applicant",
               "--material", "建设工程规划许可申请表") == 2  # fmt: skip
    err = capsys.readouterr().err
    assert (
        "govservice: 拒绝[GS800] 不能按所请办理（case DY-0001: an action is not recorded before"
        in err
    )


def test_case_commands_do_not_create_a_database(tmp_path, capsys):
    config = tmp_path / "typo.yaml"
    config.write_text(
        "name: 测试\nregion: '370500'\nstorage: {backend: sqlite, settings: {path: tpyo.db}}\n"
    )
    assert main(["--config", str(config), "case", "accept", "X-1", "--actor", "李娜",
                 "--role", "window_clerk"]) == 2  # fmt: skip
    assert "govservice db init" in capsys.readouterr().err
    assert not (tmp_path / "tpyo.db").exists()


def test_imported_cases_get_tracking_codes_and_can_be_looked_up(centre, tmp_path, capsys):
    from govservice.samples import make_case

    store = SqliteStore(centre.parent / "centre.db")
    imported = [make_case(ITEM, id=f"OLD-{n}", applicant=APPLICANT) for n in range(3)]
    documents = [to_document(case) for case in imported]
    store.import_batch("case", [(d, json.dumps(d, ensure_ascii=False)) for d in documents])
    store.close()
    assert run(centre, "2015-03-02T09:00", "case", "issue-codes", "--actor", "李娜",
               "--role", "window_clerk") == 0  # fmt: skip
    assert "已发放查询码 3 个" in capsys.readouterr().out
    assert run(centre, "2015-03-02T09:05", "case", "issue-codes", "--actor", "李娜",
               "--role", "window_clerk") == 0  # fmt: skip
    assert "已发放查询码 0 个" in capsys.readouterr().out
    code = tracking_code(centre, "OLD-1", capsys)
    assert main(["--config", str(centre), "progress", code]) == 0
    assert f"办件查询码：{code}" in capsys.readouterr().out
    assert main(["--config", str(centre), "audit", "verify"]) == 0
    assert "3 case records agree" in capsys.readouterr().out


def test_text_arguments_not_in_utf8_are_refused_before_anything_is_done(centre, tmp_path, capsys):
    # Python keeps the bytes of an argument that are not UTF-8 (typed or pasted in GBK) as
    # lone surrogates; no record and no query can hold them.
    through_review(centre, tmp_path)
    capsys.readouterr()
    gbk = "李娜".encode("gb18030").decode("utf-8", "surrogateescape")
    for arguments, where in [
        (["case", "suspend", "DY-0001", "--actor", gbk, "--role", "reviewer",
          "--procedure", "expert_review", "--reason", "专家评审"], "--actor"),
        (["case", "suspend", "DY-0001", "--actor", "马晓燕", "--role", "reviewer",
          "--procedure", "expert_review", "--reason", gbk], "--reason"),
        (["case", "show", "DY-" + gbk], "ID"),
        (["progress", "AB" + gbk], "CODE"),
    ]:  # fmt: skip
        assert run(centre, "2015-02-26T15:00", *arguments) == 2
        assert f"error[GS110] {where}: not UTF-8 text" in capsys.readouterr().err
    assert main(["--config", str(centre), "case", "show", "DY-0001", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "in_review"


def test_an_application_with_a_lone_surrogate_is_refused_as_invalid(centre, tmp_path, capsys):
    path = tmp_path / "lone.json"
    document = yaml.safe_load(application(tmp_path).read_text(encoding="utf-8"))
    path.write_text(json.dumps(dict(document, department="王\ud800")), encoding="utf-8")
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "/department: a text holds a character that is not valid Unicode" in err
    assert "Traceback" not in err


# --- what the clerk reads: labels, not action names ----------------------------------------------


def _every_action() -> list[tuple[str, object]]:
    """Every action a case's history may record, with the state it is taken in: each row
    of the state table, and every action that keeps the state."""
    from govservice.model import CaseState
    from govservice.workflow.transitions import OTHER_ACTIONS, TRANSITIONS

    def first(next_state):
        return next_state[0] if isinstance(next_state, tuple) else next_state

    return [(row.action.value, row.state, first(row.next)) for row in TRANSITIONS] + [
        (action, CaseState.IN_REVIEW, CaseState.IN_REVIEW) for action in OTHER_ACTIONS
    ]


@pytest.mark.parametrize(("action", "state", "to_state"), _every_action(), ids=str)
def test_every_action_has_a_chinese_label_on_the_case_sheet(action, state, to_state):
    """A new action (a row, an action that keeps the state) without a label fails here."""
    import re

    import attrs

    from govservice.cli.case import describe
    from govservice.model import CaseEvent
    from govservice.samples import make_case
    from govservice.workflow.transitions import action_label

    label = action_label(action, state)
    assert label is not None, action
    assert re.fullmatch(r"[\u4e00-\u9fff/（）]+", label), (action, label)
    event = CaseEvent(
        at=dt.datetime(2015, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        actor="李娜",
        role="window_clerk",
        action=action,
        from_state=state,
        to_state=to_state,
    )
    sheet = describe(attrs.evolve(make_case(ITEM), events=(event,)))
    history = sheet.split("办理过程：\n", 1)[1]
    assert history.startswith(f"  2015-03-02 09:00 李娜（窗口受理人员） {label} "), history
    assert action not in sheet  # never the English name


def test_every_action_the_engine_records_is_labelled():
    """The Action enum (what local rules see) has a row of the state table each."""
    from govservice.rules import Action
    from govservice.workflow.transitions import action_label

    labelled = {action: action_label(action.value) is not None for action in Action}
    assert labelled == dict.fromkeys(Action, True)
    assert action_label("not-an-action") is None


def test_a_refusal_of_someone_not_registered_is_told_in_chinese(centre, tmp_path, capsys):
    path = application(tmp_path)
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 0  # fmt: skip
    capsys.readouterr()
    assert act(centre, "2015-02-16T09:40", "accept", "DY-0001", "钱多多", "window_clerk") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line == (
        "govservice: 拒绝[GS806] 钱多多（窗口受理人员）不能对办件 DY-0001 办理“受理”："
        "钱多多不在中心的工作人员名册中；此次尝试已记录"
    )
    assert main(["--config", str(centre), "case", "show", "DY-0001"]) == 0
    shown = capsys.readouterr().out
    assert "钱多多（窗口受理人员） 受理【被拒绝[GS806]：无权对此办件办理此项】" in shown
    assert "拒绝原因（系统记录）：钱多多 (window_clerk) may not accept" in shown


def test_an_application_refused_is_told_in_chinese_naming_the_fields(centre, tmp_path, capsys):
    path = application(tmp_path, green_channel=True, handler="自己")
    assert run(centre, "2015-02-16T09:30", "case", "apply", str(path), *ME,
               "--role", "applicant") == 2  # fmt: skip
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(
        "govservice: 拒绝[GS807] 办件 DY-0001 的申请不予接收：申请不能填报由中心确定的内容："
        "绿色通道（green_channel）、专人负责（handler）；未作任何登记"
    )
    assert "may not" not in line
