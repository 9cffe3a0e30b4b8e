"""The book's plotting vocabulary: every figure in every chapter is drawn by one of these.

    nl.use_book_style()
    nl.plot_function_and_derivative([nl.sigmoid, nl.tanh])   # value and derivative panels
    nl.plot_decision_boundary(net, X, y)                      # classifier regions over the data
    nl.plot_loss_curves({"tanh": history})                    # loss (log scale) per epoch
    nl.plot_fit(x, y, {"ReLU net": y_hat})                    # 1-D regression fits
    nl.plot_layer_norms({"sigmoid": norms})                   # one value per layer, log scale
    nl.plot_descent_path(loss, {"SGD": path}, xlim, ylim)     # optimiser steps on loss contours
    nl.plot_error_vs_size(ns, {"ReLU": errors})               # error against model size, log-log

Every figure is described in words, for readers who cannot see it (the <img> alt text on the site,
a caption in the reader notebooks). The description is built from what is drawn: the title, the axis
labels and their ranges, the legend, what kind of marks. Add the point the figure makes in one
sentence, where the figure is made:

    nl.plot_loss_curves(curves, describe="tanh reaches a loss of 0.01 ten times sooner than sigmoid.")
    fig, ax = plt.subplots(); ...; describe_figure(fig, "The point.")   # raw matplotlib: same result

`use_book_style()` installs the display hook that attaches the description to every figure a
notebook shows (vocabulary or raw plt) as the output's metadata; the book build turns it into alt
text (_ext/figure_descriptions.py).
"""

import re
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..activations import Activation, sigmoid

BOOK_STYLE = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 80,  # keeps each page's embedded PNGs small
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 10,
    "animation.embed_limit": 8.0,  # MB, for explorer players
}


def use_book_style():
    """Apply the book's matplotlib settings (small, gridded, no top/right spines) and, in a notebook,
    attach a written description to every figure it shows (`install_figure_descriptions`)."""
    mpl.rcParams.update(BOOK_STYLE)
    install_figure_descriptions()


def _label(activation):
    return getattr(activation, "label", None) or repr(activation).removeprefix("nl.")


def plot_function_and_derivative(activations, x_range=(-6, 6), axes=None, n_points=601, labels=None,
                                 describe=None):
    """Left panel: f(x); right panel: f'(x), for one activation or several overlaid. Returns (fig, axes)."""
    if isinstance(activations, Activation):
        activations = [activations]
    if labels is None:
        labels = [_label(a) for a in activations]
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), constrained_layout=True)
    fig = axes[0].figure
    x = np.linspace(*x_range, n_points)
    for activation, label in zip(activations, labels):
        axes[0].plot(x, activation(x), label=label)
        axes[1].plot(x, activation.grad(x), label=label)
    axes[0].set(title="f(x)", xlabel="x")
    axes[1].set(title="f'(x)", xlabel="x")
    for ax in axes:
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(0, color="k", lw=0.6)
    if len(activations) > 1:
        axes[0].legend()
    describe_figure(fig, describe)
    return fig, axes


def _predict(model, points):
    return model.forward(points) if hasattr(model, "forward") else np.asarray(model(points))


def plot_decision_boundary(model, X, y, ax=None, resolution=200, padding=0.5, output="auto", title=None,
                           describe=None):
    """Colour the plane by the model's output and scatter the data on top.

    `model` is an MLP or a function from (N, 2) points to outputs. One output column is read as
    P(class 1) (`output="probability"`) or a logit (`output="logit"`), auto-detected from its
    range; several columns are class scores, shown by argmax. The 0.5 contour is drawn for one column.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(y).reshape(len(X), -1)
    labels = labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.6), constrained_layout=True)
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    out = _predict(model, np.column_stack([gx.ravel(), gy.ravel()]))
    out = out.reshape(out.shape[0], -1)
    if out.shape[1] == 1:
        values = out[:, 0]
        if output == "logit" or (output == "auto" and (values.min() < 0 or values.max() > 1)):
            values = sigmoid(values)  # logits to probabilities, with the engine's own sigmoid
        surface = values.reshape(gx.shape)
        ax.contourf(gx, gy, surface, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(gx, gy, surface, levels=[0.5], colors="k", linewidths=1.2)
        cmap = "RdBu_r"
    else:
        classes = out.argmax(axis=1).reshape(gx.shape)
        ax.contourf(gx, gy, classes, levels=np.arange(out.shape[1] + 1) - 0.5, cmap="tab10", alpha=0.35,
                    vmin=0, vmax=9)
        cmap = "tab10"
    ax.scatter(X[:, 0], X[:, 1], c=labels, cmap=cmap, vmin=0, vmax=1 if cmap == "RdBu_r" else 9,
               edgecolors="k", linewidths=0.5, s=30)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.grid(False)
    describe_figure(ax, describe)
    return ax


def _as_curve(curve):
    return curve.loss if hasattr(curve, "loss") else list(curve)


def plot_loss_curves(curves, ax=None, log=True, ylabel="loss", title=None, describe=None):
    """One line per entry of {label: History or sequence of per-epoch values}."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2), constrained_layout=True)
    for label, curve in curves.items():
        values = _as_curve(curve)
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set(xlabel="epoch", ylabel=ylabel, title=title)
    if log:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    describe_figure(ax, describe)
    return ax


