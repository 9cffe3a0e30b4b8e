"""Launch buttons, the published tree and the Pages workflow, without building the book.

The browser tests (tests/site/test_site.py) check the buttons on the built pages; these check the
pieces: one setting for the repository URL, the link scheme of sphinx-book-theme's own code, the
tree that the gh-pages branch gets, and a workflow that builds as CI does.
"""

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tools")]

import launch  # noqa: E402
import pages_tree  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
URL = "https://github.com/example/activation-book"


def sphinx_config(repository_url=""):
    """The theme options jupyter-book makes from _config.yml (jupyter_book/config.py)."""
    options = {"launch_buttons": dict(CONFIG["launch_buttons"]), "repository_url": repository_url,
               "repository_branch": CONFIG["repository"]["branch"],
               "path_to_docs": CONFIG["repository"]["path_to_book"], "use_repository_button": False}
    return SimpleNamespace(html_theme_options=options)


def configured(monkeypatch, env=None, repository_url="", edition=None):
    if edition is None:
        monkeypatch.delenv("BOOK_EDITION", raising=False)
    else:
        monkeypatch.setenv("BOOK_EDITION", edition)
    if env is None:
        monkeypatch.delenv(launch.ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(launch.ENV_VAR, env)
    config = sphinx_config(repository_url)
    launch._configure_launch_buttons(SimpleNamespace(config=config), config)
    return config.html_theme_options


def test_the_extension_is_registered_with_the_config_it_reads():
    assert "launch" in CONFIG["sphinx"]["local_extensions"]
    assert CONFIG["repository"]["branch"] == "gh-pages" and CONFIG["repository"]["path_to_book"] == "notebooks"
    assert CONFIG["launch_buttons"]["thebe"] is False, "Thebe is off: it is not offline-clean (see the README)"


@pytest.mark.parametrize("given", [URL, URL + "/", URL + ".git", f"  {URL}\n"])
def test_repository_url_is_read_from_the_environment_and_normalised(monkeypatch, given):
    monkeypatch.setenv(launch.ENV_VAR, given)
    assert launch.repository_url() == URL
    app = SimpleNamespace(config=sphinx_config("https://github.com/other/book"))
    assert launch.repository_url(app) == URL, "the environment variable wins over _config.yml"


def test_repository_url_falls_back_to_the_config_then_to_none(monkeypatch):
    monkeypatch.delenv(launch.ENV_VAR, raising=False)
    assert launch.repository_url(SimpleNamespace(config=sphinx_config(URL))) == URL
    assert launch.repository_url(SimpleNamespace(config=sphinx_config(""))) is None
    assert launch.repository_url() == (CONFIG["repository"]["url"] or None)


def test_without_a_url_there_are_no_launch_services(monkeypatch):
    for env in (None, ""):
        options = configured(monkeypatch, env)
        assert not any(options["launch_buttons"].get(s) for s in launch.SERVICES), options["launch_buttons"]
        assert "repository_url" not in options and options["use_repository_button"] is False


def test_with_a_github_url_binder_colab_and_the_repository_button(monkeypatch):
    options = configured(monkeypatch, URL + ".git")
    assert options["repository_url"] == URL and options["use_repository_button"] is True
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["launch_buttons"]["colab_url"] == "https://colab.research.google.com"


def test_a_gitlab_url_gets_binder_only_and_a_malformed_url_is_an_error(monkeypatch):
    options = configured(monkeypatch, "https://gitlab.com/example/activation-book")
    assert options["launch_buttons"]["binderhub_url"] and "colab_url" not in options["launch_buttons"]
    from sphinx.errors import ExtensionError

    for bad in ("github.com/example/book", "https://github.com/example", "https://example.org/a/b"):
        with pytest.raises(ExtensionError, match="OWNER/NAME"):
            configured(monkeypatch, bad)


def test_the_student_edition_has_no_launch_services_even_with_a_url(monkeypatch):
    """They would open the published branch, the full edition with its solutions."""
    options = configured(monkeypatch, URL, edition="student")
    assert not any(options["launch_buttons"].get(s) for s in launch.SERVICES), options["launch_buttons"]
    assert "repository_url" not in options and options["use_repository_button"] is False
    assert launch.repository_url() == URL, "the URL itself stays known (the Colab cell installs the engine from it)"


def theme_buttons(options, docname):
    """The header buttons sphinx-book-theme's own code makes for a notebook page with these options."""
    from sphinx_book_theme.header_buttons import update_context_with_repository_info
    from sphinx_book_theme.header_buttons.launch import add_launch_buttons

    config = SimpleNamespace(html_theme_options=options, html_context={}, html_theme="sphinx_book_theme")
    env = SimpleNamespace(metadata={docname: {"kernelspec": {"name": "python3"}}},
                          doc2path=lambda d: str(ROOT / f"{d}.ipynb"), config=config)
    app = SimpleNamespace(config=_Mapping(config), env=env, outdir=str(ROOT / "_build" / "html"))
    update_context_with_repository_info(app)
    context = {"pagename": docname, "header_buttons": [], "sourcename": f"{docname}.ipynb",
               "page_source_suffix": ".ipynb", **app.config.html_context}
    add_launch_buttons(app, docname, "page.html", context, None)
    return context["header_buttons"]


@pytest.mark.parametrize("env, edition", [(None, None), ("", None), (URL, "student")])
def test_the_theme_renders_no_launch_button_without_a_url_or_in_the_student_edition(monkeypatch, env, edition):
    assert theme_buttons(configured(monkeypatch, env, edition=edition), "chapters/02_sigmoid") == []


def test_the_theme_builds_exactly_the_links_the_site_tests_expect(monkeypatch):
    """sphinx-book-theme's own add_launch_buttons, fed the options _ext/launch.py produces."""
    docname = "chapters/02_sigmoid"
    (group,) = theme_buttons(configured(monkeypatch, URL), docname)
    links = {b["text"]: b["url"] for b in group["buttons"]}
    assert links == {"Binder": launch.launch_targets(URL, docname)["binder"],
                     "Colab": launch.launch_targets(URL, docname)["colab"]}
    assert links["Binder"] == ("https://mybinder.org/v2/gh/example/activation-book/gh-pages"
                               "?urlpath=lab/tree/notebooks/chapters/02_sigmoid.ipynb")


class _Mapping(SimpleNamespace):
    """A Sphinx-like config: attributes and `config["name"]`."""

    def __init__(self, namespace):
        super().__init__(**vars(namespace))

    def __getitem__(self, name):
        return getattr(self, name)


def fake_site(tmp_path):
    """A built site reduced to what pages_tree needs: an index and one reader notebook per chapter."""
    site = tmp_path / "html"
    (site / "notebooks" / "chapters").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>")
    for chapter in (ROOT / "chapters").glob("*.ipynb"):
        (site / "notebooks" / "chapters" / chapter.name).write_text("{}")
    return site


def test_the_published_tree_has_the_site_the_reader_notebooks_and_binders_files(tmp_path):
    site = fake_site(tmp_path)
    tree = pages_tree.assemble(site, tmp_path / "gh-pages")
    for name in ["index.html", ".nojekyll", *pages_tree.BINDER_FILES, "lib/nonlin/__init__.py"]:
        assert (tree / name).exists(), f"the gh-pages branch needs {name}"
    # (upload-artifact drops file modes on the way to the deploy job, so on gh-pages postBuild may
    # lose its executable bit; repo2docker runs `chmod +x postBuild` itself before running it.)
    assert not list(tree.rglob("__pycache__"))
    (site / "notebooks" / "chapters" / "02_sigmoid.ipynb").unlink()
    with pytest.raises(SystemExit, match="02_sigmoid"):
        pages_tree.assemble(site, tmp_path / "again")


def test_the_pages_workflow_builds_as_ci_does_and_publishes_the_branch_the_buttons_open():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["env"]["BOOK_REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    runs = [step.get("run", "") for step in build["steps"]]
    assert ".ci/run" in runs, "the workflow must run CI's own entry point"
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any("tools/pages_tree.py _build/html" in run for run in runs)
    publish = [s for s in deploy["steps"] if "actions-gh-pages" in s.get("uses", "")]
    assert publish and publish[0]["with"]["publish_branch"] == CONFIG["repository"]["branch"]
    assert deploy["permissions"] == {"contents": "write"} and workflow["permissions"] == {"contents": "read"}
    # `make binder-check` runs ./postBuild from the clone as repo2docker would: it must be executable
    assert os.access(ROOT / "postBuild", os.X_OK)


def test_the_published_tree_is_the_package_the_colab_cell_installs(tmp_path):
    """`pip install git+<repository>@gh-pages` builds the engine from the published tree: build a
    wheel from it (offline, no dependencies) and find the engine in it."""
    import subprocess
    import zipfile

    site = fake_site(tmp_path)
    tree = pages_tree.assemble(site, tmp_path / "gh-pages")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                             "--no-index", "-w", str(tmp_path / "dist"), str(tree)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("nonlin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "nonlin/__init__.py" in names and "nonlin/book/exercises.py" in names
    assert not any(n.startswith(("notebooks/", "chapters/", "_static/")) for n in names), "only the engine"


def test_binder_check_uses_runtime_txts_python_or_says_which_it_uses(monkeypatch, capsys):
    import binder_check

    assert binder_check.runtime_version() == "3.11"
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert binder_check.find_python.__wrapped__(current) == (sys.executable, current)
    monkeypatch.setattr(binder_check.shutil, "which", lambda name: "/opt/python9.1/bin/python9.1")
    assert binder_check.find_python.__wrapped__("9.1") == ("/opt/python9.1/bin/python9.1", "9.1")
    monkeypatch.setattr(binder_check.shutil, "which", lambda name: None)
    assert binder_check.find_python.__wrapped__("9.1") == (sys.executable, current), "a note, not a failure"
    assert "runtime.txt asks for Python 9.1" in capsys.readouterr().out
