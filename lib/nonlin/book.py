"""Glue for the book's prose: numbers computed in a cell, pasted into the text by myst-nb.

    from nonlin.book import glue
    glue("sigmoid.dmax", dmax)          # then write {glue:text}`sigmoid.dmax:.2f` in Markdown

Outside a myst-nb build (Colab, plain Jupyter) myst_nb may be missing; the value is then kept in
`GLUED` so the notebook still runs. `glue` returns the value, so it can be used inline.
NumPy scalars are glued as plain Python numbers: myst-nb formats `{glue:text}`key:.3f`` from the
value's text, and the text of np.float64(0.5) is "np.float64(0.5)", not "0.5".
"""

import numpy as np

GLUED = {}


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
