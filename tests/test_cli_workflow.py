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
    assert "DY-0001: apply -> submitted 已申请" in out
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
    capsys.readouterr()
    assert main(["--config", str(centre), "case", "show", "DY-0001"]) == 0
    shown = capsys.readouterr().out
    assert "状态 已办结（completed）" in shown
    assert "评价：不满意" in shown
    assert "整改：已完成" in shown
    assert NUMBER not in shown
    assert NUMBER[:10] + "****" + NUMBER[-4:] in shown


def test_a_role_refusal_exits_2_and_is_recorded(centre, tmp_path, capsys):
    through_review(centre, tmp_path)
    capsys.readouterr()
    assert act(centre, "2015-02-25T10:00", "decide", "DY-0001", "李娜", "window_clerk",
               "--outcome", "grant") == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("govservice: error[GS802] case DY-0001: 李娜 (window_clerk)")
    assert main(["--config", str(centre), "case", "show", "DY-0001"]) == 0
    assert "【被拒绝：GS802: window_clerk may not decide】" in capsys.readouterr().out


def test_a_refused_transition_exits_2_and_changes_nothing(centre, tmp_path, capsys):
    through_review(centre, tmp_path)
    capsys.readouterr()
    assert act(centre, "2015-02-25T10:00", "accept", "DY-0001", "李娜", "window_clerk") == 2
    err = capsys.readouterr().err
    assert "error[GS801]" in err
    assert "cannot accept a case that is in_review (审查中)" in err
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
    assert "error[GS600]" in err
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
    assert "error[GS805] no case has tracking code 23456789ABCD" in capsys.readouterr().err
    assert main(["--config", str(centre), "progress", "0000"]) == 2
    assert "error[GS805] a tracking code has 12" in capsys.readouterr().err


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
    assert run(centre, "2015-03-03T08:00", "supervise") == 0
    out = capsys.readouterr().out
    assert "红灯超期 1 件，黄灯预警 0 件" in out
    assert "DY-0001" in out


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
    assert "error[GS800] case DY-0001: an action is not recorded before" in capsys.readouterr().err


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
    assert "issued 3 tracking code(s)" in capsys.readouterr().out
    assert run(centre, "2015-03-02T09:05", "case", "issue-codes", "--actor", "李娜",
               "--role", "window_clerk") == 0  # fmt: skip
    assert "issued 0 tracking code(s)" in capsys.readouterr().out
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
