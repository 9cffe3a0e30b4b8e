"""The playground: a kernel-free player in the static book, widgets with a Train button live, clear errors."""

import re

import pytest

from nonlin.playground import playground, snapshot_epochs

SMALL = dict(datasets=["moons"], depths=[2], widths=[4], lrs=[0.03], optimizers=["adam"], epochs=4,
             snapshot_every=2)


def test_static_mode_returns_a_player_with_one_frame_per_activation_and_snapshot(monkeypatch):
    monkeypatch.setenv("NONLIN_EXPLORER", "static")
    html = playground(activations=["relu", "tanh", "sigmoid"], **SMALL).data
    frames = re.findall(r"frames\[(\d+)\]\s*=", html)
    assert len(snapshot_epochs(4, 2)) == 2
    assert len(frames) == 3 * 2, "one frame per (activation, snapshot epoch)"
    assert "font-awesome" not in html, "the player must not link a CDN"


def test_snapshot_epochs_include_the_last_epoch():
    assert snapshot_epochs(10, 4) == [4, 8, 10]
    assert snapshot_epochs(6, 3) == [3, 6]


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
    assert sorted(run["result"]["snapshots"]) == [2, 4]
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
