"""Finite-difference gradient checks: the referee for every derivative in the book.

The central difference (f(x + h) - f(x - h)) / 2h errs by truncation, about h²|f‴|/6, and by round-off,
about ε|f|/h (ε ≈ 1.1e-16): h ≈ ε^(1/3) ≈ 1e-5 balances the two (chapter 6 measures both), which is why
`check_mlp_gradients` uses it. A right gradient agrees to about 1e-6; a wrong one by order 1.
"""

from dataclasses import dataclass

import numpy as np

from .losses import get_loss


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the scalar function f at the array x (computed in float64)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = float(f(x))
        x[index] = original - h
        f_minus = float(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b, floor=1e-8):
    """max |a - b| / max(|a|, |b|, floor), elementwise, then the largest."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor), initial=0.0))


@dataclass
class GradCheck:
    name: str
    relative_error: float
    tolerance: float

    @property
    def ok(self):
        return self.relative_error <= self.tolerance

    def __str__(self):
        verdict = "ok" if self.ok else "MISMATCH"
        return f"{self.name}: relative error {self.relative_error:.2e} (tolerance {self.tolerance:.0e}) {verdict}"


def check_gradient(f, grad_f, x, h=1e-6, tolerance=1e-5, name="gradient"):
    """Compare the analytic gradient grad_f(x) of a scalar f with central differences."""
    analytic = np.asarray(grad_f(np.array(x, dtype=np.float64)), dtype=np.float64)
    numeric = numerical_gradient(f, x, h)
    if analytic.shape != numeric.shape:
        raise ValueError(f"check_gradient: grad_f returned shape {analytic.shape}, x has shape {numeric.shape}")
    return GradCheck(name, relative_error(analytic, numeric), tolerance)


def check_mlp_gradients(net, X, y, loss, h=1e-5, tolerance=1e-4):
    """Backprop's gradient of every parameter of a float64 net against central differences.

    `loss` is a loss or its name, as in `nl.train`. One GradCheck per parameter array, named
    layers[i].W, layers[i].b (and layers[i].norm.gamma, layers[i].norm.beta with layer_norm). The
    relative error is taken entry by entry, so entries near zero carry the round-off ε|L|/h of the
    module docstring; with h = 1e-5 a correct network stays well below the tolerance 1e-4, and a
    real bug (a missing factor, a sign, a transpose) gives an error of order 1.
    """
    loss = get_loss(loss)
    if net.dtype != np.float64:
        raise ValueError("check_mlp_gradients needs a float64 network: float32 differences are too coarse")
    net.backward(loss.grad(net.forward(X), y), input_grad=False)
    results = []
    for i, layer in enumerate(net.layers):
        labels = ["W", "b", "norm.gamma", "norm.beta"]  # the order of layer.parameters()
        for (param, grad), label in zip(layer.parameters(), labels):
            analytic = grad.copy()

            def loss_at(values, param=param):
                saved = param.copy()
                param[...] = values
                try:
                    return loss(net.forward(X), y)
                finally:
                    param[...] = saved

            numeric = numerical_gradient(loss_at, param, h)
            results.append(GradCheck(f"layers[{i}].{label}", relative_error(analytic, numeric), tolerance))
    return results
