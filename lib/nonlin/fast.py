"""Speed, in one marked place. Each function computes a textbook formula written elsewhere in the
engine, faster; tests/test_fast.py holds each to that formula, and `make bench` measures what each
saves (a trick that does not pay its way there is deleted).

    sigmoid(x)                  σ(x) = e^{min(x,0)} / (1 + e^{-|x|})      activations.Sigmoid
    subtract_scaled(p, lr, s)   p ← p − lr·s, in place                    optim.SGD
    row_max(z)                  z.max(axis=1, keepdims=True)              losses.CrossEntropy
    all_finite(a)               np.isfinite(a).all()                      _checks.require_finite

SciPy is imported on first use, so `import nonlin` does not load it.
"""

from functools import cache

import numpy as np


@cache
def _scipy():
    from scipy.linalg.blas import daxpy, saxpy
    from scipy.special import ndtr

    return {"ndtr": ndtr, np.dtype(np.float32): saxpy, np.dtype(np.float64): daxpy}


def sigmoid(x):
    """σ(x) by activations.stable_sigmoid's formula e^{min(x,0)} / (1 + e^{-|x|}), bit for bit (but for the
    sign of a NaN, which the boundary refuses anyway), with one exponential: e^{min(x,0)} is e^{-|x|}
    where x < 0 and exactly 1 where x >= 0, which is max(e^{-|x|}, [x >= 0]) since e^{-|x|} <= 1.
    Two float temporaries instead of five, and NumPy's vectorised exp: faster than SciPy's expit here."""
    with np.errstate(under="ignore"):  # e^{-800} is 0 in float64, as it should be
        e = np.abs(x, out=np.empty_like(x))
        np.exp(np.negative(e, out=e), out=e)  # e^{-|x|}
    denominator = e + 1
    np.maximum(e, x >= 0, out=e)  # the numerator e^{min(x, 0)}
    return np.divide(e, denominator, out=e)[()]  # a 0-d input gives a scalar, as np.tanh does


def ndtr(x):
    """Φ(x), the standard normal CDF (SciPy's ndtr), for GELU: accurate in both tails."""
    return _scipy()["ndtr"](x)


def subtract_scaled(param, lr, step):
    """param -= lr * step, in place. For a large contiguous float32/float64 param, BLAS axpy
    (y ← a·x + y) does it in one pass without the temporary lr * step, which is as large as param.
    axpy may round a·x + y once (a fused multiply-add) instead of twice: the result can differ from
    NumPy's in the last bit. Below ~1000 entries NumPy's call is the cheaper one."""
    axpy = _scipy().get(param.dtype) if param.size >= 1024 else None
    if (axpy is not None and step.dtype == param.dtype and param.flags.c_contiguous and param.flags.writeable
            and step.flags.c_contiguous):
        axpy(step.reshape(-1), param.reshape(-1), a=-lr)  # a contiguous y is updated in place
    else:
        param -= lr * step


def row_max(z):
    """z.max(axis=1, keepdims=True) for a 2-D z, bit for bit. NumPy reduces each short row in its own
    inner loop; for K <= 32 classes, K - 1 elementwise maxima over a transposed copy are faster."""
    if z.shape[1] > 32:
        return z.max(axis=1, keepdims=True)
    return np.ascontiguousarray(z.T).max(axis=0).reshape(-1, 1)


def all_finite(array):
    """np.isfinite(array).all() by one sum (NaN or ±inf anywhere makes it NaN or ±inf): one read, no boolean
    array, about half a ReLU's check. A sum that overflows is checked entry by entry."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.add.reduce(array, axis=None)) or np.isfinite(array).all())
