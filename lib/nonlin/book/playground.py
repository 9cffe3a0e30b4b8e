"""A playground in the spirit of TensorFlow Playground: train a small network on a 2-D data set and watch.

    nl.playground(datasets=["moons", "spirals"], activations=["relu", "tanh"], depths=[2, 4])

With a live kernel it returns ipywidgets: drop-downs for data set, activation, depth, width,
learning rate and optimiser, a Train button, and under it the decision boundary and the per-layer
gradient norms ‖∂L/∂W‖ at a few epochs of the run. The norms are those of the full-data loss
(one forward and backward pass on every training point, nl.gradient_norms), taken at initialisation
(epoch 0) and after every snapshot_every-th epoch; they are not the last mini-batch's gradient.
In the static book (nl.explorer_mode() == "static") nothing can be trained on click, so it trains
one run per activation on the first data set (first depth, width, rate and optimiser of each list:
one shared learning rate, not tuned per activation) and returns nl.explore's kernel-free player,
one frame per (activation, snapshot epoch). The first value of every list is the default.
"""

import copy

import matplotlib.pyplot as plt
import numpy as np

from .. import datasets as _datasets
from ..optim import OPTIMISERS
from ..registry import get_activation
from ..train import TrainingDiverged, train
from .diagnostics import gradient_norms
from .explore import explore, explorer_mode
from .plotting import plot_decision_boundary, plot_layer_norms

DATASETS = {
    "moons": lambda: _datasets.two_moons(n=200, noise=0.2, seed=0),
    "spirals": lambda: _datasets.spirals(n_per_class=80, classes=3, noise=0.2, seed=0),
}


def _data(name):
    if name not in DATASETS:
        raise ValueError(f"playground: unknown data set {name!r}; known data sets: {', '.join(DATASETS)}")
    X, y = DATASETS[name]()
    multiclass = np.ndim(y) == 1
    return X, y, (int(y.max()) + 1 if multiclass else 1), ("cross_entropy" if multiclass else "bce_with_logits")


def _listed(name, values, check):
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if not values:
        raise ValueError(f"playground: {name} needs at least one value")
    for value in values:
        check(value)
    return values


def _positive_int(name):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"playground: every entry of {name} must be a whole number >= 1, got {value!r}")
    return check


