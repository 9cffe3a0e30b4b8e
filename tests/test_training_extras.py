"""Gradient clipping, schedules, Adam without bias correction, the richer History, the gradient
checker's defaults, digits and the train/test split."""

import importlib
import math

import numpy as np
import pytest

import nonlin as nl


def test_clip_grad_norm_scales_the_whole_gradient_and_returns_the_norm_before():
    a, b = np.zeros(2), np.zeros(1)
    ga, gb = np.array([3.0, 0.0]), np.array([4.0])
    assert nl.clip_grad_norm([(a, ga), (b, gb)], 1.0) == 5.0
    np.testing.assert_allclose(np.concatenate([ga, gb]), [0.6, 0.0, 0.8])
    assert nl.clip_grad_norm([(a, ga), (b, gb)], 2.0) == pytest.approx(1.0)
    np.testing.assert_allclose(ga, [0.6, 0.0], err_msg="below max_norm nothing changes")
    with pytest.raises(ValueError, match="max_norm"):
        nl.clip_grad_norm([(a, ga)], 0.0)
    with pytest.raises(ValueError, match="NaN or inf"):
        nl.clip_grad_norm([(a, np.array([np.nan, 1.0]))], 1.0)


def test_clip_grad_norm_float32():
    g = np.full(4, 1e20, dtype=np.float32)  # g·g overflows float32; the norm is summed in float64
    assert nl.clip_grad_norm([(np.zeros(4, np.float32), g)], 1.0) == pytest.approx(2e20, rel=1e-6)
    assert g.dtype == np.float32 and np.linalg.norm(g) == pytest.approx(1.0, rel=1e-5)


