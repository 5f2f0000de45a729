"""Sphinx configuration: Markdown pages through MyST, the furo theme
(``pip install '.[docs]'``), and the references generated from the code by the extensions
of ``docs/_ext/`` (the case lifecycle, the schemas, the command line, the hooks)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "govservice"
author = "The govservice team"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "govservice_docs",
]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
language = "en"
html_theme = "furo"
html_title = "govservice"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "undoc-members": False}
