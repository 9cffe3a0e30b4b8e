"""Every reader: WCAG 2.0/2.1 A and AA measured by axe-core on every page of both editions, the
explorer player from the keyboard, figures in dark mode, phones, and Chinese glyphs.

axe-core is the copy that the pinned `axe-playwright-python` package ships (requirements-test.txt):
installed with the test requirements, never committed, injected into each page by Playwright.
Screenshots (light, dark, phone) go to _build/screenshots/.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import axe_playwright_python
import pytest
from test_site import ALL_PAGES, CHAPTERS, SCREENSHOTS, open_page

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every "moderate" violation that remains, with the reason it stays. Any other moderate one fails.
ALLOWED_MODERATE = {
    # (none: the site has no moderate violation of the WCAG A/AA rules today; add one here only with a reason)
}


AXE_RUN = """(tags) => {
    window.__axeResult = undefined;
    // preload off: axe would fetch the stylesheets' @imports relative to the page (404s) for one rule
    axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], preload: false})
      .then(result => { window.__axeResult = result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])})); })
      .catch(error => {
        window.__axeResult = [{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}];
      });
}"""


def start_axe(page):
    """Inject axe-core and start the audit; the page's renderer runs it while the test starts another."""
    page.set_viewport_size(DESKTOP)
    if page.locator("main .math").count():
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=60000)
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    page.add_script_tag(path=str(AXE))
    page.evaluate(AXE_RUN, WCAG_A_AA)


def axe_violations(page):
    page.wait_for_function("() => window.__axeResult !== undefined", timeout=600_000, polling=500)
    return page.evaluate("() => window.__axeResult")


def report(violations):
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:4])
                     for v in violations)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_axe_wcag_a_aa_both_editions(browser, base_url, student_url, name):
    """axe-core, WCAG 2.0/2.1 A and AA, at desktop size in the light theme, on the page in the full and
    the student edition (audited at the same time, each in its own renderer process)."""
    editions = {"full edition": f"{base_url}/{name}.html", "student edition": f"{student_url}/{name}.html"}
    opened = {edition: open_page(browser, url) for edition, url in editions.items()}
    try:
        for page, _ in opened.values():
            start_axe(page)
        results = {edition: axe_violations(page) for edition, (page, _) in opened.items()}
    finally:
        for page, _ in opened.values():
            page.close()
    for edition, violations in results.items():
        severe = [v for v in violations if v["impact"] in ("serious", "critical")]
        moderate = [v for v in violations if v["impact"] == "moderate" and v["id"] not in ALLOWED_MODERATE]
        assert not severe, f"{edition}, {name}: serious or critical WCAG A/AA violations:\n{report(severe)}"
        assert not moderate, f"{edition}, {name}: moderate violations not in ALLOWED_MODERATE:\n{report(moderate)}"
        assert not opened[edition][1], f"{edition}, {name}:\n" + "\n".join(opened[edition][1])


