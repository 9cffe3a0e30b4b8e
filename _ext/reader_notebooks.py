"""Reader notebooks: each chapter as a notebook whose prose reads like the site.

The authored notebooks in chapters/ are the single source. Their Markdown is MyST: numbers are
glue roles, cross-references are roles, exercises and admonitions are directives. JupyterLab,
Binder and Colab render plain Markdown, so there a chapter would show "{glue:text}`key:.3f`"
where a number belongs. After every HTML build this extension writes, for every notebook page,

    _build/html/notebooks/<docname>.ipynb   (e.g. notebooks/chapters/02_sigmoid.ipynb)

and puts the same notebook in _build/html/_sources/, which the site's download button serves:

- {glue:text}`key:fmt`, {glue}`key` become the value the build computed, formatted exactly as
  myst-nb formats it (the glue data is myst-nb's <docname>.glue.json beside the executed notebook);
- {doc} and {ref} become Markdown links to the sibling reader notebook, or to the site's page for
  a page that is not a notebook; {term} links to the glossary, {cite} becomes "(Author, Year)"
  linked to the references page, {eq} and {numref} become their numbers;
- (label)= lines go; exercises become bold-titled blocks numbered as on the site, solutions are
  folded into <details>, admonitions become blockquotes with a bold title; math stays $/$$;
- each code cell that draws figures is followed by a Markdown cell with their written descriptions
  (the site's alt text, `_ext/figure_descriptions.py`);
- code cells are kept with their outputs cleared, and the first one (the setup cell) installs
  the engine when it runs on Colab, from the book's repository URL (BOOK_REPOSITORY_URL, else
  `repository.url` in _config.yml; see `repository_url`) at the published branch
  (`repository.branch`, gh-pages), the branch the launch buttons open: the Pages workflow puts the
  engine's package there beside the site it was built with, so the notebook and the engine come
  from one commit. Without a URL the cell says how to install it instead.

Links to other chapters are relative (`03_tanh.ipynb`): JupyterLab and Binder open them beside the
notebook, and so does Colab for a notebook it opened from GitHub (the launch button; Colab
resolves sibling links there, googlecolab/colabtools#3877). A single notebook downloaded or
uploaded on its own has no siblings; the reader note at the top says to move between chapters on
the website then.

The student edition (hide_solutions) leaves the solutions out, says so in the reader note, and
links nothing to the public website, which is the full edition.

A glue key the text uses but the build did not compute is a warning, so `-W` builds fail on it.
The conversion itself (`reader_notebook`) needs no Sphinx: tests/test_reader_notebooks.py runs it
on the committed chapters.
"""

import json
import posixpath
import re
from ast import literal_eval
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

READER_DIR = "notebooks"  # under the site's root; launch buttons use `path_to_book: notebooks`
REFERENCES_DOC = "appendices/references"
GLOSSARY_DOC = "appendices/glossary"
ADMONITION_TITLES = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error", "seealso": "See also",
}
# What must never reach a reader notebook's Markdown (outside code): tests/test_reader_notebooks.py
RAW_MYST = ["{glue", "{doc}", "{cite", "{ref}", "{term}", "{numref}", "{eq}", "```{", ":::{", ":label:", ":class:"]
MISSING = "⟨not computed: {key}⟩"


def repository_url(app=None):
    """The book's public repository URL, or None: `_ext/launch.py` owns this one setting."""
    from launch import repository_url as shared  # _ext is on the path, as for every local extension

    return shared(app) or None


def site_url_from(repository, baseurl=""):
    """Where the site is published: html_baseurl, else GitHub Pages' address for a github.com repo."""
    if baseurl:
        return baseurl.rstrip("/")
    match = re.match(r"https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", repository or "")
    return f"https://{match.group(1).lower()}.github.io/{match.group(2)}" if match else None


