"""The Jinja2 templates of the guides, manuals and fee list, and a county's overrides.

The package's templates lie in ``govservice/catalog/templates/`` (package data), one file a
document and format: ``guide.html.j2``, ``guide.md.j2``, ``manual.html.j2``,
``manual.md.j2``, ``guide_book.html.j2``, ``guide_book.md.j2``, ``fees.html.j2``, and the
parts they share (``_page.html.j2``, the layout and styles of every page;
``_guide.html.j2`` / ``_guide.md.j2``, one item's guide, for the guide and the book).

A county replaces any of them by name through the hook ``govservice_catalog_templates``
(:meth:`GuideTemplates.for_region`): the file it names is read in place of the package's.
Every override is compiled when the templates are made, so a syntax error is reported at
once, naming the file and the line (:class:`~govservice.errors.TemplateOverrideError`).

HTML templates are autoescaped; in a Markdown template every value printed is escaped for
Markdown (``\\*``, ``\\|`` ...) and kept on one line, so a name cannot break a table or add
a link.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import jinja2
from markupsafe import Markup

from govservice.errors import PluginError, TemplateOverrideError

TEMPLATE_FOLDER = Path(__file__).with_name("templates")

FORMATS = {"html": "html.j2", "markdown": "md.j2"}
"""The formats a document is rendered in, with the ending of their template files."""

CJK_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", '
    '"Hiragino Sans GB", "Microsoft YaHei", "SimSun", sans-serif'
)
"""The font stack of every page: CJK fonts of the reader's machine (nothing downloaded)."""

OVERRIDE_HOOK = "govservice_catalog_templates"


def template_names() -> list[str]:
    """The names of the package's templates, each of which a county may override."""
    return sorted(path.name for path in TEMPLATE_FOLDER.glob("*.j2"))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&!])")
