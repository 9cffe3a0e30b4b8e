"""Optimisers and the training loop: they learn, they are deterministic, they stop on divergence."""

import numpy as np
import pytest

import nonlin as nl


def test_sgd_step_by_hand():
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    opt = nl.SGD([(w, g)], lr=0.1, momentum=0.9)
    opt.step()
    np.testing.assert_allclose(w, [0.95, -2.05])
    opt.step()  # velocity 0.9 * g + g
    np.testing.assert_allclose(w, [0.95 - 0.1 * 1.9 * 0.5, -2.05 - 0.1 * 1.9 * 0.5])


def test_adam_first_step_is_lr_times_sign():
    w, g = np.array([1.0, -2.0]), np.array([0.3, -4.0])
    nl.Adam([(w, g)], lr=0.01).step()
    np.testing.assert_allclose(w, [0.99, -1.99], rtol=1e-6)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 1.0), ("adam", 0.05)])
def test_xor_is_learned(optimizer, lr):
    X, y = nl.datasets.xor()
    net = nl.MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=0)
    history = nl.train(net, X, y, loss="bce", optimizer=optimizer, lr=lr, epochs=1500)
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < 0.05 < history.loss[0]


def test_cross_entropy_training_on_spirals_and_minibatches():
    X, labels = nl.datasets.spirals(n_per_class=40, classes=3, seed=0)
    net = nl.MLP([2, 32, 32, 3], hidden="relu", init="he", seed=0)
    history = nl.train(net, X, labels, loss="cross_entropy", optimizer="adam", lr=0.02, epochs=150, batch_size=32)
    assert history.accuracy[-1] > 0.9
    assert len(history.loss) == 150


def test_training_is_deterministic():
    X, y = nl.datasets.two_moons(n=60, seed=1)
    runs = []
    for _ in range(2):
        net = nl.MLP([2, 8, 1], hidden="relu", output="identity", init="he", seed=5)
        runs.append(nl.train(net, X, y, loss="bce_with_logits", lr=0.3, epochs=20, batch_size=16, seed=7).loss)
    assert runs[0] == runs[1]


def test_history_helpers_and_early_stop():
    X, y = nl.datasets.xor()
    net = nl.MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=0)
    history = nl.train(net, X, y, loss="bce", lr=1.0, epochs=5000, stop_at_loss=0.1, track_grad_norms=True)
    assert history.last_epoch_loss <= 0.1 < history.loss[-2]
    assert history.epochs_to(0.1) == len(history.loss)
    assert history.epochs_to(-1.0) is None
    assert len(history.grad_norms) == len(history.loss) and len(history.grad_norms[0]) == 2


def test_callback_sees_every_epoch():
    seen = []
    X, y = nl.datasets.xor()
    nl.train(nl.MLP([2, 2, 1]), X, y, epochs=3, callback=lambda epoch, net, h: seen.append((epoch, len(h.loss))))
    assert seen == [(1, 1), (2, 2), (3, 3)]


def test_divergence_stops_with_a_clear_error():
    x, y = nl.datasets.regression_1d(n=50, seed=0)
    net = nl.MLP([1, 16, 1], hidden="relu", init="he", seed=0)
    with pytest.raises(nl.TrainingDiverged, match=r"diverged at epoch \d+.*smaller learning rate"):
        nl.train(net, x * 100, y * 100, loss="mse", lr=10.0, epochs=50)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(loss="hinge"), ValueError, "known losses"),
    (dict(optimizer="rmsprop"), ValueError, "unknown optimizer .rmsprop.; known: adam, sgd"),
    (dict(lr=-1.0), ValueError, "learning rate lr must be a positive"),
    (dict(epochs=0), ValueError, "epochs must be at least 1"),
    (dict(batch_size=10), ValueError, r"batch_size must lie in \[1, 4\]"),
])
def test_bad_training_arguments(kwargs, error, words):
    X, y = nl.datasets.xor()
    with pytest.raises(error, match=words):
        nl.train(nl.MLP([2, 2, 1]), X, y, **kwargs)


def test_mismatched_data_lengths():
    X, y = nl.datasets.xor()
    with pytest.raises(ValueError, match=r"X has 4 examples but y has shape \(3, 1\)"):
        nl.train(nl.MLP([2, 2, 1]), X, y[:3])


def test_nan_in_data_is_reported_as_bad_data_not_divergence():
    X, y = nl.datasets.xor()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        nl.train(nl.MLP([2, 2, 1]), X, y)


def test_bad_optimiser_settings():
    with pytest.raises(ValueError, match="momentum"):
        nl.SGD([], lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match=r"beta1 must lie in \[0, 1\)"):
        nl.Adam([], beta1=1.0)
