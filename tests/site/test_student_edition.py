"""The student edition (`make student`) leaves every solution out; the full edition has all of them.

Each {solution} directive is taken from the chapters' Markdown, and cut into *probes*: its plain
prose runs (between math, roles, inline code and emphasis) and its code lines, compared with all
whitespace removed, since HTML puts spaces and tags in other places. A probe is *distinctive* if it
appears in the full edition inside that chapter's solutions and nowhere else on the page (not in
the exercise that asks the question). Then:

- full edition: one solution block per directive, and every probe of every solution inside them;
- student edition: no solution block, the same exercises, and no distinctive probe in the page,
  in the reader notebook or in the notebook the download button serves (all three must exist);
  no word that the full edition's search index has for the chapter only from its solutions; no
  launch or repository button on any page, and no link from a reader notebook to the public
  website (both lead to the full edition), although `make test` builds with a repository URL.
"""

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
import launch  # noqa: E402
import reader_notebooks as rn  # noqa: E402

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)
MIN_PROBE = 24  # characters without whitespace: long enough not to occur by chance


def squash(text):
    return re.sub(r"\s+", "", text)


def solutions(chapter):
    """The body of every {solution} directive in the chapter's Markdown cells, in order."""
    notebook = nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    markdown = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    return [m.group("body") for m in FENCE.finditer(markdown)]


def probes(body):
    """Plain prose runs, inline code and code lines of a solution, whitespace removed."""
    body = re.sub(r"^:\w[\w-]*:.*$", "", body, flags=re.M)  # directive options
    found = []
    code = re.compile(r"^```[^\n]*\n(.*?)^```\s*$", re.M | re.S)
    for block in code.findall(body):
        found += [line.strip() for line in block.splitlines()]
    prose = code.sub("\x00", body)
    found += re.findall(r"`([^`\n]+)`", re.sub(r"\{[\w:-]+\}`[^`]*`", "\x00", prose))  # inline code, no roles
    prose = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$|\{[\w:-]+\}`[^`]*`|`[^`]*`", "\x00", prose, flags=re.S)
    prose = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "\x00", prose, flags=re.M)  # list markers
    found += re.split(r"[\x00*_\[\]{}|<>\\#'\"`$]|--|\n\s*\n", prose)
    return sorted({squash(p) for p in found if len(squash(p)) >= MIN_PROBE})


def page_text(path):
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    answers = [div.extract() for div in main.select("div.solution")]
    return squash(main.get_text(" ")), [squash(a.get_text(" ")) for a in answers]


