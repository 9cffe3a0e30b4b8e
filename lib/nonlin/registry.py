"""Look activations up by name, so a network can be written as MLP(..., hidden="tanh")."""

from .activations import Activation, PReLU, elu, gelu, identity, leaky_relu, relu, sigmoid, silu, softplus, tanh
from .softmax import softmax

ACTIVATIONS = {
    act.name: act
    for act in (identity, sigmoid, tanh, relu, leaky_relu, elu, gelu, silu, softplus, softmax)
}
ACTIVATIONS["swish"] = silu  # the same function under the name Ramachandran et al. gave it


def get_activation(name_or_activation):
    """The activation called `name_or_activation` ("prelu" gives a fresh PReLU each time), or the object itself."""
    if isinstance(name_or_activation, Activation):
        return name_or_activation
    if name_or_activation == "prelu":
        return PReLU()
    if isinstance(name_or_activation, str) and name_or_activation in ACTIVATIONS:
        return ACTIVATIONS[name_or_activation]
    known = ", ".join(sorted([*ACTIVATIONS, "prelu"]))
    raise ValueError(f"unknown activation {name_or_activation!r}; known activations: {known}")

