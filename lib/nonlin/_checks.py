"""The engine's one boundary: every public entry point checks its arguments with these helpers, and
bad input gets an error naming what was expected and what came. Inside, the engine trusts them.

    lr = positive(lr, "lr", "SGD")                  # a finite number > 0 (not True, not "0.1")
    epochs = whole(epochs, "epochs", "train")       # an integer >= 1 (2.5 is refused, not truncated)
    beta1 = in_range(beta1, "beta1", "Adam", 0, 1)  # a finite number in [0, 1)
    X = as_float_array(X, "X", "train")             # a finite float32/float64 array
"""

import math
import numbers

import numpy as np

from .fast import all_finite


def finite(value, name, where):
    """A finite real number, as a float; refuses what only looks like one (True, '0.1', None, arrays)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite, got {value!r}")
    return value


def positive(value, name, where):
    """A finite number > 0, as a float."""
    value = finite(value, name, where)
    if value <= 0:
        raise ValueError(f"{where}: {name} must be a positive finite number, got {value!r}")
    return value


def in_range(value, name, where, low, high, closed="[)"):
    """A finite number in the interval from low to high; `closed` gives the brackets, e.g. "[)", "[]"."""
    value = finite(value, name, where)
    above = value >= low if closed[0] == "[" else value > low
    below = value <= high if closed[1] == "]" else value < high
    if not (above and below):
        raise ValueError(f"{where}: {name} must lie in {closed[0]}{low:g}, {high:g}{closed[1]}, got {value!r}")
    return value


def whole(value, name, where, minimum=1):
    """An integer >= minimum, as an int; 3.0 is accepted, 2.5 and True are not."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be an integer, got {value!r} ({type(value).__name__})")
    if not isinstance(value, numbers.Integral) and not float(value).is_integer():
        raise ValueError(f"{where}: {name} must be a whole number, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{where}: {name} must be at least {minimum}, got {value}")
    return value


def one_of(value, options, name, where):
    """`value` if it is one of `options` (names, usually a dict's keys)."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{where}: unknown {name} {value!r}; known: {', '.join(sorted(options))}")
    return value


class NonFiniteError(ValueError):
    """An array that should hold finite numbers holds NaN or ±inf."""


def as_float_array(x, name="x", where="nonlin"):
    """Return `x` as a float array: float32 stays float32, every other real number becomes float64.

    Rejects non-numeric, boolean and complex input, and NaN or ±inf, naming what came.
    """
    array = np.asarray(x)
    if array.dtype == np.float64 or array.dtype == np.float32:  # the common case, without the checks below
        require_finite(array, name, where)
        return array
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{where}: {name} must hold real numbers, got an array of dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{where}: {name} must hold real numbers, got complex dtype {array.dtype}")
    if array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)  # float64 stays as it is: no copy
    require_finite(array, name, where)
    return array


def require_finite(array, name="x", where="nonlin"):
    """Raise NonFiniteError naming how many entries are NaN/inf and where the first one is."""
    if all_finite(array):
        return
    bad = np.argwhere(~np.isfinite(array))
    first = tuple(int(i) for i in bad[0])
    kinds = "NaN" if np.isnan(array[tuple(bad[0])]) else "inf"
    raise NonFiniteError(f"{where}: {name} must be finite, but {len(bad)} of {array.size} entries are NaN or ±inf "
                         f"(the first, at index {first}, is {kinds}). NaN or inf in a network usually means "
                         "training diverged: try a smaller learning rate.")


def require_same_shape(a, b, name_a, name_b, where, hint=""):
    if a.shape != b.shape:
        raise ValueError(f"{where}: {name_a} and {name_b} must have the same shape, got {name_a}{a.shape} "
                         f"and {name_b}{b.shape}.{(' ' + hint) if hint else ''}")


def require_in_closed_unit_interval(array, name, where):
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"{where}: {name} must lie in [0, 1], got values from {array.min():g} to {array.max():g}")