def test_schedules():
    cosine = nl.schedules.cosine(10, final=0.1)
    assert cosine(1) == 1.0
    values = [cosine(e) for e in range(1, 12)]
    assert all(x > y for x, y in zip(values[:10], values[1:11]))
    assert cosine(11) == pytest.approx(0.1) and cosine(50) == pytest.approx(0.1)
    assert cosine(6) == pytest.approx(0.1 + 0.9 * 0.5)
    step = nl.schedules.step(every=3, factor=0.5)
    assert [step(e) for e in range(1, 8)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    with pytest.raises(ValueError, match="total_epochs"):
        nl.schedules.cosine(0)
    with pytest.raises(ValueError, match="final"):
        nl.schedules.cosine(5, final=2)
    with pytest.raises(ValueError, match="every"):
        nl.schedules.step(0, 0.5)
    with pytest.raises(ValueError, match="factor"):
        nl.schedules.step(2, 0.0)


def moons_run(**kwargs):
    X, y = nl.datasets.two_moons(n=64, seed=0)
    net = nl.MLP([2, 8, 8, 1], hidden="tanh", seed=0)
    return net, nl.train(net, X, y, loss="bce_with_logits", lr=0.5, epochs=6, batch_size=16, **kwargs)


def test_history_records_steps_lr_and_total_grad_norm():
    net, history = moons_run(lr_schedule=nl.schedules.step(every=2, factor=0.5))
    assert len(history.step_loss) == 6 * 4
    np.testing.assert_allclose(history.loss, np.mean(np.reshape(history.step_loss, (6, 4)), axis=1))
    assert history.lr == [0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    assert len(history.total_grad_norm) == 6 and all(g > 0 for g in history.total_grad_norm)


def test_clip_norm_in_train_caps_every_step_and_records_the_norm_before():
    steps = []

    class Recording(nl.SGD):
        def step(self):
            steps.append(math.sqrt(sum(float(np.sum(g * g)) for _, g in self.parameters)))
            super().step()

    X, y = nl.datasets.two_moons(n=64, seed=0)
    net = nl.MLP([2, 8, 8, 1], hidden="tanh", init_gain=3, seed=0)
    history = nl.train(net, X, y, loss="bce_with_logits", optimizer=Recording(net.parameters(), lr=0.5),
                       epochs=5, clip_norm=0.05)
    assert max(steps) <= 0.05 * (1 + 1e-12)
    assert min(history.total_grad_norm) > 0.05, "recorded before clipping"
    with pytest.raises(ValueError, match="clip_norm"):
        nl.train(net, X, y, clip_norm=-1.0)


def test_track_activations_and_grad_norms():
    X, labels = nl.datasets.spirals(n_per_class=20, classes=3, seed=0)
    net = nl.MLP([2, 8, 8, 3], hidden="sigmoid", seed=0)
    history = nl.train(net, X, labels, loss="cross_entropy", lr=0.5, epochs=4, track_activations=True,
                       track_grad_norms=True)
    for key in ("activation_mean", "activation_std", "activation_p2", "activation_p98"):
        assert np.array(getattr(history, key)).shape == (4, 2), key
    p2, mean, p98 = (np.array(getattr(history, k)) for k in ("activation_p2", "activation_mean", "activation_p98"))
    assert np.all((0 < p2) & (p2 <= mean) & (mean <= p98) & (p98 < 1)), "sigmoid activations lie in (0, 1)"
    net.forward(X)  # the probe is all 60 training inputs here, so the last epoch's numbers can be recomputed
    assert history.activation_std[-1][1] == pytest.approx(float(net.layers[1].a.std()))
    assert np.array(history.grad_norms).shape == (4, 3)


def test_momentum_with_adam_is_an_error():
    X, y = nl.datasets.xor()
    with pytest.raises(ValueError, match="momentum.*SGD"):
        nl.train(nl.MLP([2, 2, 1]), X, y, optimizer="adam", momentum=0.9)
    net = nl.MLP([2, 2, 1])
    with pytest.raises(ValueError, match="momentum"):
        nl.train(net, X, y, optimizer=nl.Adam(net.parameters()), momentum=0.5)


def test_adam_without_bias_correction():
    w, g = np.array([1.0]), np.array([0.3])
    nl.Adam([(w, g)], lr=0.01, bias_correction=False).step()
    expected = 1.0 - 0.01 * (0.1 * 0.3) / (math.sqrt(0.001 * 0.09) + 1e-8)  # m = 0.1 g, v = 0.001 g²
    assert w[0] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="eps"):
        nl.Adam([], eps=0)


def test_bad_schedule_value_is_named():
    X, y = nl.datasets.xor()
    with pytest.raises(ValueError, match=r"lr_schedule\(1\)"):
        nl.train(nl.MLP([2, 2, 1]), X, y, lr_schedule=lambda epoch: float("nan"))


def test_divergence_from_a_parameter_that_the_loss_cannot_see():
    X, y = nl.datasets.xor()
    net = nl.MLP([2, 2, 1], hidden="relu", seed=0)
    net.layers[0].b[0] = -np.inf  # unit 0 is off everywhere, the loss stays finite
    with pytest.raises(nl.TrainingDiverged, match="a parameter became NaN or inf"):
        nl.train(net, X, y, epochs=2)


def test_check_mlp_gradients_accepts_names_and_its_defaults_pass_sigmoid_with_bce_logits():
    for seed in range(4):
        X, y = nl.datasets.two_moons(n=200, seed=seed)
        net = nl.MLP([2, 16, 16, 1], hidden="sigmoid", seed=seed)
        checks = nl.check_mlp_gradients(net, X, y, "bce_with_logits")
        assert all(check.ok for check in checks), [str(c) for c in checks]
    with pytest.raises(ValueError, match="known losses"):
        nl.check_mlp_gradients(net, X, y, "hinge")


def test_digits_and_train_test_split():
    X, y = nl.datasets.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0 and set(np.unique(y)) == set(range(10))
    X_train, X_test, y_train, y_test = nl.datasets.train_test_split(X, y, test_fraction=0.25, seed=0)
    assert len(X_test) == round(0.25 * 1797) and len(X_train) + len(X_test) == 1797
    assert len(y_train) == len(X_train)
    rows = {row.tobytes() for row in X_train} | {row.tobytes() for row in X_test}
    assert len(rows) == len({row.tobytes() for row in X})  # a partition: every example lands somewhere
    again = nl.datasets.train_test_split(X, y, test_fraction=0.25, seed=0)
    assert np.array_equal(again[1], X_test)
    with pytest.raises(ValueError, match="test_fraction"):
        nl.datasets.train_test_split(X, y, test_fraction=1.0)
    with pytest.raises(ValueError, match="1797 examples but y has 3"):
        nl.datasets.train_test_split(X, y[:3])


def test_digits_without_scikit_learn_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        nl.datasets.digits()


@pytest.mark.filterwarnings("error")  # every NumPy RuntimeWarning fails the test
@pytest.mark.parametrize("loss, sizes, lr, track", [
    ("bce_with_logits", [2] + [64] * 8 + [1], 100.0, False),  # the outputs overflow after a step: accuracy's pass
    ("mse", [2, 64, 64, 1], 5.0, True),  # huge weights overflow in the activation-recording pass
])
def test_a_diverging_run_stops_with_training_diverged_and_no_warnings(loss, sizes, lr, track):
    X, y = nl.datasets.xor()
    net = nl.MLP(sizes, hidden="relu", output="identity", init="he", seed=0, dtype=np.float32)
    with pytest.raises(nl.TrainingDiverged, match=r"diverged at epoch \d+: .*smaller learning rate"):
        nl.train(net, 100 * X, y, loss=loss, lr=lr, epochs=100, track_activations=track)


def _batch(seed=0, n=32):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)), rng.integers(0, 3, size=n)


