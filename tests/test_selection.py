"""Needs and selections on the memory store and a SQLite file: eligibility with its
reasons, the four built-in strategies, the commitment published before the draw, the
selection as an event of the trail, supervision of direct choices; and the bad input of
issue 14 ("Bad input"): a need for a service no agency offers, a direct choice without a
reason, a draw with no eligible candidate, ``verify-draw`` on a malformed record — each a
clear message, nothing recorded. The command line: ``need``, ``select``, ``verify-draw``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
import yaml

from govservice.cli import main
from govservice.codec import to_document
from govservice.errors import (
    CommitmentError,
    DirectReasonError,
    NeedNotFoundError,
    NeedServiceError,
    NoEligibleCandidateError,
    UnknownStrategyError,
)
from govservice.intermediaries import draw
from govservice.model import AgencyQuarter, ListStatusChange, Witness
from govservice.samples import credit_code
from govservice.store.chained import changes
from selection_helpers import (
    DAY,
    OTHER,
    SERVICE,
    TROUBLES,
    WITNESSES,
    agency,
    at,
    centre,
    committed_need,
    listed_service,
    stock,
)

BACKENDS = ["memory", "sqlite"]


def recorded(service) -> tuple:
    """What a refused step must leave as it was: the counts and the trail's head."""
    store = service.store
    return store.count("need"), store.count("selection"), store.ledger_head()


# --- eligibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_eligibility_names_why_each_agency_is_left_out(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        stock(service, list(TROUBLES))
        found = service.intermediaries.selections.eligible(SERVICE, DAY)
    assert found.codes == tuple(sorted(credit_code(n) for n in (0, 4, 8, 9)))
    assert [c.fee_from for c in found.candidates] == [
        Decimal(3000 + 100 * n) for n in (0, 4, 8, 9)
    ]
    assert dict(found.excluded) == {
        credit_code(1): "资质已于2015-08-31过期",
        credit_code(2): "无该项服务的资质",
        credit_code(3): "自2015-04-01暂停选取至2015-12-31",
        credit_code(5): "已于2015-06-01退出",
        credit_code(6): "2015-10-08方登记入驻",
        credit_code(
            7
        ): "列入黑名单（BL-2015-0007，东营市公共资源交易监督管理办公室；来源：本级认定 370500；统一社会信用代码一致）",
    }


def test_a_suspended_agency_is_eligible_again_the_day_after_its_suspension():
    with centre() as service:
        stock(service, ["suspended"])
        selections = service.intermediaries.selections
        assert selections.eligible(SERVICE, dt.date(2015, 12, 31)).codes == ()
        assert selections.eligible(SERVICE, dt.date(2016, 1, 1)).codes == (credit_code(0),)


# --- needs and selections --------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_draw_is_committed_before_made_stored_and_on_the_trail(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        stock(service, [None, None, "expired", None, "blacklisted", None])
        selections = service.intermediaries.selections
        need = selections.post_need(
            service_code=SERVICE,
            owner="东营市黄河建设有限公司",
            deadline=dt.date(2015, 12, 31),
            project_id="XM-2015-0003",
            budget=Decimal("20000.00"),
        )
        assert need.id == "XQ-2015-0001"
        assert need.posted_at == dt.datetime(2015, 9, 1, 9, 0, tzinfo=need.posted_at.tzinfo)
        committed = selections.commit(need.id, WITNESSES)
        assert committed.commitment == draw.commitment(need.id, WITNESSES)
        assert committed.witness_names == ("项目业主", "市中介超市监督员")
        service.clock.advance(days=1)
        record = selections.select(need.id, witnesses=WITNESSES)
        assert record.id == "XQ-2015-0001-1"
        assert record.on == dt.date(2015, 9, 2)
        assert record.candidates == tuple(sorted(credit_code(n) for n in (0, 1, 3, 5)))
        assert record.candidates_sha256 == draw.candidates_digest(record.candidates)
        assert record.seed == draw.seed(committed.commitment, record.candidates_sha256)
        assert (record.algorithm, record.algorithm_version) == ("govservice-sha256-draw", 1)
        assert record.result == draw.draw(record.seed, record.candidates)
        assert {code for code, _ in record.excluded} == {credit_code(2), credit_code(4)}
        assert service.store.get("selection", record.id).record == record
        assert selections.get(record.id) == record
        assert selections.of_need(need.id) == [record]
        # the need's posting, its commitment and the selection are links of the trail
        assert [c.action for c in changes(service.store, "need", need.id)] == [
            "posted",
            "committed",
        ]
        (link,) = changes(service.store, "selection", record.id)
        assert link.change["result"] == record.result
        assert link.change["candidates_sha256"] == record.candidates_sha256


