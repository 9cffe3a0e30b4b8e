"""Explorers: one call, two renderings.

    nl.explore(draw, temperature=[0.25, 0.5, 1, 2, 4])

`draw(fig, **values)` draws one state into an empty figure. With a live Jupyter kernel the call
returns ipywidgets sliders over the given values; when the book is built (the build sets
NONLIN_EXPLORER=static) it returns a matplotlib player over the same values, which works in a
static page with no kernel. NONLIN_EXPLORER=live or =static forces either.

The player is written for every reader: each frame has a written description (alt text, from
`nonlin.book.plotting.figure_description`, updated as the frame changes), the slider and buttons
have names and work from the keyboard, and the image scales down to a phone's width.
"""

import html as html_lib
import io
import itertools
import json
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

    from .plotting import drawn_texts, figure_description

    frames = _frames(grid, defaults, max_frames)
    fig = plt.figure(figsize=figsize, dpi=72)
    descriptions, drawn = {}, {}

    def show(i):
        fig.clear()
        draw(fig, **frames[i])
        fig.suptitle(_caption(frames[i]), fontsize=10)
        descriptions[i], drawn[i] = figure_description(fig), drawn_texts(fig)

    animation = FuncAnimation(fig, show, frames=len(frames), interval=1000 / fps)
    html = animation.to_jshtml(default_mode="once")
    plt.close(fig)
    # matplotlib links its button icons from a CDN; the book ships Font Awesome itself, offline.
    html = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>', "", html)
    names = " and ".join(grid)
    alts = [f"Explorer frame {i + 1} of {len(frames)}. {descriptions[i]}" for i in range(len(frames))]
    html = _accessible(html, alts, f"Explorer: {len(frames)} frames over {names}")
    return HTML(html, metadata={"alt": alts[0], "nonlin_figure": drawn[0]})


def _accessible(html, alts, label):
    """Name the player's parts for assistive technology, keep it within a phone's width, and give its
    image the description of the frame it shows."""
    match = re.search(r'<img id="(_anim_img\w+)">', html)
    slider = re.search(r'<input id="(_anim_slider\w+)"', html)
    if match is None or slider is None:
        raise RuntimeError("explore: matplotlib's player changed; nonlin.book.explore must be updated")
    image_id, slider_id = match.group(1), slider.group(1)
    html = html.replace(match.group(0), f'<img id="{image_id}" class="nonlin-player-frame" '
                                        f'alt="{html_lib.escape(alts[0], quote=True)}">')
    html = html.replace('class="anim-slider"', 'class="anim-slider" aria-label="Frame"', 1)
    html = html.replace('<div class="animation">', f'<div class="animation nonlin-player" role="group" '
                                                   f'aria-label="{html_lib.escape(label, quote=True)}">', 1)
    alts_json = json.dumps(alts, ensure_ascii=False).replace("</", "<\\/")
    html += (
        "<script>(function () {\n"
        f"  var img = document.getElementById('{image_id}'), alts = {alts_json};\n"
        "  new MutationObserver(function () {\n"
        f"    var slider = document.getElementById('{slider_id}');\n"
        "    img.alt = alts[slider ? parseInt(slider.value, 10) : 0] || alts[0];\n"
        "  }).observe(img, {attributes: true, attributeFilter: ['src']});\n"
        "})();</script>\n"
    )
    return html


def _live(draw, grid, defaults, figsize):
    import ipywidgets as widgets

    from .plotting import figure_description

    sliders = {
        name: widgets.SelectionSlider(
            options=[(_format(v), v) for v in values], value=defaults[name], description=name,
            continuous_update=False, style={"description_width": "initial"},
        )
        for name, values in grid.items()
    }
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
    words = widgets.HTML()  # the figure's description, as the player's alt text gives it

    def redraw(**values):
        # The figure goes into the image as PNG bytes, not through an Output widget: nothing is
        # captured while the cell runs (a notebook runner could wait on that capture forever).
        fig = plt.figure(figsize=figsize)
        draw(fig, **values)
        fig.suptitle(_caption(values), fontsize=10)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        words.value = f"<p>{html_lib.escape(figure_description(fig))}</p>"
        plt.close(fig)
        image.value = buffer.getvalue()

    for slider in sliders.values():
        slider.observe(lambda _: redraw(**{name: s.value for name, s in sliders.items()}), names="value")
    redraw(**defaults)
    return widgets.VBox([*sliders.values(), image, words])