def test_train_step_is_forward_loss_backward_update():
    X, labels = _batch()
    net, twin = (nl.MLP([4, 8, 3], hidden="tanh", seed=1) for _ in range(2))
    value = nl.train_step(net, "cross_entropy", nl.SGD(net.parameters(), lr=0.1), X, labels)
    expected = nl.losses.cross_entropy(twin.forward(X), labels)
    twin.backward(nl.losses.cross_entropy.grad(twin.forward(X), labels))
    for (p, g), (p_net, _) in zip(twin.parameters(), net.parameters()):
        np.testing.assert_allclose(p_net, p - 0.1 * g, rtol=1e-14, atol=1e-15)
    assert value == pytest.approx(expected, rel=1e-14)


def test_train_runs_train_step_once_per_batch_without_checks(monkeypatch):
    train_module = importlib.import_module("nonlin.train")  # the module; nl.train is the function
    calls, checked = [], []
    real = train_module.train_step_unchecked
    monkeypatch.setattr(train_module, "train_step_unchecked", lambda *a, **k: calls.append(len(a[3])) or real(*a, **k))
    monkeypatch.setattr(train_module, "train_step", lambda *a, **k: checked.append(1))
    X, labels = _batch(n=40)
    nl.train(nl.MLP([4, 8, 3], seed=0), X, labels, loss="cross_entropy", epochs=3, batch_size=16)
    assert calls == [16, 16, 8] * 3 and not checked, "3 epochs of 3 unchecked batches: the data were checked once"


@pytest.mark.parametrize("bad_X, bad_y, error, words", [
    (np.ones((32, 5)), None, ValueError, "train_step: the network takes inputs of width 4"),
    (np.full((32, 4), np.nan), None, nl.NonFiniteError, "train_step: X must be finite"),
    (None, np.full(32, 3), ValueError, r"labels must lie in \[0, 2\]"),
    (None, np.zeros((32, 3)), ValueError, "one-hot"),
])
def test_train_step_checks_its_batch(bad_X, bad_y, error, words):
    X, labels = _batch()
    net = nl.MLP([4, 8, 3], seed=0)
    before = [p.copy() for p, _ in net.parameters()]
    with pytest.raises(error, match=words):
        nl.train_step(net, "cross_entropy", nl.SGD(net.parameters()), X if bad_X is None else bad_X,
                      labels if bad_y is None else bad_y)
    assert all(np.array_equal(p, b) for (p, _), b in zip(net.parameters(), before)), "no step on a bad batch"


def test_train_step_divergence_leaves_the_parameters_unchanged():
    X, labels = _batch()
    net = nl.MLP([4, 8, 3], hidden="relu", output="identity", seed=0)
    net.layers[-1].W *= 1e305  # finite weights whose logits overflow
    before = [p.copy() for p, _ in net.parameters()]
    with pytest.raises(nl.TrainingDiverged, match="training diverged: .*(NaN or inf|loss became)"):
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # and none escapes the step
            nl.train_step(net, "cross_entropy", nl.SGD(net.parameters()), 1e3 * X, labels)
    assert all(np.array_equal(p, b) for (p, _), b in zip(net.parameters(), before))


