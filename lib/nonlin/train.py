"""A small training loop with a per-epoch history, shared by every experiment in the book.

    history = nl.train(net, X, y, loss="bce", optimizer="sgd", lr=0.5, epochs=500, seed=0)
    history.loss[-1], history.accuracy[-1], history.epochs_to(0.05)

The data are checked once, before the first step; the steps then run the network's unchecked
forward and backward passes. If a step's loss is NaN or inf, or a parameter is after an epoch,
training stops with TrainingDiverged, naming the epoch and suggesting a smaller learning rate,
instead of carrying garbage forward.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array
from .losses import get_loss
from .optim import OPTIMISERS, clip_grad_norm, global_grad_norm


class TrainingDiverged(FloatingPointError):
    """The loss or the parameters stopped being finite during training."""


@dataclass
class History:
    """What `train` recorded: one entry per epoch, except step_loss (one per step)."""

    loss: list = field(default_factory=list)  # mean minibatch loss during the epoch (before each step)
    accuracy: list = field(default_factory=list)  # classification losses only, on the whole data set
    grad_norms: list = field(default_factory=list)  # track_grad_norms: per layer ||dW|| from the epoch's last step
    step_loss: list = field(default_factory=list)  # the loss of every step, in order
    lr: list = field(default_factory=list)  # the learning rate used in the epoch
    total_grad_norm: list = field(default_factory=list)  # global ||g|| at the epoch's last step, before clipping
    # track_activations: per epoch, one value per hidden layer, of its activations f(z) on a fixed probe
    activation_mean: list = field(default_factory=list)
    activation_std: list = field(default_factory=list)
    activation_p2: list = field(default_factory=list)  # 2nd percentile
    activation_p98: list = field(default_factory=list)  # 98th percentile

    def epochs_to(self, threshold):
        """The first epoch (counting from 1) whose loss is <= threshold, or None if none is."""
        hits = np.flatnonzero(np.asarray(self.loss) <= threshold)
        return int(hits[0]) + 1 if hits.size else None

    @property
    def final_loss(self):
        return self.loss[-1]


def accuracy(net, X, y, loss):
    """Fraction classified correctly: argmax for cross-entropy, the 0.5 (or logit 0) cut for BCE."""
    out = net.forward(X)
    if loss.name == "cross_entropy":
        return float(np.mean(out.argmax(axis=1) == np.asarray(y)))
    cut = 0.0 if loss.name == "bce_with_logits" else 0.5
    return float(np.mean((out > cut) == (np.asarray(y) > 0.5)))


def _make_optimizer(optimizer, net, lr, momentum):
    if not isinstance(optimizer, str):
        if momentum:
            raise ValueError("train: momentum= configures optimizer='sgd' only; set it on the optimiser you pass")
        return optimizer
    if optimizer not in OPTIMISERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; known optimizers: {', '.join(OPTIMISERS)}")
    if optimizer == "sgd":
        return OPTIMISERS["sgd"](net.parameters(), lr=lr, momentum=momentum)
    if momentum:
        raise ValueError(
            f"train: momentum={momentum!r} is SGD's setting; Adam keeps its own running mean of the "
            "gradient (beta1). Drop momentum= or use optimizer='sgd'."
        )
    return OPTIMISERS["adam"](net.parameters(), lr=lr)


def _diverged(epoch, what, optimizer):
    return TrainingDiverged(
        f"training diverged at epoch {epoch}: {what} (learning rate {optimizer.lr:g}). Try a smaller learning rate."
    )


def _record_activations(net, probe, history):
    net.forward(probe)
    hidden = [layer.a for layer in net.layers[:-1]]
    history.activation_mean.append([float(a.mean()) for a in hidden])
    history.activation_std.append([float(a.std()) for a in hidden])
    history.activation_p2.append([float(np.percentile(a, 2)) for a in hidden])
    history.activation_p98.append([float(np.percentile(a, 98)) for a in hidden])


def train(net, X, y, loss="mse", optimizer="sgd", lr=0.1, epochs=100, batch_size=None, momentum=0.0,
          seed=0, stop_at_loss=None, track_grad_norms=False, callback=None, clip_norm=None, lr_schedule=None,
          track_activations=False):
    """Train `net` in place and return its History.

    batch_size=None uses the whole data set each step (deterministic gradient descent); otherwise
    the examples are shuffled every epoch by a generator seeded with `seed`. `momentum` is SGD's
    (Adam raises). `clip_norm` rescales the gradient before every step so its global norm is at most
    clip_norm. `lr_schedule(epoch)` multiplies lr in each epoch (see nl.schedules). `stop_at_loss`
    ends training after the first epoch whose loss is at or below it. `track_activations` records
    statistics of each hidden layer's activations after every epoch, on a fixed probe of up to 512
    evenly spaced training inputs. `callback(epoch, net, history)` runs after every epoch (epochs
    count from 1).
    """
    loss = get_loss(loss)
    X = as_float_array(X, "X", "train")
    if loss.name != "cross_entropy":
        y = as_float_array(y, "y", "train")
    if len(X) != len(y):
        raise ValueError(f"train: X has {len(X)} examples but y has {len(y)}")
    epochs = int(epochs)
    if epochs < 1:
        raise ValueError(f"train: epochs must be at least 1, got {epochs}")
    if clip_norm is not None and not (math.isfinite(clip_norm) and clip_norm > 0):
        raise ValueError(f"train: clip_norm must be a positive finite number or None, got {clip_norm!r}")
    optimizer = _make_optimizer(optimizer, net, lr, momentum)
    n = len(X)
    batch = n if batch_size is None else int(batch_size)
    if not 1 <= batch <= n:
        raise ValueError(f"train: batch_size must lie in [1, {n}] for {n} examples, got {batch_size}")
    # The one check of the data: X against the network's input (MLP.forward), y against its output
    # (the loss). The steps below then skip both.
    _, y = loss._check(net.forward(X), y)
    X = X.astype(net.dtype, copy=False)
    parameters = net.parameters()
    base_lr = optimizer.lr
    probe = X[np.linspace(0, n - 1, min(n, 512)).astype(int)] if track_activations else None
    rng = np.random.default_rng(seed)
    classification = loss.name in ("bce", "bce_with_logits", "cross_entropy")
    history = History()
    for epoch in range(1, epochs + 1):
        if lr_schedule is not None:
            multiplier = float(lr_schedule(epoch))
            if not (math.isfinite(multiplier) and multiplier >= 0):
                raise ValueError(f"train: lr_schedule({epoch}) must be a finite number >= 0, got {multiplier!r}")
            optimizer.lr = base_lr * multiplier
        history.lr.append(optimizer.lr)
        order = None if batch == n else rng.permutation(n)
        epoch_losses = []
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence is caught below
            for start in range(0, n, batch):
                Xb, yb = X, y
                if order is not None:
                    rows = order[start:start + batch]
                    Xb, yb = X[rows], y[rows]
                value, grad = loss.value_and_derivative(net._forward(Xb), yb)
                if not math.isfinite(value):
                    raise _diverged(epoch, f"the loss became {value}", optimizer)
                epoch_losses.append(float(value))
                net._backward(grad, input_grad=False)
                last_step = start + batch >= n
                if last_step or clip_norm is not None:
                    norm = global_grad_norm(parameters)
                    if not math.isfinite(norm):
                        raise _diverged(epoch, f"the gradient norm became {norm}", optimizer)
                    if last_step:
                        history.total_grad_norm.append(norm)
                    if clip_norm is not None:
                        clip_grad_norm(parameters, clip_norm)
                optimizer.step()
        # A parameter can turn inf in the epoch's last step, or stay inf behind a ReLU that is off
        # everywhere without the loss ever noticing: check them all once per epoch.
        if not all(np.isfinite(p).all() for p, _ in parameters):
            raise _diverged(epoch, "a parameter became NaN or inf", optimizer)
        history.step_loss.extend(epoch_losses)
        history.loss.append(float(np.mean(epoch_losses)))
        if classification:
            history.accuracy.append(accuracy(net, X, y, loss))
        if track_grad_norms:
            history.grad_norms.append([float(np.linalg.norm(layer.dW)) for layer in net.layers])
        if track_activations:
            _record_activations(net, probe, history)
        if callback is not None:
            callback(epoch, net, history)
        if stop_at_loss is not None and history.loss[-1] <= stop_at_loss:
            break
    return history
