"""Gradient clipping, schedules, Adam without bias correction, the richer History, the gradient
checker's defaults, digits and the train/test split."""

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
    np.testing.assert_allclose(ga, [0.6, 0.0]), "below max_norm nothing changes"
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
