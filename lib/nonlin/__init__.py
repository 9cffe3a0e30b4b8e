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
    diagnostics.py  gradient norms per layer, dead, zero and saturated units
    datasets.py     XOR, two moons, spirals, 1-D regression, digits, train/test split
    plotting.py     the book's figures
    explore.py      explorers: live widgets or a static player
"""

from . import datasets, exercises, losses, schedules
from ._checks import NonFiniteError
from .activations import (
    ELU,
    GELU,
    Activation,
    Identity,
    LeakyReLU,
    PReLU,
    ReLU,
    Sigmoid,
    SiLU,
    Softplus,
    Tanh,
    elu,
    gelu,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    silu,
    softplus,
    tanh,
)
from .diagnostics import GradientNorms, dead_unit_fraction, gradient_norms, saturated_fraction, zero_fraction
from .explore import explore, explorer_mode
from .gradcheck import check_gradient, check_mlp_gradients, numerical_gradient, relative_error
from .init import constant, he, normal, xavier
from .layernorm import LayerNorm
from .network import MLP, Dense
from .optim import SGD, Adam, clip_grad_norm
from .playground import playground
from .plotting import (
    plot_decision_boundary,
    plot_descent_path,
    plot_error_vs_size,
    plot_fit,
    plot_function_and_derivative,
    plot_layer_norms,
    plot_loss_curves,
    use_book_style,
)
from .registry import ACTIVATIONS, get_activation
from .softmax import Softmax, log_softmax, logsumexp, softmax
from .timing import time_call
from .train import History, TrainingDiverged, accuracy, train, train_step

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "ELU", "GELU", "LayerNorm", "MLP", "SGD", "Activation", "Adam", "Dense", "History", "Identity",
    "LeakyReLU", "NonFiniteError", "PReLU", "ReLU", "SiLU", "Sigmoid", "Softmax", "Softplus", "Tanh",
    "GradientNorms", "TrainingDiverged", "accuracy", "dead_unit_fraction", "gradient_norms", "saturated_fraction",
    "zero_fraction", "check_gradient", "check_mlp_gradients", "clip_grad_norm", "constant", "datasets", "elu",
    "exercises",
    "explore", "explorer_mode", "gelu", "get_activation", "he", "identity", "leaky_relu",
    "log_softmax", "logsumexp", "losses", "normal", "numerical_gradient", "plot_decision_boundary",
    "plot_descent_path", "plot_error_vs_size", "plot_fit", "plot_function_and_derivative", "plot_layer_norms",
    "plot_loss_curves", "playground",
    "relative_error", "relu", "schedules", "sigmoid", "silu", "softmax", "softplus", "tanh", "time_call", "train",
    "train_step", "use_book_style", "xavier",
]
