"""A small training loop with a per-epoch history, shared by every experiment in the book.

    history = nl.train(net, X, y, loss="bce", optimizer="sgd", lr=0.5, epochs=500, seed=0)
    history.loss[-1], history.accuracy[-1], history.epochs_to(0.05)

If the loss or a parameter becomes NaN or inf, training stops with TrainingDiverged, naming the
epoch and suggesting a smaller learning rate, instead of carrying garbage forward.
"""

from dataclasses import dataclass, field

import numpy as np

from ._checks import NonFiniteError, as_float_array
from .losses import get_loss
from .optim import OPTIMISERS


class TrainingDiverged(FloatingPointError):
    """The loss or the parameters stopped being finite during training."""


@dataclass
class History:
    """What `train` recorded, one entry per epoch."""

    loss: list = field(default_factory=list)  # mean minibatch loss during the epoch (before each step)
    accuracy: list = field(default_factory=list)  # classification losses only, on the whole data set
    grad_norms: list = field(default_factory=list)  # per layer ||dW|| from the epoch's last step

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
        return optimizer
    if optimizer not in OPTIMISERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; known optimizers: {', '.join(OPTIMISERS)}")
    if optimizer == "sgd":
        return OPTIMISERS["sgd"](net.parameters(), lr=lr, momentum=momentum)
    return OPTIMISERS["adam"](net.parameters(), lr=lr)


def train(net, X, y, loss="mse", optimizer="sgd", lr=0.1, epochs=100, batch_size=None, momentum=0.0,
          seed=0, stop_at_loss=None, track_grad_norms=False, callback=None):
    """Train `net` in place and return its History.

    batch_size=None uses the whole data set each step (deterministic gradient descent); otherwise
    the examples are shuffled every epoch by a generator seeded with `seed`. `stop_at_loss` ends
    training after the first epoch whose loss is at or below it. `callback(epoch, net, history)`
    runs after every epoch (epochs count from 1).
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
    optimizer = _make_optimizer(optimizer, net, lr, momentum)
    rng = np.random.default_rng(seed)
    n = len(X)
    batch = n if batch_size is None else int(batch_size)
    if not 1 <= batch <= n:
        raise ValueError(f"train: batch_size must lie in [1, {n}] for {n} examples, got {batch_size}")
    classification = loss.name in ("bce", "bce_with_logits", "cross_entropy")
    history = History()
    for epoch in range(1, epochs + 1):
        order = np.arange(n) if batch == n else rng.permutation(n)
        batch_losses = []
        try:
            # Divergence shows up as overflow; it is caught below and reported with the epoch.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                for start in range(0, n, batch):
                    rows = order[start:start + batch]
                    out = net.forward(X[rows])
                    batch_losses.append(loss(out, y[rows]))
                    net.backward(loss.grad(out, y[rows]), input_grad=False)
                    optimizer.step()
                if not all(np.isfinite(p).all() for p, _ in net.parameters()):
                    raise NonFiniteError("a parameter became NaN or inf")
                history.loss.append(float(np.mean(batch_losses)))
                if classification:
                    history.accuracy.append(accuracy(net, X, y, loss))
        except NonFiniteError as error:
            raise TrainingDiverged(
                f"training diverged at epoch {epoch}: the loss or the parameters became NaN or inf "
                f"(learning rate {getattr(optimizer, 'lr', lr)}). Try a smaller learning rate. ({error})"
            ) from None
        if not np.isfinite(history.loss[-1]):
            raise TrainingDiverged(
                f"training diverged at epoch {epoch}: the loss is {history.loss[-1]}. Try a smaller learning rate."
            )
        if track_grad_norms:
            history.grad_norms.append([float(np.linalg.norm(layer.dW)) for layer in net.layers])
        if callback is not None:
            callback(epoch, net, history)
        if stop_at_loss is not None and history.loss[-1] <= stop_at_loss:
            break
    return history
