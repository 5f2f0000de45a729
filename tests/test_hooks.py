"""Every hook of the contract, exercised through GovService; plus the meta-tests that keep
the contract honest: each hook has a test here and a section in docs/hooks.md."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from govservice import hookspecs
from govservice.errors import RulesBlockedError
from govservice.hookspecs import hookimpl
from govservice.model import (
    CaseEvent,
    Fee,
    GuidingCatalogVersion,
    GuidingEntry,
    Material,
    StationLevel,
)
from govservice.rules import FeeAdjustment, Finding
from govservice.service import GovService
from govservice.standards import Criterion, Standard
from govservice.testing import (
    START,
    config_with,
    make_blacklist_entry,
    make_case,
    make_intermediary,
    make_item,
    make_station,
    person,
)
from govservice.workdays import WorkingCalendar, YearSchedule

HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("govservice_"))
DOCS = Path(__file__).parents[1] / "docs" / "hooks.md"


def service_with(plugin: object, *, regions: tuple[str, ...] = ()) -> GovService:
    config = config_with({"name": "county", "regions": list(regions)})
    return GovService(config, plugins=[("county", plugin)], strict=True)


# --- meta-tests ----------------------------------------------------------------------------


def test_every_hook_has_a_test():
    tests = {name for name in vars(sys.modules[__name__]) if name.startswith("test_")}
    assert [hook for hook in HOOKS if f"test_{hook}" not in tests] == []


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook):
    parameters = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert f"## `{hook}({parameters})`" in DOCS.read_text(encoding="utf-8")


def test_docs_name_no_hook_that_does_not_exist():
    documented = re.findall(r"^## `(govservice_\w+)\(", DOCS.read_text(encoding="utf-8"), re.M)
    assert sorted(documented) == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_typed_and_documented_in_code(hook):
    function = getattr(hookspecs, hook)
    signature = inspect.signature(function)
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())
    assert signature.return_annotation is not inspect.Signature.empty
    doc = inspect.getdoc(function)
    assert doc
    assert all(f":param {name}:" in doc for name in signature.parameters)
    if function.govservice_spec.get("firstresult"):
        assert "Stops at first non-None result" in doc


# --- one test per hook ---------------------------------------------------------------------


def test_govservice_register_stores():
    class Backend:
        def __init__(self, settings):
            self.settings = settings

    class Plugin:
        @hookimpl
        def govservice_register_stores(self, register):
            register("county-archive", Backend)

    config = config_with(
        {"name": "county"}, storage_backend="county-archive", storage_settings={"path": "/x"}
    )
    service = GovService(config, plugins=[("county", Plugin())], strict=True)
    assert isinstance(service.store, Backend)
    assert service.store.settings == {"path": "/x", "create": True, "migrate": True}
    default = GovService(config_with())
    default.store.add_item(make_item())
    assert default.store.item("11370500004275432Y-XK-0001").version == 1


def test_govservice_calendar():
    class SaturdayWorks:
        @hookimpl(tryfirst=True)
        def govservice_calendar(self, region):
            return WorkingCalendar({2015: YearSchedule(2015, [], [dt.date(2015, 3, 7)])})

    service = service_with(SaturdayWorks(), regions=("370522",))
    saturday = dt.date(2015, 3, 7)
    assert service.calendar("370522").is_working_day(saturday) is True  # the county's own
    assert service.calendar("370500").is_working_day(saturday) is False  # the official one


def test_govservice_closure_days():
    class Closed:
        @hookimpl
        def govservice_closure_days(self, region):
            return [dt.date(2015, 3, 4)]

    service = service_with(Closed(), regions=("370523",))
    calendar = service.calendar("370523")
    assert calendar.add_working_days(dt.date(2015, 3, 2), 3).due == dt.date(2015, 3, 6)
    assert service.calendar("370502").add_working_days(dt.date(2015, 3, 2), 3).due == dt.date(
        2015, 3, 5
    )


def test_govservice_extra_materials():
    class Extra:
        @hookimpl
        def govservice_extra_materials(self, item, case):
            if item.type == "licensing":
                yield Material(name="安全生产承诺书", originals=1, copies=0)

    service = service_with(Extra(), regions=("370523",))
    item = make_item()
    names = [m.name for m in service.required_materials(item, make_case(item, region="370523"))]
    assert names == [m.name for m in item.materials] + ["安全生产承诺书"]
    other = service.required_materials(item, make_case(item, region="370502"))
    assert "安全生产承诺书" not in [m.name for m in other]


def test_govservice_case_rules():
    class Rules:
        @hookimpl
        def govservice_case_rules(self, case, item, action):
            if action == "accept":
                return [
                    Finding(code="A", message="缺少许可证号"),
                    Finding(code="B", message="缺少现场核查记录"),
                    Finding(code="C", message="建议电话回访", severity="warn"),
                ]
            return None

    service = service_with(Rules())
    item = make_item()
    case = make_case(item)
    assert service.check_rules(case, item, "apply").allowed
    with pytest.raises(RulesBlockedError) as raised:
        service.enforce_rules(case, item, "accept")
    assert [f.code for f in raised.value.findings] == ["A", "B"]
    assert {f.plugin for f in raised.value.findings} == {"county"}
    assert "缺少许可证号" in str(raised.value)
    assert "缺少现场核查记录" in str(raised.value)


def test_govservice_fee_adjustments():
    class Waive:
        @hookimpl
        def govservice_fee_adjustments(self, case, item):
            return [
                FeeAdjustment(fee="执照工本费", amount=Decimal("5.00"), reason="减半"),
                FeeAdjustment(fee="执照工本费", amount=Decimal("0"), reason="低保户免收"),
            ]

    service = service_with(Waive(), regions=("370523",))
    item = make_item(
        fees=(
            Fee(name="执照工本费", amount=Decimal("10.00")),
            Fee(name="登记费", amount=Decimal("20.00"), waived=True),
        )
    )
    fees = service.fees_for(item, make_case(item, region="370523"))
    assert [(f.name, f.amount, f.exemption) for f in fees] == [
        ("执照工本费", Decimal("0"), "低保户免收"),
        ("登记费", Decimal("0"), "免收"),
    ]
    untouched = service.fees_for(item, make_case(item, region="370502"))
    assert untouched[0].amount == Decimal("10.00")


def test_govservice_fee_conditions():
    class Urgent:
        @hookimpl
        def govservice_fee_conditions(self, case, item):
            return ["加急费"] if case.attributes.get("urgent") == "yes" else None

    service = service_with(Urgent(), regions=("370523",))
    item = make_item(
        fees=(
            Fee(name="执照工本费", amount=Decimal("10.00")),
            Fee(
                name="加急费",
                amount=Decimal("50.00"),
                applicability="conditional",
                condition="申请人要求加急办理的",
            ),
        )
    )
    urgent = make_case(item, region="370523", attributes={"urgent": "yes"})
    assert [f.name for f in service.fees_for(item, urgent)] == ["执照工本费", "加急费"]
    plain = make_case(item, region="370523")
    assert [f.name for f in service.fees_for(item, plain)] == ["执照工本费"]
    elsewhere = make_case(item, region="370502", attributes={"urgent": "yes"})
    assert [f.name for f in service.fees_for(item, elsewhere)] == ["执照工本费"]


def test_govservice_case_event():
    seen = []

    class Notify:
        @hookimpl
        def govservice_case_event(self, case, event):
            seen.append((case.id, event.action))

    service = service_with(Notify(), regions=("370522",))
    event = CaseEvent(
        at=START, actor="clerk", role="window_clerk", action="accept", to_state="accepted"
    )
    lijin = make_case(region="370522")
    service.notify(lijin, event)
    service.notify(make_case(region="370502"), event)
    assert seen == [(lijin.id, "accept")]


def test_govservice_register_blacklist_sources():
    from govservice.blacklists.sources import LoadResult
    from govservice.model import ListingSource

    court = make_blacklist_entry(
        subject=person(7, born=dt.date(1990, 5, 1)),
        source=ListingSource(kind="court", region="370500", record_id="(2015)东执字第88号"),
    )

    class CourtList:  # a source of the current form: name, kind, region, load(service)
        name, kind, region = "dongying-court", "court", "370500"

        def load(self, service) -> LoadResult:
            return service.blacklists.sources.receive(self, [court], complete=True)

    class Court:
        @hookimpl
        def govservice_register_blacklist_sources(self, register):
            register("dongying-court", CourtList())
            register("old-form", lambda: [court])  # the old form: a callable of entries

    service = service_with(Court())
    assert sorted(service.blacklists.sources.registered()) == ["dongying-court", "old-form", "own"]
    (result,) = service.blacklists.sources.load("dongying-court")
    assert (result.source, result.added, result.count) == ("dongying-court", 1, 1)
    assert service.store.get("blacklist-entry", court.id).record.source.received_at is not None

    (entry,) = service.blacklist_from_sources()  # the old form's entries, masked
    number = court.subject.identifier.number
    assert entry.subject.identifier.number == number[:10] + "****" + number[14:]
    assert entry.id == court.id


def test_govservice_register_selection_strategies():
    from govservice.errors import StrategyResultError
    from govservice.intermediaries import draw
    from govservice.intermediaries.selection import Choice
    from govservice.model import (
        IntermediaryService,
        ListStatusChange,
        Qualification,
        ServiceFee,
        ServiceOffer,
        Witness,
    )
    from govservice.samples import credit_code

    class County:
        @hookimpl
        def govservice_register_selection_strategies(self, register):
            def physical_first(candidates, need, stream, named):
                """A draw among the agencies present in the hall (有形进驻) first."""
                scores = [
                    (c.credit_code, "1" if c.presence == "physical" else "0") for c in candidates
                ]
                best = [c for c in candidates if c.presence == "physical"] or list(candidates)
                return Choice(
                    result=stream.choose(best).credit_code, scores=scores, ranked="highest"
                )

            def first(candidates, need, stream, named):
                return Choice(result=candidates[0].credit_code)  # no draw: refused

            register("physical-first", physical_first)
            register("first", first)

    service = service_with(County())
    code = "ZJ-370500-009"
    service.store.add(
        IntermediaryService(
            code=code,
            name="房产测绘",
            department="东营市住房和城乡建设管理局",
            region="370500",
            basis="《房产测绘管理办法》",
            fee=ServiceFee(regime="negotiated"),
            history=[ListStatusChange(status="retained", on=dt.date(2015, 1, 1))],
        )
    )
    for n in range(6):
        service.store.add(
            make_intermediary(
                credit_code=credit_code(900 + n),
                presence="physical" if n < 2 else "virtual",
                services=[ServiceOffer(name="房产测绘", service_code=code)],
                qualifications=[Qualification(name="测绘资质", services=(code,))],
            )
        )
    selections = service.intermediaries.selections
    witnesses = [Witness(name="业主代表", contribution="7 3 9")]

    def posted(strategy):  # a need is met by the strategy it was published with
        need = selections.post_need(
            service_code=code,
            owner="东营市黄河建设有限公司",
            deadline=dt.date(2030, 1, 1),
            strategy=strategy,
        )
        return selections.commit(need.id, witnesses)

    chosen = selections.select(posted("physical-first").id, witnesses=witnesses)
    physical = {
        stored.record.credit_code
        for stored in service.store.list("intermediary").records
        if stored.record.presence == "physical"
    }
    assert chosen.result in physical
    assert draw.verify(chosen).ok
    # a plugin strategy choosing without its draw is refused by name, nothing stored
    need = posted("first")
    seed = draw.seed(need.commitment, chosen.candidates_sha256)  # the same candidates
    assert draw.draw(seed, chosen.candidates) != chosen.candidates[0]  # "first" is not it
    with pytest.raises(StrategyResultError, match="'first'"):
        selections.select(need.id, witnesses=witnesses)
    assert selections.of_need(need.id) == []
    # the built-in random draw is there too, and draws among all
    need = posted("random-draw")
    seed = draw.seed(need.commitment, chosen.candidates_sha256)
    drawn = selections.select(need.id, witnesses=witnesses).result
    assert drawn == draw.draw(seed, chosen.candidates)


def test_govservice_register_station_standards():
    guangrao_rule = Standard(
        id="guangrao-signboard",
        name="统一标识牌",
        levels={StationLevel.VILLAGE_STATION},
        criteria=(Criterion(code="signboard", text="悬挂统一标识牌"),),
    )

    class Standards:
        @hookimpl
        def govservice_register_station_standards(self, register):
            register(guangrao_rule)

    service = service_with(Standards(), regions=("370523",))
    station = make_station(region="370523")
    facts = dict.fromkeys(
        ("service-room", "open-counter", "office-equipment", "flow-chart", "service-register"),
        True,
    )
    results = {
        r.standard: r for r in service.evaluate_station(station, facts, dt.date(2015, 6, 1))
    }
    assert set(results) == {"five-ones", "guangrao-signboard"}
    assert results["five-ones"].met
    assert [c.code for c in results["guangrao-signboard"].missing] == ["signboard"]
    elsewhere = make_station(region="370502")
    assert [r.standard for r in service.evaluate_station(elsewhere, facts)] == ["five-ones"]


def test_govservice_guiding_items():
    class Guangrao:
        @hookimpl
        def govservice_guiding_items(self, region, level):
            if level is StationLevel.VILLAGE_STATION:
                return ["GR-TDLZ-0001"]
            return None

    service = service_with(Guangrao(), regions=("370523",))
    for code in ("BM-LYZ-0001", "GR-TDLZ-0001"):
        service.store.add_item(make_item(code=code, name=code))
    service.stations.guiding.add(
        GuidingCatalogVersion(
            region="370500",
            number=1,
            effective=dt.date(2015, 1, 1),
            entries=[GuidingEntry(level="village_station", code="BM-LYZ-0001")],
        )
    )
    day = dt.date(2015, 6, 1)
    guiding = service.stations.guiding
    assert guiding.required("370523", "village_station", day) == {"BM-LYZ-0001", "GR-TDLZ-0001"}
    assert guiding.required("370523", "community_centre", day) == set()
    assert guiding.required("370502", "village_station", day) == {"BM-LYZ-0001"}


def test_govservice_staff_posts():
    from govservice.errors import AuthorizationError
    from govservice.model import StaffPost, SubmittedMaterial
    from govservice.samples import make_centre
    from govservice.workflow import Actor

    class Directory:
        """An identity plugin: the county's own directory of staff, asked first."""

        def __init__(self):
            self.calls = []

        @hookimpl(tryfirst=True)
        def govservice_staff_posts(self, name, staff_number, station_code, store):
            self.calls.append((name, staff_number, station_code))
            if staff_number == "GR-7":
                return [
                    StaffPost(
                        station_code="370523-ZWZX",
                        name="杨丽",
                        role="window_clerk",
                        staff_number="GR-7",
                    )
                ]
            return None  # the stations' staff lists answer

    from govservice.clock import FixedClock

    directory = Directory()
    config = config_with({"name": "county", "regions": ["370523"]})
    service = GovService(
        config, plugins=[("county", directory)], strict=True, clock=FixedClock(START)
    )
    service.store.add(make_centre("370523", staff=()))
    service.store.add(make_centre("370500"))
    item = make_item(code="11370523004395821A-XK-0003", region="370523", level="county")
    service.store.add_item(item)
    handed_in = [SubmittedMaterial(name=m.name, originals=1) for m in item.materials]
    case = make_case(item, region="370523", materials=handed_in)
    workflow = service.workflow
    applicant = Actor("张伟", "applicant", id=case.applicant.identifier.number)
    stored = workflow.apply(case, applicant)
    stored = workflow.accept(stored, Actor("杨丽", "window_clerk", id="GR-7"))
    assert stored.record.state == "accepted"
    assert ("杨丽", "GR-7", "370523-ZWZX") in directory.calls
    # the directory has nothing to say of 李娜; the built-in registry finds her at the
    # city centre only, and the Guangrao centre has no staff of its own in the store
    with pytest.raises(AuthorizationError, match="not at station 370523-ZWZX"):
        workflow.review(stored, Actor("马晓燕", "reviewer"))
    # outside its regions the directory is not asked
    directory.calls.clear()
    city_item = make_item()
    service.store.add_item(city_item)
    city = make_case(city_item)
    workflow.apply(city, Actor("王晓燕", "window_clerk"))
    assert directory.calls == []