@dataclass
class Context:
    """What converting one document needs to know about the book."""

    docname: str                                          # "chapters/02_sigmoid"
    glue: dict = field(default_factory=dict)              # key -> mime bundle (myst-nb's glue.json)
    other_glue: dict = field(default_factory=dict)        # docname -> glue, for {glue:text}`doc::key`
    titles: dict = field(default_factory=dict)            # docname -> title
    notebooks: set = field(default_factory=set)           # docnames that get a reader notebook
    citations: dict = field(default_factory=dict)         # bib key -> (authors, year)
    terms: dict = field(default_factory=dict)             # term, lower case -> (docname, anchor)
    labels: dict = field(default_factory=dict)            # label -> (docname, anchor, title)
    equations: dict = field(default_factory=dict)         # label -> (docname, number)
    exercise_numbers: dict = field(default_factory=dict)  # exercise label -> "2.1"
    repository_url: str | None = None
    repository_branch: str | None = "gh-pages"            # the Colab cell installs the engine from it
    site_url: str | None = None
    hide_solutions: bool = False                          # the student edition leaves solutions out
    figures: dict = field(default_factory=dict)           # code cell id -> descriptions of the figures it draws
    problems: list = field(default_factory=list)          # sentences; the extension logs them as warnings
    used_keys: list = field(default_factory=list)         # (key, text it became)
    _exercise_count: int = 0


# --- values --------------------------------------------------------------------------------------

def _format_plain_text(text, fmt_spec):
    """myst-nb's formatting of glued text/plain (myst_nb.core.variables.format_plain_text)."""
    try:
        from myst_nb.core.variables import format_plain_text
    except ImportError:
        format_plain_text = None
    if format_plain_text is not None:
        return format_plain_text(text, fmt_spec)
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    kind = fmt_spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


def _escape(text):
    """Markdown-escape a pasted value (it is text, not markup)."""
    return re.sub(r"([\\`*_\[\]<>$|#])", r"\\\1", text)


def _glue_value(role, content, ctx):
    # exactly myst-nb's reading: {glue:text}`key:fmt` (format "s" without one); {glue}`key` unformatted
    key, fmt = content.rsplit(":", 1) if role == "glue:text" and ":" in content else (content, None)
    key = key.strip()
    data = ctx.glue
    if "::" in key:
        doc, key = key.split("::", 1)
        data = ctx.other_glue.get(_resolve_doc(ctx.docname, doc), {})
    bundle = data.get(key)
    if bundle is None or not isinstance(bundle, dict):
        ctx.problems.append(f"glue key {key!r} is used in the text but was not glued by the executed notebook")
        return MISSING.format(key=key)
    bundle = bundle.get("data", bundle)
    if role == "glue:md" and "text/markdown" in bundle:
        text = bundle["text/markdown"]
    elif "text/plain" not in bundle:
        ctx.problems.append(f"glue key {key!r} has no text/plain value")
        return MISSING.format(key=key)
    elif role == "glue:text":
        text = _escape(_format_plain_text(bundle["text/plain"], "s" if fmt is None else fmt))
    else:  # {glue} / {glue:any}: myst-nb pastes the text/plain as it is
        text = _escape(bundle["text/plain"])
    ctx.used_keys.append((key, text))
    return text


# --- links ---------------------------------------------------------------------------------------

def _resolve_doc(current, target):
    target = target.strip()
    if target.endswith((".ipynb", ".md")):
        target = target.rsplit(".", 1)[0]
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(current), target))


def _href(ctx, docname, anchor=None):
    """A link from this reader notebook to `docname`: its reader notebook, or its page on the site."""
    here = posixpath.dirname(ctx.docname)
    if docname == ctx.docname:
        url = ""
    elif docname in ctx.notebooks:
        url = posixpath.relpath(docname + ".ipynb", here or ".")
    elif ctx.site_url:
        url = f"{ctx.site_url}/{docname}.html"
    else:  # the page beside the notebooks folder in the published site
        url = posixpath.relpath(docname + ".html", posixpath.join(READER_DIR, here))
    if anchor:
        url += "#" + anchor
    return url or "#"


def _link(text, url):
    return f"[{text.replace('[', chr(92) + '[').replace(']', chr(92) + ']')}]({url})"


def _explicit(content):
    """`text <target>` -> (text, target); `target` -> (None, target)."""
    match = re.match(r"^(.*?)\s*<([^<>]+)>\s*$", content, re.S)
    return (match.group(1).strip() or None, match.group(2)) if match else (None, content.strip())


def _cite(role, content, ctx):
    keys = [k.strip() for k in content.split(",") if k.strip()]
    parts = []
    url = _href(ctx, REFERENCES_DOC)
    for key in keys:
        if key not in ctx.citations:
            ctx.problems.append(f"citation {key!r} is not in the bibliography")
            parts.append((key, "n.d."))
        else:
            parts.append(ctx.citations[key])
    style = role.split(":", 1)[1] if ":" in role else "p"
    if style in ("t", "ts", "ct", "cts"):
        return "; ".join(f"{authors} ({_link(year, url)})" for authors, year in parts)
    if style == "year":
        return "; ".join(_link(year, url) for _, year in parts)
    if style in ("author", "authors"):
        return "; ".join(authors for authors, _ in parts)
    return "(" + _link("; ".join(f"{authors}, {year}" for authors, year in parts), url) + ")"


