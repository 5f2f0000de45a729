"""A hostile review of the intermediary supermarket (issue 14): draws that verify but were
rigged, a strategy plugin that returns no choice, a need due before it is posted, and
``assess --out`` refusing an existing file after it has assessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from govservice import GovService
from govservice.cli import main
from govservice.config import Config
from govservice.errors import SelectionError, StrategyResultError
from govservice.hookspecs import hookimpl
from govservice.intermediaries import draw
from selection_helpers import (
    DAY,
    SERVICE,
    WITNESSES,
    at,
    centre,
    committed_need,
    stock,
)


@pytest.fixture
def drawn():
    """A centre with six eligible agencies and a stored random draw among them."""
    with centre() as service:
        stock(service, [None] * 6)
        need = committed_need(service)
        yield service, service.intermediaries.selections.select(need.id, witnesses=WITNESSES)


# --- a rigged record that the record alone verified ------------------------------------------


def test_a_draw_passed_off_as_a_direct_choice_fails_verification(drawn):
    service, record = drawn
    other = next(code for code in record.candidates if code != record.result)
    # the seed and commitment taken away, a reason written in: any result "verified"
    forged = attrs.evolve(
        record, seed=None, commitment=None, committed_at=None, reason="急需", result=other
    )
    checked = draw.verify(forged)
    assert not checked.ok
    assert checked.drawn
    assert not service.intermediaries.selections.verify(forged).ok


def test_a_random_draw_given_a_ranking_fails_verification(drawn):
    _service, record = drawn
    other = next(code for code in record.candidates if code != record.result)
    # a ranking of one candidate narrows the pool to it: the seed is left as it was
    forged = attrs.evolve(record, ranked="lowest", scores=((other, "1"),), result=other)
    checked = draw.verify(forged)
    assert not checked.ok
    assert "ranked" in {d.field for d in checked.differences}


def test_scores_given_twice_or_for_no_candidate_fail_verification():
    with centre() as service:
        stock(service, [None] * 4)
        need = committed_need(service, strategy="lowest-price")
        record = service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    assert draw.verify(record).ok
    code = record.scores[0][0]
    # the same agency scored twice: a reader sees the first, the draw used the last
    twice = attrs.evolve(record, scores=((code, "1"), *record.scores))
    assert "scores" in {d.field for d in draw.verify(twice).differences}
    stranger = attrs.evolve(record, scores=(*record.scores, ("91370500MA3C0001XX", "1")))
    assert "scores" in {d.field for d in draw.verify(stranger).differences}


def test_a_record_remade_consistently_is_found_out_against_the_stored_selection(drawn):
    service, record = drawn
    selections = service.intermediaries.selections
    # the agency drawn dropped from the candidates, digest, seed and result made again
    kept = tuple(code for code in record.candidates if code != record.result)
    digest = draw.candidates_digest(kept)
    seed = draw.seed(record.commitment, digest)
    forged = attrs.evolve(
        record,
        candidates=kept,
        candidates_sha256=digest,
        seed=seed,
        result=draw.draw(seed, kept),
    )
    assert draw.verify(forged).ok  # the record alone agrees with itself
    found = selections.verify(forged)
    assert not found.ok
    assert {"candidates", "result"} <= {d.field for d in found.differences}
    # what was excluded, and why, is the record's too
    excluded = ((record.result, "资质已过期"),)
    assert not selections.verify(attrs.evolve(record, excluded=excluded)).ok
    assert selections.verify(record).ok
    # a record of the centre's need that the centre never stored
    unknown = attrs.evolve(record, id=f"{record.need_id}-9")
    assert "id" in {d.field for d in selections.verify(unknown).differences}


# --- a strategy plugin that lies ---------------------------------------------------------------


def centre_with_strategy(strategy) -> GovService:
    class Liar:
        @hookimpl
        def govservice_register_selection_strategies(self, register):
            register("liar", strategy)

    config = Config(name="东营市政务服务中心", region="370500", storage_backend="memory")
    from govservice.clock import FixedClock

    return GovService(
        config,
        clock=FixedClock(at(DAY)),
        strict=True,
        plugins=[("liar", Liar())],
        environ={"GOVSERVICE_PLUGINS": ""},
    )


@pytest.mark.parametrize(
    "returned",
    [
        lambda candidates: None,
        lambda candidates: candidates[0].credit_code,
        lambda candidates: {"result": candidates[0].credit_code},
    ],
    ids=["none", "a-code", "a-dict"],
)
def test_a_strategy_returning_no_choice_is_refused_clearly(returned):
    service = centre_with_strategy(lambda candidates, need, stream, named: returned(candidates))
    stock(service, [None] * 3)
    need = committed_need(service, strategy="liar")
    with pytest.raises(StrategyResultError, match="returned no Choice"):
        service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    assert service.store.count("selection") == 0


def test_a_strategy_ranking_in_a_way_the_record_cannot_hold_is_refused_clearly():
    from govservice.intermediaries.selection import Choice

    service = centre_with_strategy(
        lambda candidates, need, stream, named: Choice(
            result=candidates[0].credit_code, ranked="median"
        )
    )
    stock(service, [None] * 3)
    need = committed_need(service, strategy="liar")
    with pytest.raises(StrategyResultError, match="ranked 'median'"):
        service.intermediaries.selections.select(need.id, witnesses=WITNESSES)
    assert service.store.count("selection") == 0


# --- the day eligibility is judged on ----------------------------------------------------------


@pytest.mark.parametrize("on", [dt.date(2015, 3, 10), dt.date(2016, 1, 5)], ids=["past", "future"])
def test_a_draw_is_not_judged_on_a_day_when_an_agency_barred_today_was_eligible(on):
    with centre() as service:
        # the 4th agency is suspended from 2015-04-01 to 2015-12-31: barred today
        stock(service, [None, None, None, "suspended"])
        need = committed_need(service)
        with pytest.raises(SelectionError, match="eligibility is judged on a day"):
            service.intermediaries.selections.select(need.id, witnesses=WITNESSES, on=on)
        assert service.store.count("selection") == 0


def test_only_an_agency_selected_before_can_be_left_out_as_having_declined():
    with centre() as service:
        stock(service, [None] * 4)
        selections = service.intermediaries.selections
        need = committed_need(service)
        first = selections.select(need.id, witnesses=WITNESSES)
        # every competitor of a favourite "declined": a draw among one
        favourite = next(code for code in first.candidates if code != first.result)
        others = [code for code in first.candidates if code != favourite]
        with pytest.raises(SelectionError, match="never selected for it"):
            selections.select(need.id, witnesses=WITNESSES, declined=others)
        assert service.store.count("selection") == 1


def test_a_need_is_not_drawn_again_unless_the_agency_chosen_gave_it_up():
    """Drawing again on a later day (another candidate list, another seed) until the
    favourite comes up is refused: a second selection only after the first one's agency
    declined, and then without it."""
    with centre() as service:
        stock(service, [None] * 4)
        selections = service.intermediaries.selections
        need = committed_need(service)
        first = selections.select(need.id, witnesses=WITNESSES)
        with pytest.raises(SelectionError, match="selected for already"):
            selections.select(need.id, witnesses=WITNESSES)
        assert service.store.count("selection") == 1
        again = selections.select(need.id, witnesses=WITNESSES, declined=[first.result])
        assert again.result != first.result
        assert service.store.count("selection") == 2


def test_a_need_is_met_by_the_strategy_it_was_published_with():
    """An owner may not shop for a method: a need published for a random draw is not met
    by the lowest price or a direct choice."""
    with centre() as service:
        stock(service, [None] * 3)
        selections = service.intermediaries.selections
        need = committed_need(service)
        for other in ("lowest-price", "direct"):
            with pytest.raises(SelectionError, match="published to be met by 'random-draw'"):
                selections.select(
                    need.id, strategy=other, witnesses=WITNESSES, named=None, reason="急需"
                )
        assert service.store.count("selection") == 0
        assert selections.select(need.id, strategy="random-draw", witnesses=WITNESSES)


# --- needs ---------------------------------------------------------------------------------------


def test_a_need_due_before_it_is_posted_is_refused():
    with centre() as service:
        stock(service, [None])
        with pytest.raises(SelectionError, match="deadline"):
            service.intermediaries.selections.post_need(
                service_code=SERVICE, owner="业主", deadline=DAY - dt.timedelta(days=1)
            )
        assert service.store.count("need") == 0


# --- assess --out ----------------------------------------------------------------------------


def test_assess_refuses_an_existing_out_file_before_assessing(tmp_path: Path, capsys):
    from agency_helpers import centre as agency_centre
    from test_agency_assessment import _two_bad_quarters

    database = tmp_path / "centre.db"
    config = tmp_path / "centre.yaml"
    config.write_text(
        "name: 东营市政务服务中心\n"
        'region: "370500"\n'
        f"storage: {{backend: sqlite, settings: {{path: {database}}}}}\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "db", "init", "--simulation"]) == 0
    with agency_centre(tmp_path, today=dt.date(2015, 4, 1)) as service:
        _two_bad_quarters(service)
    out = tmp_path / "grades.txt"
    out.write_text("kept\n", encoding="utf-8")
    capsys.readouterr()
    now = ["--config", str(config), "--now", "2015-07-02T09:00+08:00"]
    assert main([*now, "intermediaries", "assess", "2015", "2", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "kept\n"
    with agency_centre(tmp_path, today=dt.date(2015, 7, 2)) as service:
        assert service.store.count("agency-quarter") == 0


# --- the words of a refused offer ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "label"),
    [
        ("government", "政府承担（纳入审批程序）"),
        ("tariff", "按各中介机构收费标准"),
        ("fixed", "固定收费"),
    ],
)
def test_a_refused_offer_names_its_regime_once(regime, label):
    from decimal import Decimal

    from govservice.errors import OfferFeeError
    from govservice.intermediaries.offers import check_offer
    from govservice.model import ServiceFee, ServiceOffer
    from selection_helpers import agency, listed_service

    fee = ServiceFee(regime=regime, amount=Decimal(3000) if regime == "fixed" else None)
    offered = Decimal(5) if regime == "government" else None
    offer = ServiceOffer(name="防雷装置检测", service_code=SERVICE, fee_from=offered)
    with pytest.raises(OfferFeeError) as refused:
        check_offer(agency(0), offer, listed_service(fee=fee), DAY)
    assert refused.value.notice.count(label) == 1, refused.value.notice


# --- identity numbers ------------------------------------------------------------------------

PERSON = "370521198601015136"  # a valid resident identity number (GB 11643)


def test_a_practitioners_number_written_anywhere_on_the_card_is_masked():
    from govservice.intermediaries.card import contact_card, render_card
    from govservice.model import Contact, Practitioner, Qualification, ServiceOffer
    from selection_helpers import agency, listed_service

    listed = listed_service()
    shown = attrs.evolve(
        agency(1),
        practitioners=(
            Practitioner(name="张三", certificate=f"注册证{PERSON}", identity_number=PERSON),
        ),
        contact=Contact(name=f"张三 {PERSON}", phone="0546-8221234"),
        qualifications=(
            Qualification(name="防雷装置检测资质", number=PERSON, services=(SERVICE,)),
        ),
        services=(
            ServiceOffer(
                name="防雷装置检测",
                service_code=SERVICE,
                fee_from=Decimal(3000),
                fee_basis=f"联系人身份证{PERSON}",
            ),
        ),
    )
    card = contact_card(
        shown, {SERVICE: listed}, url="https://example.gov.cn/a", on=DAY, centre="东营市"
    )
    page = render_card(card)
    assert PERSON not in page
    assert "3705211986****5136" in page
    assert shown.credit_code in page


def test_offers_json_masks_identity_numbers_but_keeps_a_credit_code_of_digits(
    tmp_path: Path, capsys
):
    import yaml

    from govservice.samples import credit_code

    config = tmp_path / "govservice.yaml"
    storage = {"backend": "sqlite", "settings": {"path": str(tmp_path / "centre.db")}}
    config.write_text(
        yaml.safe_dump({"name": "东营市政务服务中心", "region": "370500", "storage": storage}),
        encoding="utf-8",
    )
    with centre(tmp_path, backend="sqlite") as service:
        stock(service, [None, None, None])
    digits = credit_code(2)
    assert digits.isdigit()
    capsys.readouterr()
    assert (
        main(["--config", str(config), "intermediaries", "offers", "--service", SERVICE, "--json"])
        == 0
    )
    assert f'"credit_code": "{digits}"' in capsys.readouterr().out


@pytest.mark.parametrize("field", ["project_id", "case_id"])
@pytest.mark.parametrize("value", ["XM2015-001\n", "XM\x1b[2J", "XM 2015"])
def test_a_need_naming_a_project_or_case_of_the_wrong_form_is_refused(field, value):
    with centre() as service:
        stock(service, [None])
        with pytest.raises(SelectionError, match=rf"Need\.{field}: .* is not of the form"):
            service.intermediaries.selections.post_need(
                service_code=SERVICE, owner="业主", deadline=DAY, **{field: value}
            )
        assert service.store.count("need") == 0
        posted = service.intermediaries.selections.post_need(
            service_code=SERVICE, owner="业主", deadline=DAY, **{field: "XM2015-001"}
        )
        assert getattr(posted, field) == "XM2015-001"
