"""Lijin's river-permit rule and event log act on Lijin's cases, and nobody else's.

The plugin is loaded through its ``govservice`` entry point (the installed distribution),
configured with ``config_with`` as a county would configure it; the ``GOVSERVICE_PLUGINS``
allow-list keeps other installed county plugins out of these tests.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

from govservice.clock import SHANGHAI
from govservice.errors import PluginError, RulesBlockedError
from govservice.model import CaseEvent, Identifier, Party
from govservice.service import GovService
from govservice.testing import START, config_with, identity_number, make_case, person
from govservice_lijin import MALFORMED, MISSING, event_record

LIJIN = "370522"
DONGYING_DISTRICT = "370502"
RIVER_ITEM = "11370522MB2850437N-XK-0012"


@pytest.fixture(autouse=True)
def only_this_plugin(monkeypatch):
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "lijin")


@pytest.fixture
def settings(tmp_path):
    return {"event_log": str(tmp_path / "logs" / "lijin" / "events.jsonl")}


@pytest.fixture
def govservice_config(settings):
    return config_with({"name": "lijin", "regions": [LIJIN], "settings": settings})


@pytest.fixture
def river_item(make_item):
    return make_item(
        code="11370522004275432A-XK-0003",
        name="河道管理范围内建设项目工程建设方案审批",
        department="利津县水务局",
        region=LIJIN,
        level="county",
    )


@pytest.fixture
def bureau_item(make_item):
    """A river-works item handled by the consolidated approval bureau: known by code only."""
    return make_item(
        code=RIVER_ITEM,
        name="黄河滩区建设项目审批",
        department="利津县行政审批服务局",
        region=LIJIN,
        level="county",
    )


def lijin_case(item, permit: str | None = None, region: str = LIJIN, **changes):
    attributes = {} if permit is None else {"river_permit_number": permit}
    return make_case(item, region=region, attributes=attributes, **changes)


def test_plugin_is_loaded_from_its_entry_point_and_scoped_by_the_core(govservice_app):
    loaded = govservice_app.plugins.loaded["lijin"]
    assert (loaded.source, loaded.regions) == ("entry point", frozenset({LIJIN}))
    assert set(loaded.hooks) == {"govservice_case_rules", "govservice_case_event"}


# --- river permit --------------------------------------------------------------------------


def test_missing_permit_blocks_acceptance(govservice_app, river_item):
    case = lijin_case(river_item)
    with pytest.raises(RulesBlockedError) as caught:
        govservice_app.enforce_rules(case, river_item, "accept")
    [finding] = caught.value.findings
    assert (finding.code, finding.plugin, finding.blocks) == (MISSING, "lijin", True)
    assert finding.message.startswith("利津县：“河道管理范围内建设项目工程建设方案审批”")
    assert "不能受理" in finding.message
    assert "river_permit_number" in finding.message
    assert "利河许2015第012号" in finding.message
    assert MISSING in str(caught.value)


def test_missing_permit_only_warns_at_application(govservice_app, river_item):
    case = lijin_case(river_item)
    outcome = govservice_app.enforce_rules(case, river_item, "apply")
    assert outcome.allowed
    [warning] = outcome.warnings
    assert (warning.code, warning.blocks) == (MISSING, False)
    assert "受理时将被拦截" in warning.message


def test_rule_is_silent_at_other_actions(govservice_app, river_item):
    outcome = govservice_app.check_rules(lijin_case(river_item), river_item, "review")
    assert (outcome.blocking, outcome.warnings) == ((), ())


@pytest.mark.parametrize(
    "permit",
    [
        "利河许2015012号",  # 第 left out
        "利河许15第012号",  # two-digit year
        "利河许２０１５第０１２号",  # full-width digits
        " 利河许2015第012号",  # a space typed before it
        "利河许〔2015〕12号",
    ],
)
def test_malformed_permit_blocks_acceptance(govservice_app, river_item, permit):
    case = lijin_case(river_item, permit)
    with pytest.raises(RulesBlockedError) as caught:
        govservice_app.enforce_rules(case, river_item, "accept")
    [finding] = caught.value.findings
    assert finding.code == MALFORMED
    assert f"河道许可文号“{permit}”格式不正确，不能受理" in finding.message
    assert "对照河道许可决定书更正" in finding.message


def test_blank_permit_counts_as_missing(govservice_app, river_item):
    with pytest.raises(RulesBlockedError) as caught:
        govservice_app.enforce_rules(lijin_case(river_item, "   "), river_item, "accept")
    assert [f.code for f in caught.value.findings] == [MISSING]


@pytest.mark.parametrize("permit", ["利河许2015第012号", "利河许2016第1203号"])
def test_well_formed_permit_passes(govservice_app, river_item, permit):
    for action in ("apply", "accept"):
        outcome = govservice_app.enforce_rules(lijin_case(river_item, permit), river_item, action)
        assert (outcome.blocking, outcome.warnings) == ((), ())


def test_yellow_river_bureau_is_river_works(govservice_app, make_item):
    item = make_item(department="黄河河务局利津河务局", region=LIJIN, level="county")
    with pytest.raises(RulesBlockedError):
        govservice_app.enforce_rules(lijin_case(item), item, "accept")


def test_other_departments_are_not_checked(govservice_app, make_item):
    item = make_item(department="利津县市场监督管理局", region=LIJIN, level="county")
    assert govservice_app.enforce_rules(lijin_case(item), item, "accept").allowed


def test_dongying_district_case_is_untouched(govservice_app, river_item):
    case = lijin_case(river_item, region=DONGYING_DISTRICT)
    for action in ("apply", "accept"):
        outcome = govservice_app.enforce_rules(case, river_item, action)
        assert (outcome.blocking, outcome.warnings) == ((), ())


def test_configured_regions_replace_the_declared_ones(river_item):
    hekou = "370503"
    config = config_with({"name": "lijin", "regions": [LIJIN, hekou]})
    service = GovService(config, strict=True)
    for region in (LIJIN, hekou):
        assert not service.check_rules(
            lijin_case(river_item, region=region), river_item, "accept"
        ).allowed
    elsewhere = lijin_case(river_item, region=DONGYING_DISTRICT)
    assert service.check_rules(elsewhere, river_item, "accept").allowed


@pytest.mark.parametrize("settings", [{"river_item_codes": [RIVER_ITEM]}])
def test_items_are_chosen_by_code_as_well(govservice_app, bureau_item):
    with pytest.raises(RulesBlockedError) as caught:
        govservice_app.enforce_rules(lijin_case(bureau_item), bureau_item, "accept")
    assert [f.code for f in caught.value.findings] == [MISSING]


def test_unlisted_bureau_item_is_not_checked(govservice_app, bureau_item):
    assert govservice_app.enforce_rules(lijin_case(bureau_item), bureau_item, "accept").allowed


@pytest.mark.parametrize(
    "settings",
    [
        {
            "permit_pattern": r"^利水许〔\d{4}〕\d{1,4}号$",
            "permit_example": "利水许〔2015〕12号",
            "block_actions": ["accept", "decide"],
            "warn_actions": [],
        }
    ],
)
def test_pattern_and_actions_are_settings(govservice_app, river_item):
    good = lijin_case(river_item, "利水许〔2015〕12号")
    assert govservice_app.enforce_rules(good, river_item, "accept").allowed
    old_style = lijin_case(river_item, "利河许2015第012号")
    with pytest.raises(RulesBlockedError) as caught:
        govservice_app.enforce_rules(old_style, river_item, "decide")
    assert "不能作出决定" in caught.value.findings[0].message
    assert "利水许〔2015〕12号" in caught.value.findings[0].message
    assert govservice_app.check_rules(old_style, river_item, "apply").warnings == ()


def test_every_blocking_finding_is_listed(govservice_app, river_item):
    from govservice.hookspecs import hookimpl
    from govservice.rules import Finding

    class Other:
        @hookimpl
        def govservice_case_rules(self, case, action):
            if action == "accept":
                return [Finding(code="OTHER-BLOCK", message="其他规则拦截")]
            return None

    service = GovService(govservice_app.config, strict=True, plugins=[("other", Other())])
    with pytest.raises(RulesBlockedError) as caught:
        service.enforce_rules(lijin_case(river_item), river_item, "accept")
    assert sorted(f.code for f in caught.value.findings) == [MISSING, "OTHER-BLOCK"]


# --- event log -----------------------------------------------------------------------------


def event(at: dt.datetime, **changes) -> CaseEvent:
    fields = {
        "at": at,
        "actor": "刘洋",
        "role": "window_clerk",
        "action": "accept",
        "from_state": "submitted",
        "to_state": "accepted",
    }
    return CaseEvent(**(fields | changes))


def test_each_event_is_one_json_line(govservice_app, river_item, settings):
    number = identity_number(21, region=DONGYING_DISTRICT, born=dt.date(1990, 6, 15))
    applicant = Party(kind="person", name="赵磊", identifier=Identifier(kind="ric", number=number))
    case = lijin_case(river_item, "利河许2015第012号", applicant=applicant)
    first = event(START, action="apply", from_state=None, to_state="submitted")
    second = event(
        dt.datetime(2015, 3, 2, 2, 30, tzinfo=dt.UTC),
        note=f"申请人{number}已提交河道许可决定书",
        on_behalf_of=number,
    )
    govservice_app.notify(case, first)
    govservice_app.notify(attrs.evolve(case, state="accepted"), second)

    text = _path(settings).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == 2
    assert text.endswith("\n")
    records = [json.loads(line) for line in lines]
    assert records[0]["case_id"] == case.id
    assert records[0]["region"] == LIJIN
    assert records[0]["applicant"]["name"] == "赵磊"
    assert records[0]["applicant"]["identifier"] == number[:10] + "****" + number[14:]
    assert records[0]["event"] == {
        "at": "2015-03-02T09:00:00+08:00",
        "actor": "刘洋",
        "role": "window_clerk",
        "action": "apply",
        "from_state": None,
        "to_state": "submitted",
        "note": None,
        "on_behalf_of": None,
    }
    assert records[1]["event"]["at"] == "2015-03-02T10:30:00+08:00"
    assert (
        records[1]["event"]["note"] == f"申请人{number[:10]}****{number[14:]}已提交河道许可决定书"
    )
    assert number not in text
    assert "赵磊" in text  # written as UTF-8, not \\u escapes


def test_events_of_other_regions_are_not_logged(govservice_app, river_item, settings):
    case = lijin_case(river_item, region=DONGYING_DISTRICT, applicant=person(22))
    govservice_app.notify(case, event(START))
    assert not _path(settings).exists()


def test_enterprise_code_is_kept(govservice_app, river_item, settings):
    case = lijin_case(river_item)
    govservice_app.notify(case, event(START))
    [record] = [json.loads(line) for line in _path(settings).read_text("utf-8").splitlines()]
    assert record["applicant"]["identifier"] == case.applicant.identifier.number
    assert record["applicant"]["identifier_kind"] == "uscc"


@pytest.mark.parametrize("settings", [{}])
def test_no_log_without_a_path(govservice_app, river_item, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    govservice_app.notify(lijin_case(river_item), event(START))
    assert list(tmp_path.iterdir()) == []


def test_installed_without_an_entry_it_serves_only_lijin(river_item):
    service = GovService(config_with(), strict=True)  # no plugins entry: REGIONS apply
    assert service.plugins.loaded["lijin"].regions == frozenset({LIJIN})
    with pytest.raises(RulesBlockedError):
        service.enforce_rules(lijin_case(river_item), river_item, "accept")
    elsewhere = lijin_case(river_item, region=DONGYING_DISTRICT)
    assert service.enforce_rules(elsewhere, river_item, "accept").allowed


def _path(settings) -> Path:
    return Path(settings["event_log"])


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"event_log": 5}, "plugins.0.settings.event_log: 5 is not of type 'string'"),
        ({"river_permit": "x"}, "plugins.0.settings.river_permit: unknown key"),
        ({"block_actions": ["approve"]}, "plugins.0.settings.block_actions.0: 'approve'"),
        ({"permit_pattern": "利河许(\\d{4}"}, "plugins.0.settings.permit_pattern"),
        ({"permit_example": "利河许〔2015〕12号"}, "does not match permit_pattern"),
        ({"warn_actions": ["accept"]}, "accept listed in both block_actions and warn_actions"),
    ],
)
def test_bad_settings_name_the_plugin_in_strict_mode(govservice_config, expected):
    with pytest.raises(PluginError) as caught:
        GovService(govservice_config, strict=True).plugins  # noqa: B018
    assert caught.value.plugin == "lijin"
    assert expected in str(caught.value)


def test_times_are_written_in_shanghai_time():
    case = make_case(region=LIJIN)
    record = event_record(case, event(dt.datetime(2015, 3, 1, 16, 0, tzinfo=dt.UTC)))
    assert record["event"]["at"] == dt.datetime(2015, 3, 2, 0, 0, tzinfo=SHANGHAI).isoformat()
