"""Sphinx configuration: Markdown pages through MyST (``pip install '.[docs]'``)."""

project = "govservice"
author = "The govservice team"
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
language = "en"
