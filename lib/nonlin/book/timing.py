"""Wall-clock timing for the book's cost comparisons. Results depend on the machine."""

import time

import numpy as np


def time_call(fn, *args, repeat=7, min_seconds=0.05):
    """Median seconds per call of fn(*args) over `repeat` runs, each long enough to time reliably."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        if time.perf_counter() - start >= min_seconds or number >= 2**20:
            break
        number *= 2
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        runs.append((time.perf_counter() - start) / number)
    return float(np.median(runs))
