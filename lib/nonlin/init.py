"""Weight initialisers: each draws an (n_in, n_out) matrix from a seeded generator.

    xavier: uniform on [-a, a], a = sqrt(6 / (n_in + n_out))   (Glorot & Bengio, 2010; tanh, sigmoid)
    he:     normal with std sqrt(2 / n_in)                     (He et al., 2015; ReLU family)
    normal: normal with a std you choose (`scale`)             (the naive baseline)
"""

import math

import numpy as np


def xavier(n_in, n_out, rng, dtype=np.float64):
    limit = math.sqrt(6 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype)


def he(n_in, n_out, rng, dtype=np.float64):
    return rng.normal(0.0, math.sqrt(2 / n_in), size=(n_in, n_out)).astype(dtype)


def normal(n_in, n_out, rng, dtype=np.float64, scale=0.01):
    return rng.normal(0.0, scale, size=(n_in, n_out)).astype(dtype)


INITIALISERS = {"xavier": xavier, "he": he, "normal": normal}


def initial_weights(name, n_in, n_out, rng, dtype=np.float64, scale=None):
    """Draw weights with the initialiser called `name`; `scale` is the std of "normal" only."""
    if name not in INITIALISERS:
        raise ValueError(f"unknown init {name!r}; known initialisers: {', '.join(INITIALISERS)}")
    if name == "normal":
        scale = 0.01 if scale is None else float(scale)
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f'init="normal" needs a positive finite init_scale, got {scale!r}')
        return normal(n_in, n_out, rng, dtype, scale)
    if scale is not None:
        raise ValueError(f'init_scale sets the std of init="normal" only; init={name!r} fixes its own scale')
    return INITIALISERS[name](n_in, n_out, rng, dtype)
