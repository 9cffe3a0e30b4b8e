"""The PDF handouts (`make pdf`): the book and its student edition, printed by Chromium.

From the text pypdf extracts: every chapter's title, a sample of the glued numbers as the site shows
them, no raw MyST ("{glue", "{doc}"), the Chinese terms as Chinese, at least one page per 600 words
of prose; from the PDF's structure: a bookmark (outline entry) for every chapter and for sections,
internal links that land on a page of the document; the student edition without any solution.
"""

import functools
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_student_edition import CHAPTERS, probes, solutions
from test_student_edition import squash as squash_whitespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
from reading_time import prose_words  # noqa: E402

PDF = ROOT / "_build" / "pdf" / "book.pdf"
STUDENT_PDF = ROOT / "_build" / "pdf" / "book-student.pdf"
SINGLE = ROOT / "_build" / "singlehtml" / "intro.html"  # the root document (index.html redirects to it)
CHINESE_TERMS = ["激活函数", "反向传播", "梯度消失"]
WORDS_PER_PAGE = 600


def squash(text):
    """Whitespace removed, ligatures (fi, fl) and other compatibility characters made plain: Chromium's PDF
    text extracts "flow" as "ﬂow"."""
    return squash_whitespace(unicodedata.normalize("NFKC", text))


@functools.cache
def reader(path):
    from pypdf import PdfReader

    if not path.is_file():
        pytest.fail(f"no PDF at {path}: run `make pdf`")
    return PdfReader(str(path))


@functools.cache
def single_page():
    if not SINGLE.is_file():
        pytest.fail(f"no single-page build at {SINGLE}: run `make pdf`")
    return BeautifulSoup(SINGLE.read_text(encoding="utf-8"), "html.parser")


@functools.cache
def text_of(path):
    return "\n".join(page.extract_text() or "" for page in reader(path).pages)


def chapter_titles():
    import nbformat

    titles = {}
    for name in CHAPTERS:
        notebook = nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)
        first = next(c.source for c in notebook.cells if c.cell_type == "markdown")
        titles[name] = re.sub(r"[`*_]", "", re.search(r"^#\s+(.+)$", first, re.M).group(1)).strip()
    return titles


def outline_titles(outline):
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield item.title


def prose_of_book():
    import nbformat

    words = 0
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        words += prose_words("\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"))
    for path in [ROOT / "intro.md", *sorted((ROOT / "appendices").glob("*.md"))]:
        words += prose_words(path.read_text(encoding="utf-8"))
    return words


@pytest.mark.parametrize("path", [PDF, STUDENT_PDF], ids=["full", "student"])
def test_every_chapter_title_and_no_raw_myst(path):
    text = squash(text_of(path))
    missing = [t for t in chapter_titles().values() if squash(t) not in text]
    assert not missing, f"{path.name}: chapter titles not in the text: {missing}"
    # the book shows MyST on purpose only as code (the tour explains how a glued number is written)
    shown_as_code = squash(" ".join(c.get_text() for c in single_page().select("main code, main pre")))
    for raw in ("{glue", "{doc}", "{ref}", "{term}", "{cite", ":::{", "```{"):
        assert text.count(raw) <= shown_as_code.count(raw), f"{path.name}: raw MyST {raw!r} in the PDF's prose"


@pytest.mark.parametrize("path", [PDF, STUDENT_PDF], ids=["full", "student"])
def test_glued_numbers_as_the_site_shows_them(path):
    soup = single_page()
    pasted = [squash(s.get_text()) for s in soup.select("main span.pasted-text")]
    numbers = [p for p in pasted if re.search(r"\d", p) and len(p) >= 3]
    assert len(numbers) > 50, f"only {len(numbers)} glued numbers found in the single-page build"
    sample = numbers[:: max(1, len(numbers) // 40)]
    text = squash(text_of(path)).replace("−", "-")
    missing = [n for n in sample if n.replace("−", "-") not in text]
    assert not missing, f"{path.name}: glued numbers missing from the PDF text: {missing}"


@pytest.mark.parametrize("path", [PDF, STUDENT_PDF], ids=["full", "student"])
def test_chinese_terms_extract_as_chinese(path):
    text = squash(text_of(path))
    missing = [t for t in CHINESE_TERMS if t not in text]
    assert not missing, f"{path.name}: Chinese terms missing from the text (boxes, or no CJK font?): {missing}"


@pytest.mark.parametrize("path", [PDF, STUDENT_PDF], ids=["full", "student"])
def test_at_least_a_page_per_600_words(path):
    words, pages = prose_of_book(), len(reader(path).pages)
    assert pages >= words / WORDS_PER_PAGE, f"{path.name}: {pages} pages for {words} words of prose: text lost?"


@pytest.mark.parametrize("path", [PDF, STUDENT_PDF], ids=["full", "student"])
def test_bookmarks_for_chapters_and_sections(path):
    titles = [squash(t) for t in outline_titles(reader(path).outline)]
    missing = [t for t in chapter_titles().values() if not any(squash(t) in b for b in titles)]
    assert not missing, f"{path.name}: chapters without a bookmark: {missing}"
    assert len(titles) >= 5 * len(CHAPTERS), f"{path.name}: only {len(titles)} bookmarks: sections are missing"
    nested = [item for item in reader(path).outline if isinstance(item, list)]
    assert nested, f"{path.name}: the outline is flat: no sections under the chapters"


@pytest.mark.parametrize("path", [PDF, STUDENT_PDF], ids=["full", "student"])
def test_internal_links_land_on_a_page(path):
    pdf = reader(path)
    names = {str(name).lstrip("/") for name in pdf.named_destinations}
    internal, broken = 0, []
    for page in pdf.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            target = annotation.get("/Dest")
            action = annotation.get("/A")
            if target is None and action is not None and action.get_object().get("/S") == "/GoTo":
                target = action.get_object().get("/D")
            if target is None:
                continue
            internal += 1
            if isinstance(target, str) or hasattr(target, "original_bytes"):
                if str(target).lstrip("/") not in names:
                    broken.append(str(target))
    assert internal > 100, f"{path.name}: only {internal} internal links (cross-references should be links)"
    assert not broken, f"{path.name}: links to destinations that do not exist: {broken[:10]}"


def test_the_student_pdf_has_no_solution_and_the_full_one_has_them():
    full, student = squash(text_of(PDF)), squash(text_of(STUDENT_PDF))
    found, leaked, total = 0, [], 0
    for name in CHAPTERS:
        for body in solutions(name):
            for probe in map(squash, probes(body)):
                total += 1
                found += probe in full
                # a short passage can meet its twin outside the solution once math glyphs move in extraction
                if len(probe) >= 40 and probe in student and probe not in student_site_text():
                    leaked.append(probe)
    assert total > 50
    directives = sum(len(solutions(name)) for name in CHAPTERS)
    assert full.count("SolutiontoExercise") == directives, "the full PDF should print every solution, titled"
    assert "SolutiontoExercise" not in student, "the student PDF prints a solution"
    assert found >= 0.9 * total, f"the full PDF shows only {found} of {total} solution passages"
    assert not leaked, f"solution text in the student PDF: {leaked[:5]}"


@functools.cache
def student_site_text():
    """All the student edition's pages: a passage that occurs there (elsewhere than in a solution) is no leak."""
    site = ROOT / "_build" / "student" / "_build" / "html"
    pages = [site / "intro.html", *sorted(site.glob("chapters/*.html")), *sorted(site.glob("appendices/*.html"))]
    return squash(" ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").find("main").get_text(" ")
                           for p in pages))
