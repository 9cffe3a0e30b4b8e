"""Elementwise activation functions, each with its derivative right beside it.

    y = nl.sigmoid(x)            # the value
    d = nl.sigmoid.grad(x)       # the elementwise derivative dy/dx
    g = nl.sigmoid.vjp(x, gout)  # backprop: gout * dy/dx
    J = nl.sigmoid.jacobian(x)   # 1-D x -> the (n, n) diagonal Jacobian

float32 in gives float32 out; any other real input is computed in float64; inputs must be finite.
A subclass writes two hooks for a checked float array x, `value(x)` and `derivative(x)`; the calls
above check x once and call them. Inside a network `Dense` calls the unchecked `backward(x, y,
grad_output)` with the stored output y = f(x), which sigmoid and tanh override to reuse y
(σ' = σ(1 - σ), tanh' = 1 - tanh²). Softmax, which is not elementwise, lives in `nonlin.softmax`.
"""

import math

import numpy as np

from . import fast
from ._checks import as_float_array, finite, in_range, positive, require_same_shape


class Activation:
    """Base class: subclasses write `value(x)` and `derivative(x)` for a float array `x`."""

    name = "activation"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass that redefines derivative() (chapter 1 makes ReLU'(0) = 1) must not inherit a
        # parent's faster backward() that would ignore the new derivative.
        if "derivative" in cls.__dict__ and "backward" not in cls.__dict__:
            cls.backward = Activation.backward

    def __call__(self, x):
        return self.value(self.check(x))

    def grad(self, x):
        """Elementwise derivative of the activation at `x`."""
        return self.derivative(self.check(x))

    def vjp(self, x, grad_output):
        """Vector-Jacobian product: the gradient w.r.t. `x` given the gradient w.r.t. the output."""
        x = self.check(x)
        grad_output = as_float_array(grad_output, "grad_output", self.name + ".vjp")
        require_same_shape(x, grad_output, "x", "grad_output", self.name + ".vjp")
        return grad_output * self.derivative(x)

    def jacobian(self, x):
        """The full Jacobian for a 1-D `x`: diagonal, because output i depends on input i only."""
        x = self.check(x)
        if x.ndim != 1:
            raise ValueError(f"{self.name}.jacobian expects a 1-D vector, got shape {x.shape}")
        return np.diag(self.derivative(x))

    def backward(self, x, y, grad_output):
        """Unchecked vjp for a network's backward pass: grad_output ⊙ f'(x), given y = f(x) too."""
        return grad_output * self.derivative(x)

    def check(self, x):
        """`x` as a finite float array (float32 stays float32), or a clear error."""
        return as_float_array(x, "x", self.name)

    def __repr__(self):
        return f"nl.{self.name}"


class Identity(Activation):
    """f(x) = x,  f'(x) = 1. The output layer of a regression network."""

    name = "identity"

    def value(self, x):
        return x.copy()

    def derivative(self, x):
        return np.ones_like(x)

    def backward(self, x, y, grad_output):
        return grad_output  # times f' = 1


class Sigmoid(Activation):
    """σ(x) = 1 / (1 + e^{-x}),  σ'(x) = σ(x)(1 - σ(x)).  Range (0, 1); σ' ranges over (0, 1/4]."""

    name = "sigmoid"

    def value(self, x):
        return fast.sigmoid(x)  # stable_sigmoid(x) below with fewer temporaries (fast.py; tests hold the two together)

    def derivative(self, x):
        # σ(1 - σ) rounds to 0 once σ rounds to 1 (x > 53 ln 2 ≈ 36.7); e / (1 + e)^2 is the same number, exactly.
        e = np.exp(-np.abs(x))
        return e / (1 + e) ** 2

    def backward(self, x, y, grad_output):
        # Backprop reuses the forward value y = σ(x): σ' = y(1 - y), no second exponential. For large x,
        # 1 - y inherits y's rounding error (relative error ~ε/(2σ'); σ' = 0 from x ≈ 37 in float64),
        # an absolute error below ε; `grad` keeps full relative precision for plots of the tails.
        d = 1 - y
        d *= y
        d *= grad_output
        return d


def stable_sigmoid(x):
    """σ(x) = e^{min(x, 0)} / (1 + e^{-|x|}), the formula the sigmoid chapter derives.

    For x >= 0 this is 1 / (1 + e^{-x}); for x < 0 it is the equal e^x / (1 + e^x). Both exponents
    are <= 0, so nothing overflows (the textbook 1 / (1 + e^{-x}) overflows e^{-x} at x = -1000), and
    the left tail keeps full relative precision (σ(-40) = 4.25e-18, not 0)."""
    with np.errstate(under="ignore"):  # e^{-800} is 0 in float64, as it should be
        return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))