def notebook_text(path):
    assert path.is_file(), f"the student edition lacks {path}"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return squash("\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells))


@pytest.fixture(scope="module", params=CHAPTERS)
def chapter(request, site_dir):
    name = request.param
    bodies = solutions(name)
    assert bodies, f"{name}: no {{solution}} directives found (the exercises need solutions)"
    rest, answers = page_text(site_dir / "chapters" / f"{name}.html")
    joined = "".join(answers)
    per_solution = [[p for p in probes(b) if p in joined and p not in rest] for b in bodies]
    return name, bodies, answers, per_solution


def test_the_full_edition_has_every_solution_in_full(chapter):
    name, bodies, answers, _ = chapter
    assert len(answers) == len(bodies), f"{name}: {len(bodies)} solutions in the source, {len(answers)} on the page"
    joined = "".join(answers)
    for i, body in enumerate(bodies):
        missing = [p for p in probes(body) if p not in joined]
        assert not missing, f"{name}: solution {i + 1} is incomplete on the page, missing e.g. {missing[:2]}"


def test_every_solution_can_be_recognised(chapter):
    name, _, _, per_solution = chapter
    blind = [i + 1 for i, found in enumerate(per_solution) if not found]
    assert not blind, f"{name}: solutions {blind} have no plain text that appears only in the solution"


def test_the_student_edition_has_the_exercises_and_no_solution(chapter, student_dir, site_dir):
    name, _, _, per_solution = chapter
    full = BeautifulSoup((site_dir / "chapters" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    html = (student_dir / "chapters" / f"{name}.html").read_text(encoding="utf-8")
    student = BeautifulSoup(html, "html.parser")
    assert not student.select("div.solution"), f"{name}: the student edition shows solutions"
    assert len(student.select("div.exercise")) == len(full.select("div.exercise")) > 0, \
        f"{name}: the student edition must keep every exercise"
    places = {
        "the page": squash(student.get_text(" ")),
        "the reader notebook": notebook_text(student_dir / "notebooks" / "chapters" / f"{name}.ipynb"),
        "the downloadable notebook": notebook_text(student_dir / "_sources" / "chapters" / f"{name}.ipynb"),
    }
    for i, found in enumerate(per_solution):
        for where, text in places.items():
            leaked = [p for p in found if p in text]
            assert not leaked, f"{name}: solution {i + 1} is in the student edition's {where}: {leaked[0][:60]}"


def search_index(site):
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    docs = {name: i for i, name in enumerate(index["docnames"])}
    terms = {t: set([d] if isinstance(d, int) else d) for t, d in index["terms"].items()}
    return docs, terms


def stems(text):
    from sphinx.search.en import SearchEnglish

    language = SearchEnglish({})
    return {language.stem(w).lower() for w in re.findall(r"\w+", text.lower())}


def test_the_search_index_has_no_solution_only_word(site_dir, student_dir):
    full_docs, full = search_index(site_dir)
    student_docs, student = search_index(student_dir)
    checked = 0
    for name in CHAPTERS:
        soup = BeautifulSoup((site_dir / "chapters" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main") or soup
        answers = " ".join(div.extract().get_text(" ") for div in main.select("div.solution"))
        only = stems(answers) - stems(main.get_text(" "))  # words of the solutions and nowhere else on the page
        full_doc, student_doc = full_docs[f"chapters/{name}"], student_docs[f"chapters/{name}"]
        indexed = sorted(t for t in only if full_doc in full.get(t, ()))
        assert indexed, f"{name}: no solution-only word in the full edition's search index to check"
        leaked = [t for t in indexed if student_doc in student.get(t, ())]
        assert not leaked, f"{name}: the student edition's search index has solution words: {leaked[:10]}"
        checked += len(indexed)
    assert checked >= 3 * len(CHAPTERS)


LAUNCH_HOSTS = ("mybinder.org", "colab.research.google.com")


def test_no_student_page_has_a_launch_or_repository_button(student_dir):
    """`make test` builds the student edition with BOOK_REPOSITORY_URL set: the buttons must still go."""
    repository = launch.repository_url()
    pages = sorted(p for p in student_dir.rglob("*.html") if p.relative_to(student_dir).parts[0] != "_static")
    assert len(pages) > len(CHAPTERS)
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        hrefs = [a.get("href", "") for a in soup.select("a[href]")]
        launch_links = [h for h in hrefs if urlparse(h).hostname in LAUNCH_HOSTS]
        assert not launch_links and not soup.select(".dropdown-launch-buttons"), \
            f"{page.relative_to(student_dir)}: launch buttons {launch_links} lead to the full edition"
        if repository:
            assert repository not in hrefs, f"{page.relative_to(student_dir)}: a repository button"
            assert not [h for h in hrefs if h.startswith(repository)], \
                f"{page.relative_to(student_dir)}: a link into the repository (issues button?)"


@pytest.mark.parametrize("name", CHAPTERS)
def test_student_reader_notebooks_say_so_and_stay_in_the_edition(student_dir, name):
    path = student_dir / rn.READER_DIR / "chapters" / f"{name}.ipynb"
    notebook = nbformat.read(path, as_version=4)  # fails if it is missing
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "student edition" in text and "Solutions are folded" not in text and "<summary>Solution" not in text
    public = rn.site_url_from(launch.repository_url())
    if public:
        assert public not in text, f"{name}: the student reader notebook links to the public (full) website"