def test_govservice_catalog_templates(tmp_path):
    from govservice.catalog.guide_templates import GuideTemplates
    from govservice.catalog.guides import render_guide

    template = tmp_path / "_guide.html.j2"
    template.write_text("<p>广饶县办事指南：{{ guide.name }}</p>\n", encoding="utf-8")

    class Plugin:
        @hookimpl
        def govservice_catalog_templates(self, region):
            assert region == "370523"
            return {"_guide.html.j2": str(template)}

    service = service_with(Plugin(), regions=("370523",))
    county = GuideTemplates.for_region(service, "370523")
    html = render_guide(make_item(), templates=county)
    assert "<p>广饶县办事指南：建设工程规划许可证核发</p>" in html
    # outside its regions the plugin is not asked: the package's templates
    city = GuideTemplates.for_region(service, "370500")
    assert "广饶县办事指南" not in render_guide(make_item(), templates=city)


def test_govservice_assessment_rules():
    from govservice.model import AssessmentRules, HonourRule, Weights
    from govservice.model.assessment import DEFAULT_RULES
    from govservice.stations.assessment import StaffAssessment

    guangrao = AssessmentRules(
        weights=Weights(
            attendance=30,
            discipline=10,
            cases_handled=10,
            on_time_rate=20,
            grades=20,
            complaints=10,
        ),
        service_star=HonourRule(min_score=90, places=1),
    )

    class Plugin:
        @hookimpl
        def govservice_assessment_rules(self, region):
            return guangrao if region == "370523" else None

    service = service_with(Plugin(), regions=("370523",))
    county = StaffAssessment(service).rules("370523")
    assert county.weights == guangrao.weights
    assert county.source == "county"
    # outside its regions the plugin is not asked: the built-in rules
    assert StaffAssessment(service).rules("370500") == DEFAULT_RULES


