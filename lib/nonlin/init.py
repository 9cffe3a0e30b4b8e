"""Weight initialisers: each draws an (n_in, n_out) matrix from a seeded generator.

    xavier:   uniform on [-a, a], a = sqrt(6 / (n_in + n_out))   (Glorot & Bengio, 2010; tanh, sigmoid)
    he:       normal with std sqrt(2 / n_in)                     (He et al., 2015; ReLU family)
    normal:   normal with a std you choose (`scale`)             (the naive baseline)
    constant: every weight equal to `scale`                      (the symmetry-breaking demo: it fails)
"""

import math

import numpy as np

from ._checks import finite, one_of, positive


def xavier(n_in, n_out, rng, dtype=np.float64):
    limit = math.sqrt(6 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype)


def he(n_in, n_out, rng, dtype=np.float64):
    return rng.normal(0.0, math.sqrt(2 / n_in), size=(n_in, n_out)).astype(dtype)


def normal(n_in, n_out, rng, dtype=np.float64, scale=0.01):
    return rng.normal(0.0, scale, size=(n_in, n_out)).astype(dtype)


def constant(n_in, n_out, rng, dtype=np.float64, scale=0.0):
    return np.full((n_in, n_out), scale, dtype=dtype)  # rng unused: nothing is random


INITIALISERS = {"xavier": xavier, "he": he, "normal": normal, "constant": constant}


def initial_weights(name, n_in, n_out, rng, dtype=np.float64, scale=None, gain=1.0):
    """Draw weights with the initialiser called `name`, times `gain`.

    `scale` is the std of "normal" (default 0.01) and the value of every weight of "constant" (required).
    """
    one_of(name, INITIALISERS, "init", "MLP")
    gain = positive(gain, "init_gain", "MLP")
    if name == "normal":
        std = 0.01 if scale is None else positive(scale, "init_scale", 'init="normal"')
        weights = normal(n_in, n_out, rng, dtype, std)
    elif name == "constant":
        weights = constant(n_in, n_out, rng, dtype, finite(scale, "init_scale, every weight's value,", "MLP"))
    elif scale is not None:
        raise ValueError(f'init_scale sets init="normal" and init="constant" only; init={name!r} fixes its own scale')
    else:
        weights = INITIALISERS[name](n_in, n_out, rng, dtype)
    if gain != 1.0:
        weights *= gain
    return weights
