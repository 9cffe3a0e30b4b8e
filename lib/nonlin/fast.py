"""Speed, in one marked place. Each function computes a textbook formula written elsewhere in the
engine, faster; tests/test_fast.py holds each to that formula, and `make bench` measures what each
saves (a trick that does not pay its way there is deleted).

    sigmoid(x)                  σ(x) = e^{min(x,0)} / (1 + e^{-|x|})      activations.Sigmoid
    subtract_scaled(p, lr, s)   p ← p − lr·s, in place                    optim.SGD
    row_max(z)                  z.max(axis=1, keepdims=True)              losses.CrossEntropy

SciPy is imported on first use, so `import nonlin` does not load it.
"""

from functools import cache

import numpy as np


@cache
def _scipy():
    from scipy.linalg.blas import daxpy, saxpy
    from scipy.special import expit, ndtr

    return {"expit": expit, "ndtr": ndtr, np.dtype(np.float32): saxpy, np.dtype(np.float64): daxpy}


def sigmoid(x):
    """σ(x) by SciPy's expit: one pass, one exponential, where activations.stable_sigmoid takes two and four
    more passes (~2.7x the time). They agree within a few ulp where σ(x) is a normal float (x > -708.4)."""
    return _scipy()["expit"](x)


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
