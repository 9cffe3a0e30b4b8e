"""Softmax along the last axis, with log-sum-exp, its Jacobian and its vector-Jacobian product.

    p = nl.softmax(z)              # p_i = e^{z_i} / Σ_j e^{z_j}; each row sums to 1
    J = nl.softmax.jacobian(z)     # 1-D z -> diag(p) - p pᵀ, shape (n, n)
    g = nl.softmax.vjp(z, gout)    # Jᵀ gout for every row, without building J

Softmax is not elementwise, so `softmax.grad` raises a TypeError that points to these two.
"""

import numpy as np

from ._checks import as_float_array, require_same_shape
from .activations import Activation


def logsumexp(z, axis=-1):
    """log Σ_j e^{z_j} along `axis`, computed as m + log Σ e^{z_j - m} with m = max z (no overflow)."""
    z = as_float_array(z, "z", "logsumexp")
    if z.ndim == 0 or z.shape[axis] == 0:
        raise ValueError(f"logsumexp: z needs a non-empty axis {axis} to sum over, got shape {z.shape}")
    m = np.max(z, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(z - m), axis=axis))


def log_softmax(z):
    """log p_i = z_i - logsumexp(z), along the last axis; finite even where p_i underflows to 0."""
    z = as_float_array(z, "z", "log_softmax")
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"log_softmax: z needs logits along a non-empty last axis, got shape {z.shape}")
    return z - logsumexp(z)[..., None]


class Softmax(Activation):
    """softmax(z)_i = e^{z_i} / Σ_j e^{z_j} along the last axis;  ∂p_i/∂z_j = p_i (δ_ij - p_j)."""

    name = "softmax"

    def check(self, z):
        z = super().check(z)
        if z.ndim == 0 or z.shape[-1] == 0:
            raise ValueError(f"softmax needs logits along a non-empty last axis, got shape {z.shape}")
        return z

    def value(self, z):
        # Subtracting the row maximum leaves p unchanged and keeps every e^{...} in (0, 1].
        e = z - np.max(z, axis=-1, keepdims=True)
        np.exp(e, out=e)  # in place: e is our own array
        e /= np.sum(e, axis=-1, keepdims=True)
        return e

    def grad(self, z):
        raise TypeError(
            "softmax is not elementwise: every output depends on every input of its row, so it has "
            "no elementwise derivative. Use softmax.vjp(z, grad_output) for backpropagation, or "
            "softmax.jacobian(z) for the full (n, n) matrix diag(p) - p pᵀ."
        )

    derivative = grad

    def vjp(self, z, grad_output):
        """Jᵀ g for each row: p ⊙ (g - <g, p>), because J = diag(p) - p pᵀ is symmetric."""
        z = self.check(z)
        grad_output = as_float_array(grad_output, "grad_output", "softmax.vjp")
        require_same_shape(z, grad_output, "z", "grad_output", "softmax.vjp")
        return self.backward(z, self.value(z), grad_output)

    def backward(self, z, p, grad_output):
        """Unchecked vjp for a network's backward pass, reusing the forward output p = softmax(z)."""
        return p * (grad_output - np.sum(grad_output * p, axis=-1, keepdims=True))

    def jacobian(self, z):
        z = self.check(z)
        if z.ndim != 1:
            raise ValueError(f"softmax.jacobian expects a 1-D vector of logits, got shape {z.shape}")
        p = self.value(z)
        return np.diag(p) - np.outer(p, p)


softmax = Softmax()
