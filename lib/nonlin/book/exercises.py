"""Checked exercises: grade a reader's function against the engine, with feedback that says what is wrong.

    nl.exercises.check("sigmoid-derivative", my_sigmoid_derivative)

Each grader calls the answer on chosen inputs (with NumPy's warnings turned into errors), compares
with a trusted reference and, when they differ, looks for the usual mistakes: a wrong sign, a
constant factor, a wrong shape, a transposed matrix, overflow at large |x|, a missing term. It
prints a verdict and returns a `Result`, which is truthy when every check passed.
"""

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..activations import sigmoid, silu, tanh
from ..softmax import softmax


@dataclass
class Result:
    name: str
    feedback: list = field(default_factory=list)  # empty when the answer passed

    @property
    def passed(self):
        return not self.feedback

    def __bool__(self):
        return self.passed

    def __str__(self):
        if self.passed:
            return f"✓ {self.name}: correct. Every check passed."
        return f"✗ {self.name}: not yet.\n" + "\n".join(f"  - {line}" for line in self.feedback)


class Wrong(Exception):
    """One piece of feedback; a grader raises it at the first check that fails."""


def _run(answer, *args):
    """Call the reader's function; overflow, NaN and NumPy warnings become feedback, not tracebacks."""
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error")
            return answer(*args)
    except (FloatingPointError, RuntimeWarning) as error:
        raise Wrong(f"it raises a floating-point error or warning ({error}); rewrite it so that no "
                    "intermediate value overflows (large |x| is where this usually happens)") from None
    except Wrong:
        raise
    except Exception as error:  # the reader's bug, reported in one line
        raise Wrong(f"calling it raised {type(error).__name__}: {error}") from None


def _array(value, what):
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be a NumPy array of numbers, got {type(value).__name__}") from None


def compare(got, want, what, where=None, rtol=1e-7, atol=1e-12):
    """Raise Wrong naming the likely mistake when `got` differs from `want`."""
    got = _array(got, what)
    if got.shape != want.shape:
        hint = " (transposed?)" if got.shape == want.shape[::-1] else ""
        raise Wrong(f"{what} has shape {got.shape}, expected {want.shape}{hint}")
    if not np.all(np.isfinite(got)):
        index = tuple(np.argwhere(~np.isfinite(got))[0])
        at = f" at input {where[index]:g}" if where is not None and where.shape == got.shape else ""
        raise Wrong(f"{what} holds NaN or inf{at}: something overflows; rewrite with e^(-|x|)-style terms")
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return
    if np.allclose(got, -want, rtol=rtol, atol=atol):
        raise Wrong(f"{what} has the wrong sign everywhere")
    big = np.abs(want) > 1e-6 * np.max(np.abs(want), initial=0)
    if big.any():
        ratios = got[big] / want[big]
        factor = float(np.median(ratios))
        if np.allclose(ratios, factor, rtol=1e-6) and abs(factor - 1) > 1e-6:
            raise Wrong(f"{what} is off by a constant factor: it is {factor:.6g} times the right value")
    index = np.unravel_index(np.argmax(np.abs(got - want) / (np.abs(want) + atol)), want.shape)
    at = f" at input {where[index]:g}" if where is not None and where.shape == want.shape else f" at index {index}"
    raise Wrong(f"{what} is wrong{at}: got {got[index]:.10g}, expected {want[index]:.10g}")


CHECKS = {}


def grader(name):
    def register(function):
        CHECKS[name] = function
        return function
    return register


def check(name, answer, quiet=False):
    """Grade `answer` for the exercise called `name`; print the verdict (unless quiet) and return it."""
    if name not in CHECKS:
        raise ValueError(f"exercises.check: unknown exercise {name!r}; known exercises: {', '.join(sorted(CHECKS))}")
    if not callable(answer):
        raise TypeError(f"exercises.check: pass your function itself (no parentheses), got {type(answer).__name__}")
    result = Result(name)
    try:
        CHECKS[name](answer)
    except Wrong as problem:
        result.feedback.append(str(problem))
    if not quiet:
        print(result)
    return result


