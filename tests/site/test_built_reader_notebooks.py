"""The reader notebooks that the book build wrote (_build/html/notebooks), for every chapter.

tests/test_reader_notebooks.py runs the converter on the committed chapters without Sphinx; this
checks what the build itself produced through the Sphinx path of _ext/reader_notebooks.py (glue
from myst-nb's glue.json, exercise numbers from toc_fignumbers, glossary anchors from the std
domain's terms, labels, citations): no raw MyST, every glued number as the build computed it, the
exercises numbered as on the page, solutions folded, links that resolve in the built site, the
download button serving the same notebook, and a first code cell that installs the engine on Colab
from the published branch. It runs after the build (`make site-test`) and never skips: a missing
notebook or glue file fails.
"""

import functools
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tests")]
import launch  # noqa: E402
import reader_notebooks as rn  # noqa: E402
from test_reader_notebooks import RAW, glued_keys, prose, source  # noqa: E402

CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
EXERCISE_ON_PAGE = re.compile(r'<div class="exercise admonition" id="([^"]+)">\s*<p class="admonition-title">'
                              r'<span class="caption-number">Exercise ([\d.]+) ')
EXERCISE_IN_NOTEBOOK = re.compile(r'<a id="([^"]+)"></a>\*\*Exercise ([\d.]+)\*\*')


def built(site_dir, name):
    path = site_dir / rn.READER_DIR / "chapters" / f"{name}.ipynb"
    assert path.is_file(), f"{name}: the build wrote no reader notebook at {path}"
    return nbformat.read(path, as_version=4)


def markdown_of(notebook):
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@functools.cache
def ids_in(path):
    return set(re.findall(r'\b(?:id|name)="([^"]+)"', Path(path).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_raw_myst_and_every_number_the_build_computed(site_dir, name):
    reader = built(site_dir, name)
    glue_file = site_dir.parent / "jupyter_execute" / "chapters" / f"{name}.glue.json"
    assert glue_file.is_file(), f"{name}: no glue data at {glue_file}; the build did not execute the chapter"
    glue = json.loads(glue_file.read_text(encoding="utf-8"))
    for cell in reader.cells:
        if cell.cell_type == "markdown":
            for pattern in RAW:
                match = pattern.search(prose(cell.source))
                assert match is None, f"{name}: raw MyST {match.group(0)!r} in the built reader notebook"
            assert "⟨not computed" not in cell.source
    text = markdown_of(reader)
    used = glued_keys(source(name))
    assert used, f"{name}: a chapter without a single glued number"
    for key, fmt in used:
        assert key in glue, f"{name}: the text uses {key!r}, which the build did not glue"
        value = rn._escape(rn._format_plain_text(glue[key]["data"]["text/plain"], fmt or "s"))
        assert value in text, f"{name}: the built notebook should read {value!r} for {key}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_exercises_numbered_as_on_the_page_and_solutions_folded(site_dir, name):
    text = markdown_of(built(site_dir, name))
    page = dict(EXERCISE_ON_PAGE.findall((site_dir / "chapters" / f"{name}.html").read_text(encoding="utf-8")))
    assert page, f"{name}: no numbered exercise on the page"
    assert dict(EXERCISE_IN_NOTEBOOK.findall(text)) == page, f"{name}: exercise numbers differ from the page's"
    authored = markdown_of(source(name))
    solutions = len(re.findall(r"^:::+\{solution\}", authored, re.M))
    assert text.count("<details>") == text.count("</details>") == solutions >= 3, f"{name}: each solution folded"
    summaries = re.findall(r"<summary>Solution to Exercise ([\d.]+)</summary>", text)
    assert len(summaries) == solutions and set(summaries) <= set(page.values())
    assert "Solutions are folded" in text and "student edition" not in text


@pytest.mark.parametrize("name", CHAPTERS)
def test_links_resolve_in_the_built_site(site_dir, name):
    """Relative links (sibling notebooks, site pages) and links to the public site (mapped onto
    the build) name a file that exists and, for a page, an id in it (glossary terms, labels)."""
    text = markdown_of(built(site_dir, name))
    here = site_dir / rn.READER_DIR / "chapters"
    public = rn.site_url_from(launch.repository_url())
    links = re.findall(r"\]\((\S+?)\)", text) + re.findall(r'href="([^"]+)"', text)
    assert len(links) >= 5, f"{name}: almost no links in the reader notebook"
    broken = []
    for link in dict.fromkeys(links):
        url = urlparse(link)
        if public and link.startswith(public + "/"):
            target = site_dir / unquote(url.path).removeprefix(urlparse(public).path).lstrip("/")
        elif url.scheme:
            continue  # DOIs and other external references (never fetched)
        else:
            target = (here / unquote(url.path)).resolve() if url.path else here / f"{name}.ipynb"
        if not target.is_file():
            broken.append(f"{link}: no file {target}")
        elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in ids_in(target):
            broken.append(f"{link}: no id {url.fragment!r} in {target.relative_to(site_dir)}")
    assert not broken, f"{name}: broken links in the reader notebook:\n" + "\n".join(broken[:20])


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_cells_and_the_colab_install_from_the_published_branch(site_dir, name):
    path = site_dir / rn.READER_DIR / "chapters" / f"{name}.ipynb"
    reader = built(site_dir, name)
    download = site_dir / "_sources" / "chapters" / f"{name}.ipynb"
    assert download.is_file() and download.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), \
        f"{name}: the download button should serve the reader notebook"
    code = [c for c in reader.cells if c.cell_type == "code"]
    authored = [c.source for c in source(name).cells if c.cell_type == "code"]
    assert [c.source for c in code[1:]] == authored[1:] and code[0].source.endswith(authored[0])
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    repository = launch.repository_url()
    if repository is None:
        assert "BOOK_REPOSITORY_URL" in code[0].source and "subprocess" not in code[0].source
        return
    branch = launch.repository_branch()
    assert branch == "gh-pages", "the buttons and the Colab install use _config.yml's repository.branch"
    installs = re.findall(r'"(git\+[^"]+)"', code[0].source)
    assert installs == [f"git+{repository}@{branch}"], f"{name}: the Colab cell installs {installs}"