def convert_role(role, content, ctx):
    """The Markdown a MyST role becomes."""
    if role.startswith("glue"):
        return _glue_value(role, content, ctx)
    if role == "doc":
        text, target = _explicit(content)
        docname = _resolve_doc(ctx.docname, target)
        if docname not in ctx.titles:
            ctx.problems.append(f"{{doc}} target {target!r} is not a page of the book")
        return _link(text or ctx.titles.get(docname, target), _href(ctx, docname))
    if role in ("ref", "numref"):
        text, label = _explicit(content)
        if label in ctx.exercise_numbers:
            docname, anchor, title = ctx.labels.get(label, (ctx.docname, label, ""))
            number = ctx.exercise_numbers[label]
            title = f"Exercise {number}"
        elif label in ctx.labels:
            docname, anchor, title = ctx.labels[label]
            number = ""
        else:
            ctx.problems.append(f"{{{role}}} target {label!r} is not a label of the book")
            return _escape(text or label)
        text = (text or title or label).replace("%s", number).replace("{number}", number)
        return _link(text, _href(ctx, docname, anchor))
    if role == "term":
        text, target = _explicit(content)
        docname, anchor = ctx.terms.get(target.lower(), (GLOSSARY_DOC, None))
        return _link(text or target, _href(ctx, docname, anchor))
    if role.startswith("cite"):
        return _cite(role, content, ctx)
    if role == "eq":
        text, label = _explicit(content)
        number = ctx.equations.get(label, (None, label))[1]
        return text or f"({number})"
    if role == "math":
        return f"${content}$"
    if role in ("sub", "sup", "kbd"):
        return f"<{role}>{content}</{role}>"
    if role in ("code", "literal", "samp", "file"):
        return f"`{content}`"
    if role in ("guilabel", "menuselection", "strong"):
        return f"**{content}**"
    if role == "abbr":
        return _escape(content)
    return _escape(_explicit(content)[0] or _explicit(content)[1])


# --- inline and block conversion -----------------------------------------------------------------

ROLE_OR_TICKS = re.compile(r"(\{[A-Za-z][\w:.+-]*\})?(`+)")


def convert_inline(text, ctx):
    """Replace roles in a run of Markdown text; code spans stay as they are."""
    out, pos = [], 0
    while True:
        match = ROLE_OR_TICKS.search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        ticks = len(match.group(2))
        close = re.compile(r"(?<!`)`{" + str(ticks) + r"}(?!`)").search(text, match.end())
        if close is None:  # a lone backtick run is literal text
            out.append(text[pos:match.end()])
            pos = match.end()
            continue
        out.append(text[pos:match.start()])
        content = text[match.end():close.start()]
        if match.group(1):
            if ticks > 1 and content.startswith(" ") and content.endswith(" ") and content.strip():
                content = content[1:-1]
            out.append(convert_role(match.group(1)[1:-1], content, ctx))
        else:
            out.append(text[match.start():close.end()])
        pos = close.end()


FENCE = re.compile(r"^(\s*)(`{3,}|:{3,})(.*)$")
LABEL_LINE = re.compile(r"^\s*\(([^()\s]+)\)=\s*$")
MATH_LABEL = re.compile(r"^(.*\$\$)\s*\(([^()\s]+)\)\s*$")


def _split_options(body):
    options, rest = {}, list(body)
    if rest and rest[0].strip() == "---":
        end = next((i for i in range(1, len(rest)) if rest[i].strip() == "---"), None)
        if end is not None:
            import yaml

            options = yaml.safe_load("\n".join(rest[1:end])) or {}
            return {str(k): str(v) for k, v in options.items()}, rest[end + 1:]
    while rest and re.match(r"^\s*:[\w-]+:", rest[0]):
        key, _, value = rest.pop(0).strip()[1:].partition(":")
        options[key] = value.strip()
    while rest and not rest[0].strip():
        rest.pop(0)
    return options, rest


def _quote(lines):
    return [("> " + line).rstrip() if line.strip() else ">" for line in lines]


def _details(summary, lines):
    return ["<details>", f"<summary>{summary}</summary>", "", *lines, "", "</details>"]


