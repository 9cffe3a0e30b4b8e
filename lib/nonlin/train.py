"""A small training loop with a per-epoch history, shared by every experiment in the book.

    history = nl.train(net, X, y, loss="bce", optimizer="sgd", lr=0.5, epochs=500, seed=0)
    history.loss[-1], history.accuracy[-1], history.epochs_to(0.05)

Every step of `train` is one call of `train_step`, which a reader (or a benchmark) can also call
on its own:

    value = nl.train_step(net, "cross_entropy", optimizer, X_batch, labels_batch)

`train` checks the data once, before the first step, and then runs `train_step(..., check=False)`
on batches of the checked arrays. If a step's loss is NaN or inf, or a parameter is after an
epoch, or the network's outputs overflow, training stops with TrainingDiverged, naming the epoch
and suggesting a smaller learning rate, instead of carrying garbage forward. Overflow inside a
diverging run raises no NumPy warnings: TrainingDiverged is the one report.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array
from .losses import get_loss
from .optim import OPTIMISERS, clip_grad_norm, global_grad_norm
from .seeding import rng as make_rng


class TrainingDiverged(FloatingPointError):
    """The loss, the gradient, the parameters or the outputs stopped being finite during training.

    `reason` says which, e.g. "the loss became inf"."""

    def __init__(self, message, reason=None):
        super().__init__(message)
        self.reason = reason or message


@dataclass
class History:
    """What `train` recorded: one entry per epoch, except step_loss (one per step) and end_loss.

    Two losses, measured at different moments: loss[e] is the mean of epoch e+1's minibatch losses,
    each taken *before* its step's update (so loss[-1] lags the last update), while end_loss is the
    loss on the whole training set *after* the final update: the state the trained network is in.
    """

    loss: list = field(default_factory=list)  # mean minibatch loss during the epoch (before each step)
    end_loss: float = None  # the whole training set's loss after the final update
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
    def last_epoch_loss(self):
        """loss[-1]: the last epoch's mean minibatch loss, before its updates (end_loss is after)."""
        return self.loss[-1]


def accuracy(net, X, y, loss):
    """Fraction classified correctly: argmax for cross-entropy, the 0.5 (or logit 0) cut for BCE."""
    return _accuracy(net.forward(X), y, get_loss(loss))


def _accuracy(out, y, loss):
    if loss.name == "cross_entropy":
        return float(np.mean(out.argmax(axis=1) == np.asarray(y)))
    cut = 0.0 if loss.name == "bce_with_logits" else 0.5
    return float(np.mean((out > cut) == (np.asarray(y) > 0.5)))


# Overflow in a diverging run is caught by the finiteness checks, not reported as NumPy warnings.
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


def train_step(net, loss, optimizer, X, y, clip_norm=None, check=True, return_grad_norm=False):
    """One step of gradient descent on the batch (X, y); returns the batch's loss before the update.

        value = nl.train_step(net, "cross_entropy", optimizer, X, labels)

    The step, exactly as `nl.train` runs it: the forward pass; the loss and its gradient
    dL/d(output), in one call (cross-entropy computes its softmax once for both); the backward pass,
    which fills every layer's dW and db and skips the gradient for X (nothing needs it); with
    `clip_norm`, the gradient rescaled to global norm at most clip_norm; then optimizer.step().

    check=True validates X against the network's input and y against the loss, with the errors of
    MLP.forward and of the loss, and silences NumPy's overflow warnings during the step (the
    finiteness checks report divergence instead). `train` validates its data once, silences the
    warnings once around all of its steps, and calls check=False, which does neither: it trusts that
    X is a finite (N, n_in) array of the network's dtype and y is what the loss's check returns for
    it (float targets of the output's shape, or integer labels).

    Raises TrainingDiverged, before any parameter changes, if the loss or the gradient norm is NaN
    or inf. return_grad_norm=True returns (loss, ‖g‖), ‖g‖ the global gradient norm before clipping.
    """
    loss = get_loss(loss)
    if not check:  # the hot path of nl.train, which holds the np.errstate guard around its steps
        return _step(net, loss, optimizer, X, y, clip_norm, return_grad_norm, check=False)
    X = net._check_input(X, "train_step")
    with np.errstate(**_QUIET):
        return _step(net, loss, optimizer, X, y, clip_norm, return_grad_norm, check=True)


def _step(net, loss, optimizer, X, y, clip_norm, return_grad_norm, check):
    """The body of train_step; with check=True, y is checked against the forward pass's output."""
    out = net._forward(X)
    if check:
        if not np.isfinite(out).all():
            raise _diverged(None, "the network's outputs overflowed to NaN or inf", optimizer)
        _, y = loss._check(out, y)
    value, grad = loss.value_and_derivative(out, y)
    if not math.isfinite(value):
        raise _diverged(None, f"the loss became {value}", optimizer)
    net._backward(grad, input_grad=False)
    norm = None
    if clip_norm is not None or return_grad_norm:
        norm = global_grad_norm(net.parameters())
        if not math.isfinite(norm):
            raise _diverged(None, f"the gradient norm became {norm}", optimizer)
        if clip_norm is not None:
            clip_grad_norm(net.parameters(), clip_norm)
    optimizer.step()
    return (float(value), norm) if return_grad_norm else float(value)


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
    when = "" if epoch is None else f" at epoch {epoch}"
    return TrainingDiverged(
        f"training diverged{when}: {what} (learning rate {optimizer.lr:g}). Try a smaller learning rate.", what
    )


def _record_activations(net, probe, history):
    net._forward(probe)  # the probe rows of X, checked with it
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
    rng = make_rng(seed)
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
        with np.errstate(**_QUIET):  # once for the epoch's steps, which run check=False (no guard of their own)
            for start in range(0, n, batch):
                Xb, yb = X, y
                if order is not None:
                    rows = order[start:start + batch]
                    Xb, yb = X[rows], y[rows]
                last_step = start + batch >= n
                try:
                    result = train_step(net, loss, optimizer, Xb, yb, clip_norm=clip_norm, check=False,
                                        return_grad_norm=last_step)
                except TrainingDiverged as error:
                    raise _diverged(epoch, error.reason, optimizer) from None
                if last_step:
                    result, norm = result
                    history.total_grad_norm.append(norm)
                epoch_losses.append(result)
        # A parameter can turn inf in the epoch's last step, or stay inf behind a ReLU that is off
        # everywhere without the loss ever noticing: check them all once per epoch.
        if not all(np.isfinite(p).all() for p, _ in parameters):
            raise _diverged(epoch, "a parameter became NaN or inf", optimizer)
        history.step_loss.extend(epoch_losses)
        history.loss.append(float(np.mean(epoch_losses)))
        with np.errstate(**_QUIET):  # finite but huge weights can overflow here too
            if classification:
                out = net._forward(X)
                if not np.isfinite(out).all():
                    raise _diverged(epoch, "the network's outputs overflowed to NaN or inf", optimizer)
                history.accuracy.append(_accuracy(out, y, loss))
            if track_grad_norms:
                history.grad_norms.append([float(np.linalg.norm(layer.dW)) for layer in net.layers])
            if track_activations:
                _record_activations(net, probe, history)
        if callback is not None:
            callback(epoch, net, history)
        if stop_at_loss is not None and history.loss[-1] <= stop_at_loss:
            break
    with np.errstate(**_QUIET):
        history.end_loss = float(loss.value(net._forward(X), y))
    return history
