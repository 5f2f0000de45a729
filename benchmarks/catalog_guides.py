"""Benchmark: the guide book through govservice's API against raw Jinja2, in one run.

Run: ``python benchmarks/catalog_guides.py`` (``--quick`` for a smoke run). The last line
printed is one JSON object::

    {"items": 400, "guide_book_s": ..., "raw_jinja_s": ..., "guide_book_ratio": ...}

- ``guide_book_s``: :func:`govservice.catalog.guides.render_guide_book` on the items, HTML:
  every item's context built from the model (labels, limits and fees in words), then
  the package's templates rendered.
- ``raw_jinja_s``: plain Jinja2 rendering the same templates (the same environment
  settings: autoescape, the same loader) over the same context dicts, built beforehand
  and not timed.

Each is the best of several rounds, taken in turns. ``benchmarks/catalog.py`` calls
:func:`measure` with its own items (the first :data:`BOOK_ITEMS` of them are used); run
alone, it makes :data:`BOOK_ITEMS` items with every section of a guide filled in
(:func:`sample_items`). The issue's target: the guide book
within 2 × raw Jinja2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal

import jinja2

from govservice.catalog.guide_templates import TEMPLATE_FOLDER, make_environment
from govservice.catalog.guides import BOOK_TITLE, book_context, render_guide_book
from govservice.model import Fee, Item, Material, TimeLimit
from govservice.model.common import LimitExtension, LimitStage
from govservice.model.item import Channel, ItemResult, Step

BOOK_ITEMS = 400
"""How many items the book holds (the issue's 400)."""


def measure(items: Sequence, *, rounds: int = 7) -> dict[str, float | int]:
    """The guide book of the first :data:`BOOK_ITEMS` of ``items`` through the API, and
    raw Jinja2 over the same dicts: seconds, best of ``rounds``, and their ratio."""
    items = list(items)[:BOOK_ITEMS]
    context = book_context(items, BOOK_TITLE)
    raw = make_environment(jinja2.FileSystemLoader(TEMPLATE_FOLDER), "html")
    template = raw.get_template("guide_book.html.j2")
    ours_text = render_guide_book(items, title=BOOK_TITLE)  # warm: both compiled once
    raw_text = template.render(context)
    if ours_text != raw_text:
        raise AssertionError("the API and raw Jinja2 rendered different books")
    ours = plain = float("inf")
    for _ in range(rounds):  # in turns, so that a busy moment of the machine hits both
        ours = min(ours, _seconds(lambda: render_guide_book(items, title=BOOK_TITLE)))
        plain = min(plain, _seconds(lambda: template.render(context)))
    return {
        "items": len(items),
        "guide_book_s": round(ours, 4),
        "raw_jinja_s": round(plain, 4),
        "guide_book_ratio": round(ours / plain, 3),
        "guide_book_kib": round(len(ours_text.encode("utf-8")) / 1024),
    }


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


DEPARTMENTS = ("东营市公安局", "东营市市场监督管理局", "东营市自然资源和规划局", "东营市民政局")


def sample_items(count: int = BOOK_ITEMS) -> list[Item]:
    """``count`` items with every section of a guide filled in: conditions, materials
    (conditional ones, originals only checked, counts not published), steps, limits with
    stages and an extension, fees (alternatives, a third party's, exemptions), place,
    hours and phones; unknowns here and there (channels, a result), as real catalogs
    publish them."""
    from govservice.samples import make_item

    items = []
    for number in range(1, count + 1):
        legal = TimeLimit(
            amount=20,
            stages=(LimitStage(name="受理审查", amount=8), LimitStage(name="审核决定", amount=12)),
            extension=LimitExtension(
                amount=10, legal_basis="《中华人民共和国行政许可法》第四十二条"
            ),
            excluded=("专家评审", "公示"),
        )
        items.append(
            make_item(
                code=f"11370500004275432Y-XK-{number:04d}",
                name=f"建设工程规划许可证核发（第{number}项）",
                department=DEPARTMENTS[number % len(DEPARTMENTS)],
                undertaking_office="行政审批科",
                handling_type="promised",
                channels=None if number % 7 == 0 else (Channel.WINDOW, Channel.ONLINE),
                conditions=("申请人为依法设立的法人或者其他组织", "项目已取得用地批准文件"),
                legal_limit=legal,
                promised_limit=TimeLimit(amount=8),
                materials=(
                    Material(
                        name="建设工程规划许可申请表",
                        originals=1,
                        copies=0,
                        blank_form_available=True,
                        blank_form="https://zwfw.dongying.gov.cn/forms/1.docx",
                        review_points=("填写完整、签章齐全",),
                    ),
                    Material(
                        name="营业执照", verify_only=True, copies=1, issued_by="市场监督管理部门"
                    ),
                    Material(
                        name="授权委托书",
                        requirement="conditional",
                        condition="委托他人代为办理的",
                        originals=1,
                        copies=0,
                    ),
                    Material(name="建设工程设计方案", originals=None, copies=None),
                ),
                steps=(
                    Step(name="受理", post="窗口受理人员", limit=TimeLimit(amount=1)),
                    Step(name="审查", post="审查人员", limit=TimeLimit(amount=4)),
                    Step(name="决定", post="科室负责人", limit=TimeLimit(amount=2)),
                    Step(name="送达", post="窗口受理人员", limit=TimeLimit(amount=1)),
                ),
                fees=(
                    Fee(
                        name="工本费",
                        amount=Decimal("20"),
                        applicability="alternative",
                        group="工本费",
                        option="首次申领",
                        per_unit="每证",
                        legal_basis="鲁价费发〔2008〕118号",
                        exemptions=("广饶县：低保户、残疾人免收",),
                    ),
                    Fee(
                        name="工本费",
                        amount=Decimal("40"),
                        applicability="alternative",
                        group="工本费",
                        option="补领",
                    ),
                    Fee(
                        name="测绘费",
                        amount=Decimal("800"),
                        collected_by="东营市测绘院",
                        applicability="conditional",
                        condition="需要竣工测绘的",
                    ),
                ),
                place="东营市政务服务中心二楼综合窗口",
                office_hours="周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）",
                contact_phone="0546-8331234",
                supervision_phone="0546-12345",
                result=None
                if number % 5 == 0
                else ItemResult(name="建设工程规划许可证", validity="1年"),
                visits=1,
            )
        )
    return items


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (fewer rounds)")
    args = parser.parse_args(argv)
    figures = measure(sample_items(), rounds=3 if args.quick else 7)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