def test_the_commitment_is_published_once_and_the_draw_must_reveal_it():
    with centre() as service:
        stock(service, [None, None])
        selections = service.intermediaries.selections
        need = committed_need(service)
        with pytest.raises(CommitmentError, match="published already"):
            selections.commit(need.id, WITNESSES)
        before = recorded(service)
        other = (Witness(name="项目业主", contribution="40722"), WITNESSES[1])
        with pytest.raises(CommitmentError) as refused:
            selections.select(need.id, witnesses=other)
        assert refused.value.notice == (
            f"需求 {need.id}：见证人当场提供的贡献与事先公布的承诺值不符"
        )
        assert recorded(service) == before
        uncommitted = selections.post_need(
            service_code=SERVICE,
            owner="东营市黄河建设有限公司",
            deadline=dt.date(2015, 12, 31),
            strategy="lowest-price",
        )
        before = recorded(service)
        with pytest.raises(CommitmentError, match="no commitment is published"):
            selections.select(uncommitted.id, witnesses=WITNESSES)
        assert recorded(service) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_lowest_price_and_best_score_rank_then_draw_among_the_tied(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        store = service.store
        store.add(listed_service())
        for number, fee in enumerate([4000, 2900, 2900, 5000]):
            store.add(agency(number, fee=fee))
        for number, score in enumerate(["88.50", "91.00", "75.00", "91.00"]):
            store.add(
                AgencyQuarter(
                    credit_code=credit_code(number),
                    region="370500",
                    year=2015,
                    quarter=2,
                    score=Decimal(score),
                    grade="good",
                )
            )
        # a later quarter, not ended on the day: not the latest assessed before it
        store.add(
            AgencyQuarter(
                credit_code=credit_code(2),
                region="370500",
                year=2015,
                quarter=3,
                score=Decimal("99.00"),
                grade="excellent",
            )
        )
        selections = service.intermediaries.selections
        need = committed_need(service, strategy="lowest-price")
        cheapest = selections.select(need.id, witnesses=WITNESSES)
        assert cheapest.result in (credit_code(1), credit_code(2))
        assert cheapest.ranked == "lowest"
        assert dict(cheapest.scores)[credit_code(3)] == "5000"
        other = committed_need(service, strategy="best-score")
        best = selections.select(other.id, witnesses=WITNESSES)
        assert best.result in (credit_code(1), credit_code(3))
        assert best.ranked == "highest"
        assert dict(best.scores)[credit_code(2)] == "75.00"
        assert draw.verify(cheapest).ok
        assert draw.verify(best).ok


def test_a_direct_choice_has_its_reason_and_is_listed_for_supervision():
    with centre() as service:
        stock(service, [None, None, None])
        selections = service.intermediaries.selections
        need = selections.post_need(
            service_code=SERVICE, owner="东营市黄河建设有限公司", deadline=DAY, strategy="direct"
        )
        chosen = selections.select(need.id, named=credit_code(2), reason="抢险救灾工程，时间紧急")
        assert (chosen.result, chosen.seed, chosen.commitment) == (credit_code(2), None, None)
        assert chosen.reason == "抢险救灾工程，时间紧急"
        drawn = selections.select(committed_need(service).id, witnesses=WITNESSES)
        assert selections.direct() == [chosen]
        assert drawn not in selections.direct()
        result = draw.verify(chosen)
        assert (result.ok, result.drawn) == (True, False)


# --- bad input: a clear message, nothing recorded --------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_need_for_a_service_no_agency_offers_is_refused(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        stock(service, [None, "withdrawn"])
        service.store.add(listed_service(OTHER, name="地震安全性评价"))
        selections = service.intermediaries.selections
        before = recorded(service)
        with pytest.raises(NeedServiceError) as refused:
            selections.post_need(service_code=OTHER, owner="东营市黄河建设有限公司", deadline=DAY)
        assert refused.value.notice == f"没有中介机构提供 地震安全性评价（{OTHER}），不能发布需求"
        with pytest.raises(NeedServiceError, match="no intermediary service 'ZJ-370500-099'"):
            selections.post_need(
                service_code="ZJ-370500-099", owner="东营市黄河建设有限公司", deadline=DAY
            )
        assert recorded(service) == before
    with centre() as service:  # offered only by an agency that has withdrawn
        stock(service, ["withdrawn"])
        with pytest.raises(NeedServiceError, match="no agency offers"):
            service.intermediaries.selections.post_need(
                service_code=SERVICE, owner="东营市黄河建设有限公司", deadline=DAY
            )
        assert service.store.count("need") == 0


def test_a_need_for_a_cancelled_service_or_an_unknown_strategy_is_refused():
    with centre() as service:
        service.store.add(
            listed_service(
                history=(
                    ListStatusChange(status="retained", on=dt.date(2015, 3, 1)),
                    ListStatusChange(status="cancelled", on=dt.date(2015, 8, 1)),
                )
            )
        )
        service.store.add(agency(0))
        selections = service.intermediaries.selections
        with pytest.raises(NeedServiceError) as refused:
            selections.post_need(service_code=SERVICE, owner="业主", deadline=DAY)
        assert "状态为取消" in refused.value.notice
        assert service.store.count("need") == 0
    with centre() as service:
        stock(service, [None])
        with pytest.raises(UnknownStrategyError, match="known: best-score, direct"):
            service.intermediaries.selections.post_need(
                service_code=SERVICE, owner="业主", deadline=DAY, strategy="lottery"
            )
        assert service.store.count("need") == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_direct_choice_without_a_reason_is_refused(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        stock(service, [None, "suspended"])
        selections = service.intermediaries.selections
        need = committed_need(service, strategy="direct")
        before = recorded(service)
        for reason in (None, "", "  "):
            with pytest.raises(DirectReasonError) as refused:
                selections.select(need.id, strategy="direct", named=credit_code(0), reason=reason)
            assert refused.value.notice == f"需求 {need.id} 直接选取中介机构，须写明理由"
        with pytest.raises(DirectReasonError, match="not eligible") as refused:
            selections.select(need.id, strategy="direct", named=credit_code(1), reason="急需")
        assert "暂停选取" in refused.value.notice
        with pytest.raises(DirectReasonError, match="no agency named"):
            selections.select(need.id, strategy="direct", reason="急需")
        assert recorded(service) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_draw_with_no_eligible_candidate_is_refused(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        stock(service, [None, "expired"])
        selections = service.intermediaries.selections
        need = committed_need(service)
        before = recorded(service)
        service.clock.moment = at(dt.date(2018, 1, 2))
        with pytest.raises(NoEligibleCandidateError) as refused:
            selections.select(need.id, witnesses=WITNESSES)
        assert refused.value.notice == (
            f"需求 {need.id}：2018-01-02 没有符合条件的中介机构可供选取"
            f"（{credit_code(0)} 资质已于2017-12-31过期；{credit_code(1)} 资质已于2015-08-31过期）"
        )
        assert recorded(service) == before
        with pytest.raises(NeedNotFoundError):
            selections.select("XQ-2015-9999", witnesses=WITNESSES)


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    database = tmp_path / "centre.db"
    path = tmp_path / "govservice.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "name": "东营市政务服务中心",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": str(database)}},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with centre(tmp_path, backend="sqlite") as service:
        stock(service, [None, None, "withdrawn", None])
    return path


def run(config: Path, *arguments: str, now: str = "2015-09-01T09:00:00+08:00") -> int:
    return main(["--config", str(config), "--now", now, "intermediaries", *arguments])


def test_need_commit_select_and_verify_draw(config, tmp_path, capsys):
    witnesses = ["--witness", "项目业主=40721", "--witness", "市中介超市监督员=19356"]
    assert (
        run(
            config,
            "need",
            SERVICE,
            "--owner",
            "东营市黄河建设有限公司",
            "--deadline",
            "2015-12-31",
        )
        == 0
    )
    assert capsys.readouterr().out == (
        f"已发布需求 XQ-2015-0001：{SERVICE}，业主 东营市黄河建设有限公司，截止 2015-12-31，"
        "选取方式 随机摇号\n"
    )
    assert run(config, "need", "--commit", "XQ-2015-0001", *witnesses) == 0
    commitment = draw.commitment(
        "XQ-2015-0001",
        [
            Witness(name="项目业主", contribution="40721"),
            Witness(name="市中介超市监督员", contribution="19356"),
        ],
    )
    assert commitment in capsys.readouterr().out
    # a file that cannot be written: refused, and nothing drawn or stored
    missing = tmp_path / "no-such-folder" / "selection.json"
    assert run(config, "select", "XQ-2015-0001", *witnesses, "--out", str(missing)) == 2
    refused = capsys.readouterr()
    assert "no-such-folder" in refused.err
    assert "Traceback" not in refused.err
    assert not refused.out
    assert not missing.parent.exists()
    # (were it stored, the select below would be refused: selected for already)
    out = tmp_path / "selection.json"
    assert run(config, "select", "XQ-2015-0001", *witnesses, "--out", str(out)) == 0
    shown = capsys.readouterr().out.splitlines()
    record = json.loads(out.read_text(encoding="utf-8"))
    assert shown[0].startswith(
        "选取 XQ-2015-0001-1（需求 XQ-2015-0001，2015-09-01）：随机摇号，候选 3 家，"
    )
    assert f"选中 {record['result']}" in shown[0]
    assert f"  {credit_code(2)} 已于2015-06-01退出" in shown
    # the record re-runs, from the file and from the store
    assert run(config, "verify-draw", str(out)) == 0
    assert capsys.readouterr().out == f"XQ-2015-0001-1：重算一致，选中 {record['result']}\n"
    assert run(config, "verify-draw", "XQ-2015-0001-1", "--json") == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    # the result changed: exit 1, what differs
    other = next(code for code in record["candidates"] if code != record["result"])
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(record | {"result": other}), encoding="utf-8")
    assert run(config, "verify-draw", str(changed)) == 1
    assert capsys.readouterr().out.splitlines() == [
        "XQ-2015-0001-1：重算不一致",
        f"  result：摇号结果不符（记录 {other}，重算 {record['result']}）",
    ]


