"""The reader notebooks (JupyterLab, Binder, Colab) read like the site: no raw MyST, every glued
number in place, links between chapters, folded solutions, and a first code cell that installs the
engine on Colab from the one configured repository URL.

The converter (_ext/reader_notebooks.py) runs here on the committed chapters with fake glue data,
so these tests need no build. The notebooks an actual build wrote, through the Sphinx path, are
checked after the build by tests/site/test_built_reader_notebooks.py (which never skips)."""

import dataclasses
import functools
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import reader_notebooks as rn  # noqa: E402

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
URL = "https://github.com/example-owner/example-book"
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}(`+)(.+?)\1")
# Raw MyST that must not survive: roles, directive fences and options, label lines.
RAW = [re.compile(p, re.M) for p in (r"\{[a-z][\w:.-]*\}`", r"^\s*(`{3,}|:{3,})\{", r"^\s*:(label|class|nonumber):",
                                      r"^\s*\([^()\s]+\)=\s*$", r"\{glue", r"\{cite",
                                      r"\{(doc|ref|numref|term|eq|math|download|abbr)\}")]


def prose(markdown):
    """The Markdown without fenced code and code spans, which the site shows literally too."""
    markdown = re.sub(r"^(\s*)(`{3,})[^`\n]*\n.*?^\1\2\s*$", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", markdown, flags=re.S)


def source(name):
    return nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)


def glued_keys(notebook):
    """(key, format or None) of every glue role in the notebook's Markdown, outside code."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for _, content in GLUE_ROLE.findall(without_code_spans(cell.source)):
                key, _, fmt = content.partition(":")
                found.append((key, fmt or None))
    return found


def without_code_spans(markdown):
    """Drop code spans but keep roles (a role's content looks like a code span that follows `{name}`)."""
    out, pos = [], 0
    for run in re.finditer(r"`+", markdown):
        if run.start() < pos:
            continue
        close = re.compile(r"(?<!`)" + run.group(0) + r"(?!`)").search(markdown, run.end())
        if close is None:
            continue
        is_role = re.search(r"\{[a-z][\w:.-]*\}$", markdown[:run.start()]) is not None
        out.append(markdown[pos:run.start()] + (markdown[run.start():close.end()] if is_role else ""))
        pos = close.end()
    return "".join(out) + markdown[pos:]


GLUE_MD_DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\{glue:md\}\s+(\S+)", re.M)


def fake_glue(notebook):
    """A distinct value per key, valid for every format spec the text uses ('d', ',d', '.2e', '%', ...);
    a Markdown table for each {glue:md} directive."""
    keys = sorted({key for key, _ in glued_keys(notebook)})
    glue = {key: {"data": {"text/plain": repr(1000 + 7 * i + 0.5)}} for i, key in enumerate(keys)}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for _, key in GLUE_MD_DIRECTIVE.findall(cell.source):
                glue[key] = {"data": {"text/plain": "<Markdown>", "text/markdown": f"| {key} |\n| --- |\n| 1 |"}}
    return glue


@functools.cache
def book(repository, hide_solutions=False):
    return rn.book_context(ROOT, "", {}, repository, hide_solutions=hide_solutions)


def convert(name, glue=None, repository=URL, hide_solutions=False):
    notebook = source(name)
    ctx = dataclasses.replace(book(repository, hide_solutions), docname=f"chapters/{name}", problems=[],
                              used_keys=[], glue=fake_glue(notebook) if glue is None else glue)
    return notebook, rn.reader_notebook(notebook, ctx), ctx


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_raw_myst_and_every_glued_number_in_place(name):
    notebook, reader, ctx = convert(name)
    assert not ctx.problems, f"{name}: " + "; ".join(ctx.problems)
    nbformat.validate(reader)
    markdown = [c.source for c in reader.cells if c.cell_type == "markdown"]
    for text in markdown:
        for pattern in RAW:
            match = pattern.search(prose(text))
            assert match is None, f"{name}: raw MyST {match.group(0)!r} left in:\n{text[:400]}"
    everything = "\n".join(markdown)
    used = glued_keys(notebook)
    tables = {key: bundle["data"]["text/markdown"] for key, bundle in ctx.glue.items()
              if "text/markdown" in bundle["data"]}
    assert {key for key, _ in ctx.used_keys} == {key for key, _ in used} | set(tables), \
        f"{name}: a glued key was not replaced"
    for key, table in tables.items():
        assert table in everything, f"{name}: the {{glue:md}} table {key} should be pasted as Markdown"
    for key, fmt in used:
        plain = ctx.glue[key]["data"]["text/plain"]
        expected = rn._escape(rn._format_plain_text(plain, "s" if fmt is None else fmt))
        assert expected in everything, f"{name}: {key}:{fmt} should read {expected!r}"
    assert "⟨not computed" not in everything


@pytest.mark.parametrize("name", CHAPTERS)
def test_exercises_links_and_code(name):
    notebook, reader, _ = convert(name)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    out = "\n".join(c.source for c in reader.cells if c.cell_type == "markdown")
    solutions = len(re.findall(r"^:::+\{solution\}", text, re.M))
    assert solutions >= 3, f"{name}: the chapter should have exercises with solutions"
    assert out.count("<details>") == out.count("</details>") == solutions, f"{name}: every solution folded once"
    assert len(re.findall(r"\*\*Exercise [\d.]+\*\*", out)) == len(re.findall(r"^:::+\{exercise\}", text, re.M))
    for target in re.findall(r"\]\(([^)#:]+\.ipynb)(?:#[^)]*)?\)", out):
        assert (ROOT / "chapters" / target).exists(), f"{name}: link to a missing chapter notebook {target}"
    # code cells: the authored code, outputs cleared, the first one behind the Colab lines
    code_in = [c.source for c in notebook.cells if c.cell_type == "code"]
    code_out = [c for c in reader.cells if c.cell_type == "code"]
    assert [c.source for c in code_out[1:]] == code_in[1:]
    assert code_out[0].source.endswith(code_in[0])
    assert all(c.outputs == [] and c.execution_count is None for c in code_out)


def test_colab_cell_installs_from_the_published_branch_of_the_configured_url(monkeypatch):
    """Not the default branch's HEAD: the branch the buttons open, which carries the engine that
    the notebook was built with (tools/pages_tree.py)."""
    monkeypatch.setenv("BOOK_REPOSITORY_URL", URL + "/")
    configured = rn.repository_url(None)
    assert configured == URL, "BOOK_REPOSITORY_URL is the one setting, without its trailing slash"
    branch = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["branch"]
    launch = pytest.importorskip("launch")
    assert branch == launch.repository_branch() == "gh-pages"
    assert launch.launch_targets(URL, "chapters/02_sigmoid")["colab"].split("/blob/")[1].startswith(branch + "/")
    _, reader, ctx = convert("02_sigmoid", repository=configured)
    assert ctx.repository_branch == branch
    first = next(c for c in reader.cells if c.cell_type == "code")
    assert re.findall(r'"git\+([^"]+)"', first.source) == [f"{URL}@{branch}"]
    guard = 'if "google.colab" in sys.modules and importlib.util.find_spec("nonlin") is None:'
    assert first.source.splitlines()[2] == guard, "the install runs on Colab only, and only without the engine"

    prelude = "\n".join(rn.colab_setup_lines(configured))
    calls = []
    monkeypatch.setattr("subprocess.run", lambda command, check: calls.append(command))
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    exec(prelude, {})  # not on Colab: nothing happens
    assert calls == []
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    exec(prelude, {})  # on Colab, with the engine missing: one pip install from the repository
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", f"git+{URL}@gh-pages"]]


def test_without_a_url_the_colab_cell_explains(monkeypatch):
    monkeypatch.delenv("BOOK_REPOSITORY_URL", raising=False)
    launch = pytest.importorskip("launch")  # _ext/launch.py owns the setting; the converter reads it there
    assert rn.repository_url(None) == launch.repository_url(None)
    _, reader, _ = convert("02_sigmoid", repository=None)
    first = next(c for c in reader.cells if c.cell_type == "code")
    assert "subprocess" not in first.source and "BOOK_REPOSITORY_URL" in first.source
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    with pytest.raises(ModuleNotFoundError, match="pip install"):
        exec("\n".join(rn.colab_setup_lines(None)), {})


def test_glue_is_formatted_as_myst_nb_formats_it():
    ctx = rn.Context(docname="chapters/x", glue={"a": {"data": {"text/plain": "0.123456"}},
                                                 "n": {"data": {"text/plain": "12345"}},
                                                 "s": {"data": {"text/plain": "'[3, 7]'"}}})
    text = "{glue:text}`a:.2f`, {glue:text}`a:.1%`, {glue:text}`n:,d`, {glue:text}`s`, {glue}`n`, ``{glue:text}`a` ``"
    assert rn.convert_inline(text, ctx) == r"0.12, 12.3%, 12,345, \[3, 7\], 12345, ``{glue:text}`a` ``"
    rn.convert_inline("{glue:text}`missing:.2f`", ctx)
    assert ctx.problems == ["glue key 'missing' is used in the text but was not glued by the executed notebook"]


def test_the_extension_is_registered():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"].get("reader_notebooks") == "_ext"


def test_the_reader_note_and_links_follow_the_edition():
    _, full, ctx = convert("02_sigmoid")
    note = next(c.source for c in full.cells if c.id == "reader-note")
    assert "Solutions are folded" in note and ctx.site_url in note
    _, student, ctx = convert("02_sigmoid", hide_solutions=True)
    note = next(c.source for c in student.cells if c.id == "reader-note")
    assert "student edition" in note and "Solutions are folded" not in note
    text = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert "<details>" not in text and ctx.site_url is None
    assert rn.site_url_from(URL) not in text, "the student edition links nothing to the public (full) site"
    first = next(c for c in student.cells if c.cell_type == "code")
    assert re.findall(r'"git\+([^"]+)"', first.source) == [f"{URL}@gh-pages"], "the engine is no solution"
