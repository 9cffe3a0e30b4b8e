"""Every elementwise activation: derivative vs central differences, stability, dtypes, bad input."""

import numpy as np
import pytest
from conftest import ELEMENTWISE
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nonlin as nl

ids = [repr(a) for a in ELEMENTWISE]
KINKED = {"relu", "leaky_relu", "prelu", "elu"}  # derivative jumps (or its slope jumps) at 0


def sample_points(activation, rng):
    x = rng.uniform(-6, 6, size=200)
    if activation.name in KINKED:
        x = x[np.abs(x) > 1e-3]  # finite differences straddling a kink measure neither side
    return x


@pytest.mark.parametrize("activation", ELEMENTWISE, ids=ids)
def test_derivative_matches_central_differences(activation):
    rng = np.random.default_rng(0)
    x = sample_points(activation, rng)
    h = 1e-6
    numeric = (activation(x + h) - activation(x - h)) / (2 * h)
    np.testing.assert_allclose(activation.grad(x), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("activation", ELEMENTWISE, ids=ids)
def test_vjp_and_jacobian_agree_with_grad(activation):
    x = np.linspace(-3, 3, 7) + 0.05
    g = np.arange(7.0) - 3
    np.testing.assert_allclose(activation.vjp(x, g), g * activation.grad(x))
    np.testing.assert_allclose(activation.jacobian(x), np.diag(activation.grad(x)))


def test_known_values():
    assert nl.sigmoid(0.0) == 0.5
    assert nl.sigmoid.grad(0.0) == 0.25
    assert nl.tanh.grad(0.0) == 1.0
    assert nl.relu(-2.0) == 0.0 and nl.relu(3.0) == 3.0
    assert nl.relu.grad(0.0) == 0.0, "the book's convention: ReLU'(0) = 0"
    assert nl.leaky_relu.grad(0.0) == 0.01
    assert nl.LeakyReLU(0.2)(-1.0) == -0.2
    assert nl.elu(-50.0) == pytest.approx(-1.0)
    assert nl.gelu(1.0) == pytest.approx(0.8413447460685429)
    assert nl.silu(1.0) == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert nl.softplus(0.0) == pytest.approx(np.log(2))
    np.testing.assert_allclose(nl.softplus.grad(np.array([-2.0, 0.5])), nl.sigmoid(np.array([-2.0, 0.5])))


def test_tail_derivatives_keep_relative_accuracy():
    # σ'(x) ≈ e^{-x} and tanh'(x) ≈ 4e^{-2x} far out; the naive σ(1-σ) would return exactly 0 here.
    assert nl.sigmoid.grad(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert nl.tanh.grad(20.0) == pytest.approx(4 * np.exp(-40.0), rel=1e-12)


def test_identities():
    x = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(nl.sigmoid(-x), 1 - nl.sigmoid(x), atol=1e-15)
    np.testing.assert_allclose(nl.tanh(x), 2 * nl.sigmoid(2 * x) - 1, atol=1e-15)
    np.testing.assert_allclose(nl.tanh.grad(x), 1 - np.tanh(x) ** 2, atol=1e-15)
    np.testing.assert_allclose(nl.sigmoid.grad(x), nl.sigmoid(x) * (1 - nl.sigmoid(x)), atol=1e-15)


EXTREMES = np.array([-1e300, -1e4, -1000.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 1000.0, 1e4, 1e300])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ELEMENTWISE, ids=ids)
def test_stable_at_any_magnitude(activation, dtype, strict_numpy):
    x = EXTREMES.astype(dtype) if dtype == np.float64 else np.clip(EXTREMES, -3e38, 3e38).astype(dtype)
    for result in (activation(x), activation.grad(x)):
        assert result.dtype == dtype
        assert np.all(np.isfinite(result)), f"{activation!r} gave {result} at {x}"


# Values at the extremes, from closed forms (mpmath agrees): σ(40) rounds to 1 and σ(-40) = e^-40 / (1 + e^-40);
# softplus(x) = x for x >= 40 in float64 and log1p(e^x) ≈ e^x for x <= -40; gelu(-40) underflows to -0.
KNOWN = {
    "sigmoid": {-1e300: 0.0, -40.0: 4.248354255291589e-18, 0.0: 0.5, 40.0: 1.0, 1e300: 1.0},
    "tanh": {-1e300: -1.0, -40.0: -1.0, 0.0: 0.0, 1e-300: 1e-300, 1e300: 1.0},
    "relu": {-1e300: 0.0, 0.0: 0.0, 1e300: 1e300},
    "softplus": {-1e300: 0.0, -40.0: 4.248354255291589e-18, 0.0: 0.6931471805599453, 40.0: 40.0, 1e300: 1e300},
    "silu": {-1e300: -0.0, -40.0: -1.6993417021166355e-16, 40.0: 40.0, 1e300: 1e300},
    "gelu": {-1e300: -0.0, -40.0: -0.0, 0.0: 0.0, 40.0: 40.0, 1e300: 1e300},
    "elu": {-1e300: -1.0, -40.0: -0.9999999999999999958, 0.0: 0.0, 1e300: 1e300},
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_values_at_the_extremes_are_the_known_ones(name, strict_numpy):
    activation = nl.get_activation(name)
    for x, expected in KNOWN[name].items():
        assert activation(np.array([x]))[0] == pytest.approx(expected, rel=1e-14, abs=0), f"{name}({x})"


def test_bounded_activations_stay_in_range(strict_numpy):
    y = nl.sigmoid(EXTREMES)
    assert np.all((0 <= y) & (y <= 1))
    assert np.all(np.abs(nl.tanh(EXTREMES)) <= 1)
    assert np.all(nl.sigmoid.grad(EXTREMES) <= 0.25)


@settings(max_examples=60, deadline=None)
@given(
    x=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
        elements=st.floats(-1e4, 1e4, width=32),
    ),
    index=st.integers(0, len(ELEMENTWISE) - 1),
)
def test_property_shape_dtype_and_finiteness(x, index):
    activation = ELEMENTWISE[index]
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y, d = activation(x), activation.grad(x)
    assert y.shape == x.shape and d.shape == x.shape
    assert y.dtype == x.dtype and d.dtype == x.dtype
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(d))