class Tanh(Activation):
    """tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x}),  tanh'(x) = 1 - tanh(x)^2.  Range (-1, 1)."""

    name = "tanh"

    def value(self, x):
        return np.tanh(x)

    def derivative(self, x):
        # 1 - tanh^2 written as 4e / (1 + e)^2 with e = e^{-2|x|}: same value, no cancellation.
        e = np.exp(-np.abs(x)) ** 2  # e^{-2|x|}; squaring cannot overflow, 2|x| could
        return 4 * e / (1 + e) ** 2

    def backward(self, x, y, grad_output):
        # Reuse the forward value y = tanh(x): tanh' = 1 - y².
        d = np.square(y)
        np.subtract(1, d, out=d)
        d *= grad_output
        return d


class ReLU(Activation):
    """relu(x) = max(x, 0),  relu'(x) = 1 for x > 0 and 0 for x <= 0 (convention: relu'(0) = 0)."""

    name = "relu"

    def value(self, x):
        return np.maximum(x, 0)  # a Python 0 keeps x's dtype

    def derivative(self, x):
        return (x > 0).astype(x.dtype)

    def backward(self, x, y, grad_output):
        d = (x > 0).astype(x.dtype)  # f' as 0.0 and 1.0: NumPy multiplies floats faster than booleans
        d *= grad_output
        return d


class LeakyReLU(Activation):
    """f(x) = x for x > 0, αx otherwise;  f'(x) = 1 for x > 0, α otherwise (f'(0) = α)."""

    name = "leaky_relu"

    def __init__(self, alpha=0.01):
        self.alpha = in_range(alpha, "alpha", "LeakyReLU", 0, 1)

    def value(self, x):
        return np.where(x > 0, x, self.alpha * x)

    def derivative(self, x):
        return np.where(x > 0, 1, self.alpha).astype(x.dtype, copy=False)

    def __repr__(self):
        return f"nl.LeakyReLU(alpha={self.alpha:g})"


class PReLU(LeakyReLU):
    """Leaky ReLU whose slope α is learned (He et al., 2015).

    `grad_alpha(x, grad_output)` is dL/dα = Σ grad_output · (x if x <= 0 else 0), the gradient a
    training loop uses to update α. Unlike Leaky ReLU, any finite α is allowed. `nl.MLP` refuses
    PReLU (it would train α as a constant, a Leaky ReLU under another name); the ReLU chapter
    derives this gradient and checks it against finite differences.
    """

    name = "prelu"
    learnable = True  # nl.MLP refuses activations with parameters of their own

    def __init__(self, alpha=0.25):
        self.alpha = finite(alpha, "alpha", "PReLU")

    def grad_alpha(self, x, grad_output):
        x = self.check(x)
        grad_output = as_float_array(grad_output, "grad_output", "prelu.grad_alpha")
        require_same_shape(x, grad_output, "x", "grad_output", "prelu.grad_alpha")
        return float(np.sum(grad_output * np.where(x > 0, 0, x)))

    def __repr__(self):
        return f"nl.PReLU(alpha={self.alpha:g})"


class ELU(Activation):
    """f(x) = x for x > 0, α(e^x - 1) otherwise;  f'(x) = 1 for x > 0, αe^x otherwise."""

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = positive(alpha, "alpha", "ELU")

    def value(self, x):
        negative_part = self.alpha * np.expm1(np.minimum(x, 0))  # min(): e^x never sees large x
        return np.where(x > 0, x, negative_part)

    def derivative(self, x):
        return np.where(x > 0, 1, self.alpha * np.exp(np.minimum(x, 0)))

    def __repr__(self):
        return f"nl.ELU(alpha={self.alpha:g})"


class GELU(Activation):
    """gelu(x) = x Φ(x), Φ the standard normal CDF;  gelu'(x) = Φ(x) + x φ(x).  Exact (erf) form.

    Φ is scipy.special.ndtr, a vectorised erf-based CDF, accurate in both tails.
    """

    name = "gelu"

    def value(self, x):
        return x * fast.ndtr(x)

    def derivative(self, x):
        x = np.clip(x, -40, 40)  # φ(±40) underflows to 0 anyway; clipping keeps x² from overflowing
        return fast.ndtr(x) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


class SiLU(Activation):
    """silu(x) = x σ(x) (also called Swish);  silu'(x) = σ(x) + x σ'(x)."""

    name = "silu"

    def value(self, x):
        return x * sigmoid.value(x)

    def derivative(self, x):
        return sigmoid.value(x) + x * sigmoid.derivative(x)


class Softplus(Activation):
    """softplus(x) = log(1 + e^x),  softplus'(x) = σ(x).  A smooth ReLU with range (0, ∞)."""

    name = "softplus"

    def value(self, x):
        # log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}): no overflow at x = 1000, no loss at x = -40.
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def derivative(self, x):
        return sigmoid.value(x)  # d/dx log(1 + e^x) = e^x / (1 + e^x) = σ(x)


identity = Identity()
sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU(alpha=0.01)
elu = ELU(alpha=1.0)
gelu = GELU()
silu = SiLU()
softplus = Softplus()