def convert_directive(name, argument, body, ctx):
    options, content = _split_options(body)
    argument = argument.strip()
    if name in ("code-block", "code", "sourcecode", "code-cell"):
        return [f"```{argument.split()[0] if argument else ''}", *content, "```"]
    if name == "math":
        label = options.get("label")
        tag = [rf"\tag{{{ctx.equations[label][1]}}}"] if label in ctx.equations else []
        return ["$$", *content, *tag, "$$"]
    inner = convert_blocks(content, ctx)
    if name == "exercise":
        ctx._exercise_count += 1
        label = options.get("label")
        number = ctx.exercise_numbers.get(label) or str(ctx._exercise_count)
        if label:
            ctx.exercise_numbers.setdefault(label, number)
        title = f"**Exercise {number}**" + (f" ({convert_inline(argument, ctx)})" if argument else "")
        anchor = f'<a id="{label}"></a>' if label else ""
        return _quote([anchor + title, "", *inner])
    if name == "solution":
        if ctx.hide_solutions:
            return []
        number = ctx.exercise_numbers.get(argument)
        return _details(f"Solution to Exercise {number}" if number else "Solution", inner)
    if name == "admonition" or name in ADMONITION_TITLES or name in ("dropdown", "margin", "sidebar", "topic"):
        title = convert_inline(argument, ctx) if argument else ADMONITION_TITLES.get(name, name.capitalize())
        if name == "dropdown" or "dropdown" in options.get("class", "").split():
            return _details(title, inner)
        return _quote([f"**{title}**", "", *inner])
    if name in ("glue:figure", "glue", "glue:any", "glue:md", "glue:math"):
        return [_glue_value("glue:md" if name == "glue:md" else "glue:any", argument, ctx), *inner]
    ctx.problems.append(f"directive {{{name}}} has no reader-notebook form; it is shown as a quote")
    return _quote([f"**{convert_inline(argument, ctx) or name.capitalize()}**", "", *inner])


def convert_blocks(lines, ctx):
    """Convert a list of MyST Markdown lines to plain Markdown lines."""
    out, paragraph, i = [], [], 0

    def flush():
        if paragraph:
            out.extend(convert_inline("\n".join(paragraph), ctx).split("\n"))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence and (fence.group(2)[0] == "`" or fence.group(3).lstrip().startswith("{")):
            flush()
            indent, marks, info = fence.groups()
            j = i + 1
            while j < len(lines):
                closing = re.match(r"^\s*(`{3,}|:{3,})\s*$", lines[j])
                if closing and closing.group(1)[0] == marks[0] and len(closing.group(1)) >= len(marks):
                    break
                j += 1
            body = [b[len(indent):] if b.startswith(indent) else b.lstrip() for b in lines[i + 1:j]]
            directive = re.match(r"^\{([\w:.-]+)\}(.*)$", info.strip())
            if directive:
                converted = convert_directive(directive.group(1), directive.group(2), body, ctx)
            else:  # a code block: verbatim
                converted = [marks + info, *body, marks]
            out.extend((indent + c) if c else c for c in converted)
            i = j + 1
            continue
        if LABEL_LINE.match(line) or re.match(r"^%", line):  # labels and MyST comments
            flush()
            i += 1
            continue
        if line.strip().startswith("$$"):
            flush()
            j = i if line.strip().count("$$") >= 2 else next(
                (k for k in range(i + 1, len(lines)) if "$$" in lines[k]), len(lines) - 1)
            block = lines[i:j + 1]
            label = MATH_LABEL.match(block[-1])
            if label:
                block[-1] = label.group(1)
                if label.group(2) in ctx.equations:
                    block[-1] = block[-1][:-2] + rf"\tag{{{ctx.equations[label.group(2)][1]}}}$$"
            out.extend(block)
            i = j + 1
            continue
        if not line.strip():
            flush()
            out.append(line)
        else:
            paragraph.append(line)
        i += 1
    flush()
    return out


def convert_markdown(source, ctx):
    text = "\n".join(convert_blocks(source.split("\n"), ctx))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# --- the notebook --------------------------------------------------------------------------------

def install_target(repository, branch):
    """What `pip install` gets on Colab: the repository at the branch the launch buttons open."""
    return "git+" + repository.rstrip("/") + (f"@{branch}" if branch else "")


