"""Figure descriptions: every figure of the plotting vocabulary, and any figure drawn with raw
matplotlib, is described by what is drawn (title, axis labels, legend) plus the authored point."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.formatters import PNGFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import nonlin as nl  # noqa: E402
from nonlin.book import plotting  # noqa: E402
from nonlin.book.plotting import describe_figure, drawn_texts, figure_description, plain_text  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def names(fig):
    record = drawn_texts(fig)
    found = [record["suptitle"]]
    for axes in record["axes"]:
        found += [axes["title"], axes["xlabel"], axes["ylabel"], *axes["legend"]]
    return [plain_text(n) for n in found if plain_text(n)]


def vocabulary_figures():
    X, y = nl.datasets.xor()
    net = nl.MLP([2, 4, 1], hidden="tanh", seed=0)
    yield nl.plot_function_and_derivative([nl.sigmoid, nl.tanh], describe="Tanh is four times steeper at 0.")[0]
    yield nl.plot_decision_boundary(net, X, y, title="XOR, untrained", describe="Nothing is learned yet.").figure
    yield nl.plot_loss_curves({"tanh": [1, 0.5, 0.1], "relu": [1, 0.3, 0.01]}, title="training",
                              describe="ReLU ends lower.").figure
    yield nl.plot_fit(np.linspace(-1, 1, 9), np.linspace(-1, 1, 9) ** 2, {"net": np.zeros(9)},
                      truth=np.linspace(-1, 1, 9) ** 2, describe="A flat fit.").figure
    yield nl.plot_layer_norms({"sigmoid": [1e-4, 1e-2, 1]}, ylabel=r"$\|\partial L/\partial W\|$",
                              describe="The first layer gets the least.").figure
    yield nl.plot_descent_path(lambda a, b: a ** 2 + 10 * b ** 2, {"SGD": [[1, 1], [0.5, -0.5], [0, 0]]},
                               (-1.5, 1.5), (-1.5, 1.5), optimum=(0, 0), describe="SGD zigzags.").figure
    yield nl.plot_error_vs_size([1, 2, 4], {"ReLU": [1, 0.5, 0.25], "bound 1/n": [1, 0.5, 0.25]},
                                describe="A power law.").figure


@pytest.mark.parametrize("index", range(7))
def test_every_vocabulary_figure_is_described_by_what_it_draws(index):
    fig = list(vocabulary_figures())[index]
    description = figure_description(fig)
    missing = [n for n in names(fig) if n not in description]
    assert not missing, f"not named: {missing} in {description!r}"
    assert description.endswith(fig._nonlin_point), "the authored point comes last"
    assert len(description.split()) >= 10


def test_raw_matplotlib_figures_are_described_too():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot(np.arange(5), np.arange(5) ** 2, label="$w_1$ squared")
    left.set(xlabel="step", ylabel=r"$\lambda_\max$", title="curvature")
    left.legend()
    right.bar([0, 1], [3, 4])
    right.set_xlabel("optimiser")
    fig.suptitle("two panels")
    description = figure_description(fig)
    for name in ["two panels", "curvature", "step", "λmax", "w1 squared", "optimiser", "2 panels", "bars"]:
        assert name in description.replace("_", ""), (name, description)
    assert "vertical axis" in description, "an unlabelled axis is still described"
    describe_figure(right, "Adam needs fewer steps.")
    assert figure_description(fig).endswith("Adam needs fewer steps.")


def test_plain_text_reads_mathtext_aloud():
    assert plain_text(r"$\|\partial L/\partial W\|$") == "‖∂L/∂W‖"
    assert plain_text(r"$\sigma'(x)$") == "σ'(x)"
    assert plain_text(r"$x_{1}$") == "x_1"
    assert plain_text("epoch") == "epoch"


def test_describe_needs_a_sentence_and_a_figure():
    fig = plt.figure()
    with pytest.raises(ValueError, match="one sentence"):
        describe_figure(fig, "  ")
    with pytest.raises(TypeError, match="Figure or Axes"):
        describe_figure(object(), "A point.")
    assert describe_figure(fig, None) is fig and not hasattr(fig, "_nonlin_point")


def test_the_display_hook_adds_the_description_to_the_png_output():
    formatter = PNGFormatter()
    formatter.for_type(Figure, lambda fig: "iVBORw0KGgo=")  # matplotlib-inline's PNG formatter, stood in
    plotting._wrap(formatter)
    plotting._wrap(formatter)  # idempotent: wrapped once
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [2, 1, 0])
    ax.set(xlabel="epoch", ylabel="loss", title="falling")
    data, metadata = formatter(fig)
    assert data == "iVBORw0KGgo="
    assert metadata["alt"] == figure_description(fig) and "falling" in metadata["alt"]
    assert metadata["nonlin_figure"]["axes"][0] == {"title": "falling", "xlabel": "epoch", "ylabel": "loss",
                                                    "legend": []}


def test_outside_ipython_the_hook_does_nothing(monkeypatch):
    IPython = pytest.importorskip("IPython")
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # another test may have started a shell
    assert plotting.install_figure_descriptions() is False


def test_explorer_player_describes_every_frame(monkeypatch):
    monkeypatch.setenv("NONLIN_EXPLORER", "static")

    def draw(fig, alpha):
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [0, alpha, 2 * alpha])
        ax.set(xlabel="input", ylabel="output", title="a line")

    player = nl.explore(draw, alpha=[0.5, 1.0, 2.0])
    html, metadata = player.data, player.metadata
    assert 'aria-label="Frame"' in html and 'role="group"' in html
    assert "Explorer frame 1 of 3." in metadata["alt"] and "alpha = 0.5" in metadata["alt"]
    for name in ["a line", "input", "output"]:
        assert name in metadata["alt"]
    assert html.count("Explorer frame") >= 4, "one description per frame (in the script) and the first in the alt"
    assert metadata["nonlin_figure"]["axes"][0]["xlabel"] == "input"


def test_a_diagram_without_axes_is_described_by_its_labels():
    fig, ax = plt.subplots()
    ax.axis("off")
    ax.text(0.1, 0.5, "$x$")
    ax.text(0.5, 0.5, r"$\sigma(z)$")
    ax.set_title("the graph")
    description = figure_description(fig)
    assert "“the graph”: a diagram labelled x; σ(z)" in description, description
