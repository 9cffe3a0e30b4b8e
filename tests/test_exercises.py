"""Checked exercises: each grader passes a right answer, fails typical wrong ones with the right
feedback, and passes the solution printed in its chapter."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import nonlin as nl
from nonlin.book.exercises import CHECKS, check

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def grade(name, answer):
    return check(name, answer, quiet=True)


def fails_with(name, answer, *phrases):
    result = grade(name, answer)
    assert not result.passed, f"{name}: a wrong answer passed"
    text = " ".join(result.feedback)
    for phrase in phrases:
        assert phrase in text, f"{name}: feedback {text!r} should mention {phrase!r}"


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


RIGHT = {
    "sigmoid-derivative": lambda x: np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))) ** 2,
    "tanh-derivative": lambda x: 4 * np.exp(-2 * np.abs(x)) / (1 + np.exp(-2 * np.abs(x))) ** 2,
    "silu-derivative": lambda x: nl.sigmoid(x) + x * nl.sigmoid.grad(x),
    "central-difference": lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
    "collapse-linear": lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2 + b2),
    "leaky-relu-vjp": lambda x, g, alpha: g * np.where(x > 0, 1.0, alpha),
    "stable-softmax": lambda z: nl.softmax(z),
    "dense-backward": lambda x, W, g: (x.T @ g, g.sum(axis=0), g @ W.T),
    "he-init": lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / n_in), size=(n_in, n_out)),
    "bce-logits-gradient": lambda z, y: (nl.sigmoid(z) - y) / len(z),
    "clip-grad-norm": lambda grads, max_norm: clip_copies(grads, max_norm),
}


def clip_copies(grads, max_norm):
    copies = [g.copy() for g in grads]
    return copies, nl.clip_grad_norm([(g, g) for g in copies], max_norm)


def adam_step(param, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


RIGHT["adam-step"] = adam_step


def test_every_grader_has_a_right_answer_here():
    assert set(RIGHT) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_right_answer_passes(name):
    result = grade(name, RIGHT[name])
    assert result.passed, str(result)


def test_derivative_mistakes_are_named():
    fails_with("sigmoid-derivative", lambda x: -RIGHT["sigmoid-derivative"](x), "wrong sign")
    fails_with("sigmoid-derivative", lambda x: 2 * RIGHT["sigmoid-derivative"](x), "factor", "2 times")
    fails_with("sigmoid-derivative", lambda x: naive_sigmoid(x) * (1 - naive_sigmoid(x)), "overflow")
    fails_with("sigmoid-derivative", lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, "floating-point")
    fails_with("tanh-derivative", lambda x: 1 - np.tanh(x), "wrong at input")
    fails_with("tanh-derivative", lambda x: 1 - np.tanh(x) ** 2, "exactly 0")  # cancels once tanh rounds to ±1
    fails_with("sigmoid-derivative", lambda x: nl.sigmoid(x) * (1 - nl.sigmoid(x)), "exactly 0")
    fails_with("silu-derivative", lambda x: nl.sigmoid(x), "wrong at input")


def test_central_difference_mistakes_are_named():
    fails_with("central-difference", lambda f, x, h: (f(x + h) - f(x)) / h, "one-sided")
    fails_with("central-difference", lambda f, x, h: (f(x + h) - f(x - h)) / h, "factor")


def test_linear_algebra_mistakes_are_named():
    fails_with("collapse-linear", lambda W1, b1, W2, b2: (W1 @ W2, b2), "first bias")
    fails_with("collapse-linear", lambda W1, b1, W2, b2: ((W1 @ W2).T, b1 @ W2 + b2), "shape")
    fails_with("dense-backward", lambda x, W, g: (x.T @ g, g.mean(axis=0), g @ W.T), "sums")
    fails_with("dense-backward", lambda x, W, g: (g.T @ x, g.sum(axis=0), g @ W.T), "transposed")
    fails_with("dense-backward", lambda x, W, g: (x.T @ g, g.sum(axis=0)), "triple")


def test_vjp_softmax_and_loss_mistakes_are_named():
    fails_with("leaky-relu-vjp", lambda x, g, alpha: np.where(x > 0, 1.0, alpha), "incoming gradient")
    fails_with("leaky-relu-vjp", lambda x, g, alpha: g * np.where(x >= 0, 1.0, alpha), "x = 0")
    fails_with("stable-softmax", lambda z: np.exp(z) / np.exp(z).sum(), "each row")
    fails_with("stable-softmax", lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "floating-point")
    fails_with("stable-softmax", lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=-1, keepdims=True),
               "each row's own maximum")
    fails_with("bce-logits-gradient", lambda z, y: nl.sigmoid(z) - y, "factor")
    fails_with("bce-logits-gradient", lambda z, y: (y - nl.sigmoid(z)) / len(z), "wrong sign")


def joint_norm(grads):
    return float(np.sqrt(sum((g * g).sum() for g in grads)))


def test_clipping_mistakes_are_named():
    fails_with("clip-grad-norm", lambda grads, m: ([g * min(1.0, m / np.linalg.norm(g)) for g in grads],
                                                   joint_norm(grads)), "its own norm")
    fails_with("clip-grad-norm", lambda grads, m: ([g * m / joint_norm(grads) for g in grads], joint_norm(grads)),
               "nothing should change")
    fails_with("clip-grad-norm", lambda grads, m: (grads, float(np.linalg.norm(grads[0]))), "one array's norm")
    fails_with("clip-grad-norm", lambda grads, m: [g * min(1, m / joint_norm(grads)) for g in grads], "pair")
    fails_with("clip-grad-norm", lambda grads, m: (grads, nl.clip_grad_norm([(g, g) for g in grads], m)),
               "changed the arrays it was given")


def test_initialiser_and_optimiser_mistakes_are_named():
    fails_with("he-init", lambda n_in, n_out, rng: rng.normal(0, np.sqrt(1 / n_in), (n_in, n_out)), "LeCun")
    fails_with("he-init", lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / n_out), (n_in, n_out)), "fan-out")
    fails_with("he-init", lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / n_in), (n_out, n_in)), "shape")
    fails_with("he-init", lambda n_in, n_out, rng: np.random.default_rng().normal(0, np.sqrt(2 / n_in),
                                                                                  (n_in, n_out)), "rng")

    def uncorrected(param, grad, m, v, t, lr, beta1, beta2, eps):
        m, v = beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2
        return param - lr * m / (np.sqrt(v) + eps), m, v

    fails_with("adam-step", uncorrected, "bias correction")


def test_a_crashing_answer_gets_one_line_of_feedback_and_unknown_names_a_clear_error():
    fails_with("sigmoid-derivative", lambda x: x.nonexistent, "raised AttributeError")
    with pytest.raises(ValueError, match="unknown exercise 'sigmoid'; known exercises: "):
        check("sigmoid", RIGHT["sigmoid-derivative"])
    with pytest.raises(TypeError, match="no parentheses"):
        check("sigmoid-derivative", 0.25)


def solution_blocks(path):
    """The ```python blocks inside {solution} directives that call nl.exercises.check."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return [block for block in blocks if "nl.exercises.check(" in block]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_each_chapter_has_a_checked_exercise_whose_solution_passes(path, monkeypatch):
    blocks = solution_blocks(path)
    assert blocks, f"{path.name}: no solution calls nl.exercises.check(...); every chapter has a checked exercise"
    outcomes = []
    monkeypatch.setattr(nl.exercises, "check", lambda name, answer: outcomes.append(check(name, answer, quiet=True)))
    for block in blocks:
        names = re.findall(r"nl\.exercises\.check\(\s*[\"']([\w-]+)[\"']", block)
        assert names and all(name in CHECKS for name in names), f"{path.name}: unknown exercise in {names}"
        exec(compile(block, f"{path.name} solution", "exec"), {"np": np, "nl": nl, "__name__": "solution"})
    assert len(outcomes) >= len(blocks), f"{path.name}: a solution block did not call nl.exercises.check"
    assert all(r.passed for r in outcomes), f"{path.name}: " + "; ".join(map(str, outcomes))
