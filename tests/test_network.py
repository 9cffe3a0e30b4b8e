"""MLP: backprop vs finite differences for every hidden activation, shapes, dtypes and errors."""

import numpy as np
import pytest

import nonlin as nl

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus"]


def randomise_biases(net, seed=0):
    # Nonzero biases keep ReLU-type pre-activations away from the kink, where differences lie.
    rng = np.random.default_rng(seed)
    for layer in net.layers:
        layer.b[...] = rng.normal(scale=0.5, size=layer.b.shape)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_parameter_gradients_match_finite_differences(hidden):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    net = nl.MLP([3, 5, 4, 2], hidden=hidden, output="identity", seed=1)
    randomise_biases(net)
    for check in nl.check_mlp_gradients(net, X, y, nl.losses.mse):
        assert check.ok, f"{hidden}: {check}"


@pytest.mark.parametrize("output, loss", [("sigmoid", nl.losses.bce), ("identity", nl.losses.bce_with_logits)])
def test_binary_heads(output, loss):
    X, y = nl.datasets.two_moons(n=12, seed=0)
    net = nl.MLP([2, 6, 1], hidden="tanh", output=output, seed=2)
    assert all(check.ok for check in nl.check_mlp_gradients(net, X, y, loss))


def test_softmax_output_layer_backprop_through_vjp():
    X, labels = nl.datasets.spirals(n_per_class=4, classes=3, seed=0)
    onehot = np.eye(3)[labels]
    net = nl.MLP([2, 5, 3], hidden="tanh", output="softmax", seed=0)
    assert all(check.ok for check in nl.check_mlp_gradients(net, X, onehot, nl.losses.mse))


def test_input_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(3, 2)), rng.normal(size=(3, 1))
    net = nl.MLP([2, 4, 1], hidden="tanh", seed=0)
    gX = net.backward(nl.losses.mse.grad(net.forward(X), y))
    numeric = nl.numerical_gradient(lambda x: nl.losses.mse(net.forward(x), y), X)
    np.testing.assert_allclose(gX, numeric, rtol=1e-6, atol=1e-9)
    assert net.backward(nl.losses.mse.grad(net.forward(X), y), input_grad=False) is None


def test_identity_network_collapses_to_one_affine_map():
    net = nl.MLP([3, 5, 4, 2], hidden="identity", seed=3)
    randomise_biases(net)
    W, b = np.eye(3), np.zeros(3)
    for layer in net.layers:
        W, b = W @ layer.W, b @ layer.W + layer.b
    X = np.random.default_rng(0).normal(size=(10, 3))
    np.testing.assert_allclose(net.forward(X), X @ W + b, atol=1e-12)