@settings(max_examples=40, deadline=None)
@given(x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=6), elements=st.floats(-1e4, 1e4)))
def test_property_monotone_activations_have_nonnegative_derivative(x):
    for activation in (nl.sigmoid, nl.tanh, nl.relu, nl.leaky_relu, nl.elu, nl.softplus):
        assert np.all(activation.grad(x) >= 0)


def test_integer_and_float16_inputs_become_float64():
    assert nl.relu(np.array([1, -2])).dtype == np.float64
    assert nl.sigmoid(np.array([0.5], dtype=np.float16)).dtype == np.float64
    assert nl.tanh(3).dtype == np.float64


@pytest.mark.parametrize("bad, error, words", [
    (np.array([1.0, np.nan]), ValueError, "NaN"),
    (np.array([[0.0, np.inf]]), ValueError, "index (0, 1), is inf"),
    (np.array([np.inf, np.nan]), ValueError, "index (0,), is inf"),
    (np.array(["a", "b"]), TypeError, "real numbers"),
    (np.array([True, False]), TypeError, "bool"),
    (np.array([1 + 2j]), TypeError, "complex"),
])
def test_bad_input_gets_a_clear_error(bad, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        nl.sigmoid(bad)


def test_vjp_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"x\(3,\) and grad_output\(2,\)"):
        nl.tanh.vjp(np.zeros(3), np.zeros(2))


def test_jacobian_needs_a_vector():
    with pytest.raises(ValueError, match="1-D"):
        nl.relu.jacobian(np.zeros((2, 2)))