# --- derivatives of elementwise activations -------------------------------------------------------

MODERATE = np.linspace(-20, 20, 81)
TAILS = np.array([-350.0, -100.0, -40.0, -19.0, -15.0, 15.0, 19.0, 40.0, 100.0, 350.0])  # f' tiny but normal
FAR = np.array([-1000.0, -700.0, 700.0, 1000.0])  # where a naive exponential overflows


def _check_derivative(answer, reference):
    compare(_run(answer, MODERATE.copy()), reference.grad(MODERATE), "f'(x)", MODERATE)
    compare(_run(answer, FAR.copy()), reference.grad(FAR), "f'(x) far out", FAR, rtol=1e-6, atol=1e-300)
    tails = _array(_run(answer, TAILS.copy()), "f'(x) in the tails")
    want = reference.grad(TAILS)
    if tails.shape == want.shape and np.any((tails == 0) & (want != 0)):
        x = TAILS[np.argmax((tails == 0) & (want != 0))]
        raise Wrong(f"f'({x:g}) comes out as exactly 0, but it is {reference.grad(np.float64(x)):.3g}: a difference "
                    "such as 1 - f(x)**2 or f(x)(1 - f(x)) cancels once f(x) rounds to ±1; write f' with e^(-|x|)")
    compare(tails, want, "f'(x) in the tails", TAILS, rtol=1e-6, atol=0)
    compare(_run(answer, np.float64(0.5)), reference.grad(np.float64(0.5)), "f'(x) for a scalar x")


@grader("sigmoid-derivative")
def _sigmoid_derivative(answer):
    _check_derivative(answer, sigmoid)


@grader("tanh-derivative")
def _tanh_derivative(answer):
    _check_derivative(answer, tanh)


@grader("silu-derivative")
def _silu_derivative(answer):
    _check_derivative(answer, silu)


# --- the tour and chapter 1 -----------------------------------------------------------------------

@grader("central-difference")
def _central_difference(answer):
    x, h = np.linspace(-2, 2, 9), 1e-3
    want = (np.sin(x + h) - np.sin(x - h)) / (2 * h)
    got = _array(_run(answer, np.sin, x.copy(), h), "the estimate")
    forward = (np.sin(x + h) - np.sin(x)) / h
    if got.shape == want.shape and np.allclose(got, forward, rtol=1e-9):
        raise Wrong("that is the one-sided difference (f(x+h) - f(x))/h, whose error is O(h); "
                    "step to both sides: (f(x+h) - f(x-h))/(2h), error O(h²)")
    compare(got, want, "the estimate", x, rtol=1e-9)


@grader("collapse-linear")
def _collapse_linear(answer):
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2)
    result = _run(answer, W1, b1, W2, b2)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Wrong("return a pair (W, b)")
    W, b = _array(result[0], "W"), _array(result[1], "b")
    compare(W, W1 @ W2, "W")
    if b.shape == b2.shape and np.allclose(b, b2):
        raise Wrong("b misses the first bias: x @ W1 + b1 then @ W2 carries b1 through W2, so b = b1 @ W2 + b2")
    compare(b, b1 @ W2 + b2, "b")


# --- chapters 4 to 6 ---------------------------------------------------------------------------------

@grader("leaky-relu-vjp")
def _leaky_relu_vjp(answer):
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(size=20), [0.0, -3.0, 3.0]])
    g, alpha = rng.normal(size=x.size), 0.1
    want = g * np.where(x > 0, 1.0, alpha)
    got = _array(_run(answer, x.copy(), g.copy(), alpha), "dL/dx")
    if got.shape == want.shape and np.allclose(got, np.where(x > 0, 1.0, alpha)):
        raise Wrong("that is f'(x) alone; the VJP multiplies it by the incoming gradient: grad_output * f'(x)")
    if got.shape == want.shape and not np.isclose(got[20], want[20]) and np.allclose(np.delete(got, 20),
                                                                                      np.delete(want, 20)):
        raise Wrong("wrong only at x = 0: the book's convention gives Leaky ReLU slope alpha at 0 (use x > 0)")
    compare(got, want, "dL/dx", x)


