"""Layer normalisation (Ba, Kiros & Hinton, 2016): each row of z rescaled to mean 0 and variance 1,
then given a learnable gain γ and shift β, one per feature.

    ln = nl.LayerNorm(4)
    y = ln.forward(z)         # z has shape (..., 4)
    gz = ln.backward(gy)      # dL/dz; fills ln.dgamma and ln.dbeta

Forward, for one row z of n features:

    μ = (1/n) Σ_j z_j,   v = (1/n) Σ_j (z_j - μ)²,   s = √(v + ε),   x̂_j = (z_j - μ) / s,   y_j = γ_j x̂_j + β_j

Backward, given g = dL/dy (derived in chapter 7): dL/dβ_j = Σ_rows g_j, dL/dγ_j = Σ_rows g_j x̂_j, and with
ĝ = g ⊙ γ,   dL/dz_k = (1/s) (ĝ_k - mean_j ĝ_j - x̂_k mean_j ĝ_j x̂_j):   the two means remove what
normalisation ignores, a shift of z and a rescaling of z (ĝ along x̂).
"""

import math

import numpy as np

from ._checks import as_float_array, positive, whole


class LayerNorm:
    """y = γ ⊙ (z - μ) / √(v + ε) + β along the last axis; γ starts at 1 and β at 0."""

    def __init__(self, n_features, eps=1e-5, dtype=np.float64):
        self.n_features = whole(n_features, "n_features", "LayerNorm")
        eps = positive(eps, "eps", "LayerNorm")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"LayerNorm: dtype must be float32 or float64, got {np.dtype(dtype)}")
        self.eps = eps
        self.gamma = np.ones(self.n_features, dtype=dtype)
        self.beta = np.zeros(self.n_features, dtype=dtype)
        self.dgamma, self.dbeta = np.zeros_like(self.gamma), np.zeros_like(self.beta)  # updated in place
        self.x_hat = self.inv_std = None

    def forward(self, z):
        """Normalise each row of z (checked; the network calls forward_unchecked)."""
        z = as_float_array(z, "z", "LayerNorm.forward")
        if z.ndim == 0 or z.shape[-1] != self.n_features:
            raise ValueError(f"LayerNorm.forward: expected z of shape (..., {self.n_features}), got shape {z.shape}")
        return self.forward_unchecked(z)

    def forward_unchecked(self, z):
        centred = z - z.mean(axis=-1, keepdims=True)
        # s = √(v + ε) = hypot(√v, √ε), with √v computed from centred / (its largest |entry|):
        # nothing large is squared, so rows of size 1e300 do not overflow.
        largest = np.max(np.abs(centred), axis=-1, keepdims=True)
        largest[largest == 0] = 1  # a constant row: centred is 0, and so is x̂
        root_v = largest * np.sqrt(np.mean(np.square(centred / largest), axis=-1, keepdims=True))
        self.inv_std = 1 / np.hypot(root_v, math.sqrt(self.eps))
        self.x_hat = centred * self.inv_std
        return self.x_hat * self.gamma + self.beta

    def backward(self, grad_output):
        """dL/dz from dL/dy (derived in the module docstring); fills dgamma and dbeta."""
        if self.x_hat is None:
            raise RuntimeError("LayerNorm.backward: call forward(z) first; backward reuses what forward stored")
        grad_output = as_float_array(grad_output, "grad_output", "LayerNorm.backward")
        if grad_output.shape != self.x_hat.shape:
            raise ValueError(f"LayerNorm.backward: grad_output must have the shape of z, {self.x_hat.shape}, "
                             f"got {grad_output.shape}")
        return self.backward_unchecked(grad_output)

    def backward_unchecked(self, grad_output):
        rows = tuple(range(grad_output.ndim - 1))  # every axis but the features
        self.dgamma[...] = np.sum(grad_output * self.x_hat, axis=rows)
        self.dbeta[...] = np.sum(grad_output, axis=rows)
        g_hat = grad_output * self.gamma
        projection = np.mean(g_hat * self.x_hat, axis=-1, keepdims=True)
        return self.inv_std * (g_hat - g_hat.mean(axis=-1, keepdims=True) - self.x_hat * projection)

    def parameters(self):
        """(parameter, gradient) pairs: (γ, dL/dγ), (β, dL/dβ)."""
        return [(self.gamma, self.dgamma), (self.beta, self.dbeta)]

    def __repr__(self):
        return f"LayerNorm({self.n_features})"