@pytest.mark.parametrize("make, alpha", [(nl.LeakyReLU, -0.1), (nl.LeakyReLU, 1.5), (nl.ELU, 0.0),
                                         (nl.PReLU, float("nan"))])
def test_bad_alpha_is_rejected(make, alpha):
    with pytest.raises(ValueError, match="alpha"):
        make(alpha)


def test_prelu_alpha_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    x, g = rng.normal(size=20), rng.normal(size=20)
    h = 1e-6
    numeric = (np.sum(g * nl.PReLU(0.3 + h)(x)) - np.sum(g * nl.PReLU(0.3 - h)(x))) / (2 * h)
    assert nl.PReLU(0.3).grad_alpha(x, g) == pytest.approx(numeric, rel=1e-6)


def test_get_activation():
    assert nl.get_activation("tanh") is nl.tanh
    assert nl.get_activation("swish") is nl.silu
    assert nl.get_activation(nl.relu) is nl.relu
    assert isinstance(nl.get_activation("prelu"), nl.PReLU)
    with pytest.raises(ValueError, match="known activations: .*sigmoid.*tanh"):
        nl.get_activation("sigmod")


def test_registry_names_classes_and_instances_agree():
    classes = {nl.Identity: "identity", nl.Sigmoid: "sigmoid", nl.Tanh: "tanh", nl.ReLU: "relu",
               nl.GELU: "gelu", nl.SiLU: "silu", nl.Softplus: "softplus", nl.Softmax: "softmax"}
    for cls, name in classes.items():
        assert isinstance(nl.ACTIVATIONS[name], cls) and issubclass(cls, nl.Activation)
        x = np.linspace(-2, 2, 5)
        np.testing.assert_array_equal(cls()(x), nl.ACTIVATIONS[name](x))
    for name, activation in nl.ACTIVATIONS.items():
        assert activation.name == name or (name, activation.name) == ("swish", "silu")


def test_non_finite_input_raises_the_engine_error_type():
    with pytest.raises(nl.NonFiniteError):
        nl.relu(np.array([np.inf]))
    assert issubclass(nl.NonFiniteError, ValueError), "callers catching ValueError still see it"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_keeps_full_relative_precision_in_both_tails(dtype):
    # Reference: 1 / (1 + e^{-x}) in exact rational arithmetic on e^{-x} rounded to 30 digits.
    from decimal import Decimal, getcontext

    getcontext().prec = 40
    x = np.array([-700, -100, -40, -20, -5, -1e-3, 0, 1e-3, 5, 20, 40, 100, 700], dtype=dtype)
    exact = np.array([float(1 / (1 + (-Decimal(float(v))).exp())) for v in x])
    tiny = np.finfo(dtype).tiny
    representable = exact >= tiny  # σ(-700) and σ(-100) underflow in float32: 0 is then correct
    got = nl.sigmoid(x).astype(np.float64)
    np.testing.assert_allclose(got[representable], exact[representable], rtol=2 * np.finfo(dtype).eps, atol=0)
    assert np.all(got[~representable] <= tiny)
    sigma_40 = nl.sigmoid(np.array(-40.0, dtype))
    assert sigma_40 == pytest.approx(4.248354255291589e-18, rel=float(2 * np.finfo(dtype).eps))


def test_sigmoid_backward_reuses_the_forward_value_and_errs_as_its_comment_says():
    # y(1 - y) inherits y's rounding error near 1: relative error about ε/(2σ'), as the source says.
    x = np.array([20.0, 30.0])
    y = nl.sigmoid(x)
    from_y = nl.sigmoid.backward(x, y, np.ones(2))
    exact = nl.sigmoid.grad(x)
    rel = np.abs(from_y - exact) / exact
    assert np.all(rel <= np.finfo(np.float64).eps / (2 * exact) * 1.5)
    assert rel[1] > 1e-4, "at x = 30 the reuse really does lose digits; the comment must not claim otherwise"
