"""Static checks on the committed chapters: clean notebooks, the table of contents, the anatomy."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
NUMBERED = [path for path in CHAPTERS if not path.name.startswith("00_")]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def sources(notebook, kind):
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == kind]


def test_there_are_chapters():
    assert len(CHAPTERS) >= 2, f"expected the tour and Part I in chapters/, found {[p.name for p in CHAPTERS]}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    dirty = [i for i, cell in enumerate(load(path)["cells"])
             if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs or execution counts; the build executes notebooks"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_glued_key_in_the_text_is_glued_by_code(path):
    notebook = load(path)
    used = set(re.findall(r"\{glue:(?:text|)\}`([^`:]+)", "\n".join(sources(notebook, "markdown"))))
    names = re.findall(r"glue\(\s*f?[\"']([^\"']+)[\"']", "\n".join(sources(notebook, "code")))
    # f-string names such as f"sigmoid.{tag}_lr" match any text in place of each {...}
    patterns = [re.compile("".join(".+" if part.startswith("{") else re.escape(part)
                                   for part in re.split(r"(\{[^}]*\})", name)) + "$") for name in names]
    missing = sorted(key for key in used if not any(p.match(key) for p in patterns))
    assert not missing, f"{path.name}: the text uses glue keys no cell glues: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_numbers_in_the_text_are_checked(path):
    code = "\n".join(sources(load(path), "code"))
    assert "glue(" in code and "assert " in code, f"{path.name}: glued numbers need visible assert cells"


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_chapter_anatomy(path):
    notebook = load(path)
    text, code = "\n".join(sources(notebook, "markdown")), "\n".join(sources(notebook, "code"))
    exercises = re.findall(r"\{exercise\}", text)
    solutions = re.findall(r"\{solution\}", text)
    assert len(exercises) >= 3, f"{path.name}: at least three exercises, found {len(exercises)}"
    assert len(solutions) >= len(exercises), f"{path.name}: every exercise needs a solution"
    assert "{cite" in text, f"{path.name}: cite the original papers with {{cite}}"
    assert "nl.explore(" in code, f"{path.name}: one explorer via nl.explore"
    assert re.search(r"[\u4e00-\u9fff]", text), f"{path.name}: give the Chinese term at first use"
    assert "$$" in text, f"{path.name}: formulas in LaTeX"


def test_table_of_contents_lists_every_chapter_and_nothing_missing():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"file:\s*(\S+)", toc)
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".ipynb", ".md")), f"_toc.yml lists missing {entry}"
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in listed, f"{path.name} is not in _toc.yml"


def test_every_chinese_term_in_the_chapters_is_in_the_glossary():
    glossary = (ROOT / "appendices" / "glossary.md").read_text(encoding="utf-8")
    missing = set()
    for path in CHAPTERS:
        text = "\n".join(sources(load(path), "markdown"))
        for term in re.findall(r"[(（]([\u4e00-\u9fff][^)）,，;；]*?)[)）,，;；]", text):
            if len(term.strip()) <= 8 and term.strip() not in glossary:  # longer ones are quoted sentences
                missing.add(f"{term.strip()} ({path.name})")
    assert not missing, f"Chinese terms used in the chapters but missing from the glossary: {sorted(missing)}"
