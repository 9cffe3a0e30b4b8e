"""The built site in a real browser: every page loads offline, without console errors, with its
figures, its typeset math, internal links that resolve and its kernel-free explorers; the chapters'
Binder and Colab buttons point at the reader notebooks of BOOK_REPOSITORY_URL (and there are none
without it). Links are read, never followed off the machine. Screenshots go to _build/screenshots/."""

import functools
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
import launch  # noqa: E402

TOC_FILES = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = ["intro", *TOC_FILES]
CHAPTERS = [p for p in TOC_FILES if p.startswith("chapters/")]
ALL_PAGES = [*PAGES, "genindex", "search"]  # every HTML page of the site (test_every_page_is_tested)
SCREENSHOTS = ROOT / "_build" / "screenshots"
LAUNCH_HOSTS = ("mybinder.org", "colab.research.google.com")


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


@pytest.fixture(scope="module")
def opened(browser, base_url):
    """Each page loaded once for this module's read-only checks (a chapter takes seconds to typeset), kept
    open with what went wrong while it loaded and since; the tests that click or resize open their own."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = open_page(browser, f"{base_url}/{name}.html")
        return cache[name]
    yield get
    for page, _ in cache.values():
        page.close()


@pytest.mark.parametrize("name", ALL_PAGES)
def test_page_loads_offline_without_errors(opened, name):
    page, problems = opened(name)
    assert page.locator("main h1").count() >= 1, f"{name}: no title"
    broken = page.evaluate(
        "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
    )
    assert not broken, f"{name}: images that did not load: {broken}"
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", [p for p in TOC_FILES if p.startswith("chapters/")])
def test_chapter_has_figures_math_and_no_error_output(opened, name):
    page, problems = opened(name)
    assert page.locator("main img").count() >= 1, f"{name}: a chapter without a single figure"
    if page.locator("main .math").count():
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=15000)
    assert page.locator("main .animation").count() >= 1, f"{name}: its explorer should render as a player"
    assert page.locator("main .jupyter-widgets, main .widget-slider").count() == 0, f"{name}: a dead slider"
    errors = page.locator("main .output.error, main .output.traceback, main .stderr").count()
    assert errors == 0, f"{name}: {errors} error outputs on the page"
    assert "Traceback (most recent call last)" not in page.inner_text("main")
    assert not problems, "\n".join(problems)


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


def test_every_page_is_tested(site_dir):
    skip = ("_static", "_sources", "_images", "notebooks")
    found = {p.relative_to(site_dir).with_suffix("").as_posix() for p in site_dir.rglob("*.html")
             if p.relative_to(site_dir).parts[0] not in skip}
    assert found - {"index"} == set(ALL_PAGES), f"pages the browser tests do not open: {found - set(ALL_PAGES)}"


@pytest.mark.parametrize("name", ALL_PAGES)
def test_math_is_typeset_on_every_page(opened, name):
    page, problems = opened(name)
    count = page.locator("main .math").count()
    if count:
        page.wait_for_function(
            "() => [...document.querySelectorAll('main .math')].every(m => m.querySelector('mjx-container'))",
            timeout=30000)
    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('main .math')].filter(m => !m.querySelector('mjx-container'))"
        ".map(m => m.textContent.slice(0, 60))")
    assert not untypeset, f"{name}: math left as TeX: {untypeset[:5]}"
    errors = page.evaluate("() => [...document.querySelectorAll('mjx-merror')].map(e => e.textContent)")
    assert not errors, f"{name}: MathJax could not typeset: {errors[:5]}"
    assert not problems, "\n".join(problems)


@functools.cache
def ids_in(path):
    """The fragment targets of an HTML file: its id= and name= attributes."""
    return set(re.findall(r'\b(?:id|name)="([^"]+)"', Path(path).read_text(encoding="utf-8")))


def links_of(page):
    """Every link on the page, as the browser resolved it."""
    return page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")


@pytest.mark.parametrize("name", ALL_PAGES)
def test_internal_links_resolve(opened, base_url, site_dir, name):
    hrefs = links_of(opened(name)[0])
    broken = []
    for href in dict.fromkeys(hrefs):
        url = urlparse(href)
        if url.scheme not in ("http", "https") or url.netloc != urlparse(base_url).netloc:
            continue  # mailto:, javascript:, and links that leave the site (never fetched)
        target = site_dir / unquote(url.path).lstrip("/")
        if url.path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no file {target.relative_to(site_dir)}")
        elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in ids_in(target):
            broken.append(f"{href}: no id {unquote(url.fragment)!r} in {target.relative_to(site_dir)}")
    assert len(hrefs) > 5, f"{name}: the browser found almost no links"
    assert not broken, f"{name}: {len(broken)} broken internal links:\n" + "\n".join(broken[:20])


def launch_links(page):
    return [h for h in links_of(page) if urlparse(h).hostname in LAUNCH_HOSTS]


@pytest.mark.parametrize("name", PAGES)
def test_launch_buttons_come_from_the_one_setting(opened, site_dir, name):
    """With BOOK_REPOSITORY_URL (as in `make test`), each chapter opens its reader notebook on the
    published branch in Binder and Colab; without it, no page has a launch button."""
    repository = launch.repository_url()
    page, problems = opened(name)
    found = sorted(launch_links(page))
    has_menu = page.locator(".dropdown-launch-buttons").count() > 0
    repo_links = page.evaluate("() => [...document.querySelectorAll('a.btn[href]')].map(a => a.href)")
    if repository is None or name not in CHAPTERS:
        assert not found and not has_menu, (
            f"{name}: launch buttons {found} on a page that should have none (no repository URL, or not a "
            "chapter); a site built with BOOK_REPOSITORY_URL is tested with the same value set")
        return
    expected = launch.launch_targets(repository, name)
    assert found == sorted(expected.values()), f"{name}: launch links {found}, expected {expected}"
    assert (site_dir / "notebooks" / f"{name}.ipynb").is_file(), f"{name}: the buttons open a reader notebook " \
        "that the build did not write"
    assert repository in repo_links, f"{name}: no repository button linking to {repository}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["intro", "chapters/02_sigmoid", "chapters/06_backpropagation",
                                  "appendices/source_post_checked"])
def test_screenshots_for_the_record(browser, base_url, name):
    page, problems = open_page(browser, f"{base_url}/{name}.html")
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        if page.locator("main .math").count():
            page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=30000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"site-{name.replace('/', '-')}.png"
        page.screenshot(path=str(path), full_page=False)
        assert path.stat().st_size > 10_000, f"{name}: an empty screenshot"
        assert not problems, "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("name", ["intro", "chapters/02_sigmoid", "appendices/glossary"])
def test_readers_can_report_an_error(opened, name):
    """With a repository URL every page has the theme's issues button (errata), titled with the page."""
    repository = launch.repository_url()
    page, problems = opened(name)
    issues = [h for h in links_of(page) if "/issues/new" in h]
    if repository is None:
        assert not issues, f"{name}: an issues link without a repository URL: {issues}"
        return
    assert issues and all(h.startswith(f"{repository}/issues/new?") for h in issues), f"{name}: {issues}"
    assert f"{name}.html" in unquote(issues[0]), f"{name}: the report does not name the page: {issues[0]}"
    assert not problems, "\n".join(problems)
