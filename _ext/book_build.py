"""Local Sphinx extension for this book's build.

1. Explorers render statically: the kernels myst-nb starts inherit this process's environment,
   so `nonlin.explore` sees NONLIN_EXPLORER=static and draws a kernel-free player.
2. The site works offline: MathJax is served from the book's own _static folder, copied from the
   `sphinx-mathjax-offline` package installed from PyPI, instead of being loaded from a CDN.
   Thebe (live code through a remote Binder kernel) is off, so its scripts, which sphinx-thebe
   also registers twice and which point at a CDN, are left out of the pages.
3. Pages open in light mode: the figures are drawn on white.
"""

import os
from importlib.metadata import distribution
from pathlib import Path

from sphinx.util.fileutil import copy_asset

MATHJAX_ENTRY = "mathjax/tex-chtml.js"


def _mathjax_dir():
    package = Path(distribution("sphinx-mathjax-offline").locate_file("sphinx-mathjax-offline"))
    return package / "static" / "mathjax"


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        copy_asset(str(_mathjax_dir()), os.path.join(app.outdir, "_static", "mathjax"))


def _configure(app, config):
    config.mathjax_path = MATHJAX_ENTRY
    config.html_context = {**config.html_context, "default_mode": "light"}


def _is_thebe(script):
    return "thebe" in (script.filename or "") or "THEBE_JS_URL" in script.attributes.get("body", "")


def _drop_thebe_scripts(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]
    if "css_files" in context:
        context["css_files"] = [c for c in context["css_files"] if "thebe" not in (c.filename or "")]


def setup(app):
    os.environ["NONLIN_EXPLORER"] = "static"
    app.connect("config-inited", _configure, priority=900)
    app.connect("html-page-context", _drop_thebe_scripts, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
