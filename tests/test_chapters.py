"""Static checks on the committed chapters: clean notebooks, the table of contents, the anatomy."""

import ast
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
def test_code_reads_no_file_of_the_repository(path):
    """Colab opens a chapter alone and the Binder check runs a copy of chapters/: code may not read
    ../references.bib or any other file of the clone (the `../lib` import fallback aside)."""
    reads = [line.strip() for source in sources(load(path), "code") for line in source.splitlines()
             if re.search(r"[\"']\.\./(?!lib[\"'])", line)]
    assert not reads, f"{path.name}: code reaches outside chapters/, which a lone notebook lacks: {reads}"


def _code_cells(notebook):
    """The code cells as (parsed tree, source lines), IPython magics and shell lines blanked."""
    cells = []
    for source in sources(notebook, "code"):
        lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
        cells.append((ast.parse("\n".join(lines)), lines))
    return cells


def _literal(node):
    return isinstance(node, ast.Constant) or (isinstance(node, ast.List | ast.Tuple | ast.UnaryOp)
                                               and all(_literal(n) for n in ast.iter_child_nodes(node)
                                                       if not isinstance(n, ast.expr_context | ast.unaryop)))


def _settings(cells):
    """Names bound only to literals anywhere in the notebook: settings such as epochs = 300."""
    bound = {}
    for tree, _ in cells:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        bound.setdefault(target.id, []).append(_literal(node.value))
    return {name for name, literal in bound.items() if all(literal)}


def _glued_names(cell, settings):
    """(key, names the glued value is bound to or computed from) for each glue("key", value) call that
    states a measurement: not a setting (a literal, a name bound only to literals, or a line marked
    `# setting`) and not a timing (a line marked `# timing`: reported, never asserted)."""
    tree, lines = cell
    found = []
    for node in ast.walk(tree):
        calls = [node.value] if isinstance(node, ast.Assign | ast.Expr) else []
        for call in calls:
            if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "glue" and call.args
                    and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
                line = lines[node.lineno - 1]
                value = call.args[1] if len(call.args) > 1 else None
                sources_ = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)} if value is not None else set()
                if (value is None or _literal(value) or "# setting" in line or "# timing" in line
                        or (sources_ and sources_ <= settings | _BUILTINS)):
                    continue
                names = {t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)} | sources_
                found.append((call.args[0].value, names - _BUILTINS))
    return found


_BUILTINS = {"np", "nl", "math", "float", "int", "len", "round", "min", "max", "sum", "abs", "range", "list"}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_number_in_the_text_is_asserted_near_where_it_is_glued(path):
    """A measured number the prose states must be checked: an assert in the gluing cell or one of the
    next two code cells must use the variable the value is bound to, or one it is computed from.
    Settings (literals, names bound only to literals, lines marked `# setting`) and timings (`# timing`,
    reported as measurements, never asserted) are exempt."""
    notebook = load(path)
    used = set(re.findall(r"\{glue:(?:text|)\}`([^`:]+)", "\n".join(sources(notebook, "markdown"))))
    cells = _code_cells(notebook)
    settings = _settings(cells)
    asserted = [{n.id for a in ast.walk(tree) if isinstance(a, ast.Assert) for n in ast.walk(a)
                 if isinstance(n, ast.Name)} for tree, _ in cells]
    unchecked = []
    for i, cell in enumerate(cells):
        nearby = set().union(*asserted[i:i + 3])
        for key, names in _glued_names(cell, settings):
            if key in used and names and not names & nearby:
                unchecked.append(key)
    assert not unchecked, (f"{path.name}: glued numbers the text states but no nearby assert checks "
                           f"(assert on the variable, in the same cell or the next two): {sorted(unchecked)}")


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


def prose_words(notebook):
    """Words of prose: whitespace-separated tokens of the Markdown cells, solutions included, after
    removing math ($...$, $$...$$) and code (inline and fenced), as the issue on length defines them."""
    text = "\n".join(sources(notebook, "markdown"))
    text = re.sub(r"```.*?```|~~~.*?~~~|\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]+`", " ", text, flags=re.S)
    return len(text.split())


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_each_chapter_keeps_its_word_budget(path):
    budget = 1500 if path.name.startswith("00_") else 4500
    words = prose_words(load(path))
    assert words <= budget, f"{path.name}: {words} words of prose, over the budget of {budget}"


def test_chapters_0_to_8_together_keep_their_budget():
    words = {p.name: prose_words(load(p)) for p in CHAPTERS if p.name[:2].isdigit() and int(p.name[:2]) <= 8}
    assert len(words) == 9 and sum(words.values()) <= 32000, f"{sum(words.values())} words in chapters 0-8: {words}"


def test_the_word_count_removes_math_and_code():
    notebook = {"cells": [{"cell_type": "markdown", "source": ["Two words $x + y$ and `code here`\n",
                                                                "```python\nx = 1\n```\n$$a = b$$ end"]}]}
    assert prose_words(notebook) == 4  # Two, words, and, end
