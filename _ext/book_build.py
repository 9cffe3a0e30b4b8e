"""Local Sphinx extension for this book's build.

1. Explorers render statically: the kernels myst-nb starts inherit this process's environment,
   so `nonlin.explore` sees NONLIN_EXPLORER=static and draws a kernel-free player.
2. The site works offline: MathJax is served from the book's own _static folder, copied from the
   `sphinx-mathjax-offline` package installed from PyPI, instead of being loaded from a CDN.
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


def _use_local_mathjax(app, config):
    config.mathjax_path = MATHJAX_ENTRY


def setup(app):
    os.environ["NONLIN_EXPLORER"] = "static"
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
