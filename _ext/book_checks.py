"""Two guards that keep the book's prose tied to its code, run by every build.

1. The claims ledger. `appendices/source_post_claims.yml` lists the source post's claims. A chapter
   proves one in a check cell that ends with `nonlin.book.claim(id, verdict, statement, evidence=)`, which
   shows a badge carrying the record as JSON. While reading each page, this extension collects the
   badges; the `{source-post-ledger}` directive becomes a table built from them, with a link to
   each badge. A listed claim that no cell checks, a badge with an unknown id, or a claim checked
   twice is a warning, and so is a claim marked `comparison: true` whose verdict was typed rather
   than computed by the comparison protocol (nonlin.book.compare), so the `-W` build fails.
2. Hand-typed numbers. After a notebook runs, myst-nb writes its glued values next to it
   (`<doc>.glue.json`). A number typed into the Markdown prose that equals a glued value (at the
   precision it is typed with) should have been glued: it is a warning too. Mathematics, code and
   roles are not prose; numbers with one significant digit (0.1, 3, 20, 1%) and years are round
   constants far more often than measurements, so they pass, and a typed integer only matches a
   glued integer.
"""

import html
import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.util import logging

logger = logging.getLogger(__name__)

CLAIMS_FILE = "appendices/source_post_claims.yml"
BADGE = re.compile(r"data-nonlin-claim='([^']*)'")
VERDICT_ORDER = ("true", "true but loose", "depends", "not shown here", "false")


# --- 1. the claims ledger ------------------------------------------------------------------------

class ledger_placeholder(nodes.General, nodes.Element):
    """Replaced by the ledger table once every page has been read."""


class SourcePostLedger(Directive):
    def run(self):
        return [ledger_placeholder()]


def load_source_claims(srcdir):
    data = yaml.safe_load((Path(srcdir) / CLAIMS_FILE).read_text(encoding="utf-8"))
    return data["claims"]


def _collect_badges(app, doctree):
    env = app.env
    found = []
    for raw in doctree.findall(nodes.raw):
        for match in BADGE.finditer(raw.astext()):
            found.append(json.loads(html.unescape(match.group(1))))
    env.nonlin_claims = getattr(env, "nonlin_claims", {})
    if found:
        env.nonlin_claims[env.docname] = found
    else:
        env.nonlin_claims.pop(env.docname, None)


