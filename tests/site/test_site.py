"""The built site in a real browser: every page loads offline, without console errors, with its
figures, its typeset math and its kernel-free explorers."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOC_FILES = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = ["intro", *TOC_FILES]


def open_page(browser, url):
    """Load `url`; return the page and what went wrong on the way."""
    page = browser.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed request: {request.url}"))

    def outside(request):
        host = urlparse(request.url).hostname
        if request.url.startswith("http") and host not in ("127.0.0.1", "localhost"):
            problems.append(f"request leaves the machine: {request.url}")

    page.on("request", outside)
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(browser, base_url, name):
    page, problems = open_page(browser, f"{base_url}/{name}.html")
    try:
        assert page.locator("main h1").count() >= 1, f"{name}: no title"
        broken = page.evaluate(
            "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
        )
        assert not broken, f"{name}: images that did not load: {broken}"
        assert not problems, f"{name}:\n" + "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("name", [p for p in TOC_FILES if p.startswith("chapters/")])
def test_chapter_has_figures_math_and_no_error_output(browser, base_url, name):
    page, problems = open_page(browser, f"{base_url}/{name}.html")
    try:
        assert page.locator("main img").count() >= 1, f"{name}: a chapter without a single figure"
        if page.locator("main .math").count():
            page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=15000)
        assert page.locator("main .animation").count() >= 1, f"{name}: its explorer should render as a player"
        assert page.locator("main .jupyter-widgets, main .widget-slider").count() == 0, f"{name}: a dead slider"
        errors = page.locator("main .output.error, main .output.traceback, main .stderr").count()
        assert errors == 0, f"{name}: {errors} error outputs on the page"
        assert "Traceback (most recent call last)" not in page.inner_text("main")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def test_explorer_player_works_without_a_kernel(browser, base_url):
    page, problems = open_page(browser, f"{base_url}/chapters/00_tour.html")
    try:
        player = page.locator("main .animation").first
        assert player.count() == 1, "the tour's explorer should render as a player in the static book"
        frame = player.locator("img")
        first = frame.get_attribute("src")
        player.locator("button").nth(5).click()  # "next frame"
        page.wait_for_function("(src) => document.querySelector('main .animation img').src !== src", arg=first)
        assert frame.get_attribute("src") != first
        assert page.locator("main .widget-slider, main .jupyter-widgets").count() == 0, "no dead sliders"
        assert not problems, "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_weight_stays_well_under_three_megabytes(site_dir, name):
    html = site_dir / f"{name}.html"
    images = re.findall(r'src="((?:\.\./)*_images/[^"]+)"', html.read_text(encoding="utf-8"))
    total = html.stat().st_size + sum((html.parent / src).resolve().stat().st_size for src in set(images))
    assert total < 2.5e6, f"{name}: {total / 1e6:.2f} MB of HTML and figures; shrink figures or explorer frames"
