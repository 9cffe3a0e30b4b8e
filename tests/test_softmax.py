import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nonlin as nl


def test_jacobian_matches_central_differences():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    h = 1e-6
    numeric = np.column_stack([(nl.softmax(z + h * e) - nl.softmax(z - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(nl.softmax.jacobian(z), numeric, atol=1e-9)
    p = nl.softmax(z)
    np.testing.assert_allclose(nl.softmax.jacobian(z), np.diag(p) - np.outer(p, p))


def test_vjp_is_jacobian_transpose_times_g_for_each_row():
    rng = np.random.default_rng(0)
    Z, G = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    expected = np.stack([nl.softmax.jacobian(z).T @ g for z, g in zip(Z, G)])
    np.testing.assert_allclose(nl.softmax.vjp(Z, G), expected, atol=1e-12)


def test_grad_points_to_vjp_and_jacobian():
    with pytest.raises(TypeError, match=r"vjp.*jacobian"):
        nl.softmax.grad(np.zeros(3))


def test_two_class_softmax_is_sigmoid():
    z = np.linspace(-30, 30, 61)
    p = nl.softmax(np.column_stack([z, np.zeros_like(z)]))[:, 0]
    np.testing.assert_allclose(p, nl.sigmoid(z), atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_logits(dtype, strict_numpy):
    z = np.array([[1e4, 0.0, -1e4], [1000.0, 999.0, 998.0]], dtype=dtype)
    p = nl.softmax(z)
    assert p.dtype == dtype
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)
    assert p[0, 0] == 1
    np.testing.assert_allclose(nl.logsumexp(z[1]), 1000 + np.log(1 + np.exp(-1) + np.exp(-2)), rtol=1e-6)
    assert np.all(np.isfinite(nl.log_softmax(z)))


@settings(max_examples=60, deadline=None)
@given(z=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6), elements=st.floats(-1e4, 1e4)),
       shift=st.floats(-100, 100))
def test_property_probabilities_and_shift_invariance(z, shift):
    p = nl.softmax(z)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=-1), 1, rtol=1e-12)
    np.testing.assert_allclose(nl.softmax(z + shift), p, atol=1e-9)
    # the largest logit gets the largest probability (ties in p can appear only by rounding)
    top = np.take_along_axis(p, np.argmax(z, axis=-1)[..., None], axis=-1)[..., 0]
    assert np.array_equal(top, p.max(axis=-1))


def test_bad_input():
    with pytest.raises(ValueError, match="non-empty last axis"):
        nl.softmax(np.float64(1.0))
    with pytest.raises(ValueError, match="1-D"):
        nl.softmax.jacobian(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        nl.softmax(np.array([0.0, np.nan]))
