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
links to; the build collects every badge and fails on a claim nobody checks.
"""

import html
import json

import numpy as np

GLUED = {}
CLAIMS = []

VERDICTS = ("true", "true but loose", "false", "depends")


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


def claim(claim_id, verdict, statement):
    """Mark this cell as the check of the source post's claim `claim_id` and show its badge.

    Returns None, so that a cell ending with claim(...) shows the badge only; the record is kept
    in CLAIMS."""
    if not isinstance(claim_id, str) or not claim_id.strip() or " " in claim_id:
        raise ValueError(f"claim: the id must be a non-empty string without spaces, got {claim_id!r}")
    if verdict not in VERDICTS:
        raise ValueError(f"claim: verdict must be one of {', '.join(map(repr, VERDICTS))}; got {verdict!r}")
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"claim: give the precise statement this cell proves, got {statement!r}")
    record = {"id": claim_id, "verdict": verdict, "statement": statement.strip()}
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
