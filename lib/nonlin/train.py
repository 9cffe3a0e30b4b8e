"""A small training loop with a per-epoch history, shared by every experiment in the book.

    history = nl.train(net, X, y, loss="bce", optimizer="sgd", lr=0.5, epochs=500, seed=0)
    value = nl.train_step(net, "cross_entropy", optimizer, X_batch, labels_batch)   # one step alone

`train` checks the data once, then runs `train_step_unchecked` on each batch. If the loss, the
outputs or a parameter stop being finite, training stops with TrainingDiverged, naming the epoch
and suggesting a smaller learning rate (and no NumPy overflow warnings).
"""

import inspect
import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, one_of, positive, whole
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
    # track_activations: per epoch, per hidden layer, of its activations f(z) on a fixed probe: mean, std, and
    activation_mean: list = field(default_factory=list)
    activation_std: list = field(default_factory=list)
    activation_p2: list = field(default_factory=list)  # the 2nd and 98th percentiles
    activation_p98: list = field(default_factory=list)

    def epochs_to(self, threshold):
        """The first epoch (counting from 1) whose loss is <= threshold, or None if none is."""
        hits = np.flatnonzero(np.asarray(self.loss) <= threshold)
        return int(hits[0]) + 1 if hits.size else None

    @property
    def last_epoch_loss(self):
        """loss[-1]: the last epoch's mean minibatch loss, before its updates (end_loss is after)."""
        return self.loss[-1]


def accuracy(net, X, y, loss):
    """Fraction classified correctly: argmax for cross-entropy, the 0.5 (or logit 0) cut for BCE.

    y is checked by the loss, as in training: (N,) integer labels for cross-entropy, targets of the
    output's shape (N, 1) for BCE; anything else is an error, never a silently broadcast comparison."""
    loss = get_loss(loss)
    out = net.forward(X)
    return _accuracy(out, loss.check(out, y)[1], loss)


def _accuracy(out, y, loss):
    """Accuracy of outputs against targets that loss.check returned."""
    if loss.name == "cross_entropy":
        return float(np.mean(out.argmax(axis=1) == y))
    if loss.name not in ("bce", "bce_with_logits"):
        raise ValueError(f"accuracy: classification losses only (bce, bce_with_logits, cross_entropy), got {loss.name}")
    cut = 0.0 if loss.name == "bce_with_logits" else 0.5
    return float(np.mean((out > cut) == (y > 0.5)))


# Overflow in a diverging run is caught by the finiteness checks, not reported as NumPy warnings.
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

# Losses that apply the squashing themselves: an output layer that squashes too squashes twice.
_SQUASHED_INSIDE = {"bce_with_logits": "sigmoid", "cross_entropy": "softmax"}


def check_output_matches_loss(net, loss, where="train"):
    """Refuse a sigmoid output feeding bce_with_logits, or softmax feeding cross_entropy (squashed twice)."""
    squash = _SQUASHED_INSIDE.get(loss.name)
    if squash is not None and net.layers[-1].activation.name == squash:
        raise ValueError(
            f"{where}: the output layer applies {squash} and the loss {loss.name} applies it again, so the "
            f"network would learn through {squash}({squash}(z)). Use output='identity' (the loss takes logits), "
            f"or keep output='{squash}' with loss='{'bce' if squash == 'sigmoid' else 'mse'}'; to study the "
            "mistake on purpose, pass allow_double_squash=True."
        )


def train_step(net, loss, optimizer, X, y, clip_norm=None, return_grad_norm=False, allow_double_squash=False):
    """One step of gradient descent on the batch (X, y); returns the batch's loss before the update.

        value = nl.train_step(net, "cross_entropy", optimizer, X, labels)

    The step as `nl.train` runs it: forward pass; the loss and dL/d(output) in one call; backward
    pass (filling every dW, db; no gradient for X); with `clip_norm`, the gradient rescaled to global
    norm at most clip_norm; optimizer.step(). This public step checks X and y first and silences
    NumPy's overflow warnings. Raises TrainingDiverged, before any parameter changes, if the outputs,
    the loss or the gradient norm are NaN or inf. return_grad_norm=True returns (loss, ‖g‖ before clipping).
    """
    loss = get_loss(loss)
    if not allow_double_squash:
        check_output_matches_loss(net, loss, "train_step")
    X = net.check_input(X, "train_step")
    with np.errstate(**_QUIET):
        out = net.forward_unchecked(X)
        if not np.isfinite(out).all():
            raise _diverged(None, "the network's outputs overflowed to NaN or inf", optimizer)
        _, y = loss.check(out, y)
        return _update(net, loss, optimizer, out, y, clip_norm, return_grad_norm)


def train_step_unchecked(net, loss, optimizer, X, y, clip_norm=None, return_grad_norm=False):
    """train_step for a caller that checked the data: X a finite (N, n_in) array of the network's
    dtype, y what loss.check returns for it, and NumPy's overflow warnings
    handled by the caller (nl.train holds one np.errstate around all of its steps)."""
    loss = get_loss(loss)
    return _update(net, loss, optimizer, net.forward_unchecked(X), y, clip_norm, return_grad_norm)


