"""Explorers: one call, two renderings.

    nl.explore(draw, temperature=[0.25, 0.5, 1, 2, 4])

`draw(fig, **values)` draws one state into an empty figure. With a live Jupyter kernel the call
returns ipywidgets sliders over the given values; when the book is built (the build sets
NONLIN_EXPLORER=static) it returns a matplotlib player over the same values, which works in a
static page with no kernel. NONLIN_EXPLORER=live or =static forces either.
"""

import itertools
import os
import re

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation

ENV_VARIABLE = "NONLIN_EXPLORER"


def explorer_mode():
    """'static' or 'live': from NONLIN_EXPLORER if set, else 'live' inside a Jupyter kernel."""
    mode = os.environ.get(ENV_VARIABLE, "").strip().lower()
    if mode in ("live", "static"):
        return mode
    if mode:
        raise ValueError(f"{ENV_VARIABLE} must be 'live' or 'static', got {mode!r}")
    try:
        from IPython import get_ipython

        in_kernel = get_ipython() is not None and hasattr(get_ipython(), "kernel")
        import ipywidgets  # noqa: F401
    except ImportError:
        return "static"
    return "live" if in_kernel else "static"


def _format(value):
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _caption(values):
    return ",  ".join(f"{name} = {_format(value)}" for name, value in values.items())


def _frames(grid, defaults, max_frames):
    """All combinations if they fit in max_frames; else sweep one parameter at a time."""
    names = list(grid)
    combos = list(itertools.product(*grid.values()))
    if len(combos) <= max_frames:
        return [dict(zip(names, combo)) for combo in combos]
    frames = []
    for name in names:
        frames += [{**defaults, name: value} for value in grid[name]]
    return frames


def explore(draw, figsize=(7, 3), fps=3, max_frames=40, **params):
    """Explore draw(fig, **values) over the listed values of each parameter (the first is the default)."""
    if not params:
        raise ValueError("explore: give at least one parameter, e.g. explore(draw, alpha=[0.1, 0.2])")
    grid = {}
    for name, values in params.items():
        values = list(values)
        if not values:
            raise ValueError(f"explore: parameter {name!r} has no values to explore")
        grid[name] = values
    defaults = {name: values[0] for name, values in grid.items()}
    if explorer_mode() == "live":
        return _live(draw, grid, defaults, figsize)
    return _player(draw, grid, defaults, figsize, fps, max_frames)


def _player(draw, grid, defaults, figsize, fps, max_frames):
    from IPython.display import HTML

    frames = _frames(grid, defaults, max_frames)
    fig = plt.figure(figsize=figsize, dpi=72)

    def show(i):
        fig.clear()
        draw(fig, **frames[i])
        fig.suptitle(_caption(frames[i]), fontsize=10)

    animation = FuncAnimation(fig, show, frames=len(frames), interval=1000 / fps)
    html = animation.to_jshtml(default_mode="once")
    plt.close(fig)
    # matplotlib links its button icons from a CDN; the book ships Font Awesome itself, offline.
    html = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>', "", html)
    return HTML(html)


def _live(draw, grid, defaults, figsize):
    import ipywidgets as widgets

    sliders = {
        name: widgets.SelectionSlider(
            options=[(_format(v), v) for v in values], value=defaults[name], description=name,
            continuous_update=False, style={"description_width": "initial"},
        )
        for name, values in grid.items()
    }
    output = widgets.Output()

    def redraw(**values):
        with output:
            output.clear_output(wait=True)
            fig = plt.figure(figsize=figsize)
            draw(fig, **values)
            fig.suptitle(_caption(values), fontsize=10)
            plt.show()

    widgets.interactive_output(redraw, sliders)
    return widgets.VBox([*sliders.values(), output])

