"""Optimisers. Each holds (parameter, gradient) pairs and updates the parameters in place.

    opt = nl.SGD(net.parameters(), lr=0.1, momentum=0.9)
    opt = nl.Adam(net.parameters(), lr=1e-3)
    ... net.backward(...); nl.clip_grad_norm(net.parameters(), 1.0); opt.step()
"""

import math

import numpy as np

from . import fast
from ._checks import in_range, positive


class SGD:
    """v ← μ v + g;  θ ← θ - lr · v   (plain gradient descent when momentum μ = 0)."""

    def __init__(self, parameters, lr=0.1, momentum=0.0):
        self.parameters = list(parameters)
        self.lr = positive(lr, "the learning rate lr", "SGD")
        self.momentum = in_range(momentum, "momentum", "SGD", 0, 1)
        self.velocity = [np.zeros_like(p) for p, _ in self.parameters]

    def step(self):
        for (param, grad), v in zip(self.parameters, self.velocity):
            if self.momentum:
                v *= self.momentum
                v += grad
            else:
                v = grad  # μ = 0: v = g, without two passes over the velocity
            fast.subtract_scaled(param, self.lr, v)  # θ -= lr · v, in one pass (fast.py)


class Adam:
    """Adam (Kingma & Ba, 2015): running means m of g and v of g², step lr · m̂ / (√v̂ + ε).

    With bias_correction=True (the paper's), m̂ = m / (1 - β1^t) and v̂ = v / (1 - β2^t) undo the pull
    towards the zeros that m and v start from. With False, m̂ = m and v̂ = v: for a steady gradient
    the step is (1 - β1^t) / √(1 - β2^t) times the corrected one, (1 - β1) / √(1 - β2) ≈ 3.2 at
    t = 1 with the default betas, tending to 1 only after thousands of steps.
    """

    def __init__(self, parameters, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        self.parameters = list(parameters)
        self.lr = positive(lr, "the learning rate lr", "Adam")
        self.beta1 = in_range(beta1, "beta1", "Adam", 0, 1)
        self.beta2 = in_range(beta2, "beta2", "Adam", 0, 1)
        self.eps = positive(eps, "eps", "Adam")
        self.bias_correction = bool(bias_correction)
        self.m = [np.zeros_like(p) for p, _ in self.parameters]
        self.v = [np.zeros_like(p) for p, _ in self.parameters]
        self.t = 0

    def step(self):
        self.t += 1
        correction1 = 1 - self.beta1**self.t if self.bias_correction else 1.0
        correction2 = 1 - self.beta2**self.t if self.bias_correction else 1.0
        for (param, grad), m, v in zip(self.parameters, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad * grad
            param -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


def global_grad_norm(parameters):
    """‖g‖ over every gradient of (parameter, gradient) pairs together, as one long vector."""
    total = 0.0
    for _, grad in parameters:
        flat = grad.ravel().astype(np.float64, copy=False)  # float32 entries of 1e20 would overflow when squared
        total += float(flat @ flat)
    return math.sqrt(total)


def clip_grad_norm(parameters, max_norm):
    """Scale every gradient by min(1, max_norm / ‖g‖), ‖g‖ the global norm; return ‖g‖ before clipping.

    `parameters` are (parameter, gradient) pairs, as from net.parameters(). The direction of the
    whole gradient is kept; only its length is capped at max_norm.
    """
    max_norm = positive(max_norm, "max_norm", "clip_grad_norm")
    parameters = list(parameters)
    norm = global_grad_norm(parameters)
    if not math.isfinite(norm):
        raise ValueError(f"clip_grad_norm: the gradient norm is {norm}; clipping cannot repair NaN or inf")
    if norm > max_norm:
        for _, grad in parameters:
            grad *= max_norm / norm
    return norm


# train(optimizer="name", lr=..., momentum=...) builds OPTIMISERS[name](parameters, lr=lr, **settings); a new
# optimiser is a class with __init__(self, parameters, lr, ...) and step(), and one line here.
OPTIMISERS = {"sgd": SGD, "adam": Adam}