def _update(net, loss, optimizer, out, y, clip_norm, return_grad_norm):
    """The step after the forward pass: loss and gradient, backward, clipping, the update."""
    value, grad = loss.value_and_derivative(out, y)
    if not math.isfinite(value):
        raise _diverged(None, f"the loss became {value}", optimizer)
    net.backward_unchecked(grad, input_grad=False)
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
    """An optimiser object: the one given, or OPTIMISERS[name](parameters, lr=lr[, momentum=...])."""
    if not isinstance(optimizer, str):
        if momentum:
            raise ValueError("train: momentum= configures optimizer='sgd' only; set it on the optimiser you pass")
        return optimizer
    cls = OPTIMISERS[one_of(optimizer, OPTIMISERS, "optimizer", "train")]
    settings = {"lr": positive(lr, "the learning rate lr", "train")}
    if momentum:
        if "momentum" not in inspect.signature(cls).parameters:
            raise ValueError(f"train: momentum={momentum!r} is SGD's setting and {cls.__name__} has none "
                             f"({optimizer!r}); drop momentum= or use optimizer='sgd'.")
        settings["momentum"] = momentum
    return cls(net.parameters(), **settings)


def _diverged(epoch, what, optimizer):
    when = "" if epoch is None else f" at epoch {epoch}"
    return TrainingDiverged(f"training diverged{when}: {what} (learning rate {optimizer.lr:g}). "
                            "Try a smaller learning rate.", what)


def _record_activations(net, probe, history):
    net.forward_unchecked(probe)  # the probe rows of X, checked with it
    hidden = [layer.a for layer in net.layers[:-1]]
    history.activation_mean.append([float(a.mean()) for a in hidden])
    history.activation_std.append([float(a.std()) for a in hidden])
    history.activation_p2.append([float(np.percentile(a, 2)) for a in hidden])
    history.activation_p98.append([float(np.percentile(a, 98)) for a in hidden])


def train(net, X, y, loss="mse", optimizer="sgd", lr=0.1, epochs=100, batch_size=None, momentum=0.0,
          seed=0, stop_at_loss=None, track_grad_norms=False, callback=None, clip_norm=None, lr_schedule=None,
          track_activations=False, allow_double_squash=False):
    """Train `net` in place and return its History.

    batch_size=None: the whole data set each step; otherwise the examples are shuffled every epoch by
    a generator seeded with `seed`. `momentum` is SGD's. `clip_norm` caps the gradient's global norm.
    `lr_schedule(epoch)` multiplies lr in each epoch (nl.schedules). `stop_at_loss` ends training after
    the first epoch whose loss is at or below it. `track_activations` records statistics of each hidden
    layer's activations after every epoch, on up to 512 evenly spaced training inputs.
    `callback(epoch, net, history)` runs after every epoch (epochs count from 1). A sigmoid output with
    "bce_with_logits" (softmax with "cross_entropy") squashes twice: refused unless allow_double_squash.
    """
    loss = get_loss(loss)
    if not allow_double_squash:
        check_output_matches_loss(net, loss)
    X = as_float_array(X, "X", "train")
    if X.ndim == 0 or len(X) == 0:
        raise ValueError(f"train: X holds no examples (shape {X.shape}); give an (N, n_in) array with N >= 1")
    if loss.name != "cross_entropy":
        y = as_float_array(y, "y", "train")
    if np.ndim(y) == 0 or len(X) != len(y):
        raise ValueError(f"train: X has {len(X)} examples but y has shape {np.shape(y)}")
    epochs = whole(epochs, "epochs", "train")
    if clip_norm is not None:
        clip_norm = positive(clip_norm, "clip_norm", "train")
    optimizer = _make_optimizer(optimizer, net, lr, momentum)
    n = len(X)
    batch = n if batch_size is None else whole(batch_size, "batch_size", "train")
    if batch > n:
        raise ValueError(f"train: batch_size must lie in [1, {n}] for {n} examples, got {batch_size}")
    # The one check of the data: X against the network's input (MLP.forward), y against its output
    # (the loss). The steps below then skip both.
    _, y = loss.check(net.forward(X), y)
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
        with np.errstate(**_QUIET):  # once for the epoch's steps, which are unchecked (no guard of their own)
            for start in range(0, n, batch):
                Xb, yb = X, y
                if order is not None:
                    rows = order[start:start + batch]
                    Xb, yb = X[rows], y[rows]
                last_step = start + batch >= n
                try:
                    result = train_step_unchecked(net, loss, optimizer, Xb, yb, clip_norm, return_grad_norm=last_step)
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
                out = net.forward_unchecked(X)
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
        history.end_loss = float(loss.value(net.forward_unchecked(X), y))
    return history
