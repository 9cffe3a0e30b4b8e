import warnings

import nonlin as nl
import numpy as np
import pytest

ELEMENTWISE = [nl.identity, nl.sigmoid, nl.tanh, nl.relu, nl.leaky_relu, nl.LeakyReLU(0.2), nl.PReLU(0.25),
               nl.elu, nl.ELU(0.5), nl.gelu, nl.silu, nl.softplus]


@pytest.fixture
def strict_numpy():
    """Any overflow, division by zero, invalid operation or warning fails the test."""
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
