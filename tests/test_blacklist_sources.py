"""The sources of the blacklists through the hook, their loads kept in the store and the
trail, and the same subject merged across sources without losing any (issue 15, B2)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import attrs
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govservice.blacklists import court
from govservice.blacklists.sources import LoadResult, subject_key
from govservice.cli import main
from govservice.clock import SHANGHAI, FixedClock
from govservice.codec import to_document
from govservice.errors import SourceFileError, SourceLoadError, UnknownSourceError
from govservice.hookspecs import BlacklistSource, hookimpl
from govservice.model import (
    BlacklistEntry,
    Identifier,
    ListingSource,
    Party,
    PartyKind,
    Revocation,
    SourceKind,
)
from govservice.samples import config_with
from govservice.service import GovService
from govservice.store.chained import changes

EXAMPLE = Path(__file__).parents[1] / "examples" / "dongying" / "court-dishonest-2015.json"
NOW = dt.datetime(2015, 12, 1, 9, 30, tzinfo=SHANGHAI)
JINAN_FIRM = "91370100MA3U2Q8K5J"  # 济南泉城园林绿化工程有限公司, on the court's list too
BACKENDS = ["memory", "sqlite", "postgresql"]
_OPENED: list[GovService] = []


@pytest.fixture(autouse=True)
def _close_stores():
    yield
    while _OPENED:
        service = _OPENED.pop()
        if "store" in service.__dict__:
            service.store.close()


@pytest.fixture
def storage(request, tmp_path: Path):
    """The storage settings of the backend the test is parametrized with (PostgreSQL under
    ``.ci/with-postgres``: a fresh schema, dropped afterwards)."""
    backend = getattr(request, "param", "memory")
    if backend == "memory":
        yield {}
    elif backend == "sqlite":
        yield {"storage_backend": "sqlite", "storage_settings": {"path": str(tmp_path / "s.db")}}
    else:
        import govservice_postgres.testing as testing

        dsn = testing.postgres_dsn_or_skip()
        with testing.fresh_schema(dsn) as schema:
            yield {
                "storage_backend": "postgresql",
                "storage_settings": {"conninfo": dsn, "schema": schema},
            }


def _config(tmp_path: Path, storage: dict, *, court_file: Path | None = None, **more):
    court_file = court_file or tmp_path / "court.json"
    if not court_file.exists():
        shutil.copy(EXAMPLE, court_file)
    sources = [
        {"name": "dongying-court", "kind": "court", "region": "370500", "file": str(court_file)}
    ]
    sources += more.pop("sources", [])
    return config_with(blacklists={"sources": sources, **more}, **storage)


def _service(config, *plugins: tuple[str, object], now: dt.datetime = NOW) -> GovService:
    allow = "postgresql" if config.storage_backend == "postgresql" else ""
    service = GovService(
        config,
        clock=FixedClock(now),
        plugins=list(plugins),
        strict=True,
        environ={"GOVSERVICE_PLUGINS": allow},
    )
    _OPENED.append(service)
    return service


def _own_entry(**changes) -> BlacklistEntry:
    entry = BlacklistEntry(
        id="DY-HMD-2015-011",
        subject=Party(
            kind=PartyKind.ENTERPRISE,
            name="济南泉城园林绿化工程有限公司",
            identifier=Identifier(kind="uscc", number=JINAN_FIRM),
        ),
        reason="在东营市某绿化工程招标中提供虚假业绩",
        authority="东营市公共资源交易管理办公室",
        source=ListingSource(kind=SourceKind.OWN, region="370500"),
        listed_on=dt.date(2015, 9, 1),
        penalty_from=dt.date(2015, 9, 1),
        penalty_until=dt.date(2017, 8, 31),
    )
    return attrs.evolve(entry, **changes)


@attrs.frozen
class JinanList:
    """A plugin's source of the current form: Jinan's list, read from its own system."""

    entries: tuple[BlacklistEntry, ...]
    name: str = "jinan-system"
    kind: str = "other_city"
    region: str = "370100"

    def load(self, service) -> LoadResult:
        return service.blacklists.sources.receive(self, self.entries, complete=False)


class JinanPlugin:
    def __init__(self, *entries: BlacklistEntry) -> None:
        self.source = JinanList(entries)

    @hookimpl
    def govservice_register_blacklist_sources(self, register):
        register(self.source.name, self.source)


def _jinan_entry() -> BlacklistEntry:
    return BlacklistEntry(
        id="JN-2015-0155",
        subject=Party(
            kind=PartyKind.ENTERPRISE,
            name="济南泉城园林绿化工程有限公司",
            identifier=Identifier(kind="uscc", number=JINAN_FIRM),
        ),
        reason="提供虚假业绩材料参加政府采购活动",
        authority="济南市财政局",
        source=ListingSource(kind=SourceKind.OTHER_CITY, region="370100", record_id="JN-155"),
        listed_on=dt.date(2015, 7, 3),
        penalty_from=dt.date(2015, 7, 3),
        penalty_until=dt.date(2018, 7, 2),
    )


# --- the hook and the listing of sources ------------------------------------------------


@pytest.mark.parametrize("storage", BACKENDS, indirect=True)
def test_sources_are_listed_with_their_last_load_count_and_signer(tmp_path, storage) -> None:
    service = _service(_config(tmp_path, storage))
    lines = {line.name: line for line in service.blacklists.sources.lines()}
    assert set(lines) == {"own", "dongying-court"}
    assert lines["own"].plugin == lines["dongying-court"].plugin == "govservice.blacklist_sources"
    assert all(line.state is None and line.loaded_at is None for line in lines.values())
    assert isinstance(service.blacklists.sources.get("own"), BlacklistSource)

    results = service.blacklists.sources.load()
    assert [result.source for result in results] == ["dongying-court", "own"]
    court_load = results[0]
    assert (court_load.added, court_load.count, court_load.signer) == (6, 6, None)
    assert court_load.loaded_at == NOW
    assert len(court_load.digests[0]) == 64

    later = NOW + dt.timedelta(days=1)
    reopened = _service(_config(tmp_path, storage), now=later)
    if not storage:  # a memory store is its service's own
        reopened = service
        reopened.clock = FixedClock(later)
    reopened.blacklists.sources.load("own")
    lines = {line.name: line for line in reopened.blacklists.sources.lines()}
    assert lines["dongying-court"].loaded_at == NOW
    assert lines["dongying-court"].state.last.count == 6
    assert lines["dongying-court"].state.loads == 1
    assert lines["own"].loaded_at == later
    assert lines["own"].state.loads == 2


def test_an_unknown_source_is_refused_naming_the_known_ones(tmp_path) -> None:
    service = _service(_config(tmp_path, {}))
    with pytest.raises(UnknownSourceError, match="known: dongying-court, own"):
        service.blacklists.sources.load("dezhou")


@pytest.mark.parametrize(
    ("names", "says"), [(["own"], "'own' is our own list's"), (["a", "a"], "'a' is given twice")]
)
def test_a_source_named_twice_or_own_is_refused_in_the_configuration(
    tmp_path, names, says
) -> None:
    from govservice.config import load_config
    from govservice.errors import ConfigError

    lines = "".join(
        f'    - {{name: {name}, kind: court, region: "370500", file: c.json}}\n' for name in names
    )
    path = tmp_path / "govservice.yaml"
    path.write_text(
        f'name: 中心\nregion: "370500"\nblacklists:\n  sources:\n{lines}', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=says):
        load_config(path)


def test_a_missing_file_is_refused_naming_the_source(tmp_path) -> None:
    config = _config(tmp_path, {})
    (tmp_path / "court.json").unlink()
    service = _service(config)
    with pytest.raises(SourceFileError, match=r"'dongying-court'.*not there"):
        service.blacklists.sources.load("dongying-court")
    assert service.blacklists.sources.state("dongying-court") is None


def test_a_plugin_that_fails_is_named_and_nothing_of_it_is_kept(tmp_path) -> None:
    class Broken:
        name, kind, region = "broken", "other_city", "371600"

        def load(self, service):
            raise RuntimeError("the partner's server is down")

    class Wrong:
        name, kind, region = "wrong", "other_city", "371600"

        def load(self, service):
            return 3

    class Plugin:
        @hookimpl
        def govservice_register_blacklist_sources(self, register):
            register("broken", Broken())
            register("wrong", Wrong())

    service = _service(_config(tmp_path, {}), ("binzhou", Plugin()))
    with pytest.raises(SourceLoadError, match="'broken' failed to load: RuntimeError"):
        service.blacklists.sources.load("broken")
    with pytest.raises(SourceLoadError, match="'wrong' returned int, not a LoadResult"):
        service.blacklists.sources.load("wrong")
    assert service.blacklists.sources.state("broken") is None


def test_a_source_of_the_old_form_still_loads(tmp_path) -> None:
    class OldCourt:
        @hookimpl
        def govservice_register_blacklist_sources(self, register):
            register("old-court", lambda: [_jinan_entry()])

    service = _service(_config(tmp_path, {}), ("old", OldCourt()))
    (result,) = service.blacklists.sources.load("old-court")
    assert (result.added, result.kind, result.region, result.count) == (
        1,
        "other_city",
        "370100",
        1,
    )
    assert service.store.get("blacklist-entry", "JN-2015-0155") is not None
    (again,) = service.blacklists.sources.load("old-court")
    assert (again.added, again.unchanged) == (0, 1)


# --- loading: idempotent, with provenance on the trail -----------------------------------


@pytest.mark.parametrize("storage", BACKENDS, indirect=True)
def test_the_same_list_twice_changes_nothing(tmp_path, storage) -> None:
    service = _service(_config(tmp_path, storage))
    service.blacklists.sources.load("dongying-court")
    head = service.store.ledger_head()
    documents = {s.record.id: to_document(s.record) for s in _entries(service)}

    service.clock = FixedClock(NOW + dt.timedelta(hours=3))
    (again,) = service.blacklists.sources.load("dongying-court")
    assert (again.added, again.changed, again.unchanged, again.revoked) == (0, 0, 6, 0)
    # no entry is written; the load itself is recorded, one link of its state
    (link,) = service.store.ledger(head[0])
    assert link.case_id == "state/blacklists.source.dongying-court"
    assert {s.record.id: to_document(s.record) for s in _entries(service)} == documents
    assert service.blacklists.sources.state("dongying-court").loads == 2


def _entries(service):
    return service.store.list("blacklist-entry", limit=1000).records


@pytest.mark.parametrize("storage", BACKENDS, indirect=True)
def test_a_changed_listing_is_updated_and_a_removed_one_revoked_each_on_the_trail(
    tmp_path, storage
) -> None:
    path = tmp_path / "court.json"
    service = _service(_config(tmp_path, storage, court_file=path))
    service.blacklists.sources.load("dongying-court")
    published = json.loads(path.read_text(encoding="utf-8"))
    removed = court.entry_of(published[-1], region="370500")
    changed = court.entry_of(published[0], region="370500")
    published[0]["performance"] = "部分未履行"
    path.write_text(json.dumps(published[:-1], ensure_ascii=False), encoding="utf-8")

    later = NOW + dt.timedelta(days=10)
    service.clock = FixedClock(later)
    (result,) = service.blacklists.sources.load("dongying-court")
    assert (result.added, result.changed, result.unchanged, result.revoked) == (0, 1, 4, 1)
    assert result.count == 5

    gone = service.store.get("blacklist-entry", removed.id).record
    assert gone.revocation.on == later.date()
    assert "已不在" in gone.revocation.reason
    assert not gone.in_force_on(later.date())
    assert (
        service.store.get("blacklist-entry", changed.id).record.court.performance == "部分未履行"
    )

    first, second = changes(service.store, "blacklist-entry", changed.id)
    assert first.action == second.action == "received"
    assert first.change["source"] == "court"
    assert first.change["source_record_id"] == "(2014)河执字第00391号"
    assert first.change["received_at"] == NOW.isoformat()
    assert second.change["received_at"] == later.isoformat()
    assert [c.action for c in changes(service.store, "blacklist-entry", removed.id)] == [
        "received",
        "revoked",
    ]
    assert [e.id for e in service.blacklists.sources.court_entries("dongying-court")] == [
        court.entry_of(record, region="370500").id for record in published[:-1]
    ]


def test_a_court_source_exports_its_list_as_published(tmp_path) -> None:
    service = _service(_config(tmp_path, {}))
    service.blacklists.sources.load("dongying-court")
    exported = json.loads(
        court.write_records(service.blacklists.sources.court_entries("dongying-court"))
    )
    assert exported == json.loads(EXAMPLE.read_text(encoding="utf-8"))


# --- merging across sources: nothing lost ------------------------------------------------


@pytest.mark.parametrize("storage", BACKENDS, indirect=True)
def test_listed_by_jinan_and_the_court_shows_both_and_revoking_ours_leaves_theirs(
    tmp_path, storage
) -> None:
    service = _service(_config(tmp_path, storage), ("jinan", JinanPlugin(_jinan_entry())))
    service.blacklists.sources.load()
    ours = service.blacklists.entries.add(_own_entry())

    merged = service.blacklists.sources.of_subject(ours)
    assert merged.key == "org:MA3U2Q8K5"
    assert sorted(merged.sources) == [
        ("court", "370500"),
        ("other_city", "370100"),
        ("own", "370500"),
    ]
    day = dt.date(2015, 12, 1)
    assert len(merged.in_force_on(day)) == 3

    service.blacklists.entries.revoke(ours.id, "信用修复：已履行", on=day)
    merged = service.blacklists.sources.of_subject(ours)
    assert len(merged.entries) == 3  # nothing lost
    in_force = merged.in_force_on(day)
    assert sorted(e.source.kind.value for e in in_force) == ["court", "other_city"]

    by_key = {subject.key: subject for subject in service.blacklists.sources.merged(day)}
    assert {e.source.kind.value for e in by_key["org:MA3U2Q8K5"].entries} == {
        "court",
        "other_city",
    }
    assert (
        sum(len(s.entries) for s in service.blacklists.sources.merged()) == 8
    )  # 6 + Jinan + ours


def test_subjects_are_matched_by_code_number_or_name_and_region() -> None:
    firm = attrs.evolve(
        _jinan_entry(),
        subject=Party(
            kind=PartyKind.ENTERPRISE,
            name="东营鑫盛化工有限公司",
            identifier=Identifier(kind="uscc", number="913705007058851952"),
        ),
    )
    by_code = attrs.evolve(
        firm,
        id="X-1",
        subject=attrs.evolve(
            firm.subject, identifier=Identifier(kind="org_code", number="705885195")
        ),
    )
    assert subject_key(firm) == subject_key(by_code)
    person = court.entry_of(json.loads(EXAMPLE.read_text(encoding="utf-8"))[1], region="370500")
    full = attrs.evolve(
        person,
        id="X-2",
        subject=attrs.evolve(
            person.subject, identifier=Identifier(kind="ric", number="370523198801043572")
        ),
    )
    assert subject_key(person) == subject_key(full)  # the masked number and the full one
    namesake = attrs.evolve(person, subject=attrs.evolve(person.subject, name="孙立刚"))
    assert subject_key(namesake) != subject_key(person)


# --- a partner city's signed files through the exchange ---------------------------------


def _partner_setup(tmp_path: Path):
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    partners = [
        {
            "region": "370100",
            "name": "济南市",
            "keys": [
                {
                    "id": "jn-2015",
                    "public_key": base64.b64encode(raw).decode(),
                    "valid_from": "2015-01-01",
                }
            ],
        }
    ]
    folder = tmp_path / "jinan"
    folder.mkdir()
    return key, partners, folder


def test_a_partners_files_are_imported_once_each_with_their_signer(tmp_path) -> None:
    from govservice.blacklists.exchange import make_file
    from govservice.blacklists.signing import Ed25519Scheme

    key, partners, folder = _partner_setup(tmp_path)
    config = _config(
        tmp_path,
        {},
        partners=partners,
        sources=[{"name": "jinan", "kind": "partner", "region": "370100", "file": str(folder)}],
    )
    service = _service(config)
    theirs = attrs.evolve(
        _jinan_entry(), source=ListingSource(kind=SourceKind.OWN, region="370100")
    )
    data = make_file(
        region="370100",
        sequence=1,
        entries=[("add", to_document(theirs))],
        exported_at=NOW - dt.timedelta(days=1),
        key_id="jn-2015",
        scheme=Ed25519Scheme(),
        private_key=key,
    )
    (folder / "0001.json").write_bytes(data)

    (first,) = service.blacklists.sources.load("jinan")
    assert (first.added, first.signer, first.count) == (1, "jn-2015", 1)
    (again,) = service.blacklists.sources.load("jinan")  # the same file: not imported again
    assert (again.added, again.changed, again.files, again.count) == (0, 0, (), 1)
    line = {line.name: line for line in service.blacklists.sources.lines()}["jinan"]
    assert (line.signer, line.state.loads) == ("jn-2015", 2)

    # deltas imported by hand (blacklist import), then one more: the load skips those
    # imported already (an older one would be refused as a replay) and imports the next
    revoked = attrs.evolve(
        theirs, revocation=Revocation(on=dt.date(2015, 11, 1), reason="信用修复")
    )
    second = make_file(
        region="370100",
        sequence=2,
        entries=[("revoke", to_document(revoked))],
        exported_at=NOW - dt.timedelta(hours=12),
        key_id="jn-2015",
        scheme=Ed25519Scheme(),
        private_key=key,
        previous_sha256=hashlib.sha256(data).hexdigest(),
        since=1,
    )
    (folder / "0002.json").write_bytes(second)
    service.blacklists.exchange.import_file(folder / "0002.json", partner="370100")
    third = make_file(
        region="370100",
        sequence=3,
        entries=[],
        exported_at=NOW - dt.timedelta(hours=1),
        key_id="jn-2015",
        scheme=Ed25519Scheme(),
        private_key=key,
        previous_sha256=hashlib.sha256(second).hexdigest(),
        since=2,
    )
    (folder / "0003.json").write_bytes(third)
    service.blacklists.exchange.import_file(folder / "0003.json", partner="370100")
    fourth = make_file(
        region="370100",
        sequence=4,
        entries=[],
        exported_at=NOW - dt.timedelta(minutes=30),
        key_id="jn-2015",
        scheme=Ed25519Scheme(),
        private_key=key,
        previous_sha256=hashlib.sha256(third).hexdigest(),
        since=3,
    )
    (folder / "0004.json").write_bytes(fourth)
    (last,) = service.blacklists.sources.load("jinan")  # 0002 would be a replay: skipped
    assert last.files == (str(folder / "0004.json"),)
    assert service.blacklists.exchange.received("370100").sequence == 4
    stored = service.store.get(
        "blacklist-entry", service.blacklists.sources.merged()[0].entries[0].id
    )
    assert stored is not None


# --- the command line -------------------------------------------------------------------


def _cli_config(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "court-dishonest-2015.json")
    path = tmp_path / "govservice.yaml"
    path.write_text(
        'name: 测试中心\nregion: "370500"\nstorage:\n  backend: sqlite\n  settings: {path: t.db}\n'
        'blacklists:\n  sources:\n    - {name: dongying-court, kind: court, region: "370500", '
        "file: court-dishonest-2015.json}\n",
        encoding="utf-8",
    )
    return path


def test_the_command_line_lists_loads_and_exports(tmp_path, capsys) -> None:
    config = str(_cli_config(tmp_path))
    assert main(["--config", config, "blacklist", "sources"]) == 0
    out = capsys.readouterr().out
    assert "dongying-court  法院失信被执行人名单  370500  最近加载 未加载" in out
    assert "own  本级认定  370500  存于本库（无需加载）  0条  无签名" in out

    assert main(["--config", config, "blacklist", "load"]) == 0
    out = capsys.readouterr().out
    assert "已加载 dongying-court（法院失信被执行人名单，370500）：新增6条" in out
    assert main(["--config", config, "blacklist", "load", "dongying-court"]) == 0
    assert "未变6条" in capsys.readouterr().out

    assert main(["--config", config, "blacklist", "sources"]) == 0
    out = capsys.readouterr().out
    assert "own  本级认定  370500  存于本库（无需加载）  0条  无签名" in out  # loaded or not
    assert "dongying-court  法院失信被执行人名单  370500  最近加载 " in out
    assert "6条" in out
    assert main(["--config", config, "blacklist", "sources", "--json"]) == 0
    listed = {line["name"]: line for line in json.loads(capsys.readouterr().out)}
    assert listed["dongying-court"]["loads"] == 2
    assert listed["dongying-court"]["last"]["count"] == 6
    # the file as the configuration names it: the same wherever the centre's folder is
    assert listed["dongying-court"]["last"]["files"] == ["court-dishonest-2015.json"]

    out_file = tmp_path / "back.json"
    assert (
        main(
            [
                "--config",
                config,
                "blacklist",
                "court-export",
                "dongying-court",
                "--out",
                str(out_file),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert json.loads(out_file.read_text(encoding="utf-8")) == json.loads(
        EXAMPLE.read_text(encoding="utf-8")
    )
    assert (
        main(
            [
                "--config",
                config,
                "blacklist",
                "court-export",
                "dongying-court",
                "--out",
                str(out_file),
            ]
        )
        == 2
    )
    assert "exists" in capsys.readouterr().err

    assert main(["--config", config, "blacklist", "load", "nosuch"]) == 2
    assert "GS621" in capsys.readouterr().err

    own = tmp_path / "own.json"
    own.write_text(json.dumps([to_document(_own_entry())], ensure_ascii=False), encoding="utf-8")
    assert main(["--config", config, "blacklist", "add", str(own)]) == 0
    capsys.readouterr()
    assert (
        main(["--config", config, "blacklist", "sources", "--shared", "--on", "2015-12-01"]) == 0
    )
    out = capsys.readouterr().out
    assert "多个来源列入的主体（2015-12-01，共1个）" in out
    assert "济南泉城园林绿化工程有限公司  统一社会信用代码 91370100MA3U2Q8K5J：" in out
    assert "本级认定 370500（惩戒中）；法院失信被执行人名单 370500（惩戒中）" in out


def test_the_command_line_refuses_a_wrong_list_with_exit_1(tmp_path, capsys) -> None:
    config = str(_cli_config(tmp_path))
    path = tmp_path / "court-dishonest-2015.json"
    published = json.loads(path.read_text(encoding="utf-8"))
    published[1]["cardNum"] = "370523198806153571"  # a full number, check digit wrong
    published[3]["publishDate"] = "2015年02月30日"
    path.write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    assert main(["--config", config, "blacklist", "load", "dongying-court"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 2
    assert "record 2: cardNum" in lines[0]
    assert "record 4: publishDate" in lines[1]
    assert "370523198806153571" not in captured.out + captured.err  # masked
    assert "无效：法院名单有2处问题" in captured.err
    assert main(["--config", config, "blacklist", "sources", "--json"]) == 0
    listed = {line["name"]: line for line in json.loads(capsys.readouterr().out)}
    assert listed["dongying-court"]["last"] is None
