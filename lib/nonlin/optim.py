"""Optimisers. Each holds (parameter, gradient) pairs and updates the parameters in place.

    opt = nl.SGD(net.parameters(), lr=0.1, momentum=0.9)
    opt = nl.Adam(net.parameters(), lr=1e-3)
    ... net.backward(...); opt.step()
"""

import math

import numpy as np


def _check_rate(lr, where):
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"{where}: the learning rate must be a positive finite number, got {lr!r}")
    return lr


class SGD:
    """v ← μ v + g;  θ ← θ - lr · v   (plain gradient descent when momentum μ = 0)."""

    def __init__(self, parameters, lr=0.1, momentum=0.0):
        self.parameters = list(parameters)
        self.lr = _check_rate(lr, "SGD")
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must lie in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = [np.zeros_like(p) for p, _ in self.parameters]

    def step(self):
        for (param, grad), v in zip(self.parameters, self.velocity):
            v *= self.momentum
            v += grad
            param -= self.lr * v


class Adam:
    """Adam (Kingma & Ba, 2015): bias-corrected running means of g and g², step lr · m̂ / (√v̂ + ε)."""

    def __init__(self, parameters, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.parameters = list(parameters)
        self.lr = _check_rate(lr, "Adam")
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"Adam: beta1 and beta2 must lie in [0, 1), got {beta1!r} and {beta2!r}")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = [np.zeros_like(p) for p, _ in self.parameters]
        self.v = [np.zeros_like(p) for p, _ in self.parameters]
        self.t = 0

    def step(self):
        self.t += 1
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        for (param, grad), m, v in zip(self.parameters, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad * grad
            param -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


OPTIMISERS = {"sgd": SGD, "adam": Adam}
