"""The student edition (`make student`) leaves every solution out; the full edition has all of them.

Each {solution} directive is taken from the chapters' Markdown, and cut into *probes*: its plain
prose runs (between math, roles, inline code and emphasis) and its code lines, compared with all
whitespace removed, since HTML puts spaces and tags in other places. A probe is *distinctive* if it
appears in the full edition inside that chapter's solutions and nowhere else on the page (not in
the exercise that asks the question). Then:

- full edition: one solution block per directive, and every probe of every solution inside them;
- student edition: no solution block, the same exercises, and no distinctive probe in the page,
  in the reader notebook or in the notebook the download button serves.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
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
    """Plain prose runs and code lines of a solution, whitespace removed."""
    body = re.sub(r"^:\w[\w-]*:.*$", "", body, flags=re.M)  # directive options
    found = []
    code = re.compile(r"^```[^\n]*\n(.*?)^```\s*$", re.M | re.S)
    for block in code.findall(body):
        found += [line.strip() for line in block.splitlines()]
    prose = code.sub("\x00", body)
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
    if not path.exists():
        return ""
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