@grader("stable-softmax")
def _stable_softmax(answer):
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5, 4)) * 3
    got = _array(_run(answer, z.copy()), "softmax(z)")
    if got.shape == z.shape and np.isclose(got.sum(), 1.0):
        raise Wrong("the whole batch sums to 1; each row should: normalise along the last axis "
                    "(np.sum(..., axis=-1, keepdims=True))")
    compare(got, softmax(z), "softmax(z)")
    big = np.array([[1000.0, 999.0, 0.0]])
    compare(_run(answer, big.copy()), softmax(big), "softmax([[1000, 999, 0]])")
    compare(_run(answer, np.array([-1000.0, -1001.0])), softmax(np.array([-1000.0, -1001.0])),
            "softmax of a 1-D vector [-1000, -1001]")
    mixed = np.array([[1000.0, 1001.0], [-1000.0, -999.0]])  # rows on very different scales
    with np.errstate(all="ignore"), warnings.catch_warnings():  # look at what comes out before judging it
        warnings.simplefilter("ignore")
        try:
            first_look = np.asarray(answer(mixed.copy()), dtype=np.float64)
        except Exception:
            first_look = None
    if first_look is not None and first_look.shape == mixed.shape and (
            not np.all(np.isfinite(first_look[1])) or np.allclose(first_look[1], 0)):
        raise Wrong("the second row of [[1000, 1001], [-1000, -999]] comes out as NaN or 0: you subtract one "
                    "maximum for the whole batch; subtract each row's own maximum (np.max(z, axis=-1, keepdims=True))")
    compare(_run(answer, mixed.copy()), softmax(mixed), "softmax([[1000, 1001], [-1000, -999]])")


@grader("dense-backward")
def _dense_backward(answer):
    rng = np.random.default_rng(3)
    x, W, grad_z = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
    result = _run(answer, x, W, grad_z)
    if not (isinstance(result, tuple) and len(result) == 3):
        raise Wrong("return a triple (dW, db, dx)")
    dW, db, dx = (_array(r, name) for r, name in zip(result, ("dW", "db", "dx")))
    compare(dW, x.T @ grad_z, "dW (it is xᵀ · dL/dz)")
    if db.shape == (2,) and np.allclose(db, grad_z.mean(axis=0)):
        raise Wrong("db averages over the batch; the loss already carries any 1/N, so db sums: grad_z.sum(axis=0)")
    compare(db, grad_z.sum(axis=0), "db")
    compare(dx, grad_z @ W.T, "dx (it is dL/dz · Wᵀ)")


# --- chapters 7 to 10 --------------------------------------------------------------------------------

@grader("he-init")
def _he_init(answer):
    n_in, n_out = 400, 100
    W = _array(_run(answer, n_in, n_out, np.random.default_rng(0)), "W")
    if W.shape != (n_in, n_out):
        raise Wrong(f"W has shape {W.shape}; it should be (n_in, n_out) = {(n_in, n_out)}")
    again = _array(_run(answer, n_in, n_out, np.random.default_rng(0)), "W")
    if not np.array_equal(W, again):
        raise Wrong("two calls with equally seeded generators differ: draw from the rng you are given")
    std, tolerance = float(W.std()), 0.03  # 40,000 draws: the sample std is within about 0.4% of the true one
    candidates = {
        "sqrt(2 / n_in)": math.sqrt(2 / n_in),
        "sqrt(1 / n_in), LeCun's scale without ReLU's factor 2": math.sqrt(1 / n_in),
        "sqrt(2 / n_out), the fan-out": math.sqrt(2 / n_out),
        "sqrt(2 / (n_in + n_out)), Xavier's": math.sqrt(2 / (n_in + n_out)),
        "2 / n_in, the variance used as a standard deviation": 2 / n_in,
    }
    closest = min(candidates, key=lambda k: abs(math.log(std / candidates[k])))
    if abs(std / candidates["sqrt(2 / n_in)"] - 1) > tolerance:
        raise Wrong(f"the weights' standard deviation is {std:.4g}, which matches {closest}; "
                    f"He's is sqrt(2 / n_in) = {math.sqrt(2 / n_in):.4g}")
    if abs(float(W.mean())) > 4 * std / math.sqrt(W.size):
        raise Wrong(f"the weights' mean is {W.mean():.3g}; it should be 0")


