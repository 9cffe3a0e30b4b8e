"""Every random draw in the book comes from `nl.rng(seed)`: NumPy's default_rng, and the last-bits gate.

Training runs are chaotic: rounding that differs in the last bit (another CPU, BLAS build, thread count)
can end a run elsewhere. NONLIN_PERTURB=<integer> stands in for other machines: every real-valued draw
(PERTURBED; initial weights, random data) is multiplied by (1 + 1e-12 z), z from a stream keyed by the
switch and the seed, so paired contenders with equal seeds get equal perturbations. Integer draws and
permutations are untouched; unset, nothing changes. `make robust` runs every chapter under several values.
"""

import os

import numpy as np

PERTURB_ENV = "NONLIN_PERTURB"
RELATIVE_SIZE = 1e-12
PERTURBED = ("random", "uniform", "normal", "standard_normal", "lognormal", "exponential", "laplace")


def perturbation_seed():
    """The integer in NONLIN_PERTURB, or None when the gate is off (unset or empty)."""
    value = os.environ.get(PERTURB_ENV, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{PERTURB_ENV} must be an integer (the perturbation's seed), got {value!r}") from None


def rng(seed=None):
    """np.random.default_rng(seed); under NONLIN_PERTURB, one whose draws are perturbed in the last bits."""
    if isinstance(seed, np.random.Generator):
        return seed
    key = perturbation_seed()
    if key is None:
        return np.random.default_rng(seed)
    return PerturbedGenerator(seed, key)


class PerturbedGenerator(np.random.Generator):
    """A Generator whose real-valued draws are multiplied by (1 + 1e-12 z); see the module's docstring."""

    def __init__(self, seed, key):
        super().__init__(np.random.default_rng(seed).bit_generator)
        if isinstance(seed, np.random.SeedSequence):
            seed = seed.entropy
        words = [key] if seed is None else [key, *np.atleast_1d(np.asarray(seed, dtype=object)).tolist()]
        # An offset keeps the z stream apart from the draws' own stream when key == seed.
        self._z = np.random.default_rng([0x5EED, *(int(w) % 2**63 for w in words)])

    def _nudge(self, values, out=None):
        nudged = values * (1 + RELATIVE_SIZE * self._z.standard_normal(np.shape(values)))
        if np.ndim(values) == 0:
            return float(nudged)
        if out is not None:  # Generator's out= argument: write in place, as NumPy would
            out[...] = nudged
            return out
        return nudged.astype(values.dtype, copy=False)


def _perturbed(name):
    draw = getattr(np.random.Generator, name)

    def method(self, *args, **kwargs):
        return self._nudge(draw(self, *args, **kwargs), kwargs.get("out"))

    method.__name__, method.__doc__ = name, f"Generator.{name}, times (1 + 1e-12 z)."
    return method


for _name in PERTURBED:
    setattr(PerturbedGenerator, _name, _perturbed(_name))
