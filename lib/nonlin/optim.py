"""Optimisers. Each holds (parameter, gradient) pairs and updates the parameters in place.

    opt = nl.SGD(net.parameters(), lr=0.1, momentum=0.9)
    opt = nl.Adam(net.parameters(), lr=1e-3)
    ... net.backward(...); nl.clip_grad_norm(net.parameters(), 1.0); opt.step()
"""

import math

import numpy as np
from scipy.linalg.blas import daxpy, saxpy


def _check_rate(lr, where):
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"{where}: the learning rate must be a positive finite number, got {lr!r}")
    return lr


class SGD:
    """v ← μ v + g;  θ ← θ - lr · v   (plain gradient descent when momentum μ = 0).

    The update θ ← θ - lr · v runs as BLAS axpy (y ← a x + y) for large arrays: one pass over θ and v,
    in place, where `θ -= lr * v` would first write lr · v to a temporary as large as θ. axpy may
    round a·x + y once (a fused multiply-add) instead of twice: the result can differ from NumPy's
    in the last bit.
    """

    def __init__(self, parameters, lr=0.1, momentum=0.0):
        self.parameters = list(parameters)
        self.lr = _check_rate(lr, "SGD")
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must lie in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = [np.zeros_like(p) for p, _ in self.parameters]
        # Decided once, not in every step: which parameters take the BLAS path (None: NumPy's).
        self._axpy = [_axpy_for(p, v) for (p, _), v in zip(self.parameters, self.velocity)]

    def step(self):
        lr = self.lr
        if not self.momentum:  # v = g: skip the velocity and its two extra passes over memory
            for (param, grad), axpy in zip(self.parameters, self._axpy):
                _subtract_scaled(param, lr, grad, axpy)
            return
        for (param, grad), v, axpy in zip(self.parameters, self.velocity, self._axpy):
            v *= self.momentum
            v += grad
            _subtract_scaled(param, lr, v, axpy)


_AXPY = {np.dtype(np.float32): saxpy, np.dtype(np.float64): daxpy}


def _axpy_for(param, like):
    """BLAS axpy for a large, writeable, contiguous float32/float64 parameter; None otherwise.

    Below ~1000 entries the temporary of `param -= lr * step` costs nothing and NumPy's call is the
    cheaper one. `like` stands for the step (the gradient, or the velocity of its shape and dtype)."""
    axpy = _AXPY.get(param.dtype)
    if axpy is None or param.size < 1024 or not (param.flags.c_contiguous and param.flags.writeable):
        return None
    return axpy if like.dtype == param.dtype else None


def _subtract_scaled(param, lr, step, axpy):
    """param -= lr * step, in place; with `axpy` (y ← a x + y) in one pass and no temporary."""
    if axpy is not None and step.flags.c_contiguous:
        axpy(step.reshape(-1), param.reshape(-1), a=-lr)  # a contiguous y is updated in place
    else:
        param -= lr * step


class Adam:
    """Adam (Kingma & Ba, 2015): running means m of g and v of g², step lr · m̂ / (√v̂ + ε).

    With bias_correction=True (the paper's), m̂ = m / (1 - β1^t) and v̂ = v / (1 - β2^t) undo the pull
    towards the zeros that m and v start from. With False, m̂ = m and v̂ = v: for a steady gradient
    the step is (1 - β1^t) / √(1 - β2^t) times the corrected one, (1 - β1) / √(1 - β2) ≈ 3.2 at
    t = 1 with the default betas, tending to 1 only after thousands of steps.
    """

    def __init__(self, parameters, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        self.parameters = list(parameters)
        self.lr = _check_rate(lr, "Adam")
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"Adam: beta1 and beta2 must lie in [0, 1), got {beta1!r} and {beta2!r}")
        if not (math.isfinite(eps) and eps > 0):
            raise ValueError(f"Adam: eps must be a positive finite number, got {eps!r}")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
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
    max_norm = float(max_norm)
    if not (math.isfinite(max_norm) and max_norm > 0):
        raise ValueError(f"clip_grad_norm: max_norm must be a positive finite number, got {max_norm!r}")
    parameters = list(parameters)
    norm = global_grad_norm(parameters)
    if not math.isfinite(norm):
        raise ValueError(f"clip_grad_norm: the gradient norm is {norm}; clipping cannot repair NaN or inf")
    if norm > max_norm:
        for _, grad in parameters:
            grad *= max_norm / norm
    return norm


OPTIMISERS = {"sgd": SGD, "adam": Adam}
