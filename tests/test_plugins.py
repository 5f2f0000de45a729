"""Loading plugins: from config and entry points, allow-list, disabling, and every failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from govservice.cli import main
from govservice.errors import (
    ConfigError,
    PluginError,
    PluginFailedError,
    PluginHookError,
    PluginImportError,
)
from govservice.service import GovService
from govservice.testing import config_with, make_case, make_item


@pytest.fixture(autouse=True)
def samples_on_path(monkeypatch, request):
    monkeypatch.syspath_prepend(str(request.path.parent / "plugin_samples"))


def write_config(tmp_path, body: str):
    path = tmp_path / "govservice.yaml"
    header = 'name: 测试中心\nregion: "370500"\n'
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


def test_builtin_plugins_are_loaded_as_plugins():
    service = GovService(config_with())
    loaded = service.plugins.loaded
    assert {"govservice.calendar", "govservice.stores", "govservice.selection"} <= set(loaded)
    assert all(p.source == "builtin" for p in loaded.values())
    assert service.plugins.problems == []


def test_config_plugin_with_settings_is_loaded_and_scoped(tmp_path):
    path = write_config(
        tmp_path,
        """
        plugins:
          - module: sample_settings
            regions: ["370523"]
            settings: {closure: "2015-03-03", message: 核对联系方式}
        """,
    )
    service = GovService(path, strict=True)
    loaded = service.plugins.loaded["sample_settings"]
    assert (loaded.source, loaded.regions) == ("config", frozenset({"370523"}))
    item = make_item()
    guangrao = make_case(item, region="370523")
    dongying = make_case(item, region="370502")
    assert [f.code for f in service.check_rules(guangrao, item, "apply").warnings] == [
        "SAMPLE-WARN"
    ]
    assert service.check_rules(dongying, item, "apply").warnings == ()
    import datetime as dt

    assert not service.calendar("370523").is_working_day(dt.date(2015, 3, 3))
    assert service.calendar("370502").is_working_day(dt.date(2015, 3, 3))


def test_misspelt_hook_is_named(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - module: sample_misspelt\n")
    with pytest.raises(PluginHookError) as raised:
        GovService(path, strict=True).plugins  # noqa: B018
    message = str(raised.value)
    assert "'sample_misspelt' implements govservice_case_rule" in message
    assert "did you mean govservice_case_rules?" in message
    assert raised.value.plugin == "sample_misspelt"


def test_misspelt_hook_without_marker_is_caught_too(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - module: sample_unmarked_misspelt\n")
    with pytest.raises(PluginHookError, match="govservice_extra_material,"):
        GovService(path, strict=True).plugins  # noqa: B018


def test_hook_with_unknown_argument_is_refused(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - module: sample_wrong_args\n")
    with pytest.raises(PluginHookError, match="applicant"):
        GovService(path, strict=True).plugins  # noqa: B018


def test_import_failure_names_plugin_and_cause(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - module: sample_import_fails\n")
    with pytest.raises(PluginImportError) as raised:
        GovService(path, strict=True).plugins  # noqa: B018
    assert "'sample_import_fails' failed to import: ModuleNotFoundError" in str(raised.value)
    assert str(raised.value).startswith(f"{path}:4")


def test_missing_module(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - module: govservice_nowhere\n")
    with pytest.raises(PluginImportError, match="No module named 'govservice_nowhere'"):
        GovService(path, strict=True).plugins  # noqa: B018


def test_entry_point_name_not_installed(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - name: dezhou\n    regions: ['371400']\n")
    with pytest.raises(PluginImportError, match="no installed plugin is called 'dezhou'"):
        GovService(path, strict=True).plugins  # noqa: B018


def test_raising_plugin_is_reported_and_left_out_when_not_strict(tmp_path):
    path = write_config(
        tmp_path,
        "plugins:\n  - module: sample_raises\n  - module: sample_settings\n"
        "    settings: {closure: '2015-03-03'}\n",
    )
    service = GovService(path)
    item = make_item()
    case = make_case(item)
    outcome = service.check_rules(case, item, "apply")
    assert [f.code for f in outcome.warnings] == ["SAMPLE-WARN"]  # the other plugin still ran
    (problem,) = service.plugins.problems
    assert isinstance(problem, PluginFailedError)
    assert "'sample_raises' failed in govservice_case_rules: RuntimeError" in str(problem)
    service.check_rules(case, item, "accept")
    assert len(service.plugins.problems) == 1  # left out after the first failure


def test_raising_plugin_is_fatal_when_strict(tmp_path):
    path = write_config(tmp_path, "strict: true\nplugins:\n  - module: sample_raises\n")
    service = GovService(path)
    item = make_item()
    with pytest.raises(PluginFailedError, match="county database unreachable"):
        service.check_rules(make_case(item), item, "apply")


def test_plugin_settings_are_checked_with_file_line_and_key(tmp_path):
    path = write_config(
        tmp_path,
        """
        plugins:
          - module: sample_settings
            settings:
              closure: 2015-13-45
              colour: red
        """,
    )
    with pytest.raises(PluginError) as raised:
        GovService(path, strict=True).plugins  # noqa: B018
    message = str(raised.value)
    assert (
        f"{path}:7: plugins.0.settings.closure: '2015-13-45' is not a real date written as YYYY-MM-DD"
        in message
    )
    assert f"{path}:8: plugins.0.settings.colour: unknown key 'colour'" in message


def test_disable_list_leaves_builtin_out(tmp_path):
    path = write_config(tmp_path, "disable_plugins: [govservice.selection]\n")
    assert "govservice.selection" not in GovService(path).plugins.loaded


def test_allow_list_environment_variable_filters_entry_points():
    everything = GovService(config_with(), environ={}).plugins.loaded
    nothing = GovService(config_with(), environ={"GOVSERVICE_PLUGINS": ""}).plugins.loaded
    installed = {p.name for p in everything.values() if p.source == "entry point"}
    assert {p.name for p in nothing.values() if p.source == "entry point"} == set()
    assert {p.name for p in nothing.values()} == {p for p in everything if p not in installed}


def test_trace_prints_each_hook_call(tmp_path, capsys):
    service = GovService(config_with(), environ={"GOVSERVICE_TRACE": "1"})
    service.calendar("370500")
    assert "govservice trace: govservice_calendar [govservice.calendar]" in capsys.readouterr().err


def test_two_plugins_registering_one_name_is_an_error():
    from govservice.hookspecs import hookimpl

    class Again:
        @hookimpl
        def govservice_register_selection_strategies(self, register):
            register("random-draw", lambda candidates, need, stream, named: None)

    service = GovService(config_with(), plugins=[("again", Again())], strict=True)
    with pytest.raises(PluginError, match="'random-draw' is registered by both"):
        service.plugins.registry("govservice_register_selection_strategies")


# --- the command line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "culprit"),
    [
        ("plugins:\n  - module: sample_misspelt\n", "govservice_case_rule"),
        ("plugins:\n  - module: sample_import_fails\n", "sample_import_fails"),
        ("plugins:\n  - module: govservice_nowhere\n", "govservice_nowhere"),
        (
            "plugins:\n  - module: sample_raises\n",
            "'sample_raises' failed in govservice_case_rules: RuntimeError",
        ),
        ("colour: red\n", "unknown key 'colour'"),
        ("strict: yes please\n", "strict: 'yes please' is not of type 'boolean'"),
        ("plugins:\n  - module: sample_settings\n    regions: ['37052']\n", "regions.0"),
    ],
)
def test_config_check_exits_2_naming_the_culprit(tmp_path, capsys, body, culprit):
    path = write_config(tmp_path, body)
    assert main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert culprit in err
    assert err.startswith("govservice: error[GS")
    assert "Traceback" not in err


def test_bad_region_code_in_config(tmp_path, capsys):
    path = tmp_path / "govservice.yaml"
    path.write_text('name: 测试\nregion: "3705"\n', encoding="utf-8")
    assert main(["config", "check", str(path)]) == 2
    assert f"{path}:2: region:" in capsys.readouterr().err


def test_config_check_ok(tmp_path, capsys):
    path = write_config(
        tmp_path, "plugins:\n  - module: sample_settings\n    settings: {closure: '2015-03-03'}\n"
    )
    assert main(["config", "check", str(path)]) == 0
    assert "ok: 测试中心 (370500)" in capsys.readouterr().out


def test_broken_plugin_does_not_stop_validate(tmp_path, capsys):
    config = write_config(tmp_path, "plugins:\n  - module: sample_import_fails\n")
    data = tmp_path / "items.json"
    data.write_text(json.dumps([{"code": "X"}]), encoding="utf-8")
    assert main(["--config", str(config), "validate", "--kind", "item", str(data)]) == 1
    captured = capsys.readouterr()
    assert "warning[GS501]" in captured.err
    assert "1 records in 1 file(s): 0 valid, 1 invalid" in captured.out
    assert (
        main(["--config", str(config), "--strict", "validate", "--kind", "item", str(data)]) == 2
    )


def test_plugins_command_lists_source_regions_and_hooks(tmp_path, capsys):
    path = write_config(
        tmp_path,
        "plugins:\n  - module: sample_settings\n    regions: ['370523']\n"
        "    settings: {closure: '2015-03-03'}\n",
    )
    assert main(["--config", str(path), "plugins", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    sample = next(p for p in listing["plugins"] if p["name"] == "sample_settings")
    assert sample["source"] == "config"
    assert sample["regions"] == ["370523"]
    assert sample["hooks"] == ["govservice_case_rules", "govservice_closure_days"]


def test_secret_from_environment_is_resolved_and_never_shown(tmp_path):
    path = write_config(
        tmp_path, "storage:\n  backend: memory\n  settings:\n    password: {$env: GS_TEST_PW}\n"
    )
    service = GovService(path, environ={"GS_TEST_PW": "s3cret-口令"})
    password = service.config.storage_settings["password"]
    assert password == "s3cret-口令"
    assert "s3cret" not in repr(service.config)
    with pytest.raises(ConfigError, match=r"storage.settings.password: environment variable"):
        GovService(path, environ={})


def test_declared_regions_apply_unless_the_config_names_others(tmp_path):
    item = make_item()
    kenli, dongying = make_case(item, region="370505"), make_case(item, region="370502")

    def extra(service, case):
        return [m.name for m in service.required_materials(item, case)][len(item.materials) :]

    declared = GovService(
        write_config(tmp_path, "plugins:\n  - module: sample_declares_regions\n")
    )
    assert declared.plugins.loaded["sample_declares_regions"].regions == {"370505"}
    assert (extra(declared, kenli), extra(declared, dongying)) == (["垦利区居住证明"], [])
    overridden = GovService(
        write_config(
            tmp_path, "plugins:\n  - module: sample_declares_regions\n    regions: ['370502']\n"
        )
    )
    assert (extra(overridden, kenli), extra(overridden, dongying)) == ([], ["垦利区居住证明"])


@pytest.mark.parametrize(
    ("module", "error", "words"),
    [
        ("sample_make_fails", PluginFailedError, "failed to start: KeyError"),
        ("sample_bad_schema", PluginError, "SETTINGS_SCHEMA is not a valid JSON Schema"),
        (
            "sample_wrapper",
            PluginHookError,
            "hook wrappers are not part of the govservice contract",
        ),
        ("sample_exits", PluginImportError, "failed to import: SystemExit: 7"),
    ],
)
def test_plugins_that_break_at_start_are_named(tmp_path, module, error, words):
    path = write_config(tmp_path, f"plugins:\n  - module: {module}\n")
    with pytest.raises(error, match=words):
        GovService(path, strict=True).plugins  # noqa: B018
    loose = GovService(path)
    assert [type(p) for p in loose.plugins.problems] == [error]
    assert module not in loose.plugins.loaded


def test_a_plugin_returning_the_wrong_type_has_failed(tmp_path):
    path = write_config(tmp_path, "plugins:\n  - module: sample_wrong_type\n")
    service = GovService(path)
    item = make_item()
    case = make_case(item)
    assert service.check_rules(case, item, "apply").allowed
    assert service.required_materials(item, case) == item.materials
    messages = sorted(str(p) for p in service.plugins.problems)
    assert "failed in govservice_case_rules: TypeError: returned str, not Finding" in messages[0]
    assert "failed in govservice_extra_materials: TypeError" in messages[1]


@pytest.mark.parametrize(
    "module",
    [
        "sample_make_fails",
        "sample_bad_schema",
        "sample_wrong_type",
        "sample_wrapper",
        "sample_exits",
    ],
)
def test_a_broken_plugin_never_gives_a_traceback(tmp_path, module):
    config = write_config(tmp_path, f"plugins:\n  - module: {module}\n")
    data = tmp_path / "items.json"  # one valid item ("[]" holds no records: exit 2)
    item = Path(__file__).parent / "examples" / "item" / "valid" / "cancelled-item.json"
    data.write_bytes(item.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent / "plugin_samples")}
    for command, status in (
        (["validate", "--kind", "item", str(data)], 0),
        (["config", "check", str(config)], 2),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "govservice", "--config", str(config), *command],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr
        if status:
            assert module in done.stderr


def test_identity_numbers_in_plugin_messages_are_masked(tmp_path, capsys):
    path = write_config(tmp_path, "plugins:\n  - module: sample_leaks\n")
    assert main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3705231980****0019" in err
    assert "370523198001010019" not in err


@pytest.mark.parametrize(
    ("storage", "culprit"),
    [
        ("storage: {backend: nosuch}\n", "storage.backend: no backend is called 'nosuch'"),
        (
            "storage:\n  backend: sqlite\n  settings: {path: a.db, bogus: 1}\n",
            "storage.settings.bogus: unknown key 'bogus'",
        ),
        (
            "storage:\n  backend: sqlite\n  settings: {}\n",
            "storage.settings: required field 'path'",
        ),
    ],
)
def test_config_check_checks_the_storage_settings(tmp_path, capsys, storage, culprit):
    path = write_config(tmp_path, storage)
    assert main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert culprit in err
    assert str(path) in err
