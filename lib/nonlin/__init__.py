"""nonlin: the small NumPy engine behind the book on activation functions and backpropagation.

Each module is short enough to read beside the chapter that explains it:

    activations.py  sigmoid, tanh, ReLU family, ELU, GELU, SiLU, softplus (value beside derivative)
    softmax.py      softmax, log-sum-exp, Jacobian, vector-Jacobian product
    losses.py       mse, bce, bce_with_logits, cross_entropy (value beside gradient)
    network.py      Dense layers and the MLP, forward and backward (residual and layer-norm options)
    layernorm.py    layer normalisation, its derivative derived beside it
    init.py         xavier, he, normal, constant initialisers
    optim.py        SGD with momentum, Adam, gradient clipping
    schedules.py    learning-rate schedules: cosine, step
    train.py        the training loop, one training step (train_step) and its History
    gradcheck.py    finite-difference gradient checks
    seeding.py      nl.rng(seed), every random draw; NONLIN_PERTURB, the last-bits gate
    datasets.py     XOR, two moons, spirals, 1-D regression, digits, train/test split

The book layer, `nonlin.book`, sits beside the core and is never imported by it: glue and claims,
the comparison protocol, diagnostics (gradient norms, dead and saturated units), the plotting
vocabulary, explorers and the playground, checked exercises and timing. Its names are
reachable as `nl.plot_loss_curves`, `nl.explore`, ... but load only on first use, so `import nonlin`
loads NumPy and the core alone (no matplotlib, IPython or ipywidgets).
"""

import importlib

from . import datasets, losses, schedules
from ._checks import NonFiniteError
from .activations import (
    ELU, GELU, Activation, Identity, LeakyReLU, PReLU, ReLU, Sigmoid, SiLU, Softplus, Tanh, elu, gelu, identity,
    leaky_relu, relu, sigmoid, silu, softplus, tanh
)
from .gradcheck import check_gradient, check_mlp_gradients, numerical_gradient, relative_error
from .init import constant, he, normal, xavier
from .layernorm import LayerNorm
from .network import MLP, Dense
from .optim import SGD, Adam, clip_grad_norm
from .registry import ACTIVATIONS, get_activation
from .seeding import rng
from .softmax import Softmax, log_softmax, logsumexp, softmax
from .train import History, TrainingDiverged, accuracy, train, train_step, train_step_unchecked

__version__ = "0.1.0"


# The book layer's names, loaded on first use: module in nonlin.book -> names (the module itself for "exercises").
_BOOK_MODULES = {
    "exercises": [], "explore": ["explore", "explorer_mode"], "playground": ["playground"], "timing": ["time_call"],
    "compare": ["compare", "compare_to_reference", "tune_rate", "rate_grid", "plot_comparison"],
    "diagnostics": ["GradientNorms", "dead_unit_fraction", "gradient_norms", "saturated_fraction", "zero_fraction"],
    "plotting": ["plot_decision_boundary", "plot_descent_path", "plot_error_vs_size", "plot_fit",
                 "plot_function_and_derivative", "plot_layer_norms", "plot_loss_curves", "use_book_style"],
}
_BOOK = {name: (module, name) for module, names in _BOOK_MODULES.items() for name in names} | {
    "exercises": ("exercises", None)}


def __getattr__(name):
    if name not in _BOOK:
        raise AttributeError(f"module 'nonlin' has no attribute {name!r}")
    module_name, attribute = _BOOK[name]
    module = importlib.import_module(f".book.{module_name}", __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(_BOOK))
