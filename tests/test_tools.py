"""Gradient checker, data sets, explorer modes, plotting vocabulary, timing and glue."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nonlin as nl  # noqa: E402
from nonlin.book import GLUED, glue  # noqa: E402


def test_gradient_checker_catches_a_wrong_derivative():
    good = nl.check_gradient(lambda x: np.sum(np.sin(x)), np.cos, np.linspace(-2, 2, 9))
    bad = nl.check_gradient(lambda x: np.sum(np.sin(x)), lambda x: -np.cos(x), np.linspace(-2, 2, 9))
    assert good.ok and good.relative_error < 1e-8
    assert not bad.ok and "MISMATCH" in str(bad)


def test_gradient_checker_shape_error():
    with pytest.raises(ValueError, match="grad_f returned shape"):
        nl.check_gradient(lambda x: np.sum(x), lambda x: x[:1], np.zeros(3))


class ForgotTheDerivative(nl.Tanh):
    def derivative(self, x):
        return np.ones_like(x)  # a classic bug: forgot f'(z)


def test_mlp_gradient_checker_catches_a_broken_backward():
    X, y = nl.datasets.xor()
    net = nl.MLP([2, 3, 1], hidden="tanh", seed=0)
    assert all(check.ok for check in nl.check_mlp_gradients(net, X, y, nl.losses.mse))
    # A subclass that redefines derivative() does not inherit tanh's faster backward (1 - a²), so the
    # network really uses the broken derivative, and the checker must notice.
    net.layers[0].activation = ForgotTheDerivative()
    assert not all(check.ok for check in nl.check_mlp_gradients(net, X, y, nl.losses.mse))


def test_mlp_gradient_checker_needs_float64():
    net = nl.MLP([2, 1], dtype=np.float32)
    with pytest.raises(ValueError, match="float64"):
        nl.check_mlp_gradients(net, np.zeros((1, 2)), np.zeros((1, 1)), nl.losses.mse)


def test_datasets_shapes_and_determinism():
    X, y = nl.datasets.two_moons(n=101, seed=3)
    assert X.shape == (101, 2) and y.shape == (101, 1) and set(np.unique(y)) == {0.0, 1.0}
    assert np.array_equal(X, nl.datasets.two_moons(n=101, seed=3)[0])
    X, labels = nl.datasets.spirals(n_per_class=10, classes=4, seed=0)
    assert X.shape == (40, 2) and labels.dtype.kind == "i" and set(labels) == {0, 1, 2, 3}
    x, t = nl.datasets.regression_1d(n=30, target="abs", noise=0.0)
    assert x.shape == t.shape == (30, 1) and np.all(np.diff(x[:, 0]) >= 0)
    np.testing.assert_allclose(t, np.abs(x) - 1)
    with pytest.raises(ValueError, match="known targets"):
        nl.datasets.regression_1d(target="cos")


def draw(fig, alpha):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, alpha])


def test_explorer_static_mode_gives_an_offline_player(monkeypatch):
    monkeypatch.setenv("NONLIN_EXPLORER", "static")
    html = nl.explore(draw, alpha=[0.0, 0.5, 1.0]).data
    assert "<img" in html and "anim" in html.lower()
    assert html.count("data:image/png;base64") == 3, "one embedded frame per value"
    assert "maxcdn" not in html and "https://" not in html, "the player must not load anything from a CDN"


def test_explorer_static_frames():
    from nonlin.book.explore import _frames

    grid = {"a": [1, 2, 3], "b": [10, 20]}
    assert len(_frames(grid, {"a": 1, "b": 10}, max_frames=40)) == 6
    sweep = _frames(grid, {"a": 1, "b": 10}, max_frames=4)
    assert sweep == [{"a": 1, "b": 10}, {"a": 2, "b": 10}, {"a": 3, "b": 10}, {"a": 1, "b": 10}, {"a": 1, "b": 20}]


def test_explorer_live_mode_gives_sliders_over_the_same_values(monkeypatch):
    widgets = pytest.importorskip("ipywidgets")
    monkeypatch.setenv("NONLIN_EXPLORER", "live")
    box = nl.explore(draw, alpha=[0.0, 0.5, 1.0])
    assert isinstance(box, widgets.VBox)
    slider = box.children[0]
    assert isinstance(slider, widgets.SelectionSlider)
    assert list(slider.options) == [("0", 0.0), ("0.5", 0.5), ("1", 1.0)]
    plt.close("all")


def test_explorer_mode_default_outside_a_kernel_is_static(monkeypatch):
    monkeypatch.delenv("NONLIN_EXPLORER", raising=False)
    assert nl.explorer_mode() == "static"
    monkeypatch.setenv("NONLIN_EXPLORER", "sometimes")
    with pytest.raises(ValueError, match="'live' or 'static'"):
        nl.explorer_mode()


def test_explorer_needs_parameters():
    with pytest.raises(ValueError, match="at least one parameter"):
        nl.explore(draw)
    with pytest.raises(ValueError, match="no values"):
        nl.explore(draw, alpha=[])


def test_plotting_vocabulary_draws():
    nl.use_book_style()
    fig, axes = nl.plot_function_and_derivative([nl.sigmoid, nl.tanh])
    assert len(axes[0].lines) == len(axes[1].lines) == 2 + 2  # two curves, two axis lines
    X, y = nl.datasets.xor()
    net = nl.MLP([2, 4, 1], output="sigmoid")
    ax = nl.plot_decision_boundary(net, X, y, resolution=20)
    (points,) = [c for c in ax.collections if hasattr(c, "get_offsets") and len(c.get_offsets()) == len(X)]
    np.testing.assert_array_equal(points.get_offsets(), X)  # the data drawn are the data given
    assert ax.collections[0].get_array().size > 0  # the filled contour of the network's output
    Xs, labels = nl.datasets.spirals(n_per_class=5)
    ax = nl.plot_decision_boundary(nl.MLP([2, 3]), Xs, labels, resolution=20)
    (points,) = [c for c in ax.collections if hasattr(c, "get_offsets") and len(c.get_offsets()) == len(Xs)]
    np.testing.assert_array_equal(points.get_offsets(), Xs)
    np.testing.assert_array_equal(points.get_array(), labels)  # coloured by class
    assert len(nl.plot_loss_curves({"a": [3, 2, 1], "b": nl.History(loss=[2, 1])}).lines) == 2
    x, t = nl.datasets.regression_1d(n=10)
    assert len(nl.plot_fit(x, t, {"zero": 0 * t}, truth=t).lines) == 2
    assert len(nl.plot_layer_norms({"sigmoid": [1e-3, 1e-2, 1e-1]}).lines) == 1
    path = np.array([[0.0, 0.0], [0.5, 0.2], [0.9, 0.1]])
    ax = nl.plot_descent_path(lambda a, b: (a - 1) ** 2 + 3 * b**2, {"gd": path}, (-1, 2), (-1, 1), optimum=(1, 0))
    assert len(ax.lines) == 2 and ax.collections
    np.testing.assert_array_equal(np.column_stack(ax.lines[0].get_data()), path)  # the path drawn is the path given
    ax = nl.plot_error_vs_size([1, 2, 4], {"ReLU": [1, 0.25, 0.06], "bound 1/n²": [1, 0.25, 0.0625]})
    assert len(ax.lines) == 2 and ax.get_xscale() == ax.get_yscale() == "log"
    plt.close("all")


def test_time_call_is_the_median_time_per_call(monkeypatch):
    """A fake clock (no wall-clock assert): each run of the timed loop lasts a known time."""
    import nonlin.book.timing as timing

    # calibration: one call takes 1 s >= min_seconds, so one call per run; then runs of 3, 2 and 4 s
    ticks = iter([0.0, 1.0, 10.0, 13.0, 20.0, 22.0, 30.0, 34.0])
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(ticks))
    calls = []
    assert timing.time_call(lambda: calls.append(1), repeat=3, min_seconds=0.5) == 3.0, "the median of 3, 2, 4"
    assert len(calls) == 4


def test_glue_outside_a_build_keeps_the_value():
    assert glue("tools.answer", 42) == 42
    assert GLUED["tools.answer"] == 42


def test_glue_turns_numpy_scalars_into_python_numbers():
    value = glue("tools.ratio", np.float64(0.25) / np.float64(2))
    assert type(value) is float and repr(value) == "0.125"
    assert type(glue("tools.count", np.int64(3))) is int


def test_live_explorer_redraws_when_a_slider_moves(monkeypatch):
    widgets = pytest.importorskip("ipywidgets")
    monkeypatch.setenv("NONLIN_EXPLORER", "live")
    calls = []

    def recording_draw(fig, alpha, beta):
        calls.append((alpha, beta))
        fig.add_subplot(title=beta).plot([0, 1], [0, alpha])

    box = nl.explore(recording_draw, alpha=[1.0, 2.0], beta=["x", "y"])
    image, words = box.children[-2:]
    assert isinstance(image, widgets.Image) and bytes(image.value).startswith(b"\x89PNG"), "the figure, as a PNG"
    assert calls == [(1.0, "x")], "the explorer draws its default state at once"
    first = image.value
    assert "alpha = 1, beta = x" in words.value, "the description names the state drawn"
    box.children[0].value = 2.0
    box.children[1].value = "y"
    assert calls[-2:] == [(2.0, "x"), (2.0, "y")], "each slider move redraws with the new values"
    assert image.value != first and "alpha = 2, beta = y" in words.value
    assert not plt.get_fignums(), "the explorer closes the figures it renders"
