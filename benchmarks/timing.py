"""Paired timing: contenders run in alternation, and each round yields one ratio per contender.

A shared 2-core machine is noisy: another process can slow one block of calls by 2x. Two things
keep the ratios steady. The clock is this process's CPU time (user + system, page faults
included), so time spent waiting for a core that another program holds does not count; everything
here runs on one thread, so CPU time is the work done. And the contenders are timed back to back
in each round, with the ratio taken within the round: drift (a neighbour filling the memory bus)
cancels, and the median over the rounds removes what is left.
"""

import gc
import time

import numpy as np


def calls_per_block(fn, min_seconds):
    """How many calls of fn() make a block of at least `min_seconds` (at least one). Warms fn up."""
    number = 1
    while True:
        elapsed = time_block(fn, number)
        if elapsed >= min_seconds or number >= 2**16:
            return number
        number = max(2 * number, int(number * 1.2 * min_seconds / max(elapsed, 1e-9)))


def time_block(fn, number):
    """CPU seconds for `number` calls of fn(), with the garbage collector paused (as timeit does)."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(number):
            fn()
        return time.process_time() - start
    finally:
        gc.enable()


def interleaved(contenders, rounds, min_block_seconds, budget_seconds=None, min_rounds=3):
    """Time each of `contenders` ({name: fn}) for `rounds` rounds, alternating the order.

    Returns {name: array of seconds per call, one entry per round}; entry r of every array was
    measured in the same round, so their ratio is a paired measurement. With `budget_seconds`,
    slow contenders stop after `min_rounds` rounds once the budget is spent.
    """
    numbers = {name: calls_per_block(fn, min_block_seconds) for name, fn in contenders.items()}
    names = list(contenders)
    times = {name: [] for name in names}
    start = time.process_time()
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(time_block(contenders[name], numbers[name]) / numbers[name])
        if budget_seconds and r + 1 >= min_rounds and time.process_time() - start > budget_seconds:
            break
    return {name: np.array(values) for name, values in times.items()}


def paired_ratio(numerator, denominator):
    """The median over rounds of numerator[r] / denominator[r]."""
    return float(np.median(np.asarray(numerator) / np.asarray(denominator)))