def test_axe_finds_what_it_should(browser, base_url):
    """The audit can fail: an image without alt text and grey-on-white text are reported."""
    page, _ = open_page(browser, f"{base_url}/intro.html")
    try:
        page.evaluate("""() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('afterbegin',
              '<img src="_static/favicon.svg"><p style="color:#bbb;background:#fff">too faint to read</p>');
        }""")
        start_axe(page)
        found = {v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")}
    finally:
        page.close()
    assert {"image-alt", "color-contrast"} <= found, found


# --- the explorer player from the keyboard ---------------------------------------------------------

def test_player_is_operable_by_keyboard_with_visible_focus(browser, base_url):
    page, problems = open_page(browser, f"{base_url}/chapters/00_tour.html")
    try:
        player = page.locator("main .nonlin-player").first
        image = player.locator("img")
        page.wait_for_function("() => document.querySelector('main .nonlin-player img').src.startsWith('data:')")
        first_src, first_alt = image.get_attribute("src"), image.get_attribute("alt")
        slider = player.locator("input.anim-slider")
        assert slider.get_attribute("aria-label"), "the frame slider has no name"
        slider.focus()
        # Tab walks from the slider through the buttons: "Decrease speed", "First frame", "Previous frame",
        # "Play backwards", "Pause", "Play", "Next frame"
        for _ in range(7):
            page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {label: e.getAttribute('aria-label'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    visible: e.matches(':focus-visible')}; }""")
        assert focused["label"] == "Next frame", f"Tab from the slider reached {focused['label']!r}"
        assert focused["visible"] and focused["outline"] != "none" and focused["width"] >= 2, \
            f"the focused button shows no visible focus ring: {focused}"
        page.keyboard.press("Enter")
        page.wait_for_function("(src) => document.querySelector('main .nonlin-player img').src !== src",
                               arg=first_src)
        assert image.get_attribute("alt") != first_alt and "frame 2 of" in image.get_attribute("alt"), \
            "the description does not follow the frame"
        slider.focus()
        page.keyboard.press("End")
        last = int(slider.evaluate("s => s.max"))
        page.wait_for_function("(n) => document.querySelector('main .nonlin-player input.anim-slider').value == n",
                               arg=last)
        assert f"frame {last + 1} of {last + 1}" in image.get_attribute("alt")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


# --- dark mode -------------------------------------------------------------------------------------

def open_in_theme(browser, url, theme, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport)
    context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page


FIGURE_PANELS = """
() => [...document.querySelectorAll('main img')].filter(i => i.naturalWidth > 0 && i.offsetParent).map(img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const w = img.naturalWidth - 1, h = img.naturalHeight - 1;
  const corners = [[0, 0], [w, 0], [0, h], [w, h], [w >> 1, 0]].map(([x, y]) => [...ctx.getImageData(x, y, 1, 1).data]);
  const style = getComputedStyle(img);
  return {src: img.src.slice(-40), corners, background: style.backgroundColor, filter: style.filter};
})
"""


def luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgba(css):
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return values + [1.0] * (4 - len(values))


@pytest.mark.parametrize("name", ["intro", *CHAPTERS])
def test_figures_stay_legible_in_dark_mode(browser, base_url, name):
    """Every figure sits on an opaque light panel (its own pixels, or its box's background), against
    which the figure's black text contrasts at least 4.5:1, and is not dimmed by a filter."""
    context, page = open_in_theme(browser, f"{base_url}/{name}.html", "dark")
    try:
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark", "dark mode did not apply"
        figures = page.evaluate(FIGURE_PANELS)
        if name in CHAPTERS:
            assert figures, f"{name}: no figures found"
        for figure in figures:
            opaque_pixels = all(corner[3] == 255 for corner in figure["corners"])
            box = rgba(figure["background"])
            panel = figure["corners"][0] if opaque_pixels else box
            assert opaque_pixels or box[3] == 1, f"{name}: a figure with a transparent background: {figure}"
            assert contrast(panel, (0, 0, 0)) >= 4.5, f"{name}: black figure text on {panel} is unreadable"
            assert figure["filter"] == "none", f"{name}: a figure is dimmed in dark mode: {figure['filter']}"
        if name in ("intro", "chapters/02_sigmoid"):
            page.locator("main").first.evaluate("m => window.scrollTo(0, 0)")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / f"dark-{name.replace('/', '-')}.png"
            if name != "intro":
                page.locator("main .bd-article div.cell_output img").first.scroll_into_view_if_needed()
            page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
    finally:
        context.close()


def test_dark_mode_check_can_fail(browser, base_url):
    """A figure with a transparent background in dark mode is caught by the same measurements."""
    context, page = open_in_theme(browser, f"{base_url}/chapters/02_sigmoid.html", "dark")
    try:
        page.evaluate("""() => { const img = document.querySelector('main div.cell_output img');
            const c = document.createElement('canvas'); c.width = 40; c.height = 30;
            img.style.setProperty('background-color', 'transparent', 'important'); img.src = c.toDataURL(); }""")
        page.wait_for_function("() => document.querySelector('main div.cell_output img').naturalWidth === 40")
        figure = next(f for f in page.evaluate(FIGURE_PANELS) if f["corners"][0][3] != 255)
        assert rgba(figure["background"])[3] == 0
    finally:
        context.close()


# --- phones ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser, base_url, name):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{name}.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        if page.locator("main .math").count():
            page.wait_for_function("() => [...document.querySelectorAll('main .math')].every(m => "
                                   "m.querySelector('mjx-container'))", timeout=30000)
        wide = page.evaluate("""() => {
            const limit = document.documentElement.clientWidth;
            const over = [...document.querySelectorAll('main *')].filter(e => {
                const r = e.getBoundingClientRect();
                if (r.right <= limit + 1 || r.width === 0) return false;
                // closed drawers (the page's table of contents) sit off screen, hidden
                if (!e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return false;
                for (let p = e.parentElement; p; p = p.parentElement) {   // inside a box that scrolls: fine
                    const s = getComputedStyle(p);
                    const boxed = ['auto', 'scroll', 'hidden'].includes(s.overflowX);
                    if (boxed && p.getBoundingClientRect().right <= limit + 1) return false;
                }
                return true;
            });
            return {scroll: document.documentElement.scrollWidth, limit,
                    over: over.slice(0, 5).map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)};
        }""")
        assert wide["scroll"] <= wide["limit"], f"{name}: the page scrolls sideways on a phone: {wide}"
        assert not wide["over"], f"{name}: content sticks out of the screen: {wide['over']}"
        for player in page.locator("main .nonlin-player").all():
            box = player.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{name}: a player wider than the phone"
            image = player.locator("img").bounding_box()
            assert image["width"] <= PHONE["width"] and image["width"] > 200, f"{name}: the player's image {image}"
    finally:
        context.close()


@pytest.mark.parametrize("name", ["chapters/02_sigmoid", "chapters/04_relu_family"])
def test_phone_navigation_and_screenshots(browser, base_url, name):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{name}.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=30000)
        slug = name.replace("/", "-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"phone-{slug}-top.png"))
        page.locator("main .nonlin-player").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"phone-{slug}-player.png"))
        page.evaluate("() => window.scrollTo(0, 0)")
        # the navigation: the menu button opens the table of contents, whose links lead to other chapters
        toggle = page.locator("button.primary-toggle:visible").first
        assert toggle.is_visible(), f"{name}: no navigation button on a phone"
        toggle.click()
        # pydata-sphinx-theme moves the table of contents into a modal <dialog> on small screens
        drawer = page.locator("dialog#pst-primary-sidebar-modal")
        page.wait_for_function("() => document.querySelector('dialog#pst-primary-sidebar-modal').open")
        page.screenshot(path=str(SCREENSHOTS / f"phone-{slug}-menu.png"))
        link = drawer.locator("a.reference.internal[href*='05_softmax']").first
        assert link.is_visible(), f"{name}: the open menu does not show the chapters"
        link.click()
        page.wait_for_url("**/05_softmax.html")
        assert "Softmax" in page.locator("main h1").first.inner_text()
    finally:
        context.close()


