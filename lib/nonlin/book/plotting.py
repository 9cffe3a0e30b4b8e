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

from ..activations import Activation

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


def plot_function_and_derivative(activations, x_range=(-6, 6), axes=None, n_points=601, labels=None):
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
    return fig, axes


def _predict(model, points):
    return model.forward(points) if hasattr(model, "forward") else np.asarray(model(points))


def plot_decision_boundary(model, X, y, ax=None, resolution=200, padding=0.5, output="auto", title=None):
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
            values = 1 / (1 + np.exp(-np.clip(values, -50, 50)))
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
    return ax


def _as_curve(curve):
    return curve.loss if hasattr(curve, "loss") else list(curve)


def plot_loss_curves(curves, ax=None, log=True, ylabel="loss", title=None):
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
    return ax


def plot_fit(x, y, predictions, ax=None, truth=None, title=None):
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
    return ax


def plot_layer_norms(norms, ax=None, log=True, ylabel="gradient norm", title=None):
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
    return ax


def plot_descent_path(loss, paths, xlim, ylim, ax=None, optimum=None, levels=12, resolution=120, title=None):
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
    return ax


def plot_error_vs_size(sizes, curves, ax=None, xlabel="number of neurons", ylabel="error", title=None):
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
    return ax
