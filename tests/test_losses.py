"""Losses: gradients vs central differences, stability, and clear errors for bad targets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nonlin as nl

L = nl.losses


def central_difference_check(loss, prediction, target, rtol=1e-6):
    check = nl.check_gradient(lambda p: loss(p, target), lambda p: loss.grad(p, target), prediction, tolerance=rtol)
    assert check.ok, str(check)


def test_mse_gradient_and_value():
    rng = np.random.default_rng(0)
    pred, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    central_difference_check(L.mse, pred, y)
    assert L.mse(pred, y) == pytest.approx(np.sum((pred - y) ** 2) / 6)


def test_bce_gradient():
    rng = np.random.default_rng(1)
    p, y = rng.uniform(0.05, 0.95, size=(8, 1)), rng.integers(0, 2, size=(8, 1)).astype(float)
    central_difference_check(L.bce, p, y)


def test_bce_with_logits_gradient_and_agreement_with_bce():
    rng = np.random.default_rng(2)
    z, y = rng.normal(scale=3, size=(8, 1)), rng.uniform(size=(8, 1))
    central_difference_check(L.bce_with_logits, z, y)
    assert L.bce_with_logits(z, y) == pytest.approx(L.bce(nl.sigmoid(z), y), rel=1e-10)


def test_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(3)
    logits, labels = rng.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])
    central_difference_check(L.cross_entropy, logits, labels)
    expected = -np.mean(np.log(nl.softmax(logits))[np.arange(5), labels])
    assert L.cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_stable_at_huge_logits(dtype, strict_numpy):
    z = np.array([[1e4], [-1e4], [30.0]], dtype=dtype)
    y = np.array([[0.0], [1.0], [1.0]], dtype=dtype)
    assert L.bce_with_logits(z, y) == pytest.approx((1e4 + 1e4 + np.log1p(np.exp(-30.0))) / 3, rel=1e-6)
    assert np.all(np.isfinite(L.bce_with_logits.grad(z, y)))
    logits = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    assert np.isfinite(L.cross_entropy(logits, np.array([1, 2])))
    assert np.all(np.isfinite(L.cross_entropy.grad(logits, np.array([1, 2]))))


def test_bce_guards_log_zero(strict_numpy):
    p, y = np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])
    assert np.isfinite(L.bce(p, y)) and L.bce(p, y) > 30
    assert np.all(np.isfinite(L.bce.grad(p, y)))


@settings(max_examples=50, deadline=None)
@given(z=hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 4)), elements=st.floats(-1e4, 1e4)))
def test_property_losses_are_finite_and_nonnegative(z):
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = (z > 0).astype(float)
        assert 0 <= L.bce_with_logits(z, y) < np.inf
        labels = np.zeros(len(z), dtype=int)
        assert 0 <= L.cross_entropy(z, labels) < np.inf
        assert np.all(np.isfinite(L.cross_entropy.grad(z, labels)))


def test_target_shape_mismatch_suggests_reshape():
    with pytest.raises(ValueError, match=r"prediction\(4, 1\) and target\(4,\).*reshape\(-1, 1\)"):
        L.mse(np.zeros((4, 1)), np.zeros(4))


@pytest.mark.parametrize("labels, error, words", [
    (np.array([0, 3]), ValueError, r"labels must lie in \[0, 2\], got values from 0 to 3"),
    (np.array([-1, 0]), ValueError, r"\[0, 2\]"),
    (np.array([0, 1, 2]), ValueError, r"shape \(2,\)"),
    (np.array([[1, 0, 0], [0, 1, 0]]), ValueError, "argmax"),
    (np.array([0.5, 1.0]), ValueError, "whole numbers"),
    (np.array(["a", "b"]), TypeError, "integers"),
])
def test_cross_entropy_bad_labels(labels, error, words):
    with pytest.raises(error, match=words):
        L.cross_entropy(np.zeros((2, 3)), labels)


def test_cross_entropy_accepts_whole_float_labels():
    assert L.cross_entropy(np.zeros((2, 3)), np.array([0.0, 2.0])) == pytest.approx(np.log(3))


def test_bce_rejects_values_outside_unit_interval():
    with pytest.raises(ValueError, match=r"probabilities p must lie in \[0, 1\]"):
        L.bce(np.array([[1.5]]), np.array([[1.0]]))
    with pytest.raises(ValueError, match=r"targets y must lie in \[0, 1\]"):
        L.bce_with_logits(np.array([[0.5]]), np.array([[2.0]]))


def test_nan_prediction_is_named():
    with pytest.raises(ValueError, match="prediction must be finite"):
        L.mse(np.array([[np.nan]]), np.array([[0.0]]))


def test_get_loss():
    assert L.get_loss("mse") is L.mse
    with pytest.raises(ValueError, match="known losses"):
        L.get_loss("hinge")


def test_mse_of_astronomical_errors_is_a_clear_error_not_a_warning(strict_numpy):
    assert L.mse(np.array([[1e4]]), np.array([[-1e4]])) == 4e8
    with pytest.raises(ValueError, match="overflowed the floating-point range"):
        L.mse(np.array([[1e200]]), np.array([[0.0]]))
    with pytest.raises(ValueError, match="overflowed"):
        L.mse.grad(np.array([[1.7e308]]), np.array([[-1.7e308]]))