def colab_setup_lines(repository, branch="gh-pages"):
    """The lines that open the setup cell: on Colab only, install the engine if it is missing."""
    head = [
        "import importlib.util",
        "import sys",
        'if "google.colab" in sys.modules and importlib.util.find_spec("nonlin") is None:',
    ]
    if repository:
        url = install_target(repository, branch)
        return head + [
            "    # On Colab, install the book's engine, nonlin, from the branch the book is published on.",
            "    import subprocess",
            f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{url}"], check=True)',
        ]
    return head + [
        "    raise ModuleNotFoundError(",
        "        \"This copy of the book was built without its repository's address (BOOK_REPOSITORY_URL), \"",
        "        \"so it cannot install its engine, nonlin, by itself. Install it with \"",
        "        \"`!pip install git+https://github.com/OWNER/NAME` (the book's repository), \"",
        "        \"then run this cell again.\")",
    ]


def reader_note(ctx):
    book = f"[the book's website]({ctx.site_url}/{ctx.docname}.html)" if ctx.site_url else "the book's website"
    solutions = ("This is the student edition: the exercises' solutions are left out." if ctx.hide_solutions
                 else "Solutions are folded: click *Solution* to open one.")
    return (f"> *This is the reader's copy of a chapter of {book}.* The numbers in the text were computed when "
            f"the book was built; running the cells (Run ▸ Run All Cells) computes them again. {solutions} "
            "Links to other chapters open their notebooks beside this one; in a notebook downloaded on its "
            "own, move between chapters on the website.")


def figure_caption(cell_id, descriptions):
    """The written description of the figures a code cell draws, as a Markdown cell below it: the site's
    alt text, for readers who cannot see the figure once they run the cell."""
    lines = [f"> *Figure, drawn by the cell above:* {_escape(text)}" if len(descriptions) == 1 else
             f"> *Figure {i}, drawn by the cell above:* {_escape(text)}" for i, text in enumerate(descriptions, 1)]
    caption = nbformat.v4.new_markdown_cell("\n>\n".join(lines))
    caption.id = f"figure-{cell_id}"[:64]
    caption.metadata["nonlin_figure_descriptions"] = list(descriptions)
    return caption


def reader_notebook(notebook, ctx):
    """The reader's notebook for an authored notebook (an nbformat NotebookNode; not modified)."""
    reader = nbformat.from_dict(json.loads(json.dumps(notebook)))
    cells, setup_done = [], False
    for index, cell in enumerate(reader.cells):
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(cell.source, ctx)
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if not setup_done:
                cell.source = ("\n".join(colab_setup_lines(ctx.repository_url, ctx.repository_branch))
                               + "\n\n" + cell.source)
                setup_done = True
        cells.append(cell)
        if cell.cell_type == "code" and ctx.figures.get(cell.get("id")):
            cells.append(figure_caption(cell.id, ctx.figures[cell.id]))
        if index == 0 and cell.cell_type == "markdown":
            note = nbformat.v4.new_markdown_cell(reader_note(ctx))
            note.id = "reader-note"
            cells.append(note)
    reader.cells = cells
    reader.metadata["nonlin_reader"] = {"source": ctx.docname + ".ipynb",
                                        "generated_by": "_ext/reader_notebooks.py"}
    return reader


# --- what the book knows, without Sphinx (tests, tools) and from Sphinx (the build) --------------

def load_citations(bibfiles):
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    def plain(latex):
        return Text.from_latex(latex).render_as("text")

    citations = {}
    for bibfile in bibfiles:
        for key, entry in parse_file(str(bibfile)).entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [plain(" ".join(p.prelast_names + p.last_names)) for p in people]
            if names and names[-1] == "others":
                names = names[:1] + ["others"]
            if len(names) >= 3 or "others" in names:
                authors = f"{names[0]} et al."
            elif len(names) == 2:
                authors = f"{names[0]} and {names[1]}"
            else:
                authors = names[0] if names else plain(entry.fields.get("title", key))
            citations[key] = (authors, plain(entry.fields.get("year", "n.d.")))
    return citations


def _first_heading(path):
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    match = re.search(r"^#\s+(.+)$", text, re.M)
    return match.group(1).strip() if match else path.stem


