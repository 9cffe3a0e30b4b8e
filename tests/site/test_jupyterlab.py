"""A reader notebook in real JupyterLab, from exactly the Binder environment, in headless Chromium.

The environment is tools/binder_check.py's: a venv built only from runtime.txt, requirements.txt and
postBuild (reused when that configuration has not changed), plus JupyterLab, which repo2docker
provides on Binder itself (requirements.txt does not pin it). The version is pinned in
tools/jupyterlab-requirements.txt, close to repo2docker's, so a new release cannot break the
selectors below; `pip install -r tools/jupyterlab-requirements.txt -c requirements.txt` adds it
without moving a single pin. `jupyter lab` serves a copy of the built
reader notebook for chapter 2 on 127.0.0.1 without a token; the test runs all its cells and checks
what a reader sees: no raw role or directive text in the rendered Markdown, every glued number in
place, math typeset by MathJax, solutions folded, the live explorer as widgets, no error output.
Screenshots go to _build/screenshots/."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import binder_check  # noqa: E402
import reader_notebooks as rn  # noqa: E402

CHAPTER = "02_sigmoid"
SCREENSHOTS = ROOT / "_build" / "screenshots"
RAW = re.compile(r"\{(glue|doc|cite|ref|term|numref|eq)[\w:]*\}|```\{|:::\{|^:(label|class):|^\([^()\s]+\)=$", re.M)


LAB_REQUIREMENTS = ROOT / "tools" / "jupyterlab-requirements.txt"


def pinned_jupyterlab():
    (pin,) = [line.split("==")[1].strip() for line in LAB_REQUIREMENTS.read_text().splitlines()
              if line.startswith("jupyterlab==")]
    return pin


@pytest.fixture(scope="module")
def lab_bin():
    bin_dir = binder_check.binder_env(fresh=False)
    version = subprocess.run([str(bin_dir / "python"), "-c", "import importlib.metadata as m; "
                              "print(m.version('jupyterlab'))"], capture_output=True, text=True).stdout.strip()
    if version != pinned_jupyterlab():
        result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
                                 "-r", str(LAB_REQUIREMENTS), "-c", str(ROOT / "requirements.txt")],
                                capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"installing {LAB_REQUIREMENTS.name} into {bin_dir.parent} failed (pip needs PyPI):\n"
                        f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return bin_dir


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_url(lab_bin, site_dir, tmp_path_factory):
    built = site_dir / rn.READER_DIR / "chapters" / f"{CHAPTER}.ipynb"
    if not built.exists():
        pytest.fail(f"no reader notebook at {built}: build the book (`make book`) first")
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    (root / "notebooks" / "chapters").mkdir(parents=True)
    shutil.copy(built, root / "notebooks" / "chapters")
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # render every cell (no windowing), so the whole notebook is in the page
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    apputils = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))  # no news toast
    (tmp / "config").mkdir()
    (tmp / "config" / "jupyter_lab_config.json").write_text(json.dumps({
        "IdentityProvider": {"token": ""}, "ServerApp": {"password": "", "open_browser": False,
                                                       "allow_root": os.geteuid() == 0},  # CI containers
        "LabApp": {"expose_app_in_browser": True, "news_url": None,  # no announcements fetched
                   "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"}}))
    env = {k: v for k, v in os.environ.items() if k not in ("NONLIN_EXPLORER", "PYTHONPATH", "MPLBACKEND")}
    env.update(PATH=f"{lab_bin}{os.pathsep}{env['PATH']}", JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    port = free_port()
    log = open(tmp / "jupyter-lab.log", "w")
    server = subprocess.Popen(
        [str(lab_bin / "jupyter-lab"), "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.root_dir={root}"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("jupyter lab did not start:\n" + (tmp / "jupyter-lab.log").read_text()[-3000:])
            time.sleep(1)
        yield url
    finally:
        stop(server)
        log.close()


def stop(server):
    """End the server and the kernels it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            pass
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def expected_numbers(site_dir):
    """Every glued number of the chapter as the site prints it, from the build's glue data."""
    glue = json.loads((site_dir.parent / "jupyter_execute" / "chapters" / f"{CHAPTER}.glue.json").read_text())
    source = nbformat.read(ROOT / "chapters" / f"{CHAPTER}.ipynb", as_version=4)
    numbers = set()
    for cell in source.cells:
        if cell.cell_type == "markdown":
            for content in re.findall(r"\{glue:text\}`([^`]+)`", cell.source):
                key, _, fmt = content.partition(":")
                numbers.add(rn._format_plain_text(glue[key]["data"]["text/plain"], fmt or "s"))
    return numbers


KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; }"""
ALL_RUN = """() => { const w = window.jupyterapp.shell.currentWidget;
  const code = w.content.widgets.filter(c => c.model.type === 'code');
  return w.sessionContext.session.kernel.status === 'idle' && code.length > 0
    && code.every(c => c.model.executionCount !== null); }"""
RUN_ALL = """async () => { const w = window.jupyterapp.shell.currentWidget;
  window.jupyterapp.shell.activateById(w.id); await w.sessionContext.ready;
  await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"""
STATE = """() => { const w = window.jupyterapp.shell.currentWidget;
  return {kernel: w.sessionContext.session && w.sessionContext.session.kernel.status,
          counts: w.content.widgets.filter(c => c.model.type === 'code').map(c => c.model.executionCount)}; }"""
N_MARKDOWN = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'markdown').length"""
BAD_OUTPUTS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'code')
  .flatMap(c => c.model.outputs.toJSON())
  .filter(o => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
  .map(o => o.output_type === 'error' ? o.ename + ': ' + o.evalue : o.text.slice(0, 300))"""


def test_reader_notebook_runs_and_reads_like_the_site(browser, lab_url, site_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{lab_url}/lab/tree/notebooks/chapters/{CHAPTER}.ipynb", wait_until="load")
        page.wait_for_function(KERNEL_IDLE, timeout=90_000)
        page.evaluate(RUN_ALL)
        try:
            page.wait_for_function(ALL_RUN, timeout=300_000, polling=1000)
        except Exception:
            page.screenshot(path=str(SCREENSHOTS / f"jupyterlab-{CHAPTER}-timeout.png"))
            raise AssertionError(f"run all did not finish: {page.evaluate(STATE)}") from None
        errors = page.evaluate(BAD_OUTPUTS)
        assert errors == [], f"{CHAPTER} in JupyterLab: error or stderr outputs: {errors}"
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0

        n_markdown = page.evaluate(N_MARKDOWN)
        assert n_markdown >= 20
        expected = expected_numbers(site_dir)
        deadline = time.monotonic() + 60  # Markdown renders asynchronously (and again after "run all")
        while True:
            # textContent, not innerText: the folded solutions' text counts too
            texts = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").evaluate_all(
                "els => els.map(e => e.textContent)")
            text = "\n".join(texts)
            flat = " ".join(text.split())
            missing = sorted(n for n in expected if n not in flat)
            if (len(texts) == n_markdown and all(t.strip() for t in texts) and not missing) \
                    or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert len(texts) == n_markdown, f"{len(texts)} of the {n_markdown} Markdown cells are rendered"
        raw = RAW.search(text)
        assert raw is None, f"raw MyST in the rendered Markdown: {text[max(0, raw.start() - 80):raw.end() + 80]!r}"
        assert not missing, f"glued numbers not in the rendered text: {missing}"

        page.wait_for_function("() => document.querySelectorAll('.jp-MarkdownCell mjx-container').length >= 50",
                               timeout=60_000)
        assert "$$" not in text, "display math should be typeset, not shown as $$...$$"
        details = page.locator(".jp-MarkdownCell details")
        assert details.count() >= 3 and page.locator(".jp-MarkdownCell details[open]").count() == 0, \
            "solutions should be folded"
        hrefs = page.locator(".jp-MarkdownCell a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert any(".ipynb" in (h or "") for h in hrefs), f"cross-references to other chapters should be links: {hrefs}"
        page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea .widget-slider').length > 0",
                               timeout=60_000)  # with a kernel, the explorer is live ipywidgets

        page.locator(".jp-Cell").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"jupyterlab-{CHAPTER}.png"))
        exercise = page.locator(".jp-MarkdownCell details").first
        exercise.scroll_into_view_if_needed()
        exercise.locator("summary").click()
        page.screenshot(path=str(SCREENSHOTS / f"jupyterlab-{CHAPTER}-solution.png"))
    finally:
        page.close()
