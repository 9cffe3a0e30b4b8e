"""Toy data sets, generated in code from a seed, and scikit-learn's bundled digits (nothing is downloaded).

Features are float64 arrays of shape (N, d). Binary targets are (N, 1) arrays of 0.0 and 1.0, ready
for `bce`; multi-class targets are (N,) integer labels, ready for `cross_entropy`.
"""

import numpy as np

from .seeding import rng as make_rng


def xor():
    """The four points of XOR: X (4, 2) with coordinates 0/1, y (4, 1) = x1 XOR x2."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, y


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaved half circles, n points in all; y (n, 1) says which moon."""
    rng = make_rng(seed)
    n_upper = n // 2
    angle = np.pi * rng.uniform(0, 1, n)
    upper = np.arange(n) < n_upper
    x1 = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    x2 = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    X = np.column_stack([x1, x2]) + noise * rng.normal(size=(n, 2))
    return X, (~upper).astype(np.float64).reshape(-1, 1)


def spirals(n_per_class=100, classes=3, noise=0.2, seed=0):
    """`classes` interleaved spiral arms in the plane; labels (N,) are integers 0 .. classes - 1.

    Each point's radius is drawn uniformly from [0.05, 1] (so two seeds give two independent data
    sets: no test point has a training twin at the same radius), and its angle is its arm's plus
    4 × radius plus Gaussian noise of std `noise`."""
    rng = make_rng(seed)
    radius = rng.uniform(0.05, 1.0, size=n_per_class * classes)
    labels = np.repeat(np.arange(classes), n_per_class)
    angle = labels * 2 * np.pi / classes + 4 * radius + noise * rng.normal(size=radius.size)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, labels


TARGET_FUNCTIONS = {
    "sin": lambda x: np.sin(x),
    "abs": lambda x: np.abs(x) - 1,
    "step": lambda x: np.where(x > 0, 1.0, -1.0),
    "wave": lambda x: np.sin(2 * x) * np.exp(-0.2 * x**2),
    "quadratic": lambda x: 0.5 * x**2 - 1,
}


def regression_1d(n=200, target="sin", noise=0.1, x_range=(-3.0, 3.0), seed=0):
    """x (n, 1) uniform on x_range, sorted; y (n, 1) = target(x) + Gaussian noise of std `noise`."""
    if target not in TARGET_FUNCTIONS:
        raise ValueError(f"unknown target {target!r}; known targets: {', '.join(TARGET_FUNCTIONS)}")
    rng = make_rng(seed)
    x = np.sort(rng.uniform(*x_range, size=n)).reshape(-1, 1)
    return x, TARGET_FUNCTIONS[target](x) + noise * rng.normal(size=(n, 1))


def digits():
    """The 8x8 handwritten digits that ship with scikit-learn: X (1797, 64) in [0, 1], y (1797,) labels 0..9.

    The pixels (0..16 in the original) are divided by 16. Needs scikit-learn, which includes the
    data; nothing is downloaded.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError(
            "nl.datasets.digits needs scikit-learn, which ships the data set: pip install scikit-learn"
        ) from None
    data = load_digits()
    return data.data / 16.0, data.target.astype(np.int64)


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Shuffle the examples with `seed` and split them: X_train, X_test, y_train, y_test.

    The test set gets round(test_fraction * N) examples, at least one, and the training set keeps at least one.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} examples but y has {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must lie in (0, 1), got {test_fraction!r}")
    n = len(X)
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 examples to split, got {n}")
    n_test = min(max(round(test_fraction * n), 1), n - 1)
    order = make_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