def book_context(root, docname, glue, repository=None, site_url=None, hide_solutions=False):
    """A Context read from the source files (no Sphinx): titles, terms, labels, citations."""
    import yaml
    from sphinx.util.nodes import _make_id

    root = Path(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    toc_data = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    toc, chapter_numbers = [toc_data["root"]], {}
    for part in toc_data.get("parts", []):
        for chapter in part.get("chapters", []):
            toc.append(chapter["file"])
            if part.get("numbered"):  # the site numbers chapters on across numbered parts
                chapter_numbers[chapter["file"]] = len(chapter_numbers) + 1
    titles, notebooks = {}, set()
    for doc in toc:
        path = next((root / (doc + s) for s in (".ipynb", ".md") if (root / (doc + s)).exists()), None)
        if path is not None:
            titles[doc] = _first_heading(path)
            if path.suffix == ".ipynb":
                notebooks.add(doc)
    glossary = root / (GLOSSARY_DOC + ".md")
    terms = {}
    if glossary.exists():
        for term in re.findall(r"^([^\s:`][^\n]*)\n[ \t]+\S", glossary.read_text(encoding="utf-8"), re.M):
            terms[term.strip().lower()] = (GLOSSARY_DOC, _make_id("term-" + term.strip()))
    labels, exercise_numbers = {}, {}
    for doc in notebooks:
        count = 0
        for cell in nbformat.read(root / (doc + ".ipynb"), as_version=4).cells:
            if cell.cell_type == "markdown":
                for label in re.findall(r"^\s*\(([^()\s]+)\)=\s*$", cell.source, re.M):
                    labels[label] = (doc, label, label)
                for label in re.findall(r"^:::+\{exercise\}.*\n:label:\s*(\S+)", cell.source, re.M):
                    count += 1
                    labels[label] = (doc, label, "")
                    prefix = f"{chapter_numbers[doc]}." if doc in chapter_numbers else ""
                    exercise_numbers[label] = f"{prefix}{count}"
    return Context(docname=docname, glue=glue, titles=titles, notebooks=notebooks,
                   citations=load_citations([root / "references.bib"]), terms=terms, labels=labels,
                   exercise_numbers=exercise_numbers, hide_solutions=hide_solutions, repository_url=repository,
                   repository_branch=(config.get("repository") or {}).get("branch") or "gh-pages",
                   site_url=None if hide_solutions else site_url or site_url_from(repository))


def _sphinx_context(app, docname, glue, shared):
    env = app.env
    numbers = env.toc_fignumbers.get(docname, {}).get("exercise", {})
    return Context(docname=docname, glue=glue, exercise_numbers={k: ".".join(map(str, v)) for k, v in numbers.items()},
                   **shared)


def _glue_of(output_folder, docname):
    path = Path(output_folder, docname + ".glue.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_reader_notebooks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    env = app.env
    notebooks = {d for d in env.found_docs if str(env.doc2path(d)).endswith(".ipynb")}
    if not notebooks:
        return
    output_folder = env.mystnb_config.output_folder
    glue = {d: _glue_of(output_folder, d) for d in notebooks}
    std = env.get_domain("std")
    labels = {name: (doc, anchor, title) for name, (doc, anchor, title) in std.labels.items()}
    for name, (doc, anchor) in std.anonlabels.items():
        labels.setdefault(name, (doc, anchor, ""))
    repository = repository_url(app)
    from launch import repository_branch

    hide_solutions = bool(getattr(app.config, "hide_solutions", False))
    shared = dict(
        other_glue=glue, titles={d: t.astext() for d, t in env.titles.items()}, notebooks=notebooks,
        citations=load_citations([Path(app.srcdir, f) for f in app.config.bibtex_bibfiles]),
        terms=dict(std._terms), labels=labels, equations=dict(env.get_domain("math").equations),
        repository_url=repository, repository_branch=repository_branch(app), hide_solutions=hide_solutions,
        # the student edition links nothing to the public website: that is the full edition
        site_url=None if hide_solutions else site_url_from(repository, app.config.html_baseurl),
    )
    from figure_descriptions import descriptions_by_cell, executed_notebook

    for docname in sorted(notebooks):
        ctx = _sphinx_context(app, docname, glue[docname], shared)
        executed = executed_notebook(app, docname)
        ctx.figures = descriptions_by_cell(executed) if executed is not None else {}
        reader = reader_notebook(nbformat.read(env.doc2path(docname), as_version=4), ctx)
        for problem in dict.fromkeys(ctx.problems):
            logger.warning(f"reader notebook: {problem}", location=docname, type="nonlin", subtype="reader")
        text = nbformat.writes(reader)
        target = Path(app.outdir, READER_DIR, docname + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        download = Path(app.outdir, "_sources", docname + ".ipynb")  # what the download button serves
        if download.exists():
            download.write_text(text, encoding="utf-8")
    logger.info(f"nonlin: {len(notebooks)} reader notebooks in {Path(app.outdir, READER_DIR)}")


def setup(app):
    app.connect("build-finished", _write_reader_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
