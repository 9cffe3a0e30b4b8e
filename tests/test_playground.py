"""The playground: a kernel-free player in the static book, widgets with a Train button live, clear errors."""

import importlib
import re

import numpy as np
import pytest

import nonlin as nl
from nonlin.book.playground import playground, snapshot_epochs

pg = importlib.import_module("nonlin.book.playground")  # the module; nl.playground is the function

SMALL = dict(datasets=["moons"], depths=[2], widths=[4], lrs=[0.03], optimizers=["adam"], epochs=4,
             snapshot_every=2)


def test_static_mode_returns_a_player_with_one_frame_per_activation_and_snapshot(monkeypatch):
    monkeypatch.setenv("NONLIN_EXPLORER", "static")
    html = playground(activations=["relu", "tanh", "sigmoid"], **SMALL).data
    frames = re.findall(r"frames\[(\d+)\]\s*=", html)
    assert snapshot_epochs(4, 2) == [0, 2, 4]
    assert len(frames) == 3 * 3, "one frame per (activation, snapshot epoch)"
    assert "font-awesome" not in html, "the player must not link a CDN"


def test_snapshot_epochs_include_the_last_epoch():
    assert snapshot_epochs(10, 4) == [0, 4, 8, 10]
    assert snapshot_epochs(6, 3) == [0, 3, 6]


def test_live_mode_builds_widgets_and_train_runs_the_chosen_settings(monkeypatch):
    monkeypatch.setenv("NONLIN_EXPLORER", "live")
    pytest.importorskip("ipywidgets")
    import ipywidgets as widgets

    box = playground(activations=["relu", "tanh"], **{**SMALL, "datasets": ["moons", "spirals"]})
    menus = {w.description: w for hbox in box.children[:2] for w in hbox.children}
    assert set(menus) == {"dataset", "activation", "depth", "width", "lr", "optimizer"}
    button = box.children[2]
    assert isinstance(button, widgets.Button) and button.description == "Train"
    assert box.runs == []
    menus["dataset"].value, menus["activation"].value = "spirals", "tanh"
    button.click()
    assert len(box.runs) == 1
    run = box.runs[0]
    assert run["settings"]["dataset"] == "spirals" and run["settings"]["activation"] == "tanh"
    assert sorted(run["result"]["snapshots"]) == [0, 2, 4]
    net, norms = run["result"]["snapshots"][4]
    assert net.sizes == [2, 4, 4, 3] and len(norms) == 3
    button.click()
    assert len(box.runs) == 2, "every click trains and redraws"


@pytest.mark.parametrize("bad, message", [
    (dict(datasets=["circles"]), "unknown data set 'circles'"),
    (dict(activations=["swish2"]), "unknown activation 'swish2'"),
    (dict(depths=[0]), "depths must be a whole number >= 1"),
    (dict(widths=[2.5]), "widths must be a whole number >= 1"),
    (dict(lrs=[-0.1]), "positive finite"),
    (dict(optimizers=["rmsprop"]), "unknown optimizer 'rmsprop'"),
    (dict(activations=[]), "activations needs at least one value"),
    (dict(epochs=4, snapshot_every=5), "must not exceed epochs"),
])
def test_bad_input_gives_clear_errors(monkeypatch, bad, message):
    monkeypatch.setenv("NONLIN_EXPLORER", "static")
    with pytest.raises(ValueError, match=re.escape(message)):
        playground(**{**SMALL, **bad})


def test_layer_norms_are_the_full_data_gradient_of_the_snapshot_network():
    result = pg.run("spirals", "tanh", depth=2, width=8, lr=0.03, optimizer="adam", epochs=4, snapshot_every=2)
    X, y, _, loss = pg._data("spirals")
    assert len(X) > 32, "the data must be larger than a mini-batch for this test to mean anything"
    for epoch, (net, norms) in result["snapshots"].items():
        expected = nl.gradient_norms(net, X, y, loss).weights
        np.testing.assert_allclose(norms, expected, rtol=1e-12, err_msg=f"epoch {epoch}")
    assert result["snapshots"][0][1] != result["snapshots"][4][1], "the norms must change with training"


def test_diverged_at_is_the_epoch_in_which_training_diverged(monkeypatch):
    real_train = pg.train

    def diverging_train(*args, callback, **kwargs):
        def wrapped(epoch, net, history):
            if epoch == 5:  # as train does when a step's loss is not finite: raise before the callback
                raise nl.TrainingDiverged("training diverged at epoch 5")
            callback(epoch, net, history)
        return real_train(*args, callback=wrapped, **kwargs)

    monkeypatch.setattr(pg, "train", diverging_train)
    result = pg.run("moons", "relu", depth=2, width=4, lr=0.03, optimizer="adam", epochs=8, snapshot_every=2)
    assert result["diverged_at"] == 5, "epochs 1-4 completed, so training diverged in epoch 5"
    assert sorted(result["snapshots"]) == [0, 2, 4], "no snapshot after the divergence"


def test_diverged_at_matches_the_engine_on_a_real_divergence():
    result = pg.run("moons", "elu", depth=2, width=16, lr=30.0, optimizer="sgd", epochs=6, snapshot_every=3)
    X, y, n_out, loss = pg._data("moons")
    net = nl.MLP([2, 16, 16, n_out], hidden="elu", init="he", seed=0)
    with pytest.raises(nl.TrainingDiverged, match=f"at epoch {result['diverged_at']}:"):
        nl.train(net, X, y, loss=loss, optimizer="sgd", lr=30.0, epochs=6, batch_size=32, seed=0)