# --- Chinese glyphs -------------------------------------------------------------------------------

GLYPHS = """
(selector) => {
  const element = [...document.querySelectorAll(selector)].find(e => /[\\u4e00-\\u9fff]{2,}/.test(e.textContent));
  const term = element.textContent.match(/[\\u4e00-\\u9fff]{2,}/)[0];
  const style = getComputedStyle(element);
  const canvas = document.createElement('canvas'); canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d');
  const draw = (ch) => { ctx.clearRect(0, 0, 64, 64); ctx.font = `48px ${style.fontFamily}`; ctx.fillText(ch, 4, 52);
                         return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(','); };
  const tofu = draw('\\u{10FFFD}');       // a code point no font has: the missing-glyph box
  const glyphs = [...term].map(draw);
  const range = document.createRange(); range.selectNodeContents(element);
  return {term, width: element.getBoundingClientRect().width, font: style.fontFamily,
          boxes: glyphs.filter(g => g === tofu).length, distinct: new Set(glyphs).size, count: glyphs.length};
}
"""


def glyph_report(page):
    return page.evaluate(GLYPHS, "main dd p, main dt, main p")


def test_chinese_terms_render_with_real_glyphs(browser, base_url):
    page, problems = open_page(browser, f"{base_url}/appendices/glossary.html")
    try:
        found = glyph_report(page)
        box = page.locator("main dl").first.bounding_box()
        page.screenshot(path=str(SCREENSHOTS / "glossary-chinese-terms.png"), full_page=True,
                        clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 420)})
    finally:
        page.close()
    assert found["boxes"] == 0 and found["distinct"] == found["count"], (
        f"{found['term']!r} renders as missing-glyph boxes: install a CJK font (fonts-noto-cjk): {found}")
    assert not problems, "\n".join(problems)


def browser_executable(browser):
    from conftest import CHROMIUM_CANDIDATES

    return next(p for p in CHROMIUM_CANDIDATES if Path(p).exists())


def test_glyph_check_sees_boxes_without_a_cjk_font(browser, tmp_path, base_url):
    """The same check in a Chromium that can see only a Latin font (fontconfig limited to DejaVu) must
    report boxes: the check can fail."""
    dejavu = subprocess.run(["fc-list", ":family=DejaVu Sans", "file"], capture_output=True, text=True).stdout.split()
    if not dejavu:
        pytest.fail("fontconfig has no DejaVu Sans, which the negative control needs (fonts-dejavu-core)")
    folder = Path(dejavu[0].rstrip(":")).parent
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{folder}</dir>'
        f'<cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    from conftest import CHROMIUM_ARGS

    latin_only = browser.browser_type.launch(executable_path=browser_executable(browser), args=CHROMIUM_ARGS,
                                             env={**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")})
    try:
        page = latin_only.new_page()
        page.goto(f"{base_url}/appendices/glossary.html", wait_until="load")
        found = glyph_report(page)
    finally:
        latin_only.close()
    assert found["boxes"] == found["count"], f"without a CJK font the check should see boxes: {json.dumps(found)}"