def plot_fit(x, y, predictions, ax=None, truth=None, title=None, describe=None):
    """1-D regression: data as dots, each {label: prediction} as a line, optional truth dashed."""
    x = np.asarray(x).ravel()
    order = np.argsort(x)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2), constrained_layout=True)
    ax.scatter(x, np.asarray(y).ravel(), s=8, color="0.6", label="data")
    if truth is not None:
        ax.plot(x[order], np.asarray(truth).ravel()[order], "k--", lw=1, label="target")
    for label, prediction in predictions.items():
        ax.plot(x[order], np.asarray(prediction).ravel()[order], lw=2, label=label)
    ax.set(xlabel="x", ylabel="y", title=title)
    ax.legend()
    describe_figure(ax, describe)
    return ax


def plot_layer_norms(norms, ax=None, log=True, ylabel="gradient norm", title=None, describe=None):
    """One line per entry of {label: value per layer}, layer 1 = the input side."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2), constrained_layout=True)
    for label, values in norms.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=label)
    ax.set(xlabel="layer (1 = nearest the input)", ylabel=ylabel, title=title)
    if log:
        ax.set_yscale("log")
    if len(norms) > 1:
        ax.legend()
    describe_figure(ax, describe)
    return ax


def plot_descent_path(loss, paths, xlim, ylim, ax=None, optimum=None, levels=12, resolution=120, title=None,
                      describe=None):
    """Contours of a loss of two weights, loss(w1, w2) on grids, with each {label: (steps, 2) path}."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.6), constrained_layout=True)
    w1, w2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    surface = np.asarray(loss(w1, w2), dtype=np.float64)
    surface = surface - surface.min()
    top = surface.max()
    ax.contour(w1, w2, surface, levels=np.geomspace(top * 1e-4, top, levels) if top > 0 else levels,
               colors="0.6", linewidths=0.7)
    for label, path in paths.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "-o", ms=2.5, lw=1, label=label)
    if optimum is not None:
        ax.plot(*optimum, "k*", ms=10, label="minimum")
    ax.set(xlim=xlim, ylim=ylim, xlabel="$w_1$", ylabel="$w_2$", aspect="equal", title=title)
    ax.grid(False)
    ax.legend(fontsize=8, loc="upper right")
    describe_figure(ax, describe)
    return ax