def test_govservice_agency_assessment_rules():
    from govservice.model import AgencyRules
    from govservice.model.supermarket import DEFAULT_AGENCY_RULES

    guangrao = AgencyRules(timeliness=40, quality=30, fees=20, complaints=10, fail_quarters=3)

    class Plugin:
        @hookimpl
        def govservice_agency_assessment_rules(self, region):
            return guangrao if region == "370523" else None

    service = service_with(Plugin(), regions=("370523",))
    county = service.intermediaries.assessment.rules("370523")
    assert (county.timeliness, county.fail_quarters, county.source) == (40, 3, "county")
    # outside its regions the plugin is not asked: the built-in plugin's rules
    assert service.intermediaries.assessment.rules("370500") == DEFAULT_AGENCY_RULES


def test_govservice_register_signature_schemes():
    class Reversed:  # not cryptography: the seam only
        name = "reversed"

        def sign(self, private_key, data):
            return private_key + data[::-1]

        def verify(self, public_key, signature, data):
            return signature == public_key + data[::-1]

    class Plugin:
        @hookimpl
        def govservice_register_signature_schemes(self, register):
            register("reversed", Reversed())

    from govservice.blacklists.signing import scheme_named, schemes_of

    service = service_with(Plugin())
    assert sorted(schemes_of(service)) == ["ed25519", "reversed"]
    scheme = scheme_named(service, "reversed")
    assert scheme.verify(b"k", scheme.sign(b"k", b"data"), b"data")
    assert sorted(schemes_of(GovService(config_with()))) == ["ed25519"]
