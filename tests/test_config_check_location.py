"""``config check`` names each problem's place once: ``FILE:LINE: key: message``, never the
plugin entry's line before the setting's (``bad.yaml:5: bad.yaml:8: ...``)."""

from __future__ import annotations

import re

import pytest

from govservice.cli import main
from govservice.config import check_document
from govservice.errors import ConfigError

PLUGIN = """\
name: 测试中心
region: "370523"
storage:
  backend: memory
plugins:
  - name: guangrao
    regions: ["370523"]
    settings:
      elderly_agee: 70
"""

TWO_PROBLEMS = """\
name: 测试中心
region: "370523"
storage:
  backend: memory
plugins:
  - name: guangrao
    settings:
      elderly_age: "seventy"
      closure_days: [1]
"""

STORAGE = """\
name: 测试中心
region: "370500"
storage:
  backend: sqlite
  settings:
    path: centre.db
    pathh: other.db
"""


def check(tmp_path, capsys, text: str) -> str:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    assert main(["config", "check", str(tmp_path / "bad.yaml")]) == 2
    return capsys.readouterr().err.replace(str(tmp_path) + "/", "")


@pytest.fixture(autouse=True)
def only_guangrao(monkeypatch):
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "guangrao")


def test_a_misspelt_plugin_setting_is_located_once(tmp_path, capsys):
    assert check(tmp_path, capsys, PLUGIN) == (
        "govservice: error[GS500] bad.yaml:9: plugins.0.settings.elderly_agee: unknown key "
        "'elderly_agee'; allowed here: closure_days, construction_departments, "
        "construction_item_types, construction_material, elderly_age, "
        "subsistence_allowance_ids\n"
    )


def test_every_problem_of_a_plugins_settings_is_located_once(tmp_path, capsys):
    line = check(tmp_path, capsys, TWO_PROBLEMS)
    assert line == (
        "govservice: error[GS500] bad.yaml:8: plugins.0.settings.elderly_age: 'seventy' is not "
        "of type 'integer' bad.yaml:9: plugins.0.settings.closure_days.0: 1 is not of type "
        "'string'\n"
    )
    assert len(re.findall(r"bad\.yaml:\d+", line)) == 2


def test_a_misspelt_storage_setting_is_located_once(tmp_path, capsys):
    assert check(tmp_path, capsys, STORAGE) == (
        "govservice: error[GS400] bad.yaml:7: storage.settings.pathh: unknown key 'pathh'; "
        "allowed here: cache_mib, path\n"
    )


def test_the_error_carries_the_first_problems_place_apart_from_its_message():
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    with pytest.raises(ConfigError) as raised:
        check_document({"a": "x"}, schema, "c.yaml", {("a",): 4})
    assert raised.value.where == "c.yaml:4"
    assert raised.value.message == "a: 'x' is not of type 'integer'"
    assert str(raised.value) == "c.yaml:4: a: 'x' is not of type 'integer'"
