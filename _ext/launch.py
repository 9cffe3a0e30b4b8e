"""Launch buttons (Binder, Colab) from one setting: the book's public repository URL.

The setting is the environment variable BOOK_REPOSITORY_URL (for example
https://github.com/OWNER/NAME), else `repository.url` in _config.yml, else none. `repository_url`
below is the only place that reads it; `_ext/reader_notebooks.py` uses it too (the Colab cell
installs the engine from it).

With a URL, every notebook page gets sphinx-book-theme's own Binder and Colab buttons and a
repository button. They open the *reader notebooks* (`_ext/reader_notebooks.py`) on the published
branch, which the Pages workflow (.github/workflows/pages.yml, tools/pages_tree.py) fills with
_build/html plus Binder's configuration:

    Binder  https://mybinder.org/v2/gh/OWNER/NAME/gh-pages?urlpath=lab/tree/notebooks/chapters/02_sigmoid.ipynb
    Colab   https://colab.research.google.com/github/OWNER/NAME/blob/gh-pages/notebooks/chapters/02_sigmoid.ipynb

(sphinx-book-theme 1.3.0, header_buttons/launch.py: `<branch>` is `repository.branch` and the
path is `<path_to_book>/<docname>.ipynb`, so `path_to_book: notebooks` points at the reader
notebooks.) With a URL every page also has the theme's *Open issue* button (errata: a new issue
on the repository, titled with the page). Without a URL the services are removed from the theme's
options, so a page has no launch buttons at all rather than broken ones. The student edition (BOOK_EDITION=student,
_ext/student_edition.py) is built the same way, URL or not: the published branch is the full
edition, whose reader notebooks carry the solutions. Thebe stays off (see the README).
"""

import os
import re
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
ENV_VAR = "BOOK_REPOSITORY_URL"
SERVICES = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url")
# Binder and Colab understand these hosts; the theme infers the provider from the host name.
REPOSITORY = re.compile(r"https://(github\.com|gitlab\.com)/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def _normalise(url):
    url = (url or "").strip().rstrip("/")
    return re.sub(r"\.git$", "", url) or None


def _configured_url(app):
    # the app's theme options (jupyter-book copies repository.url there), else _config.yml itself: the
    # student edition removes the option from the theme, and its Colab cell still needs the URL
    if app is not None and (getattr(app.config, "html_theme_options", None) or {}).get("repository_url"):
        return app.config.html_theme_options["repository_url"]
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")) or {}
    return (config.get("repository") or {}).get("url")


def repository_url(app=None):
    """The book's public repository URL (no trailing slash, no .git), or None.

    BOOK_REPOSITORY_URL wins; else `repository.url` of the configuration (the Sphinx app's theme
    options, else _config.yml's).
    """
    return _normalise(os.environ.get(ENV_VAR)) or _normalise(_configured_url(app))


def repository_branch(app=None):
    """The branch the launch buttons open and the Colab cell installs from (`repository.branch`)."""
    if app is not None:
        branch = (getattr(app.config, "html_theme_options", None) or {}).get("repository_branch")
        if branch:
            return branch
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")) or {}
    return (config.get("repository") or {}).get("branch") or "gh-pages"


def launch_targets(repository, docname, branch="gh-pages", path_to_book="notebooks"):
    """The Binder and Colab links a chapter's buttons must have (the browser tests use this)."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", repository)
    if not match:
        raise ValueError(f"launch targets are defined for github.com repositories, not {repository}")
    org, name = match.groups()
    path = f"{path_to_book}/{docname}.ipynb"
    return {
        "binder": f"https://mybinder.org/v2/gh/{org}/{name}/{branch}?urlpath=lab/tree/{path}",
        "colab": f"https://colab.research.google.com/github/{org}/{name}/blob/{branch}/{path}",
    }


def _configure_launch_buttons(app, config):
    options = dict(config.html_theme_options or {})
    buttons = dict(options.get("launch_buttons") or {})
    url = repository_url(app)
    from student_edition import edition  # _ext is on the path, as for every local extension

    if url is not None and edition() == "student":
        # The buttons would open the published branch: the full edition, solutions included.
        logger.info("launch: student edition: no launch or repository buttons (they lead to the full edition)")
        url = None
    if url is None:
        # No repository, no buttons: the theme would otherwise build links from nothing.
        for service in SERVICES:
            buttons.pop(service, None)
        options.pop("repository_url", None)
        options["use_repository_button"] = False
        options["use_issues_button"] = False
    else:
        if not REPOSITORY.fullmatch(url):
            raise ExtensionError(f"{ENV_VAR} (or repository.url) must look like https://github.com/OWNER/NAME "
                                 f"(or gitlab.com), got {url!r}")
        options["repository_url"] = url
        options["use_repository_button"] = True
        options["use_issues_button"] = True  # readers report an error on the page they are reading
        if not url.startswith("https://github.com/"):
            buttons.pop("colab_url", None)  # Colab opens notebooks from GitHub only
            logger.info(f"launch: {url} is not on GitHub: Binder button only, no Colab button")
        logger.info(f"launch: Binder and Colab buttons open the reader notebooks of {url}")
    options["launch_buttons"] = buttons
    config.html_theme_options = options


def setup(app):
    # before sphinx-book-theme reads the options (builder-inited) and after jupyter-book has set them
    app.connect("config-inited", _configure_launch_buttons, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
