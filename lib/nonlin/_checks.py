"""Input checks shared by the engine: clear errors instead of bare NumPy tracebacks."""

import numpy as np


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
    finite = np.isfinite(array)
    if finite.all():
        return
    bad = np.argwhere(~finite)
    first = tuple(int(i) for i in bad[0])
    kinds = "NaN" if np.isnan(array[tuple(bad[0])]) else "inf"
    raise NonFiniteError(
        f"{where}: {name} must be finite, but {len(bad)} of {array.size} entries are NaN or ±inf "
        f"(the first, at index {first}, is {kinds}). NaN or inf in a network usually means training "
        "diverged: try a smaller learning rate."
    )


def require_same_shape(a, b, name_a, name_b, where, hint=""):
    if a.shape != b.shape:
        raise ValueError(
            f"{where}: {name_a} and {name_b} must have the same shape, got {name_a}{a.shape} "
            f"and {name_b}{b.shape}.{(' ' + hint) if hint else ''}"
        )


def require_in_closed_unit_interval(array, name, where):
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(
            f"{where}: {name} must lie in [0, 1], got values from {array.min():g} to {array.max():g}"
        )
