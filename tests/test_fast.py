"""Each fast path in nonlin/fast.py against the textbook formula it replaces."""

import numpy as np
import pytest

from nonlin import fast
from nonlin.activations import stable_sigmoid

DTYPES = [np.float32, np.float64]


def ulps(a, b, dtype):
    """|a - b| in units in the last place of the float type, entry by entry."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.spacing(np.maximum(np.abs(a), np.abs(b)).astype(dtype)).astype(np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
def test_fast_sigmoid_is_the_stable_formula_bit_for_bit(dtype):
    x = np.concatenate([np.random.default_rng(0).normal(0, 20, 20_000), np.linspace(-80, 80, 16001)]).astype(dtype)
    fast_value, formula = fast.sigmoid(x), stable_sigmoid(x)
    assert fast_value.dtype == formula.dtype == dtype
    normal = np.abs(formula) >= np.finfo(dtype).tiny  # subnormal tails carry fewer digits in either
    assert np.array_equal(fast_value, formula), "the formula itself, computed in place"
    # the ends: signed zeros, infinities, both underflow thresholds, and a NaN, which must stay NaN
    ends = np.array([0.0, -0.0, np.inf, -np.inf, -1000, 1000, -745.2, -745.1, -103.98, -103.97, np.nan], dtype=dtype)
    with np.errstate(all="raise"):  # no warning either
        assert np.array_equal(fast.sigmoid(ends), stable_sigmoid(ends), equal_nan=True)
    assert np.isnan(fast.sigmoid(ends)[-1])
    assert isinstance(fast.sigmoid(np.asarray(0.5, dtype=dtype)), dtype), "a 0-d input gives a scalar, as np.tanh does"
    reference = stable_sigmoid(x.astype(np.float64))  # both close to the float64 value, not only to each other
    assert ulps(fast_value, reference, dtype)[normal].max() <= 3


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 4), (64, 128), (300, 50)])  # below and above the BLAS threshold
def test_subtract_scaled_is_param_minus_lr_times_step_within_one_ulp(dtype, shape):
    """axpy may fuse the multiply and the add (one rounding instead of two), so the two results differ
    by at most one unit in the last place of the largest of the operands and the result."""
    rng = np.random.default_rng(1)
    param, step = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
    expected = param - dtype(0.01) * step
    scale = np.maximum.reduce([np.abs(param), np.abs(dtype(0.01) * step), np.abs(expected)])
    view = param
    fast.subtract_scaled(param, 0.01, step)
    assert param is view, "updated in place"
    difference = np.abs(param.astype(np.float64) - expected.astype(np.float64))
    assert (difference / np.spacing(scale).astype(np.float64)).max() <= 1


def test_subtract_scaled_on_a_strided_parameter_takes_numpys_path():
    param = np.zeros((64, 128))[:, ::2]
    step = np.ones((64, 64))
    fast.subtract_scaled(param, 0.5, step)
    assert np.array_equal(param, np.full((64, 64), -0.5))


@pytest.mark.parametrize("shape", [(64, 2), (256, 10), (3, 1), (7, 32), (7, 40), (50, 100)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_row_max_is_numpys_max_bit_for_bit(shape, dtype):
    z = (50 * np.random.default_rng(0).normal(size=shape)).astype(dtype)
    z[0, 0] = -0.0
    assert np.array_equal(fast.row_max(z), z.max(axis=1, keepdims=True))
    assert np.array_equal(fast.row_max(z[:, ::-1]), z[:, ::-1].max(axis=1, keepdims=True)), "a non-contiguous view"


def test_fast_ndtr_is_the_normal_cdf():
    from math import erfc, sqrt

    x = np.array([-8.0, -1.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(fast.ndtr(x), [0.5 * erfc(-v / sqrt(2)) for v in x], rtol=1e-13, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite_is_isfinite_all_including_overflowing_sums(dtype):
    rng = np.random.default_rng(0)
    big = np.finfo(dtype).max
    cases = [rng.normal(size=(50, 7)).astype(dtype), np.full(1000, big / 2, dtype), np.array([big, -big], dtype),
             np.zeros(0, dtype), np.array(3.0, dtype)]
    for special in (np.nan, np.inf, -np.inf):
        for index in (0, 123, 349):
            x = rng.normal(size=350).astype(dtype)
            x[index] = special
            cases.append(x)
    cases.append(np.array([np.inf, -np.inf], dtype))
    with np.errstate(all="raise"):  # and no warning on the way
        for x in cases:
            assert fast.all_finite(x) == bool(np.isfinite(x).all()), x