@grader("clip-grad-norm")
def _clip_grad_norm(answer):
    """clip_grad_norm(grads, max_norm) -> (clipped, norm): the gradient arrays scaled together so their joint
    norm is at most max_norm, and that joint norm before clipping."""
    rng = np.random.default_rng(6)
    grads = [rng.normal(size=(3, 2)) * 4, rng.normal(size=2) * 4]
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    for max_norm in (norm / 4, 2 * norm):
        given = [g.copy() for g in grads]
        result = _run(answer, given, max_norm)
        if any(not np.array_equal(a, b) for a, b in zip(given, grads)):
            raise Wrong("it changed the arrays it was given; return new, scaled arrays (g * scale) instead")
        if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], list | tuple)
                and len(result[0]) == len(grads)):
            raise Wrong("return a pair (clipped, norm): the list of clipped arrays, in order, and the joint norm")
        got, reported = result
        if not math.isclose(float(reported), norm, rel_tol=1e-9):
            per = [float(np.linalg.norm(g)) for g in grads]
            hint = " (that is one array's norm, not the joint one)" if any(
                math.isclose(float(reported), p, rel_tol=1e-9) for p in per) else ""
            raise Wrong(f"the norm returned is {float(reported):.6g}; the joint norm before clipping is "
                        f"{norm:.6g}{hint}")
        scale = min(1.0, max_norm / norm)
        per_array = [g * min(1.0, max_norm / float(np.linalg.norm(g))) for g in grads]
        if max_norm < norm and all(np.allclose(_array(a, "g"), b) for a, b in zip(got, per_array)):
            raise Wrong("each array is clipped by its own norm; clipping by the global norm scales every array by "
                        "the same factor max_norm / ‖g‖, with ‖g‖ over all arrays together, so the direction is kept")
        if max_norm > norm and any(not np.allclose(_array(a, "g"), b) for a, b in zip(got, grads)):
            raise Wrong(f"the global norm {norm:.4g} is below max_norm {max_norm:.4g}: nothing should change "
                        "(the factor is min(1, max_norm / ‖g‖))")
        for i, (a, b) in enumerate(zip(got, grads)):
            compare(a, b * scale, f"gradient {i} with max_norm = {max_norm:.4g}")


@grader("bce-logits-gradient")
def _bce_logits_gradient(answer):
    rng = np.random.default_rng(4)
    z = np.concatenate([rng.normal(size=(6, 1)) * 3, [[1000.0], [-1000.0]]])
    y = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [0.0], [0.0], [1.0]])
    compare(_run(answer, z.copy(), y.copy()), (sigmoid(z) - y) / len(z), "dL/dz", z)


@grader("adam-step")
def _adam_step(answer):
    rng = np.random.default_rng(5)
    param, m, v = rng.normal(size=4), np.zeros(4), np.zeros(4)
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
    for t in (1, 2, 3):
        grad = rng.normal(size=4)
        result = _run(answer, param.copy(), grad, m.copy(), v.copy(), t, lr, beta1, beta2, eps)
        if not (isinstance(result, tuple) and len(result) == 3):
            raise Wrong("return a triple (new_param, m, v)")
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        want = param - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        compare(result[1], m, f"m after step {t}")
        compare(result[2], v, f"v after step {t}")
        got = _array(result[0], "new_param")
        uncorrected = param - lr * m / (np.sqrt(v) + eps)
        if got.shape == want.shape and np.allclose(got, uncorrected):
            raise Wrong("the step has no bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t "
                        "before forming m̂ / (sqrt(v̂) + eps)")
        compare(got, want, f"the parameters after step {t}")
        param = want