_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def markdown_escape(value: Any) -> str:
    """``value`` as Markdown text, on one line: every character that marks up inline
    text escaped with a backslash (CommonMark allows one before any ASCII punctuation),
    and a start that would open a list, a quote or a heading."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
    return _BLOCK_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)


@attrs.frozen
class _Override:
    path: Path
    plugin: str


class _OverrideLoader(jinja2.BaseLoader):
    """Reads a county's template files; ``filename`` in errors is the file's path."""

    def __init__(self, overrides: Mapping[str, _Override]) -> None:
        self.overrides = overrides

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        override = self.overrides.get(template)
        if override is None:
            raise jinja2.TemplateNotFound(template)
        try:
            source = override.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateOverrideError(
                f"template override {template!r} cannot be read: "
                f"{(error.strerror if isinstance(error, OSError) else None) or error}",
                plugin=override.plugin,
                where=str(override.path),
            ) from None
        return source, str(override.path), lambda: True


class GuideTemplates:
    """The templates the documents are rendered with: the package's, any of them replaced
    by a file of ``overrides`` (template name → path).

    :param overrides: e.g. ``{"guide.html.j2": "/etc/govservice/guangrao/guide.html.j2"}``.
    :param plugins: who gave each override (template name → plugin name), for errors.
    :raises TemplateOverrideError: an override names no template of the package, its file
        cannot be read, or it does not compile (naming the file and the line).
    """

    def __init__(
        self,
        overrides: Mapping[str, str | os.PathLike[str]] | None = None,
        *,
        plugins: Mapping[str, str] | None = None,
    ) -> None:
        plugins = plugins or {}
        known = set(template_names())
        self.overrides = {
            name: _Override(Path(path), plugins.get(name, "(overrides)"))
            for name, path in (overrides or {}).items()
        }
        for name, override in self.overrides.items():
            if name not in known:
                raise TemplateOverrideError(
                    f"{name!r} is not a template of the guides; "
                    f"templates: {', '.join(sorted(known))}",
                    plugin=override.plugin,
                    where=str(override.path),
                )
        loader = jinja2.ChoiceLoader(
            [_OverrideLoader(self.overrides), jinja2.FileSystemLoader(TEMPLATE_FOLDER)]
        )
        self.html = make_environment(loader, "html")
        self.markdown = make_environment(loader, "markdown")
        for name in self.overrides:
            self._template(name)  # a syntax error is told now, with its file and line

    @classmethod
    def for_region(cls, service: Any, region: str) -> GuideTemplates:
        """The templates of ``region``: the package's with the overrides of every plugin
        serving it (hook ``govservice_catalog_templates``).

        :raises PluginError: two plugins override the same template.
        :raises TemplateOverrideError: as the constructor.
        """
        overrides: dict[str, str | os.PathLike[str]] = {}
        given: dict[str, str] = {}
        answers = service.plugins.call(OVERRIDE_HOOK, scope=region, region=region)
        for plugin, mapping in answers:
            if not isinstance(mapping, Mapping):
                raise PluginError(
                    f"plugin {plugin!r} returned {type(mapping).__name__} from "
                    f"{OVERRIDE_HOOK}, not a mapping of template names to files",
                    plugin=plugin,
                )
            for name, path in mapping.items():
                if name in given:
                    raise PluginError(
                        f"template {name!r} is overridden by both {given[name]!r} and "
                        f"{plugin!r} for region {region}",
                        plugin=plugin,
                    )
                overrides[name], given[name] = path, plugin
        return cls(overrides, plugins=given) if overrides else default_templates()

    def render(self, document: str, format: str, **context: Any) -> str:
        """Render ``document`` (``guide``, ``manual``, ``guide_book``, ``fees``) in
        ``format`` (``html`` or ``markdown``) with ``context``.

        :raises ValueError: an unknown format.
        :raises TemplateOverrideError: an override fails while rendering (a name it uses
            that the context does not have), naming its file and line.
        """
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        name = f"{document}.{FORMATS[format]}"
        template = self._template(name)
        if not self.overrides:
            return template.render(context)
        try:
            return template.render(context)
        except jinja2.TemplateError as error:
            raise self._located(error) from None

    def _template(self, name: str) -> jinja2.Template:
        environment = self.markdown if name.endswith(FORMATS["markdown"]) else self.html
        try:
            return environment.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            raise self._located(error) from None

    def _located(
        self, error: jinja2.TemplateError
    ) -> TemplateOverrideError | jinja2.TemplateError:
        """``error`` named by the override's file and line (the package's own templates
        are ours: their errors are bugs, raised as they are)."""
        filename, line = _where(error, self.overrides)
        override = next((o for o in self.overrides.values() if str(o.path) == filename), None)
        if override is None:
            return error
        return TemplateOverrideError(
            f"template override does not work: {error.message or type(error).__name__}",
            plugin=override.plugin,
            where=f"{filename}:{line}" if line else filename,
        )


def _where(
    error: jinja2.TemplateError, overrides: Mapping[str, _Override]
) -> tuple[str, int | None]:
    """The file and line of a template error: a syntax error says them; for a runtime
    error (an undefined name), the innermost frame of an override in the traceback, which
    Jinja2 rewrites to the template's file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.filename or "", error.lineno
    files = {str(o.path) for o in overrides.values()}
    found: tuple[str, int | None] = ("", None)
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename in files:
            found = (traceback.tb_frame.f_code.co_filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def make_environment(loader: jinja2.BaseLoader, format: str) -> jinja2.Environment:
    """The Jinja2 environment of ``format``: HTML autoescaped, Markdown escaped value by
    value; undefined names an error; the CJK font stack given to every template. Also
    used by the benchmark, so that raw Jinja2 is measured with the same settings."""
    markdown = format == "markdown"
    environment = jinja2.Environment(
        loader=loader,
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=markdown_escape if markdown else None,
        auto_reload=False,  # templates are read once: no look at their files per render
    )
    environment.globals["fonts"] = Markup(CJK_FONTS)
    return environment


@functools.cache
def default_templates() -> GuideTemplates:
    """The package's templates, without overrides (made once)."""
    return GuideTemplates()
