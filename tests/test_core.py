"""The engine's core: what `import nonlin` loads, its size, and one boundary that refuses bad input."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nonlin as nl
from nonlin import optim

CORE = Path(nl.__file__).parent
PROBE = """
import sys, json, nonlin as nl
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "IPython", "ipywidgets", "scipy"))
X, y = nl.datasets.two_moons(40)
net = nl.MLP([2, 4, 1], hidden="tanh", output="sigmoid")
nl.train(net, X, y, loss="bce", optimizer="adam", lr=0.01, epochs=2, batch_size=8)
nl.train(nl.MLP([2, 4, 3]), X, (y[:, 0] * 2).astype(int), loss="cross_entropy", epochs=1)
nl.softmax(X); nl.gelu(X); nl.check_mlp_gradients(nl.MLP([2, 2, 1]), X[:3], y[:3], "mse")
core = sorted(m.__file__ for name, m in sys.modules.items() if name.startswith("nonlin"))
print(json.dumps({"at_import": loaded, "core": core}))
"""


@pytest.fixture(scope="module")
def probe():
    import json

    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_import_nonlin_loads_no_plotting_notebook_or_widget_library(probe):
    heavy = [m for m in probe["at_import"] if m.split(".")[0] in ("matplotlib", "IPython", "ipywidgets", "scipy")]
    assert not heavy, f"import nonlin loaded {heavy}; the book layer and SciPy must load on first use"


def test_the_core_stays_at_most_1800_lines(probe):
    """Every module that `import nonlin` and its core API (network, training, activations, losses,
    optimisers, gradient checks) load, counted with wc -l."""
    files = [Path(f) for f in probe["core"]]
    assert all(CORE / "book" not in f.parents for f in files), "the core API must not load the book layer"
    lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)
    assert lines <= 1800, f"the core is {lines} lines over {len(files)} modules; the budget is 1800"


def test_no_core_module_imports_the_book_layer():
    for path in CORE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        imports = [line for line in text.splitlines() if line.startswith(("from", "import")) and "book" in line]
        assert not imports, f"{path.name} imports the book layer: {imports}"


# --- the boundary: each trap is a clear error naming what was expected and what came -------------

X4, Y4 = nl.datasets.xor()


@pytest.mark.parametrize("call, error, words", [
    (lambda: nl.MLP([2.7, 3, 1]), ValueError, "whole number, got 2.7"),
    (lambda: nl.MLP([2, 0, 1]), ValueError, "at least 1, got 0"),
    (lambda: nl.MLP([2, "3", 1]), TypeError, "must be an integer, got '3'"),
    (lambda: nl.train(nl.MLP([2, 1]), X4, Y4, epochs=2.5), ValueError, "epochs must be a whole number, got 2.5"),
    (lambda: nl.train(nl.MLP([2, 1]), X4, Y4, lr=True), TypeError, "lr must be a real number, got True"),
    (lambda: nl.train(nl.MLP([2, 1]), X4, Y4, lr="0.1"), TypeError, "lr must be a real number, got '0.1'"),
    (lambda: nl.train(nl.MLP([2, 1]), X4, Y4, batch_size=0), ValueError, "batch_size must be at least 1"),
    (lambda: nl.train(nl.MLP([2, 1]), X4[:0], Y4[:0]), ValueError, "X holds no examples"),
    (lambda: nl.SGD([], lr=0.1, momentum=True), TypeError, "momentum must be a real number, got True"),
    (lambda: nl.Adam([], lr=-1), ValueError, "learning rate lr must be a positive finite number"),
    (lambda: nl.Adam([], beta2=1.0), ValueError, r"beta2 must lie in \[0, 1\), got 1.0"),
    (lambda: nl.schedules.cosine(10.5), ValueError, "total_epochs must be a whole number"),
    (lambda: nl.schedules.step(every=10, factor=0), ValueError, "factor must be a positive"),
    (lambda: nl.LayerNorm(4, eps=0), ValueError, "eps must be a positive"),
    (lambda: nl.LeakyReLU(alpha=1.5), ValueError, r"alpha must lie in \[0, 1\)"),
    (lambda: nl.MLP([2, 3, 1], hidden="prelu"), ValueError, "learns a parameter of its own.*LeakyReLU"),
    (lambda: nl.MLP([2, 3, 1], hidden=nl.PReLU(0.1)), ValueError, "learns a parameter of its own"),
    (lambda: nl.logsumexp(np.zeros((3, 0))), ValueError, "non-empty axis"),
    (lambda: nl.log_softmax(np.zeros((3, 0))), ValueError, "non-empty last axis"),
    (lambda: nl.Dense(np.ones((2, 3)), np.zeros(2), "relu"), ValueError, r"b shape \(n_out,\); got W\(2, 3\), b\(2,\)"),
    (lambda: nl.Dense(np.ones(3), np.zeros(3), "relu"), ValueError, "W must have shape"),
    (lambda: nl.Dense(np.ones((2, 3)), np.zeros(3), "relu").forward(np.ones((4, 3))), ValueError,
     r"x must have shape \(N, 2\), got \(4, 3\)"),
    (lambda: nl.Dense([["a"]], [0.0], "relu"), TypeError, "W must hold real numbers"),
])
def test_each_trap_is_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_dense_takes_integer_and_list_weights_as_float64():
    layer = nl.Dense([[1, 2], [3, 4]], [0, 1], "identity")
    assert layer.W.dtype == layer.b.dtype == np.float64
    out = layer.forward(np.array([[1.0, 1.0]]))
    np.testing.assert_array_equal(out, [[4.0, 7.0]])
    np.testing.assert_array_equal(layer.backward(np.ones((1, 2))), [[3.0, 7.0]])
    with pytest.raises(RuntimeError, match="call forward"):
        nl.Dense(np.ones((2, 2)), np.zeros(2), "relu").backward(np.ones((1, 2)))


@pytest.mark.parametrize("output, loss", [("sigmoid", "bce_with_logits"), ("softmax", "cross_entropy")])
def test_a_squashed_output_fed_to_a_logits_loss_is_refused_unless_asked_for(output, loss):
    X, y = nl.datasets.two_moons(20)
    net = nl.MLP([2, 3, 1 if output == "sigmoid" else 2], output=output)
    target = y if output == "sigmoid" else y[:, 0].astype(int)
    with pytest.raises(ValueError, match=f"applies {output}.*applies it again.*output='identity'"):
        nl.train(net, X, target, loss=loss, epochs=1)
    with pytest.raises(ValueError, match="applies it again"):
        nl.train_step(net, loss, nl.SGD(net.parameters()), X, target)
    history = nl.train(net, X, target, loss=loss, epochs=1, allow_double_squash=True)
    assert np.isfinite(history.end_loss)


# --- accuracy: labels are checked by the loss, never broadcast ----------------------------------

def spiral_net():
    X, labels = nl.datasets.spirals(n_per_class=20, seed=0)
    net = nl.MLP([2, 3])
    net.layers[0].W[...] = 0
    net.layers[0].b[...] = [0.0, 0.0, 1.0]  # always predicts class 2
    return net, X, labels


def test_accuracy_counts_argmax_hits():
    net, X, labels = spiral_net()
    assert nl.accuracy(net, X, labels, "cross_entropy") == pytest.approx(np.mean(labels == 2)) == pytest.approx(1 / 3)


def test_accuracy_refuses_column_and_one_hot_labels_instead_of_broadcasting():
    net, X, labels = spiral_net()
    with pytest.raises(ValueError, match=r"shape \(60,\); got shape \(60, 1\)\. For a column of labels pass"):
        nl.accuracy(net, X, labels.reshape(-1, 1), "cross_entropy")
    with pytest.raises(ValueError, match="one-hot labels pass labels.argmax"):
        nl.accuracy(net, X, np.eye(3)[labels], "cross_entropy")


def test_accuracy_with_bce_needs_targets_of_the_outputs_shape():
    X, y = nl.datasets.two_moons(50, seed=1)
    net = nl.MLP([2, 1], output="sigmoid")
    net.layers[0].W[...] = 0
    net.layers[0].b[...] = 5.0  # always predicts 1
    assert nl.accuracy(net, X, y, "bce") == pytest.approx(np.mean(y == 1))
    with pytest.raises(ValueError, match="reshape"):
        nl.accuracy(net, X, y.ravel(), "bce")
    with pytest.raises(ValueError, match="classification losses only"):
        nl.accuracy(net, X, y, "mse")


# --- the optimiser table --------------------------------------------------------------------------

class Halve:
    """A dummy optimiser: every parameter is halved each step, whatever the gradient."""

    def __init__(self, parameters, lr):
        self.parameters, self.lr = list(parameters), lr

    def step(self):
        for param, _ in self.parameters:
            param *= 0.5


def test_a_registered_optimiser_is_the_one_train_uses(monkeypatch):
    monkeypatch.setitem(optim.OPTIMISERS, "halve", Halve)
    net = nl.MLP([2, 3, 1], seed=0)
    W0 = net.layers[0].W.copy()
    nl.train(net, X4, Y4, optimizer="halve", lr=0.1, epochs=3)
    np.testing.assert_array_equal(net.layers[0].W, W0 / 8, err_msg="three halvings, not Adam or SGD")
    with pytest.raises(ValueError, match="momentum=0.9 is SGD's setting and Halve has none"):
        nl.train(net, X4, Y4, optimizer="halve", momentum=0.9)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; known: adam, halve, sgd"):
        nl.train(net, X4, Y4, optimizer="rmsprop")
