"""Reading time per chapter, computed from the notebooks at build time, and a session plan sized to it.

    :::{reading-times}
    :::

is a table of every chapter: the words of its prose (its Markdown cells without code blocks, roles'
markup and labels), the minutes to read them at WORDS_PER_MINUTE, the seconds its code takes to
run (myst-nb's execution time of the notebook in this build or the cache it came from), and their
sum, rounded up to whole minutes. It is what the instructors' page sizes its sessions to.

    :::{session-plan}
    :budget: 75
    Session 1: chapters/00_tour chapters/01_why_nonlinearity
    Session 2: chapters/02_sigmoid chapters/03_tanh
    :::

is a table of the sessions with the chapters read before each and their total time; a session
whose reading exceeds `budget` minutes is a warning (so `-W` builds fail), and so is a chapter of
the book that no session reads. The numbers are never typed: a chapter that grows moves the totals,
and a plan that no longer fits stops the build.

Both tables are filled in after every page has been read (`doctree-resolved`), since the execution
times exist only then; the page that has them is written again whenever any page was read again.
"""

import math
import re
from pathlib import Path

import nbformat
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

WORDS_PER_MINUTE = 200
WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
CJK = re.compile(r"[\u3400-\u9fff]+")


def prose_words(markdown):
    """Words a student reads in a chapter's Markdown: code blocks, labels and directive options are not
    counted; a role (a glued number, a link, a term) is one word; math counts as its words; a Chinese
    term is one word."""
    text = re.sub(r"^(`{3,}|~{3,})(?!\{).*?^\1\s*$", " ", markdown, flags=re.M | re.S)  # code blocks
    text = re.sub(r"^\s*\([^()\s]+\)=\s*$", " ", text, flags=re.M)                        # (label)=
    text = re.sub(r"^\s*:[\w-]+:.*$", " ", text, flags=re.M)                               # :option: value
    text = re.sub(r"^\s*(`{3,}|:{3,})\{?[\w-]*\}?.*$", " ", text, flags=re.M)              # fences
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " x ", text)                    # a role (number, link, term): a word
    text = re.sub(r"\]\([^)]*\)", "]", text)                                               # link targets
    text = CJK.sub(" term ", text)
    return len(WORD.findall(text))


def chapter_words(path):
    notebook = nbformat.read(path, as_version=4)
    return prose_words("\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"))


def _run_seconds(env, docname):
    data = getattr(env, "nb_metadata", {}).get(docname, {}).get("exec_data") or {}
    return data.get("runtime")


def chapter_times(env):
    """[(docname, title, words, reading minutes, run seconds, total minutes)] for each notebook, in toc order."""
    rows = []
    for docname in _ordered_notebooks(env):
        words = chapter_words(Path(env.doc2path(docname)))
        seconds = _run_seconds(env, docname)
        if seconds is None:
            logger.warning(f"reading time: no execution time for {docname}", type="nonlin", subtype="reading")
            seconds = 0.0
        reading = words / WORDS_PER_MINUTE
        rows.append((docname, env.titles[docname].astext(), words, reading, seconds,
                     math.ceil(reading + seconds / 60)))
    return rows


def _ordered_notebooks(env):
    order = [env.config.root_doc]
    for docname in order:  # the toctree, depth first
        for child in env.toctree_includes.get(docname, []):
            if child not in order:
                order.append(child)
    return [d for d in order if str(env.doc2path(d)).endswith(".ipynb")]


class ReadingTimes(nodes.General, nodes.Element):
    pass


class SessionPlan(nodes.General, nodes.Element):
    pass


class ReadingTimesDirective(SphinxDirective):
    has_content = False

    def run(self):
        self.env.nonlin_reading_docs = getattr(self.env, "nonlin_reading_docs", set()) | {self.env.docname}
        return [ReadingTimes()]


