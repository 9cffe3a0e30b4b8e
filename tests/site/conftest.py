"""Serve the built book on loopback and drive it with Debian's Chromium through Playwright."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
# Without the background-networking switches Chromium tries Google's services at start-up, which this
# offline machine refuses; they are not part of the book.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_addoption(parser):
    parser.addoption("--student-site", default="_build/student/_build/html",
                     help="folder of the student edition (`make student`), for test_student_edition.py")


@pytest.fixture(scope="session")
def student_dir(request):
    site = Path(request.config.getoption("--student-site")).resolve()
    if not (site / "index.html").exists():
        pytest.fail(f"no student edition at {site}: run `make student` first")
    return site


@pytest.fixture(scope="session")
def site_dir(request):
    site = Path(request.config.getoption("--site")).resolve()
    if not (site / "index.html").exists():
        pytest.fail(f"no built book at {site}: run `make book` (or `jupyter-book build .`) first")
    return site


def serve(folder):
    """Serve `folder` on loopback; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def base_url(site_dir):
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def student_url(student_dir):
    yield from serve(student_dir)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    executable = next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None) or shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (the browser tests never skip)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
