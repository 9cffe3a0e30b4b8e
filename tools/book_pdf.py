"""Print the book as a PDF handout with headless Chromium (no TeX): `make pdf`.

    python tools/book_pdf.py _build/singlehtml _build/pdf/book.pdf
    python tools/book_pdf.py _build/student/_build/singlehtml _build/pdf/book-student.pdf

The input is Sphinx's `singlehtml` build of the book (every page in one HTML file, so a link to
another chapter is a link inside the document and stays a working link in the PDF). The page is
served on loopback, MathJax typesets every formula, the explorers' players settle on their first
frame, and Chromium prints it with the print rules of _static/book.css (no navigation, no player
controls, figures kept whole, each chapter on a new page), with the PDF outline (bookmarks) made
from the headings and a tagged PDF. In the full edition the folded solutions are opened first, so
the handout has them; the student edition has none to open.
"""

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

PREPARE = """
() => {
  // each document of the single page (the intro, every chapter, every appendix) starts a new page:
  // Sphinx's singlehtml marks where a document begins with <span id="document-NAME">
  let docs = 0;
  for (const marker of document.querySelectorAll('main span[id^="document-"]')) {
    const next = marker.nextElementSibling;
    if (next && docs > 0) { next.style.breakBefore = 'page'; }
    docs += 1;
  }
  // solutions folded in a <details> (the full edition) are printed open
  let opened = 0;
  for (const details of document.querySelectorAll('main details')) {
    const summary = details.querySelector('summary');
    if (details.closest('.solution') || (summary && /Solution/.test(summary.textContent))) {
      details.open = true;
      opened += 1;
    }
  }
  return {docs, opened};
}
"""

TYPESET = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const pending = [...document.querySelectorAll('main .math')].filter(m => !m.querySelector('mjx-container'));
  return pending.length;
}
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def chromium():
    found = next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None) or shutil.which("chromium")
    if found is None:
        sys.exit("book_pdf: Chromium is not installed (apt-get install chromium)")
    return found


def print_pdf(site, target, title):
    from playwright.sync_api import sync_playwright

    site, target = Path(site).resolve(), Path(target).resolve()
    if not (site / "index.html").exists():
        sys.exit(f"book_pdf: no single-page build at {site} (jupyter-book build . --builder singlehtml)")
    target.parent.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            outside = []
            page.on("request", lambda r: r.url.startswith("http") and "127.0.0.1" not in r.url
                    and outside.append(r.url))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html", wait_until="load", timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=60_000)
            pending = page.evaluate(TYPESET)
            if pending:
                sys.exit(f"book_pdf: {pending} formulas were not typeset")
            prepared = page.evaluate(PREPARE)
            page.emulate_media(media="print")
            page.evaluate("(title) => { document.title = title; }", title)
            page.pdf(path=str(target), format="A4", print_background=True, outline=True, tagged=True,
                     margin={"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"},
                     display_header_footer=True, header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center;color:#555">'
                                     '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
            browser.close()
            if outside:
                sys.exit(f"book_pdf: the page asked for resources off this machine: {outside[:5]}")
    finally:
        server.shutdown()
        server.server_close()
    print(f"book_pdf: {target} ({target.stat().st_size / 1e6:.1f} MB; {prepared['docs']} documents, "
          f"{prepared['opened']} solutions opened)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", help="the singlehtml build folder (with index.html)")
    parser.add_argument("target", help="the PDF to write")
    parser.add_argument("--title", default="Activation Functions and Backpropagation: an Executable Textbook")
    args = parser.parse_args(argv)
    print_pdf(args.site, args.target, args.title)


if __name__ == "__main__":
    main()