def test_train_step_clips_and_returns_the_norm_before_clipping():
    X, labels = _batch()
    net, twin = (nl.MLP([4, 8, 3], seed=2) for _ in range(2))
    nl.train_step(twin, "cross_entropy", nl.SGD(twin.parameters(), lr=1.0), X, labels)  # computes twin's gradient
    norm_before = math.sqrt(sum(float(np.sum(g * g)) for _, g in twin.parameters()))
    value, norm = nl.train_step(net, "cross_entropy", nl.SGD(net.parameters(), lr=1.0), X, labels,
                                clip_norm=norm_before / 10, return_grad_norm=True)
    assert norm == pytest.approx(norm_before, rel=1e-12)
    clipped = math.sqrt(sum(float(np.sum(g * g)) for _, g in net.parameters()))
    assert clipped == pytest.approx(norm_before / 10, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_large_arrays_take_the_blas_path_and_match_numpy(dtype):
    rng = np.random.default_rng(0)
    w, g = rng.normal(size=(64, 64)).astype(dtype), rng.normal(size=(64, 64)).astype(dtype)
    expected = w - dtype(0.01) * g
    view = w  # updated in place: optimisers hold the arrays themselves
    nl.SGD([(w, g)], lr=0.01).step()
    assert view is w
    np.testing.assert_allclose(w, expected, rtol=2 * np.finfo(dtype).eps, atol=2 * np.finfo(dtype).eps)
    strided = np.zeros((64, 128), dtype)[:, ::2]  # not contiguous: the NumPy path, same result
    nl.SGD([(strided, g)], lr=0.01).step()
    np.testing.assert_allclose(strided, -dtype(0.01) * g, rtol=2 * np.finfo(dtype).eps)


def _reference_step(net, X, labels, lr):
    """The training step as the engine computed it before it was tuned for speed, written out: every
    number of the tuned step (loss, z, a, dW, db, the updated parameters) must equal it bit for bit."""
    out = net.forward_unchecked(X)
    n, rows = len(labels), np.arange(len(labels))
    shifted = out - out.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    value = np.sum(np.log(total[:, 0]) - shifted[rows, labels]) / n
    e /= total
    e[rows, labels] -= 1
    e /= n
    net.backward_unchecked(e, input_grad=False)
    nl.SGD(net.parameters(), lr=lr).step()
    return float(value)


@pytest.mark.parametrize("sizes, hidden", [([2, 16, 16, 2], "tanh"), ([30, 24, 12, 10], "relu"),
                                           ([8, 8, 8, 8, 5], "sigmoid")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_train_step_equals_the_reference_step_bit_for_bit(sizes, hidden, dtype):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(48, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], size=48)
    net, twin = (nl.MLP(sizes, hidden=hidden, init="he", seed=4, dtype=dtype) for _ in range(2))
    optimizer = nl.SGD(net.parameters(), lr=0.05)
    for _ in range(3):  # later steps start from updated weights
        expected = _reference_step(twin, X, labels, lr=0.05)
        assert nl.train_step_unchecked(net, "cross_entropy", optimizer, X, labels) == expected
        for layer, ref in zip(net.layers, twin.layers):
            for name in ("x", "z", "a", "dW", "db", "W", "b"):
                assert np.array_equal(getattr(layer, name), getattr(ref, name)), f"{name} changed"


def test_train_step_unchecked_leaves_the_floating_point_state_to_its_caller():
    X, labels = _batch()
    net = nl.MLP([4, 8, 3], hidden="relu", seed=0)
    optimizer = nl.SGD(net.parameters(), lr=0.1)
    with np.errstate(over="raise"):
        state = np.geterr()
        nl.train_step_unchecked(net, "cross_entropy", optimizer, X, labels)
        assert np.geterr() == state
        net.layers[-1].W *= 1e305  # now the logits overflow: unchecked, the caller's "raise" applies
        with pytest.raises(FloatingPointError, match="overflow") as raised:
            nl.train_step_unchecked(net, "cross_entropy", optimizer, 1e3 * X, labels)
        assert not isinstance(raised.value, nl.TrainingDiverged), "NumPy's error, not the step's own check"