def _check_lr(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < np.inf:
        raise ValueError(f"playground: every learning rate must be a positive finite number, got {value!r}")


def _check_optimizer(value):
    if value not in OPTIMISERS:
        raise ValueError(f"playground: unknown optimizer {value!r}; known optimizers: {', '.join(OPTIMISERS)}")


def run(dataset, activation, depth, width, lr, optimizer, epochs, snapshot_every, seed=0):
    """Train one network; return {"snapshots": {epoch: (net copy, per-layer ||dL/dW||)}, "diverged_at", ...}.

    Snapshots are taken at epoch 0 (initialisation), at every snapshot_every-th epoch and at the
    last; each holds a copy of the network and the norm of every layer's weight gradient of the
    loss on the whole data set. If training diverges, "diverged_at" is the epoch in which it did
    (the one after the last completed epoch) and the snapshots stop before it; otherwise it is None.
    """
    from ..network import MLP

    X, y, n_out, loss = _data(dataset)
    init = "xavier" if activation in ("sigmoid", "tanh") else "he"
    net = MLP([2, *[width] * depth, n_out], hidden=activation, output="identity", init=init, seed=seed)
    snapshots, completed = {}, [0]

    def keep(epoch, net):
        copied = copy.deepcopy(net)
        snapshots[epoch] = (copied, [float(v) for v in gradient_norms(copied, X, y, loss).weights])

    def after_epoch(epoch, net, history):
        completed[0] = epoch
        if epoch in marks:
            keep(epoch, net)

    marks = set(snapshot_epochs(epochs, snapshot_every))
    keep(0, net)
    diverged_at = None
    try:
        train(net, X, y, loss=loss, optimizer=optimizer, lr=lr, epochs=epochs, batch_size=min(32, len(X)),
              seed=seed, callback=after_epoch)
    except TrainingDiverged:
        diverged_at = completed[0] + 1
    return {"X": X, "y": y, "snapshots": snapshots, "diverged_at": diverged_at}


def _draw(fig, result, epoch, title=""):
    ax_boundary, ax_norms = fig.subplots(1, 2)
    shown = [e for e in sorted(result["snapshots"]) if e <= epoch]
    net, _ = result["snapshots"][shown[-1]]
    diverged = result["diverged_at"] is not None and epoch >= result["diverged_at"]
    label = f"diverged in epoch {result['diverged_at']}; last finite: epoch {shown[-1]}" if diverged else \
        f"epoch {shown[-1]}"
    plot_decision_boundary(net, result["X"], result["y"], ax=ax_boundary, resolution=60, title=f"{title}{label}")
    plot_layer_norms({f"epoch {e}": result["snapshots"][e][1] for e in shown}, ax=ax_norms,
                     ylabel="‖∂L/∂W‖, full data", title="weight-gradient norm per layer")
    ax_norms.legend(fontsize=7)
    fig.tight_layout(rect=(0, 0, 1, 0.9))


def playground(datasets=("moons", "spirals"), activations=("relu", "tanh", "sigmoid", "leaky_relu", "elu",
               "gelu", "silu"), depths=(2, 4, 8), widths=(16, 8, 32), lrs=(0.01, 0.003, 0.03, 0.1),
               optimizers=("adam", "sgd"), epochs=60, snapshot_every=20, seed=0):
    """Widgets to train and watch a network (live kernel), or a player over activations (static book)."""
    datasets = _listed("datasets", datasets, _data)
    activations = _listed("activations", activations, get_activation)
    depths = _listed("depths", depths, _positive_int("depths"))
    widths = _listed("widths", widths, _positive_int("widths"))
    lrs = _listed("lrs", lrs, _check_lr)
    optimizers = _listed("optimizers", optimizers, _check_optimizer)
    _positive_int("epochs")(epochs)
    _positive_int("snapshot_every")(snapshot_every)
    if snapshot_every > epochs:
        raise ValueError(f"playground: snapshot_every ({snapshot_every}) must not exceed epochs ({epochs})")
    if explorer_mode() == "static":
        return _static(datasets[0], activations, depths[0], widths[0], lrs[0], optimizers[0], epochs,
                       snapshot_every, seed)
    return _live(datasets, activations, depths, widths, lrs, optimizers, epochs, snapshot_every, seed)


def snapshot_epochs(epochs, snapshot_every):
    """The epochs at which a run is shown: 0 (initialisation), every snapshot_every-th, and the last."""
    return sorted({0, *range(snapshot_every, epochs + 1, snapshot_every), epochs})


def _static(dataset, activations, depth, width, lr, optimizer, epochs, snapshot_every, seed):
    results = {a: run(dataset, a, depth, width, lr, optimizer, epochs, snapshot_every, seed) for a in activations}
    marks = snapshot_epochs(epochs, snapshot_every)

    def draw(fig, activation, epoch):
        _draw(fig, results[activation], epoch, title=f"{activation}, {optimizer} lr {lr:g} (shared): ")

    return explore(draw, figsize=(7, 3), max_frames=len(activations) * len(marks), activation=activations,
                   epoch=marks)


def _live(datasets, activations, depths, widths, lrs, optimizers, epochs, snapshot_every, seed):
    import ipywidgets as widgets

    choices = {"dataset": datasets, "activation": activations, "depth": depths, "width": widths, "lr": lrs,
               "optimizer": optimizers}
    menus = {name: widgets.Dropdown(options=values, value=values[0], description=name)
             for name, values in choices.items()}
    button = widgets.Button(description="Train", button_style="primary")
    output = widgets.Output()
    box = widgets.VBox([widgets.HBox(list(menus.values())[:3]), widgets.HBox(list(menus.values())[3:]),
                        button, output])
    box.runs = []  # every run started by the button, newest last: {"settings": ..., "result": ...}

    def on_train(_):
        settings = {name: menu.value for name, menu in menus.items()}
        result = run(**settings, epochs=epochs, snapshot_every=snapshot_every, seed=seed)
        box.runs.append({"settings": settings, "result": result})
        with output:
            output.clear_output(wait=True)
            fig = plt.figure(figsize=(8, 3.2))
            _draw(fig, result, epochs)
            fig.suptitle(", ".join(f"{k} = {v}" for k, v in settings.items()), fontsize=9)
            plt.show()

    button.on_click(on_train)
    return box
