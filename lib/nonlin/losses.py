"""Loss functions, each beside its gradient with respect to its first argument.

Every loss sums over the feature axes of one example and averages over the batch (the first
axis), so a batch of N examples gives L = (1/N) Σ_n ℓ_n, and `.grad` returns dL/d(first argument)
with the same shape as that argument.

    nl.losses.mse(pred, y)                  nl.losses.mse.grad(pred, y)
    nl.losses.bce(p, y)                     nl.losses.bce.grad(p, y)       # p: probabilities
    nl.losses.bce_with_logits(z, y)         nl.losses.bce_with_logits.grad(z, y)
    nl.losses.cross_entropy(logits, labels) nl.losses.cross_entropy.grad(logits, labels)

A subclass writes two hooks, `value(prediction, target)` and `derivative(prediction, target)`, for
checked arrays: the same hook names as the activations'. `check(prediction, target)` is the public
check the calls above make (shapes, label ranges, finiteness); the training loop calls it once and
then the unchecked `value_and_derivative`, which cross-entropy overrides to compute its softmax once
for both.
"""

import numpy as np

from . import fast
from ._checks import NonFiniteError, as_float_array, require_in_closed_unit_interval, require_same_shape
from .activations import sigmoid, softplus


class Loss:
    name = "loss"

    def __call__(self, prediction, target):
        prediction, target = self.check(prediction, target)
        return self._finite(float(self.value(prediction, target)), "loss")

    def grad(self, prediction, target):
        prediction, target = self.check(prediction, target)
        return self._finite(self.derivative(prediction, target), "gradient")

    def value_and_derivative(self, prediction, target):
        """Unchecked (L, dL/dprediction) for the training loop, which checked its data once."""
        return self.value(prediction, target), self.derivative(prediction, target)

    def _finite(self, result, what):  # only a result too large for the float type fails (mse of 1e200)
        if not np.all(np.isfinite(result)):
            raise NonFiniteError(
                f"{self.name}: the {what} overflowed the floating-point range; the predictions are far "
                "too large, which in training means it diverged: try a smaller learning rate."
            )
        return result

    def check(self, prediction, target):
        """(prediction, target) as checked arrays, or a clear error naming what was expected."""
        prediction = as_float_array(prediction, "prediction", self.name)
        target = as_float_array(target, "target", self.name).astype(prediction.dtype, copy=False)
        hint = ""
        if prediction.ndim == 2 and target.shape == prediction.shape[:1]:
            hint = "Reshape the targets with y.reshape(-1, 1) so they do not broadcast."
        require_same_shape(prediction, target, "prediction", "target", self.name, hint)
        if prediction.ndim == 0 or prediction.shape[0] == 0:
            raise ValueError(f"{self.name}: expected a batch along the first axis, got shape {prediction.shape}")
        return prediction, target

    def __repr__(self):
        return f"nl.losses.{self.name}"


class MSE(Loss):
    """L = (1/N) Σ_n ||pred_n - y_n||²,  dL/dpred = 2 (pred - y) / N."""

    name = "mse"

    # The only loss whose finite inputs can overflow (1e200 squared): Loss turns the inf into a clear error.
    def value(self, pred, y):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sum((pred - y) ** 2) / len(pred)

    def derivative(self, pred, y):
        with np.errstate(over="ignore", invalid="ignore"):
            return 2 * (pred - y) / len(pred)


class BCE(Loss):
    """Binary cross-entropy on probabilities: L = -(1/N) Σ [y log p + (1 - y) log(1 - p)].

    dL/dp = (p - y) / (p (1 - p)) / N. Guard: p is clipped to [ε, 1 - ε] with ε = 1e-7 (float32)
    or 1e-15 (float64) before the logarithms, so p = 0 or 1 gives a large finite loss instead of
    inf. Prefer `bce_with_logits`, which needs no guard.
    """

    name = "bce"

    def check(self, p, y):
        p, y = super().check(p, y)
        require_in_closed_unit_interval(p, "the probabilities p", self.name)
        require_in_closed_unit_interval(y, "the targets y", self.name)
        return p, y

    @staticmethod
    def _clipped(p):
        eps = 1e-7 if p.dtype == np.float32 else 1e-15
        return np.clip(p, eps, 1 - eps)

    def value(self, p, y):
        p = self._clipped(p)
        return -np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / len(p)

    def derivative(self, p, y):
        p = self._clipped(p)
        return (p - y) / (p * (1 - p)) / len(p)


