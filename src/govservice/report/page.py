"""``report.html``: the year report as one page that opens anywhere, offline.

The page is made from a Jinja2 template (``templates/report.html.j2``, package data) with
every name escaped, its styles inline and its charts inline SVG (:mod:`.charts`): nothing
is fetched, no script runs, no font is downloaded (the CJK font stack names fonts of the
machine). Its words are those of the terminal report (:mod:`.sentences`).
"""

from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from govservice.report import charts, sentences
from govservice.report.figures import YearFigures


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("govservice.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("report.html.j2")


def html(figures: YearFigures) -> str:
    """The page of ``figures``: the same figures draw the same page, byte for byte."""
    as_of = figures.as_of
    return _template().render(
        f=figures,
        title=sentences.title(figures),
        fonts=Markup(charts.CJK_FONTS),
        as_of=f"{as_of.year}年{as_of.month}月{as_of.day}日",
        rate=sentences.rate,
        days=sentences.days,
        overview=sentences.overview(figures),
        catalog=sentences.catalog(figures),
        supplements=sentences.supplements(figures),
        green=sentences.green_channel(figures),
        evaluations=sentences.evaluations(figures),
        grassroots=sentences.grassroots(figures),
        supermarket=sentences.supermarket(figures),
        blacklists=sentences.blacklists(figures),
        date=sentences.date_words,
        yuan=sentences.yuan,
        supervision=sentences.supervision(figures),
        trail=sentences.trail(figures),
        charts={name: Markup(svg) for name, svg in charts.all_charts(figures).items()},
    )