def _purge(app, env, docname):
    getattr(env, "nonlin_claims", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    env.nonlin_claims = getattr(env, "nonlin_claims", {})
    for docname in docnames:
        if docname in getattr(other, "nonlin_claims", {}):
            env.nonlin_claims[docname] = other.nonlin_claims[docname]


def _ledger_docs(env):
    return [doc for doc in env.found_docs if "source-post-ledger" in _source(env, doc)]


def _source(env, docname):
    path = Path(env.doc2path(docname))
    return path.read_text(encoding="utf-8") if path.suffix == ".md" else ""


def _always_reread_ledger(app, env, added, changed, removed):
    return _ledger_docs(env)  # it lists what other pages proved, so it is never up to date by itself


def checks_by_id(env):
    by_id = {}
    for docname, records in sorted(getattr(env, "nonlin_claims", {}).items()):
        for record in records:
            by_id.setdefault(record["id"], []).append((docname, record))
    return by_id


def ledger_problems(source_claims, by_id):
    """What is wrong between the list of claims and the checks found, as sentences."""
    problems = []
    listed = {claim["id"]: claim for claim in source_claims}
    for claim_id, checks in by_id.items():
        if claim_id not in listed:
            problems.append(f"{checks[0][0]}: claim({claim_id!r}) names no claim listed in {CLAIMS_FILE}")
        elif len(checks) > 1:
            where = ", ".join(doc for doc, _ in checks)
            problems.append(f"claim {claim_id!r} is checked {len(checks)} times ({where}); check it once")
    for claim_id, claim in listed.items():
        chapter = claim["chapter"]
        if claim_id not in by_id:
            problems.append(f"{chapter}: claim {claim_id!r} of the source post has no check; end the cell "
                            f"that proves it with claim({claim_id!r}, verdict=..., statement=...)")
        elif by_id[claim_id][0][0] != chapter:
            problems.append(f"claim {claim_id!r} is listed for {chapter} but checked in {by_id[claim_id][0][0]}")
        elif claim.get("comparison") and not by_id[claim_id][0][1].get("computed"):
            problems.append(f"{chapter}: claim {claim_id!r} is a comparison; its verdict must come from the "
                            "protocol: claim(..., evidence=nl.compare(...)) without a typed verdict")
    return problems


def _check_ledger(app, env):
    for problem in ledger_problems(load_source_claims(app.srcdir), checks_by_id(env)):
        logger.warning(problem, type="nonlin", subtype="ledger")


def _cell(*children):
    entry = nodes.entry()
    entry.extend(children)
    return entry


def _paragraph(text):
    return nodes.paragraph(text=text)


def _table(rows, headers, widths):
    table = nodes.table(classes=["nonlin-ledger"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += nodes.row("", *[_cell(_paragraph(h)) for h in headers])
    body = nodes.tbody()
    body.extend(rows)
    group += head
    group += body
    return table


def _build_ledger(app, doctree, fromdocname):
    placeholders = list(doctree.findall(ledger_placeholder))
    if not placeholders:
        return
    from nonlin.book import claim_anchor

    claims = load_source_claims(app.srcdir)
    by_id = checks_by_id(app.env)
    counts = {verdict: 0 for verdict in VERDICT_ORDER}
    rows = []
    for number, claim in enumerate(claims, start=1):
        checks = by_id.get(claim["id"])
        if checks:
            docname, record = checks[0]
            counts[record["verdict"]] = counts.get(record["verdict"], 0) + 1
            uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + claim_anchor(claim["id"])
            title = app.env.titles[docname].astext() if docname in app.env.titles else docname
            where = nodes.paragraph()
            where += nodes.reference("", title, internal=True, refuri=uri)
            verdict, statement = record["verdict"], record["statement"]
        else:
            where, verdict, statement = _paragraph("not checked in this build"), "—", ""
        said = nodes.paragraph()
        said += nodes.Text(claim["en"] + " ")
        said += nodes.inline(text=f"(“{claim['zh']}”)", classes=["nonlin-zh"])
        rows.append(nodes.row("", _cell(_paragraph(str(number))), _cell(said), _cell(_paragraph(verdict)),
                              _cell(_paragraph(statement)), _cell(where)))
    summary = ", ".join(f"{counts[v]} {v}" for v in VERDICT_ORDER if counts.get(v))
    intro = _paragraph(f"{len(claims)} claims; verdicts: {summary or 'none yet'}.")
    table = _table(rows, ["#", "The post says", "Verdict", "Precisely", "Checked in"], [3, 30, 8, 40, 15])
    for placeholder in placeholders:
        placeholder.replace_self([intro, table])


# --- 2. hand-typed numbers -----------------------------------------------------------------------

NOT_PROSE = [
    re.compile(r"```.*?```", re.S),  # fenced code and directives' bodies are checked line by line below
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"\$[^$\n]+\$"),
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # roles: glue, doc, cite, ref, eq, term
    re.compile(r"`[^`]*`"),
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),
    re.compile(r"<[^>]+>"),
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
    re.compile(r"^\s*:[\w-]+:.*$", re.M),  # directive options
    re.compile(r"^\s*\(.*\)=\s*$", re.M),  # labels
]
NUMBER = re.compile(r"(?<![\w.\-/])(\d+(?:,\d{3})*(?:\.\d+)?)(%?)(?![\w/]|\.\d|-\w)")


def prose_of(markdown):
    """The Markdown with everything that is not running prose blanked out."""
    text = markdown
    for pattern in NOT_PROSE:
        text = pattern.sub(" ", text)
    return text


def _as_float(text):
    try:
        return float(str(text).strip().strip("'\""))
    except ValueError:
        return None


def glued_numbers(glue_data):
    values = {}
    for key, output in glue_data.items():
        value = _as_float(output.get("data", {}).get("text/plain", ""))
        if value is not None:
            values[key] = value
    return values


def typed_matches(token, percent, glued):
    """The glue keys whose value, shown the way `token` is written, reads exactly `token`."""
    plain = token.replace(",", "")
    number = float(plain)
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    digits = plain.replace(".", "").lstrip("0")
    significant = len(digits if decimals or percent else digits.rstrip("0"))
    if significant < 2 or (decimals == 0 and not percent and 1900 <= number <= 2099):
        return []  # one-digit values (0.1, 3, 20, 1%) and years: round constants, not measurements
    hits = []
    for key, value in glued.items():
        shown = value * 100 if percent else value
        if decimals == 0 and not percent and shown != round(shown):
            continue  # an integer in prose matches only a glued integer, not a rounded measurement
        if shown != 0 and f"{shown:.{decimals}f}" == f"{number:.{decimals}f}":
            hits.append(key)
    return hits


def hand_typed_numbers(markdown_cells, glued):
    """(cell index, token, keys) for each prose number that a glued value explains."""
    found = []
    for index, source in markdown_cells:
        for match in NUMBER.finditer(prose_of(source)):
            keys = typed_matches(match.group(1), match.group(2), glued)
            if keys:
                found.append((index, match.group(0), keys))
    return found


def _glue_file(app, docname):
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.glue.json"


def _check_typed_numbers(app, env):
    for docname in sorted(env.found_docs):
        glue_file, source = _glue_file(app, docname), Path(env.doc2path(docname))
        if source.suffix != ".ipynb" or not glue_file.exists():
            continue
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        markdown = [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]
        glued = glued_numbers(json.loads(glue_file.read_text(encoding="utf-8")))
        for index, token, keys in hand_typed_numbers(markdown, glued):
            logger.warning(
                f"{docname}, Markdown cell {index}: the prose types {token!r}, which equals the glued "
                f"{', '.join(keys[:3])}; paste it with {{glue:text}}`{keys[0]}` (or, for a mathematical "
                "constant, write it as math)", type="nonlin", subtype="typed-number",
            )


def _check_consistency(app, env):
    _check_ledger(app, env)
    _check_typed_numbers(app, env)


def setup(app):
    app.add_node(ledger_placeholder)
    app.add_directive("source-post-ledger", SourcePostLedger)
    app.connect("doctree-read", _collect_badges)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _always_reread_ledger)
    app.connect("env-check-consistency", _check_consistency)
    app.connect("doctree-resolved", _build_ledger)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