class SessionPlanDirective(SphinxDirective):
    has_content = True
    option_spec = {"budget": directives.positive_int}

    def run(self):
        self.env.nonlin_reading_docs = getattr(self.env, "nonlin_reading_docs", set()) | {self.env.docname}
        sessions = []
        for line in self.content:
            if not line.strip():
                continue
            name, _, docs = line.partition(":")
            sessions.append((name.strip(), docs.split()))
        node = SessionPlan(budget=self.options.get("budget", 75), sessions=sessions)
        self.set_source_info(node)
        return [node]


def _table(header, rows, widths):
    table = nodes.table(classes=["nonlin-reading-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row)
    return table


def _row(cells):
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", *(cell if isinstance(cell, list) else [nodes.Text(str(cell))]))
        row += entry
    return row


def _link(app, fromdoc, docname, title):
    reference = nodes.reference("", "", internal=True, refuri=app.builder.get_relative_uri(fromdoc, docname))
    reference += nodes.Text(title)
    return [reference]


def _fill(app, doctree, fromdoc):
    if not any(True for _ in doctree.findall(ReadingTimes)) and not any(True for _ in doctree.findall(SessionPlan)):
        return
    rows = chapter_times(app.env)
    by_doc = {row[0]: row for row in rows}
    for node in list(doctree.findall(ReadingTimes)):
        table = _table(
            ["Chapter", "Words of prose", f"Reading (min, {WORDS_PER_MINUTE} words/min)", "Run time (s)",
             "Reading time (min)"],
            [[_link(app, fromdoc, d, t), f"{w:,}", f"{r:.0f}", f"{s:.0f}", total] for d, t, w, r, s, total in rows]
            + [["All chapters", f"{sum(r[2] for r in rows):,}", f"{sum(r[3] for r in rows):.0f}",
                f"{sum(r[4] for r in rows):.0f}", sum(r[5] for r in rows)]],
            [30, 12, 16, 10, 12])
        node.replace_self(table)
    for node in list(doctree.findall(SessionPlan)):
        planned, table_rows = set(), []
        for name, docs in node["sessions"]:
            unknown = [d for d in docs if d not in by_doc]
            if unknown:
                logger.warning(f"session plan: {name} names pages that are not chapters: {unknown}", location=node,
                               type="nonlin", subtype="reading")
            docs = [d for d in docs if d in by_doc]
            planned.update(docs)
            minutes = sum(by_doc[d][5] for d in docs)
            if minutes > node["budget"]:
                logger.warning(f"session plan: {name} asks for {minutes} minutes of reading before class, more than "
                               f"the budget of {node['budget']}: move a chapter to another session", location=node,
                               type="nonlin", subtype="reading")
            links = []
            for i, d in enumerate(docs):
                links += ([nodes.Text(", ")] if i else []) + _link(app, fromdoc, d, by_doc[d][1])
            table_rows.append([name, links, minutes])
        missing = [d for d in by_doc if d not in planned]
        if missing:
            logger.warning(f"session plan: no session reads {missing}", location=node, type="nonlin",
                           subtype="reading")
        node.replace_self(_table(["Session", "Read before class", "Minutes"], table_rows, [12, 60, 10]))


def _resolved(app, doctree, docname):
    _fill(app, doctree, docname)


def _note_reading(app, env, docnames):
    env.nonlin_read_any = bool(docnames)


def _always_rewrite(app, env):
    # the tables depend on every chapter: rewrite their pages whenever any page was read again
    if getattr(env, "nonlin_read_any", False):
        return sorted(getattr(env, "nonlin_reading_docs", set()))
    return []


def _purge(app, env, docname):
    if hasattr(env, "nonlin_reading_docs"):
        env.nonlin_reading_docs.discard(docname)


def _merge(app, env, docnames, other):
    env.nonlin_reading_docs = getattr(env, "nonlin_reading_docs", set()) | getattr(other, "nonlin_reading_docs", set())


def setup(app):
    app.add_node(ReadingTimes)
    app.add_node(SessionPlan)
    app.add_directive("reading-times", ReadingTimesDirective)
    app.add_directive("session-plan", SessionPlanDirective)
    app.connect("doctree-resolved", _resolved)
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-get-updated", _always_rewrite)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