def test_shapes_and_initialisers():
    net = nl.MLP([2, 16, 16, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    assert [layer.W.shape for layer in net.layers] == [(2, 16), (16, 16), (16, 1)]
    assert net.n_parameters == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert net.forward(np.zeros((5, 2))).shape == (5, 1)
    limit = np.sqrt(6 / (16 + 16))
    assert np.abs(net.layers[1].W).max() <= limit
    big = nl.MLP([400, 400], init="he", seed=0)
    assert big.layers[0].W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    small = nl.MLP([400, 400], init="normal", init_scale=0.1, seed=0)
    assert small.layers[0].W.std() == pytest.approx(0.1, rel=0.02)


def test_same_seed_same_network_different_seed_different():
    a, b, c = (nl.MLP([2, 3, 1], seed=s) for s in (0, 0, 1))
    assert np.array_equal(a.layers[0].W, b.layers[0].W)
    assert not np.array_equal(a.layers[0].W, c.layers[0].W)


def test_float32_network_stays_float32():
    net = nl.MLP([2, 4, 1], hidden="relu", dtype=np.float32)
    out = net.forward(np.ones((3, 2)))
    assert out.dtype == np.float32
    net.backward(np.ones((3, 1), dtype=np.float32))
    assert net.layers[0].dW.dtype == np.float32


def test_per_layer_activations():
    net = nl.MLP([2, 3, 3, 1], hidden=["relu", "tanh"], output="sigmoid")
    assert [layer.activation for layer in net.layers] == [nl.relu, nl.tanh, nl.sigmoid]
    with pytest.raises(ValueError, match="2 hidden layers but 1 hidden activations"):
        nl.MLP([2, 3, 3, 1], hidden=["relu"])


def test_wrong_input_width_names_both_widths():
    net = nl.MLP([2, 3, 1])
    with pytest.raises(ValueError, match=r"inputs of width 2.*\(N, 2\); got shape \(4, 3\)"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"X.reshape\(-1, 1\)"):
        nl.MLP([1, 3, 1]).forward(np.zeros(4))


def test_backward_errors():
    net = nl.MLP([2, 3, 1])
    with pytest.raises(RuntimeError, match="call forward"):
        net.backward(np.zeros((4, 1)))
    net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"output's shape \(4, 1\), got \(4, 2\)"):
        net.backward(np.zeros((4, 2)))


@pytest.mark.parametrize("kwargs, words", [
    (dict(sizes=[2]), "at least an input and an output"),
    (dict(sizes=[2, 0, 1]), "must be at least 1, got 0"),
    (dict(sizes=[2, 1], init="glorot"), "unknown init .glorot.; known: constant, he, normal, xavier"),
    (dict(sizes=[2, 1], init="he", init_scale=0.1), "init_scale"),
    (dict(sizes=[2, 1], init="normal", init_scale=-1), "positive"),
    (dict(sizes=[2, 1], dtype=np.int32), "float32 or float64"),
    (dict(sizes=[2, 1], hidden="tanh", output="softmaxx"), "known activations"),
])
def test_bad_construction(kwargs, words):
    with pytest.raises(ValueError, match=words):
        nl.MLP(**kwargs)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(
    widths=st.lists(st.integers(1, 6), min_size=2, max_size=4),
    batch=st.integers(1, 5),
    dtype=st.sampled_from([np.float32, np.float64]),
    hidden=st.sampled_from(HIDDEN),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_property_forward_backward_shapes_and_dtypes(widths, batch, dtype, hidden, scale):
    net = nl.MLP(widths, hidden=hidden, dtype=dtype, seed=0)
    X = np.random.default_rng(0).normal(scale=scale, size=(batch, widths[0]))
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = net.forward(X)
        gX = net.backward(np.ones_like(out))
    assert out.shape == (batch, widths[-1]) and out.dtype == dtype
    assert gX.shape == X.shape and gX.dtype == dtype
    for layer in net.layers:
        assert layer.dW.shape == layer.W.shape and layer.db.shape == layer.b.shape
        assert np.all(np.isfinite(layer.dW)) and np.all(np.isfinite(layer.db))


def test_gradient_norms_match_a_manual_backward_pass():
    X, y = nl.datasets.two_moons(n=40, seed=0)
    net = nl.MLP([2, 8, 8, 1], hidden="tanh", seed=0)
    norms = nl.gradient_norms(net, X, y, "bce_with_logits")
    gX = net.backward(nl.losses.bce_with_logits.grad(net.forward(X), y))
    assert norms.inputs[0] == pytest.approx(np.linalg.norm(gX))
    np.testing.assert_allclose(norms.weights, [np.linalg.norm(layer.dW) for layer in net.layers])
    assert len(norms.inputs) == len(norms.weights) == 3
    assert norms.first_to_last == pytest.approx(norms.weights[0] / norms.weights[-1])


def test_unit_diagnostics():
    X = np.random.default_rng(0).normal(size=(50, 2))
    net = nl.MLP([2, 4, 1], hidden="relu", seed=0)
    net.layers[0].b[:2] = -100.0  # two of four units can never switch on for these inputs
    assert nl.dead_unit_fraction(net, X) == 0.5
    assert 0.5 <= nl.zero_fraction(net, X) < 1.0
    tanh_net = nl.MLP([2, 4, 1], hidden="tanh", seed=0)
    assert nl.saturated_fraction(tanh_net, X) == 0.0
    tanh_net.layers[0].b[...] = 10.0
    assert nl.saturated_fraction(tanh_net, X) > 0.9
    assert nl.dead_unit_fraction(tanh_net, X) == 0.0


def test_dense_layer_on_its_own():
    layer = nl.Dense(np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([0.5, 0.0]), "relu")
    out = layer.forward(np.array([[1.0, 1.0]]))
    np.testing.assert_allclose(out, [[3.5, 0.0]])
    gx = layer.backward(np.array([[1.0, 1.0]]))
    np.testing.assert_allclose(layer.dW, [[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(layer.db, [1.0, 0.0])
    np.testing.assert_allclose(gx, [[1.0, 2.0]])
    assert layer.shape == (2, 2) and "relu" in repr(layer)
    # gradient_norms of a one-layer linear net: dL/dW = xᵀ 2(xW - y)/N, computed by hand
    net = nl.MLP([2, 1], seed=0)
    x, target = np.array([[1.0, 2.0]]), np.array([[0.5]])
    by_hand = np.linalg.norm(x.T @ (2 * (x @ net.layers[0].W - target)))
    norms = nl.gradient_norms(net, x, target, "mse")
    assert norms.weights == pytest.approx([by_hand], rel=1e-12)
