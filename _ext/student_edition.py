"""The student edition: the same book with the exercises' solutions left out.

`make student` builds with BOOK_EDITION=student into _build/student/ (its site is
_build/student/_build/html). This extension then

- turns on sphinx-exercise's `hide_solutions`, so a {solution} directive produces nothing (no
  node in the doctree, hence nothing in the page, the search index or the reader notebook);
- reads the notebooks' outputs from the full build's cache, _build/.jupyter_cache, instead of
  executing every chapter again (a chapter whose code is not cached runs once, into that cache).

Two other extensions read `edition()`: _ext/launch.py gives the student edition no Binder, Colab or
repository buttons, even when BOOK_REPOSITORY_URL is set (they would open the published branch,
the full edition with its solutions), and _ext/reader_notebooks.py (through hide_solutions) writes
reader notebooks that say they are the student edition and link nothing to the public website.

tests/site/test_student_edition.py checks both editions: every solution's text is in the full
site and none of it in the student site's pages, reader notebooks, downloadable notebooks or
search index; no student page has a launch button.
"""

import os
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

ENV_VAR = "BOOK_EDITION"
EDITIONS = ("full", "student")


def edition():
    """"student" or "full" (the default), from BOOK_EDITION."""
    value = os.environ.get(ENV_VAR, "").strip().lower() or "full"
    if value not in EDITIONS:
        raise ExtensionError(f"{ENV_VAR} must be one of {', '.join(EDITIONS)}, got {value!r}")
    return value


def _configure(app, config):
    if edition() != "student":
        return
    config.hide_solutions = True
    config.nb_execution_cache_path = str(Path(app.srcdir, "_build", ".jupyter_cache"))
    logger.info("student edition: solutions hidden; notebook outputs from the full build's cache")


def setup(app):
    app.connect("config-inited", _configure, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
