"""Glue and claims for the book's prose: numbers computed in a cell, pasted into the text by myst-nb.

    from nonlin.book import claim, glue
    glue("sigmoid.dmax", dmax)          # then write {glue:text}`sigmoid.dmax:.2f` in Markdown
    claim("sigmoid.derivative-range", verdict="true but loose",
          statement="σ′ takes every value in (0, 1/4], and 1/4 is attained at x = 0")

Outside a myst-nb build (Colab, plain Jupyter) myst_nb may be missing; the value is then kept in
`GLUED` so the notebook still runs. `glue` returns the value, so it can be used inline.
NumPy scalars are glued as plain Python numbers: myst-nb formats `{glue:text}`key:.3f`` from the
value's text, and the text of np.float64(0.5) is "np.float64(0.5)", not "0.5".

`claim` marks the check cell that proves one claim of the source post (the ids are listed in
`appendices/source_post_claims.yml`). Call it after the cell's asserts, so it only runs when they
pass. It shows a small badge and leaves an anchor that the appendix "The source post, checked"
links to; the build collects every badge and fails on a claim nobody checks. Its verdict rests on
evidence, and claim() refuses a call without it:

    claim("tanh.converges-faster", statement="...", evidence=result)   # a Comparison: verdict computed
    claim("sigmoid.derivative-range", verdict="true but loose", statement="...",
          evidence={"dmax": dmax, "x_at_max": x_at_max})               # the values the asserts checked

A comparison's verdict is never typed: for a claim "A beats B" compared as nl.compare({A: ..., B: ...}),
"A better" is "true", "B better" is "false" and "no clear difference" is "not shown here" (at this
book's resolution). The cell that calls claim() must contain an assert.
"""

import ast
import html
import inspect
import json
import linecache

import numpy as np

GLUED = {}
CLAIMS = []

NOT_SHOWN = "not shown here"
VERDICTS = ("true", "true but loose", "false", "depends", NOT_SHOWN)
TYPED_VERDICTS = VERDICTS[:4]  # "not shown here" comes from a comparison only


def glue(name, value):
    """Record `value` under `name` for the text (myst-nb's glue, without displaying it)."""
    if isinstance(value, np.generic):
        value = value.item()
    GLUED[name] = value
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return value
    myst_glue(name, value, display=False)
    return value


def claim_anchor(claim_id):
    """The HTML id of the badge for `claim_id`: 'claim-' and the id with dots made dashes."""
    return "claim-" + claim_id.replace(".", "-")


def comparison_verdict(evidence):
    """The ledger verdict of the claim "A beats B" from nl.compare's result(s) (A the first name).

    One Comparison: A better -> "true", B better -> "false", no clear difference -> "not shown here".
    Several (the claim holds across settings): all "true" -> "true", all "false" -> "false", any mix
    that includes both -> "depends", otherwise "not shown here"."""
    single = [_one_verdict(result) for result in (evidence if isinstance(evidence, (list, tuple)) else [evidence])]
    if len(set(single)) == 1:
        return single[0]
    return "depends" if {"true", "false"} <= set(single) else NOT_SHOWN


def _one_verdict(result):
    if result.verdict == f"{result.names[0]} better":
        return "true"
    if result.verdict == f"{result.names[1]} better":
        return "false"
    return NOT_SHOWN


def _is_comparison(evidence):
    from .compare import Comparison

    items = evidence if isinstance(evidence, (list, tuple)) else [evidence]
    return bool(items) and all(isinstance(item, Comparison) for item in items)


def _caller_has_assert(depth=2):
    """Whether the source of the cell (or function, or script) calling claim() contains an assert."""
    frame = inspect.stack()[depth].frame
    try:
        lines = linecache.getlines(frame.f_code.co_filename)
    finally:
        del frame
    if not lines:
        return None  # source unavailable (e.g. exec of a string): cannot tell
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        return None
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def claim(claim_id, verdict=None, statement=None, *, evidence=None):
    """Mark this cell as the check of the source post's claim `claim_id` and show its badge.

    evidence: a Comparison from nl.compare (or a list of them), whose verdict is computed here, or a
    non-empty dict of the values the cell's asserts checked, with a typed verdict. Raises if the
    calling cell has no assert. Returns None, so that a cell ending with claim(...) shows the badge
    only; the record is kept in CLAIMS."""
    if not isinstance(claim_id, str) or not claim_id.strip() or " " in claim_id:
        raise ValueError(f"claim: the id must be a non-empty string without spaces, got {claim_id!r}")
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"claim: give the precise statement this cell proves, got {statement!r}")
    computed = _is_comparison(evidence)
    if computed:
        if verdict is not None:
            raise ValueError(f"claim {claim_id!r}: a comparison's verdict is computed from the protocol's result; "
                             f"drop verdict={verdict!r}")
        verdict = comparison_verdict(evidence)
        checked = [r.summary() for r in (evidence if isinstance(evidence, (list, tuple)) else [evidence])]
    else:
        if not isinstance(evidence, dict) or not evidence:
            raise ValueError(f"claim {claim_id!r}: give evidence=, the nl.compare result or a non-empty dict of "
                             f"the values this cell's asserts check; got {type(evidence).__name__}")
        if verdict not in TYPED_VERDICTS:
            raise ValueError(f"claim {claim_id!r}: verdict must be one of {', '.join(map(repr, TYPED_VERDICTS))} "
                             f"({NOT_SHOWN!r} comes only from a comparison); got {verdict!r}")
        checked = {key: _short(value) for key, value in evidence.items()}
    if _caller_has_assert() is False:
        raise ValueError(f"claim {claim_id!r}: the cell that calls claim() has no assert; assert the checked "
                         "values first, so the badge shows only when they hold")
    record = {"id": claim_id, "verdict": verdict, "statement": statement.strip(), "computed": computed,
              "evidence": checked}
    CLAIMS.append(record)
    badge = (
        f'<div class="nonlin-claim" id="{claim_anchor(claim_id)}" '
        f"data-nonlin-claim='{html.escape(json.dumps(record, ensure_ascii=False), quote=True)}'>"
        f"<strong>Source-post claim checked</strong> ({html.escape(verdict)}): {html.escape(statement.strip())}</div>"
    )
    plain = f"Source-post claim checked [{claim_id}] ({verdict}): {statement.strip()}"
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(plain)
    else:
        display({"text/html": badge, "text/plain": plain}, raw=True)


def _short(value):
    """A checked value as short text for the ledger's record."""
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    return text if len(text) <= 80 else text[:77] + "..."
