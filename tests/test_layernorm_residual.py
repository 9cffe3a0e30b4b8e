"""LayerNorm, residual layers and the new MLP options: gradients vs central differences, dtypes,
extreme magnitudes, clear errors."""

import numpy as np
import pytest

import nonlin as nl


def random_layernorm(n, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    ln = nl.LayerNorm(n, dtype=dtype)
    ln.gamma[...] = rng.normal(size=n)
    ln.beta[...] = rng.normal(size=n)
    return ln


@pytest.mark.parametrize("shape", [(6,), (5, 4), (2, 3, 4)])
def test_layernorm_gradients_match_central_differences(shape):
    rng = np.random.default_rng(1)
    z, g = rng.normal(size=shape), rng.normal(size=shape)
    ln = random_layernorm(shape[-1])
    ln.forward(z)
    gz = ln.backward(g)
    dgamma, dbeta = ln.dgamma.copy(), ln.dbeta.copy()
    assert nl.check_gradient(lambda v: np.sum(g * ln.forward(v)), lambda v: gz, z).ok

    def loss_of(param):
        def f(values):
            saved = param.copy()
            param[...] = values
            try:
                return np.sum(g * ln.forward(z))
            finally:
                param[...] = saved
        return f

    np.testing.assert_allclose(dgamma, nl.numerical_gradient(loss_of(ln.gamma), ln.gamma), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dbeta, nl.numerical_gradient(loss_of(ln.beta), ln.beta), rtol=1e-6, atol=1e-9)


def test_layernorm_normalises_each_row():
    z = np.random.default_rng(2).normal(loc=5, scale=3, size=(8, 16))
    y = nl.LayerNorm(16, eps=1e-12).forward(z)
    np.testing.assert_allclose(y.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=1), 1, rtol=1e-9)
    # shift and scale of a row change nothing (up to eps)
    np.testing.assert_allclose(nl.LayerNorm(16, eps=1e-12).forward(7 * z - 3), y, atol=1e-9)


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e300), (np.float32, 1e30)])
def test_layernorm_extreme_magnitudes(dtype, big, strict_numpy):
    z = np.array([[big, -big, 0.0, big / 2], [1e-30, 0.0, 0.0, 0.0], [3.0, 3.0, 3.0, 3.0]], dtype=dtype)
    ln = nl.LayerNorm(4, dtype=dtype)
    y = ln.forward(z)
    gz = ln.backward(np.ones_like(z))
    assert y.dtype == gz.dtype == ln.dgamma.dtype == dtype
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(gz))
    u = z[0] / big  # the same row at size 1: LN does not see the scale
    np.testing.assert_allclose(y[0], (u - u.mean()) / u.std(), rtol=1e-5)
    np.testing.assert_array_equal(y[2], 0)  # a constant row normalises to 0, not NaN


def test_layernorm_errors():
    with pytest.raises(ValueError, match="n_features"):
        nl.LayerNorm(0)
    with pytest.raises(ValueError, match="eps"):
        nl.LayerNorm(3, eps=0)
    ln = nl.LayerNorm(3)
    with pytest.raises(RuntimeError, match="call forward"):
        ln.backward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\), got shape \(2, 4\)"):
        ln.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        ln.forward(np.array([[0.0, np.nan, 1.0]]))
    ln.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"shape of z, \(2, 3\), got \(3, 3\)"):
        ln.backward(np.zeros((3, 3)))


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu", "gelu"])
@pytest.mark.parametrize("residual, layer_norm", [(True, False), (False, True), (True, True)])
def test_residual_and_layernorm_nets_pass_the_gradient_check(hidden, residual, layer_norm):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(7, 4)), rng.normal(size=(7, 2))
    net = nl.MLP([4, 5, 5, 5, 2], hidden=hidden, residual=residual, layer_norm=layer_norm, seed=1)
    for layer in net.layers:
        layer.b[...] = rng.normal(scale=0.5, size=layer.b.shape)  # away from ReLU's kink
        if layer.norm is not None:
            layer.norm.gamma[...] = rng.normal(size=layer.norm.gamma.shape)
            layer.norm.beta[...] = rng.normal(size=layer.norm.beta.shape)
    checks = nl.check_mlp_gradients(net, X, y, "mse")
    assert len(checks) == 4 * 2 + 3 * 2 * layer_norm
    assert all(check.ok for check in checks), [str(c) for c in checks if not c.ok]
    gX = net.backward(nl.losses.mse.grad(net.forward(X), y))
    numeric = nl.numerical_gradient(lambda x: nl.losses.mse(net.forward(x), y), X)
    np.testing.assert_allclose(gX, numeric, rtol=1e-5, atol=1e-8)