def test_verify_draw_on_a_malformed_record_is_one_line_and_exit_2(config, tmp_path, capsys):
    with centre(tmp_path, backend="sqlite") as service:
        need = committed_need(service)
        record = service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    document = to_document(record)
    cases = {
        "no-seed-field.json": json.dumps({k: v for k, v in document.items() if k != "result"}),
        "bad-seed.json": json.dumps(document | {"seed": "not a digest"}),
        "broken.json": '{"id": "XQ-2015-0001-1", ',
        "two.jsonl": json.dumps(document) + "\n" + json.dumps(document) + "\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert run(config, "verify-draw", str(path)) == 2, name
        captured = capsys.readouterr()
        assert captured.out == ""
        assert len(captured.err.strip().splitlines()) == 1, (name, captured.err)
        assert "Traceback" not in captured.err
    assert run(config, "verify-draw", "XQ-2015-0404-1") == 2
    assert "没有编号为 XQ-2015-0404-1 的选取记录" in capsys.readouterr().err


def test_select_refusals_on_the_command_line_record_nothing(config, capsys):
    assert run(config, "need", SERVICE, "--owner", "业主", "--deadline", "2015-12-31") == 0
    direct = ["--strategy", "direct"]
    assert (
        run(config, "need", SERVICE, "--owner", "业主", "--deadline", "2015-12-31", *direct) == 0
    )
    capsys.readouterr()
    assert run(config, "select", "XQ-2015-0002", *direct, "--agency", credit_code(0)) == 2
    assert "须写明理由" in capsys.readouterr().err
    assert run(config, "select", "XQ-2015-0001", *direct, "--agency", credit_code(0)) == 2
    assert "发布的选取方式为随机摇号，不能改用直接选取" in capsys.readouterr().err
    assert run(config, "select", "XQ-2015-0001") == 2
    assert "尚未公布摇号承诺值" in capsys.readouterr().err
    assert run(config, "need", "ZJ-370500-404", "--owner", "业主", "--deadline", "2015-12-31") == 2
    assert "中介服务事项清单中没有 ZJ-370500-404" in capsys.readouterr().err
    with centre(config.parent, backend="sqlite") as service:
        assert (service.store.count("need"), service.store.count("selection")) == (2, 0)


def test_a_selection_refuses_a_seed_that_is_no_sha256():
    with centre() as service:
        stock(service, [None])
        need = committed_need(service)
        record = service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    with pytest.raises(ValueError, match=r"Selection\.seed"):
        attrs.evolve(record, seed="xyz")


def test_supervision_lists_the_direct_choices_of_the_period(config, capsys):
    with centre(config.parent, backend="sqlite") as service:
        need = committed_need(service, strategy="direct")
        selections = service.intermediaries.selections
        chosen = selections.select(need.id, named=credit_code(1), reason="抢险救灾工程，时间紧急")
        selections.select(committed_need(service).id, witnesses=WITNESSES)  # a draw: not listed
    assert main(["--config", str(config), "--now", "2015-09-03T09:00:00+08:00", "supervise"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("直接选取中介机构（2015-09-01 至 2015-09-03）：1 次")
    assert lines[start + 1] == (
        f"  {chosen.id} 2015-09-01 {SERVICE} 选定 {credit_code(1)} 理由：抢险救灾工程，时间紧急"
    )
    assert len(lines) == start + 2
    assert main(["--config", str(config), "--now", "2015-10-03T09:00:00+08:00", "supervise"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == ["直接选取中介机构（2015-10-01 至 2015-10-03）：0 次", "  （无）"]


def test_the_example_record_of_the_docs_verifies(capsys):
    example = Path(__file__).parents[1] / "examples" / "dongying" / "selection.json"
    assert main(["intermediaries", "verify-draw", str(example)]) == 0
    assert capsys.readouterr().out == "XQ-2015-0007-1：重算一致，选中 91370500MA3C0002XY\n"
    docs = (Path(__file__).parents[1] / "docs" / "draw.md").read_text(encoding="utf-8")
    record = json.loads(example.read_text(encoding="utf-8"))
    for field in ("candidates_sha256", "commitment", "seed", "result"):
        assert record[field] in docs, field


def test_a_record_made_up_whole_is_found_out_against_the_published_commitment():
    with centre() as service:
        stock(service, [None] * 5)
        need = committed_need(service)
        selections = service.intermediaries.selections
        record = selections.select(need.id, witnesses=WITNESSES)
        assert record.committed_at == need.committed_at
        assert selections.verify(record).ok
        # other contributions, and a commitment, a seed and a result that agree with them
        for number in range(50):
            witnesses = (Witness(name="项目业主", contribution=f"forged {number}"),)
            commitment = draw.commitment(need.id, witnesses)
            seed = draw.seed(commitment, record.candidates_sha256)
            if draw.draw(seed, record.candidates) != record.result:
                break
        forged = attrs.evolve(
            record,
            witnesses=witnesses,
            commitment=commitment,
            seed=seed,
            result=draw.draw(seed, record.candidates),
        )
        assert draw.verify(forged).ok  # the record alone agrees with itself
        found = selections.verify(forged)
        assert [d.field for d in found.differences] == [
            "commitment",
            "result",
            "seed",
            "witnesses",
        ]
        assert found.differences[0].text == "与需求事先公布的承诺值不符"
        assert {d.text for d in found.differences[1:]} == {"与中心存档的选取记录不符"}
        # a commitment dated after the draw: not published before it
        late = attrs.evolve(record, committed_at=record.at + dt.timedelta(minutes=1))
        assert [d.field for d in draw.verify(late).differences] == ["committed_at"]


def test_verify_draw_against_the_centre_finds_a_record_made_up_whole(config, tmp_path, capsys):
    with centre(tmp_path, backend="sqlite") as service:
        need = committed_need(service)
        record = service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    witnesses = (Witness(name="项目业主", contribution="made up"),)
    commitment = draw.commitment(need.id, witnesses)
    seed = draw.seed(commitment, record.candidates_sha256)
    forged = attrs.evolve(
        record,
        witnesses=witnesses,
        commitment=commitment,
        seed=seed,
        result=draw.draw(seed, record.candidates),
    )
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(to_document(forged), ensure_ascii=False), encoding="utf-8")
    assert main(["intermediaries", "verify-draw", str(path)]) == 0  # the record alone
    capsys.readouterr()
    assert run(config, "verify-draw", str(path)) == 1  # against the centre's need
    assert "commitment：与需求事先公布的承诺值不符" in capsys.readouterr().out


def test_a_field_the_records_refuse_is_a_clear_error_and_nothing_is_recorded():
    from govservice.errors import SelectionError

    with centre() as service:
        stock(service, [None, None])
        selections = service.intermediaries.selections
        with pytest.raises(SelectionError, match=r"Need\.owner_credit_code"):
            selections.post_need(
                service_code=SERVICE, owner="业主", deadline=DAY, owner_credit_code="9137"
            )
        need = committed_need(service, strategy="direct")
        before = recorded(service)
        with pytest.raises(SelectionError, match=r"Selection\.reason"):
            selections.select(need.id, named=credit_code(0), reason="急需\u202e抢修")
        assert recorded(service) == before


def test_a_draw_made_again_after_an_agency_declined_is_among_the_others():
    with centre() as service:
        stock(service, [None] * 5)
        selections = service.intermediaries.selections
        need = committed_need(service)
        first = selections.select(need.id, witnesses=WITNESSES)
        assert selections.draft(need.id, witnesses=WITNESSES).result == first.result
        again = selections.select(need.id, witnesses=WITNESSES, declined=[first.result])
        assert again.id == f"{need.id}-2"
        assert first.result not in again.candidates
        assert (first.result, "已放弃本需求") in again.excluded
        assert again.result != first.result
        assert draw.verify(again).ok
        assert selections.verify(again).ok


@pytest.mark.parametrize("backend", BACKENDS)
def test_best_score_reads_the_latest_quarter_ended_before_the_day(backend, tmp_path):
    with centre(tmp_path, backend=backend) as service:
        stock(service, [None, None, None])
        quarters = {0: [(2014, 1, "95.00")], 1: [(2015, 1, "70.00"), (2015, 2, "80.00")]}
        for number, graded in quarters.items():
            for year, quarter, score in graded:
                service.store.add(
                    AgencyQuarter(
                        credit_code=credit_code(number),
                        region="370500",
                        year=year,
                        quarter=quarter,
                        score=Decimal(score),
                        grade="good",
                    )
                )
        need = committed_need(service, strategy="best-score")
        best = service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    # agency 0's last quarter is six quarters back (found by its stored quarters); agency
    # 1's is 2015Q2 (80, not Q1's 70); agency 2 was never assessed (no score)
    assert dict(best.scores) == {credit_code(0): "95.00", credit_code(1): "80.00"}
    assert best.result == credit_code(0)