class BCEWithLogits(Loss):
    """BCE on logits z, p = σ(z): ℓ = max(z, 0) - z y + log(1 + e^{-|z|});  dL/dz = (σ(z) - y) / N."""

    name = "bce_with_logits"

    def check(self, z, y):
        z, y = super().check(z, y)
        require_in_closed_unit_interval(y, "the targets y", self.name)
        return z, y

    def value(self, z, y):
        return np.sum(softplus.value(z) - z * y) / len(z)  # -[y log σ(z) + (1-y) log(1-σ(z))], stably

    def derivative(self, z, y):
        return (sigmoid.value(z) - y) / len(z)


class CrossEntropy(Loss):
    """Softmax and cross-entropy fused: ℓ = logsumexp(z) - z_label;  dL/dz = (softmax(z) - onehot) / N.

    `logits` has shape (N, K); `labels` holds N integer class indices in [0, K - 1].
    """

    name = "cross_entropy"

    def check(self, logits, labels):
        logits = as_float_array(logits, "logits", self.name)
        if logits.ndim != 2 or len(logits) == 0:
            raise ValueError(f"cross_entropy: logits must have shape (N, K) with N >= 1, got shape {logits.shape}")
        (n, k), labels = logits.shape, np.asarray(labels)
        if labels.shape != (n,):
            hint = {logits.shape: " For one-hot labels pass labels.argmax(axis=1).",
                    (n, 1): " For a column of labels pass labels.ravel()."}.get(labels.shape, "")
            raise ValueError(f"cross_entropy: logits have {n} rows, so labels must be {n} class indices of shape "
                             f"({n},); got shape {labels.shape}.{hint}")
        if labels.dtype == np.bool_ or not np.issubdtype(labels.dtype, np.number):
            raise TypeError(f"cross_entropy: labels must be integers, got dtype {labels.dtype}")
        if not np.issubdtype(labels.dtype, np.integer):
            if not (np.all(np.isfinite(labels)) and np.all(labels == np.round(labels))):
                raise ValueError("cross_entropy: labels must be whole numbers (class indices), got non-integer values")
            labels = labels.astype(np.int64)
        if labels.min() < 0 or labels.max() >= k:
            raise ValueError(f"cross_entropy: with {k} classes, labels must lie in [0, {k - 1}], got values from "
                             f"{labels.min()} to {labels.max()}")
        return logits, labels

    # Value and derivative both start from e^{z - m}, m the row maximum (so no e^{...} exceeds 1):
    #   ℓ = log Σ_j e^{z_j - m} - (z_label - m),   dℓ/dz = e^{z - m} / Σ_j e^{z_j - m} - onehot = softmax(z) - onehot.
    @staticmethod
    def _shifted_exp(logits):
        shifted = logits - fast.row_max(logits)  # the row maximum m (fast.py)
        e = np.exp(shifted)
        return shifted, e, e.sum(axis=1, keepdims=True)

    def value(self, logits, labels):
        shifted, _, total = self._shifted_exp(logits)
        return (np.log(total[:, 0]) - shifted[np.arange(len(labels)), labels]).sum() / len(labels)

    def derivative(self, logits, labels):
        return self.value_and_derivative(logits, labels)[1]

    def value_and_derivative(self, logits, labels):
        n, rows = len(labels), np.arange(len(labels))
        shifted, e, total = self._shifted_exp(logits)  # computed once for both
        loss = (np.log(total[:, 0]) - shifted[rows, labels]).sum() / n
        e /= total  # now softmax(z)
        e[rows, labels] -= 1
        e /= n
        return loss, e


mse = MSE()
bce = BCE()
bce_with_logits = BCEWithLogits()
cross_entropy = CrossEntropy()

_BY_NAME = {loss.name: loss for loss in (mse, bce, bce_with_logits, cross_entropy)}


def get_loss(name_or_loss):
    """A loss by name ('mse', 'bce', 'bce_with_logits', 'cross_entropy'), or the loss itself."""
    if isinstance(name_or_loss, Loss):
        return name_or_loss
    try:
        return _BY_NAME[name_or_loss]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name_or_loss!r}; known losses: {', '.join(sorted(_BY_NAME))}") from None