def test_residual_only_where_widths_match_and_the_skip_carries_the_gradient():
    net = nl.MLP([3, 5, 5, 5, 1], hidden="tanh", residual=True, seed=0)
    assert [layer.residual for layer in net.layers] == [False, True, True, False]
    X = np.random.default_rng(0).normal(size=(4, 3))
    net.forward(X)
    np.testing.assert_allclose(net.layers[1].forward(net.layers[0].a), net.layers[0].a + net.layers[1].a)
    # With f' = 0 (W = 0 and a constant activation would do; here saturate tanh), dL/dx = G exactly.
    layer = nl.Dense(np.zeros((5, 5)), np.full(5, 100.0), "tanh", residual=True)
    layer.forward(np.ones((2, 5)))
    G = np.arange(10.0).reshape(2, 5)
    np.testing.assert_array_equal(layer.backward(G), G)
    with pytest.raises(ValueError, match="as many outputs as inputs"):
        nl.Dense(np.zeros((3, 4)), np.zeros(4), "tanh", residual=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_options_keep_the_dtype_and_stay_finite_at_large_inputs(dtype, strict_numpy):
    net = nl.MLP([3, 6, 6, 2], hidden="tanh", residual=True, layer_norm=True, dtype=dtype, seed=0)
    X = np.random.default_rng(0).normal(scale=1e3, size=(5, 3))
    out = net.forward(X)
    gX = net.backward(np.ones_like(out))
    assert out.dtype == gX.dtype == dtype
    assert all(p.dtype == dtype and g.dtype == dtype and np.all(np.isfinite(g)) for p, g in net.parameters())
    assert net.n_parameters == 3 * 6 + 6 + 6 * 6 + 6 + 6 * 2 + 2 + 2 * (6 + 6)


def test_init_gain_and_constant_init():
    base = nl.MLP([4, 8, 2], init="xavier", seed=0)
    four = nl.MLP([4, 8, 2], init="xavier", init_gain=4, seed=0)
    for a, b in zip(base.layers, four.layers):
        np.testing.assert_array_equal(b.W, 4 * a.W)
    const = nl.MLP([4, 8, 2], init="constant", init_scale=0.3, seed=0)
    assert all(np.all(layer.W == 0.3) for layer in const.layers)
    const.forward(np.random.default_rng(0).normal(size=(6, 4)))
    const.backward(np.ones((6, 2)))
    dW = const.layers[0].dW
    assert np.allclose(dW, dW[:, :1]), "identical units get identical gradients: symmetry is never broken"
    assert np.all(nl.MLP([2, 3], init="constant", init_scale=0.5, init_gain=2).layers[0].W == 1.0)


@pytest.mark.parametrize("kwargs, words", [
    (dict(init="constant"), "init_scale, every weight's value, must be a real number, got None"),
    (dict(init="constant", init_scale=float("inf")), "init_scale, every weight's value, must be finite"),
    (dict(init_gain=0), "init_gain must be a positive"),
    (dict(init_gain=float("nan")), "init_gain"),
    (dict(init="xavier", init_scale=0.1), "init_scale sets"),
])
def test_bad_init_options(kwargs, words):
    with pytest.raises((ValueError, TypeError), match=words):  # TypeError: None is not a number
        nl.MLP([2, 3, 1], **kwargs)


def test_subclass_with_its_own_derivative_is_used_in_backward():
    class ReLUOneAtZero(nl.ReLU):
        def derivative(self, x):
            return (x >= 0).astype(x.dtype)

    class SigmoidTimesTwo(nl.Sigmoid):
        def derivative(self, x):
            return 2 * super().derivative(x)

    x, g = np.array([[-1.0, 0.0, 2.0]]), np.ones((1, 3))
    for activation in (ReLUOneAtZero(), SigmoidTimesTwo()):
        layer = nl.Dense(np.eye(3), np.zeros(3), activation)
        layer.forward(x)
        np.testing.assert_array_equal(layer.backward(g), activation.vjp(x, g))


@pytest.mark.parametrize("activation", [nl.sigmoid, nl.tanh, nl.softmax, nl.relu, nl.identity, nl.gelu])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_from_the_output_agrees_with_vjp(activation, dtype):
    rng = np.random.default_rng(0)
    x, g = rng.normal(scale=3, size=(6, 5)).astype(dtype), rng.normal(size=(6, 5)).astype(dtype)
    fast = activation.backward(x, activation(x), g)
    assert fast.dtype == dtype
    np.testing.assert_allclose(fast, activation.vjp(x, g), rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-7)