def plot_error_vs_size(sizes, curves, ax=None, xlabel="number of neurons", ylabel="error", title=None,
                       describe=None):
    """Log-log lines of {label: errors} against model sizes; a straight line means a power law.

    A label starting with "bound" is drawn as a dashed black reference line.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2), constrained_layout=True)
    for label, values in curves.items():
        style = "k--" if label.startswith("bound") else "o-"
        ax.loglog(sizes, values, style, lw=1 if style == "k--" else 1.5, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    describe_figure(ax, describe)
    return ax


# --- figure descriptions ------------------------------------------------------------------------
# The alt text of every figure, built from what is drawn; see the module's docstring.

_TEX = {
    r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\delta": "δ", r"\epsilon": "ε", r"\varepsilon": "ε",
    r"\eta": "η", r"\theta": "θ", r"\lambda": "λ", r"\mu": "μ", r"\sigma": "σ", r"\tau": "τ", r"\phi": "φ",
    r"\partial": "∂", r"\nabla": "∇", r"\|": "‖", r"\cdot": "·", r"\times": "×", r"\infty": "∞",
    r"\leq": "≤", r"\le": "≤", r"\geq": "≥", r"\ge": "≥", r"\approx": "≈", r"\prime": "′", r"\max": "max",
    r"\min": "min", r"\log": "log", r"\exp": "exp", r"\tanh": "tanh", r"\,": " ", r"\;": " ", r"\!": "",
}


def plain_text(text):
    """A label as a reader hears it: matplotlib's $mathtext$ without dollars, braces and backslashes."""
    text = str(text or "")
    for command, symbol in sorted(_TEX.items(), key=lambda item: -len(item[0])):
        # a command's name ends at the first non-letter; a space after it only separates (TeX drops it)
        ending = r"(?![A-Za-z]) ?" if command[1:].isalpha() else ""
        text = re.sub(re.escape(command) + ending, symbol, text)
    text = re.sub(r"\\(?:mathrm|mathbf|mathit|text|operatorname|left|right)\b", "", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = text.replace("$", "").replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def _figure_of(target):
    if isinstance(target, Figure):
        return target
    figure = getattr(target, "figure", None)
    if figure is None and np.ndim(target) and np.size(target):  # an array of axes
        figure = np.ravel(target)[0].figure
    if figure is None:
        raise TypeError(f"describe_figure: give a matplotlib Figure or Axes, got {type(target).__name__}")
    return figure.get_figure(root=True) if hasattr(figure, "get_figure") else figure


def describe_figure(target, point):
    """Attach the sentence saying what the figure shows (its point) to the figure of `target`.

    `target` is a Figure, an Axes or an array of Axes; `point` a sentence, or None (then nothing
    changes). The sentence is appended to the description built from the figure's texts."""
    if point is None:
        return target
    if not isinstance(point, str) or not point.strip():
        raise ValueError(f"describe: give one sentence saying what the figure shows, got {point!r}")
    figure = _figure_of(target)
    figure._nonlin_point = point.strip()
    return target


def _titles(ax):
    return [ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)]


def _is_drawn(ax):
    return ax.get_visible() and (ax.axison or bool(_titles(ax)) or bool(_labels_in(ax)))


def _labels_in(ax):
    """Texts placed on an axes (annotations, a diagram's labels), in drawing order."""
    return [plain_text(t.get_text()) for t in ax.texts if t.get_visible() and plain_text(t.get_text())]


def drawn_texts(fig):
    """What the figure shows in words, read from the artists: {"suptitle", "axes": [{title, xlabel, ...}]}.

    This record is what a description must name; the build keeps it beside the description and the
    tests compare the two."""
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    axes = []
    for ax in fig.axes:
        if not _is_drawn(ax):
            continue
        legend = ax.get_legend()
        axes.append({
            "title": " ".join(_titles(ax)),
            "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "legend": [t.get_text() for t in legend.get_texts()] if legend is not None else [],
        })
    return {"suptitle": suptitle, "axes": axes}


def _number(value):
    value = float(value)
    return f"{value:.3g}".replace("-", "−")


def _marks(ax):
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.contour import ContourSet
    from matplotlib.patches import Polygon, Rectangle

    lines = [line for line in ax.get_lines() if line.get_visible() and len(line.get_xdata()) > 2]
    kinds = []
    if any(isinstance(c, ContourSet) and c.filled for c in ax.collections):
        kinds.append("shaded regions")
    if any(isinstance(c, ContourSet) and not c.filled for c in ax.collections):
        kinds.append("contour lines")
    if ax.images:
        kinds.append("a colour map")
    if any(isinstance(c, PathCollection) and not isinstance(c, ContourSet) for c in ax.collections):
        kinds.append("scattered points")
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    if bars:
        kinds.append("bars")
    elif any(isinstance(p, (Rectangle, Polygon)) for p in ax.patches):
        kinds.append("shaded bands")
    if lines:
        kinds.append("one line" if len(lines) == 1 else f"{len(lines)} lines")
    return kinds


