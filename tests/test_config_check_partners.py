"""``config check`` reads every partner city's keys (``blacklists.partners``) now, not the day
a file signed with one arrives: the region is a GB/T 2260 code given once, each public key
is one of its signature scheme, the days are dates and no key id is given twice. Each
problem is one line naming the partner, the key and the line of the file (GS412; what the
schema refuses, such as a date that is not one, GS400, the partner and key named too);
exit 2."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from govservice.blacklists.partners import partner_problems
from govservice.blacklists.signing import Ed25519Scheme
from govservice.cli import main
from govservice.config import Config, load_config
from govservice.errors import ConfigError, PartnerConfigError
from govservice.service import GovService

HEAD = """\
name: 东营市政务服务中心
region: "370500"
storage: {backend: memory}
blacklists:
  partners:
"""


def _raw(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


DEZHOU = _raw(Ed25519PrivateKey.generate())
BINZHOU_PEM = _pem(Ed25519PrivateKey.generate())
JINAN = _raw(Ed25519PrivateKey.generate())


def _pem_block(pem: str, indent: int = 12) -> str:
    """A PEM key as a YAML literal block scalar under ``public_key: |``."""
    return "|\n" + "".join(" " * indent + line + "\n" for line in pem.splitlines())


GOOD = (
    HEAD
    + f"""\
    - region: "371400"
      name: 德州市
      keys:
        - {{id: dz-2014, public_key: "{JINAN}", valid_from: "2014-01-01", valid_until: "2015-03-31"}}
        - {{id: dz-2015, public_key: "{DEZHOU}", valid_from: "2015-04-01"}}
    - region: "371600"
      name: 滨州市
      keys:
        - id: bz-2015
          valid_from: 2015-01-01
          public_key: {_pem_block(BINZHOU_PEM)}"""
)


def check(tmp_path: Path, capsys, text: str, expected: int = 2) -> list[str]:
    """``config check`` of ``text``: the lines on standard error, the folder left out."""
    path = tmp_path / "govservice.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["config", "check", str(path)]) == expected
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err.replace(f"{tmp_path}/", "").splitlines()


def _one_partner(keys: str, region: str = "371400", name: str = "德州市") -> str:
    return HEAD + f'    - region: "{region}"\n      name: {name}\n      keys:\n{keys}'


def test_good_partners_pass(tmp_path, capsys):
    path = tmp_path / "govservice.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["config", "check", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert ": ok: 东营市政务服务中心 (370500)" in captured.out
    service = GovService(path)
    assert service.self_check() == []
    partners = service.blacklists.exchange.partners()  # the import reads them alike
    assert sorted(partners) == ["371400", "371600"]


def test_a_key_that_is_not_base64_is_named_with_its_partner_and_line(tmp_path, capsys):
    text = _one_partner(
        '        - {id: dz-2015, public_key: "not base64!", valid_from: "2015-01-01"}\n'
    )
    assert check(tmp_path, capsys, text) == [
        "govservice: error[GS412] govservice.yaml:9: blacklists.partners.0.keys.0.public_key: "
        "partner 德州市 (371400), key dz-2015: not a public key of the scheme ed25519: "
        "neither PEM nor the base64 of 32 bytes"
    ]


@pytest.mark.parametrize("size", [16, 31, 33, 64])
def test_a_key_of_the_wrong_length_is_refused(tmp_path, capsys, size):
    wrong = base64.b64encode(bytes(range(size))).decode("ascii")
    text = _one_partner(
        f'        - {{id: dz-2015, public_key: "{wrong}", valid_from: "2015-01-01"}}\n'
    )
    (line,) = check(tmp_path, capsys, text)
    assert line.startswith("govservice: error[GS412] govservice.yaml:9: ")
    assert "partner 德州市 (371400), key dz-2015" in line
    assert f"the base64 of {size} bytes, not the 32 of an Ed25519 key" in line


def test_a_pem_key_of_another_algorithm_is_refused(tmp_path, capsys):
    other = _pem(X25519PrivateKey.generate())
    text = _one_partner(
        f"        - id: dz-2015\n          valid_from: '2015-01-01'\n"
        f"          public_key: {_pem_block(other)}"
    )
    (line,) = check(tmp_path, capsys, text)
    assert "error[GS412] govservice.yaml:11: blacklists.partners.0.keys.0.public_key:" in line
    assert "a PEM public key, but not an Ed25519 one" in line


@pytest.mark.parametrize(
    ("region", "why"),
    [
        ("123456", "'123456' is not in the GB/T 2260 table of region codes"),
        ("379900", "'379900' is not in the GB/T 2260 table of region codes"),
    ],
)
def test_a_region_not_in_gb_t_2260_is_refused(tmp_path, capsys, region, why):
    keys = f'        - {{id: dz-2015, public_key: "{DEZHOU}", valid_from: "2015-01-01"}}\n'
    (line,) = check(tmp_path, capsys, _one_partner(keys, region=region))
    assert line.startswith(
        f"govservice: error[GS412] govservice.yaml:6: blacklists.partners.0.region: "
        f"partner 德州市 ({region}): "
    )
    assert why in line


def test_a_region_of_the_wrong_form_is_the_schemas_and_names_the_partner(tmp_path, capsys):
    keys = f'        - {{id: dz-2015, public_key: "{DEZHOU}", valid_from: "2015-01-01"}}\n'
    (line,) = check(tmp_path, capsys, _one_partner(keys, region="37140"))
    assert line.startswith(
        "govservice: error[GS400] govservice.yaml:6: blacklists.partners.0.region: "
        "partner 德州市 (37140): "
    )


def test_a_key_id_given_twice_names_both_places(tmp_path, capsys):
    text = GOOD + f'        - {{id: dz-2015, public_key: "{JINAN}", valid_from: "2016-01-01"}}\n'
    (line,) = check(tmp_path, capsys, text)
    assert line == (
        "govservice: error[GS412] govservice.yaml:20: blacklists.partners.1.keys.1.id: "
        "partner 滨州市 (371600), key dz-2015: key id 'dz-2015' is given twice (also for "
        "partner 德州市 (371400), blacklists.partners.0.keys.1, govservice.yaml:10): a file "
        "names its key by id, so each key needs an id of its own"
    )


def test_a_key_id_given_twice_within_one_partner_and_a_region_twice(tmp_path, capsys):
    keys = (
        f'        - {{id: dz-2015, public_key: "{DEZHOU}", valid_from: "2015-01-01"}}\n'
        f'        - {{id: dz-2015, public_key: "{JINAN}", valid_from: "2016-01-01"}}\n'
    )
    text = _one_partner(keys) + f'    - region: "371400"\n      name: 德州\n      keys:\n{keys}'
    lines = check(tmp_path, capsys, text)
    assert len(lines) == 4
    assert all(line.startswith("govservice: error[GS412] govservice.yaml:") for line in lines)
    assert "blacklists.partners.0.keys.1.id: partner 德州市 (371400), key dz-2015" in lines[0]
    assert (
        "blacklists.partners.1.region: partner 德州 (371400): region 371400 is given twice"
        in (lines[1])
    )
    assert [re.search(r"yaml:(\d+)", line)[1] for line in lines] == ["10", "11", "14", "15"]


@pytest.mark.parametrize("day", ["2015-02-30", "2015-13-01", "2015-1-1", "next year"])
def test_a_valid_from_that_is_not_a_date_is_refused_naming_the_partner_and_key(
    tmp_path, capsys, day
):
    text = _one_partner(
        f'        - {{id: dz-2015, public_key: "{DEZHOU}", valid_from: "{day}"}}\n'
    )
    assert check(tmp_path, capsys, text) == [
        "govservice: error[GS400] govservice.yaml:9: blacklists.partners.0.keys.0.valid_from: "
        f"partner 德州市 (371400), key dz-2015: '{day}' is not a real date written as YYYY-MM-DD"
    ]


def test_a_key_valid_until_before_it_is_valid_from_is_refused(tmp_path, capsys):
    text = _one_partner(
        f'        - {{id: dz-2015, public_key: "{DEZHOU}", valid_from: "2015-04-01", '
        'valid_until: "2015-03-31"}\n'
    )
    assert check(tmp_path, capsys, text) == [
        "govservice: error[GS412] govservice.yaml:9: blacklists.partners.0.keys.0.valid_until: "
        "partner 德州市 (371400), key dz-2015: valid_until 2015-03-31 is before valid_from "
        "2015-04-01: the key would never be valid"
    ]


def test_a_scheme_no_plugin_registers_is_refused(tmp_path, capsys):
    text = _one_partner(
        f'        - {{id: dz-2015, public_key: "{DEZHOU}", scheme: sm2-sm3, '
        'valid_from: "2015-01-01"}\n'
    )
    (line,) = check(tmp_path, capsys, text)
    assert line.startswith(
        "govservice: error[GS412] govservice.yaml:9: blacklists.partners.0.keys.0.scheme: "
        "partner 德州市 (371400), key dz-2015: no signature scheme is called 'sm2-sm3'"
    )


def test_every_problem_is_its_own_line(tmp_path, capsys):
    keys = (
        '        - {id: dz-2015, public_key: "AAAA", valid_from: "2015-01-01"}\n'
        '        - {id: dz-2015, public_key: "@@@", valid_from: "2015-01-01"}\n'
    )
    lines = check(tmp_path, capsys, _one_partner(keys, region="123456"))
    assert len(lines) == 4  # the region, the first key, the id twice, the second key
    assert all(line.startswith("govservice: error[GS412] govservice.yaml:") for line in lines)
    assert all("partner 德州市 (123456)" in line for line in lines)


def test_the_check_without_a_file_names_the_keys_and_reads_a_date_that_is_not_one():
    """A configuration made in Python (no file, no schema) is checked alike."""
    config = Config(
        name="东营市政务服务中心",
        region="370500",
        blacklists={
            "partners": [
                {
                    "region": "371400",
                    "name": "德州市",
                    "keys": [{"id": "dz", "public_key": DEZHOU, "valid_from": "2015-02-30"}],
                }
            ]
        },
    )
    (problem,) = partner_problems(config, {"ed25519": Ed25519Scheme()})
    assert isinstance(problem, PartnerConfigError)
    assert isinstance(problem, ConfigError)
    assert problem.code == "GS412"
    assert str(problem) == (
        "<config>: blacklists.partners.0.keys.0.valid_from: partner 德州市 (371400), key dz: "
        "'2015-02-30' is not a date written as YYYY-MM-DD"
    )


def test_the_example_configuration_passes(tmp_path):
    """The Dongying example's partner (Dezhou, the demo's key) is read without a problem."""
    example = Path(__file__).parents[1] / "examples" / "dongying" / "govservice.yaml"
    config = load_config(example)
    assert config.blacklists["partners"]
    assert partner_problems(config, {"ed25519": Ed25519Scheme()}) == []
