"""nl.rng and the last-bits gate (NONLIN_PERTURB)."""

import numpy as np
import pytest

import nonlin as nl
from nonlin.seeding import PERTURBED, PerturbedGenerator


def test_without_the_switch_rng_is_numpys_default_rng(monkeypatch):
    monkeypatch.delenv("NONLIN_PERTURB", raising=False)
    assert type(nl.rng(3)) is np.random.Generator
    assert np.array_equal(nl.rng(3).normal(size=5), np.random.default_rng(3).normal(size=5))
    generator = np.random.default_rng(1)
    assert nl.rng(generator) is generator


@pytest.mark.parametrize("method", PERTURBED)
def test_the_switch_moves_every_real_draw_by_about_1e_12(monkeypatch, method):
    monkeypatch.setenv("NONLIN_PERTURB", "7")
    args = {"uniform": (0.5, 2.0), "normal": (1.0, 2.0), "lognormal": (0.0, 1.0)}.get(method, ())
    perturbed = getattr(nl.rng(3), method)(*args, size=1000)
    plain = getattr(np.random.default_rng(3), method)(*args, size=1000)
    relative = np.abs(perturbed / plain - 1)
    assert 1e-14 < np.median(relative) < 1e-11, f"{method}: median relative change {np.median(relative):.2g}"
    assert relative.max() < 1e-10


def test_integers_permutations_and_dtypes_are_untouched(monkeypatch):
    monkeypatch.setenv("NONLIN_PERTURB", "1")
    assert isinstance(nl.rng(0), PerturbedGenerator) and isinstance(nl.rng(0), np.random.Generator)
    assert np.array_equal(nl.rng(0).integers(0, 100, 50), np.random.default_rng(0).integers(0, 100, 50))
    assert np.array_equal(nl.rng(0).permutation(50), np.random.default_rng(0).permutation(50))
    assert nl.rng(0).standard_normal(4, dtype=np.float32).dtype == np.float32
    assert isinstance(nl.rng(0).uniform(), float)


def test_equal_seeds_get_equal_perturbations_and_switch_values_differ(monkeypatch):
    monkeypatch.setenv("NONLIN_PERTURB", "1")
    first, again, other_seed = nl.rng(5).normal(size=20), nl.rng(5).normal(size=20), nl.rng(6).normal(size=20)
    assert np.array_equal(first, again)  # paired contenders see the same data and weights
    assert not np.array_equal(first, np.random.default_rng(5).normal(size=20))
    assert not np.array_equal(other_seed, np.random.default_rng(6).normal(size=20))
    monkeypatch.setenv("NONLIN_PERTURB", "2")
    assert not np.array_equal(first, nl.rng(5).normal(size=20))


def test_the_switch_reaches_initial_weights_and_data(monkeypatch):
    monkeypatch.delenv("NONLIN_PERTURB", raising=False)
    W, (X, _) = nl.MLP([2, 8, 1], seed=0).layers[0].W.copy(), nl.datasets.two_moons(50, seed=0)
    monkeypatch.setenv("NONLIN_PERTURB", "3")
    W_p, (X_p, _) = nl.MLP([2, 8, 1], seed=0).layers[0].W, nl.datasets.two_moons(50, seed=0)
    for plain, nudged in ((W, W_p), (X, X_p)):
        assert not np.array_equal(plain, nudged)
        np.testing.assert_allclose(nudged, plain, rtol=0, atol=1e-10)  # absolute: 1 - cos(a) cancels


def test_a_bad_switch_value_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("NONLIN_PERTURB", "yes")
    with pytest.raises(ValueError, match="NONLIN_PERTURB must be an integer.*'yes'"):
        nl.rng(0)


def test_no_chapter_draws_around_the_gate():
    """Every random draw in a chapter goes through nl.rng, so the gate reaches it."""
    import json
    import re
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        found = re.findall(r"np\.random\.(?!Generator)\w+|numpy\.random|import random\b|torch\.manual_seed", code)
        assert not found, f"{path.name} draws random numbers without nl.rng: {sorted(set(found))}"