def _axis(ax, which):
    label = plain_text(ax.get_xlabel() if which == "x" else ax.get_ylabel())
    scale = ax.get_xscale() if which == "x" else ax.get_yscale()
    low, high = ax.get_xlim() if which == "x" else ax.get_ylim()
    data = ax.dataLim.intervalx if which == "x" else ax.dataLim.intervaly
    if np.all(np.isfinite(data)) and data[1] > data[0] and low <= data[0] and data[1] <= high:
        low, high = data  # the data's range, without the margins
    span = f"from {_number(low)} to {_number(high)}"
    log = ", log scale" if scale == "log" else ""
    unlabelled = "horizontal axis" if which == "x" else "vertical axis"
    return f"{label} ({span}{log})" if label else f"{unlabelled} {span}{log}"


def _describe_axes(ax):
    labels = _labels_in(ax)
    if not ax.axison:  # a diagram: what is written on it
        title = plain_text(" ".join(_titles(ax)))
        what = "a diagram labelled " + "; ".join(labels[:16]) if labels else "a drawing without axes"
        return (f"\u201c{title}\u201d: " if title else "") + what
    parts = [f"{_axis(ax, 'y')} against {_axis(ax, 'x')}"]
    marks = _marks(ax)
    if marks:
        parts.append("drawn as " + ", ".join(marks))
    legend = ax.get_legend()
    if legend is not None and legend.get_texts():
        parts.append("legend: " + ", ".join(plain_text(t.get_text()) for t in legend.get_texts()))
    if labels:
        parts.append("annotated " + "; ".join(labels[:8]))
    title = plain_text(" ".join(_titles(ax)))
    return (f"\u201c{title}\u201d: " if title else "") + "; ".join(parts)


def figure_description(fig):
    """The figure in words: its title, each panel's title, axes (labels, ranges, scale), marks and
    legend, then the authored point (describe=...). Every title and axis label as drawn is named."""
    fig = _figure_of(fig)
    axes = [ax for ax in fig.axes if _is_drawn(ax)]
    texts = drawn_texts(fig)
    head = "Figure"
    if texts["suptitle"]:
        head += f" \u201c{plain_text(texts['suptitle'])}\u201d"
    if not axes:
        sentences = [head + "."]
    elif len(axes) == 1:
        sentences = [f"{head}: {_describe_axes(axes[0])}."]
    else:
        sentences = [f"{head} with {len(axes)} panels."]
        sentences += [f"Panel {i}, {_describe_axes(ax)}." for i, ax in enumerate(axes, 1)]
    point = getattr(fig, "_nonlin_point", None)
    if point:
        sentences.append(point)
    return " ".join(sentences)


def _png_formatter():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return None
    return shell.display_formatter.formatters["image/png"]


def install_figure_descriptions():
    """In IPython, make every displayed figure carry its description in the output's metadata.

    The PNG is made as before (matplotlib-inline's formatter); its metadata gains
    `{"alt": figure_description(fig), "nonlin_figure": drawn_texts(fig)}`. matplotlib-inline
    registers its own formatter when its backend first loads, so the backend is loaded first, and
    the hook checks again after every cell. Outside IPython this does nothing."""
    formatter = _png_formatter()
    if formatter is None:
        return False
    backend = str(mpl.rcParams._get("backend"))
    if "inline" in backend and "matplotlib_inline.backend_inline" not in sys.modules:
        import matplotlib_inline.backend_inline  # noqa: F401  (registers its formatter, which we wrap)
    _wrap(formatter)
    from IPython import get_ipython

    shell = get_ipython()
    if not any(getattr(f, "_nonlin", False) for f in shell.events.callbacks.get("post_execute", [])):
        def keep_installed():
            _wrap(_png_formatter())

        keep_installed._nonlin = True
        shell.events.register("post_execute", keep_installed)
    return True


def _wrap(formatter):
    if formatter is None:
        return
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:
        current = None
    if getattr(current, "_nonlin", False):
        return

    def png_with_description(fig):
        if current is not None:
            data = current(fig)
        else:
            from IPython.core.pylabtools import print_figure

            data = print_figure(fig, "png", bbox_inches="tight", base64=True)
        if data is None:
            return None
        data, metadata = data if isinstance(data, tuple) else (data, {})
        return data, {**(metadata or {}), "alt": figure_description(fig), "nonlin_figure": drawn_texts(fig)}

    png_with_description._nonlin = True
    formatter.for_type(Figure, png_with_description)
