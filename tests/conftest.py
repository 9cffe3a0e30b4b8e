import warnings

import numpy as np
import pytest

import nonlin as nl

ELEMENTWISE = [nl.identity, nl.sigmoid, nl.tanh, nl.relu, nl.leaky_relu, nl.LeakyReLU(0.2), nl.PReLU(0.25),
               nl.elu, nl.ELU(0.5), nl.gelu, nl.silu, nl.softplus]


@pytest.fixture
def strict_numpy():
    """Any overflow, division by zero, invalid operation or warning fails the test."""
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def pytest_addoption(parser):
    parser.addoption("--site", default="_build/html", help="folder of the built book, for tests/site")
