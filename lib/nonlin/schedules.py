"""Learning-rate schedules for `nl.train(..., lr_schedule=...)`: functions epoch -> multiplier of lr.

    nl.schedules.cosine(100)            # 1 at epoch 1, down half a cosine towards 0
    nl.schedules.step(every=30, factor=0.1)   # 1 for epochs 1-30, 0.1 for 31-60, 0.01 for 61-90, ...

Epochs count from 1, as everywhere in `nl.train`.
"""

import math


def cosine(total_epochs, final=0.0):
    """m(e) = final + (1 - final) (1 + cos(π (e - 1) / total_epochs)) / 2, and `final` after the last epoch.

    m(1) = 1; at e = total_epochs the multiplier is just above `final` (the SGDR / PyTorch convention).
    """
    total_epochs = int(total_epochs)
    final = float(final)
    if total_epochs < 1:
        raise ValueError(f"schedules.cosine: total_epochs must be at least 1, got {total_epochs}")
    if not 0 <= final <= 1:
        raise ValueError(f"schedules.cosine: final must lie in [0, 1], got {final!r}")

    def multiplier(epoch):
        progress = min(epoch - 1, total_epochs) / total_epochs
        return final + (1 - final) * (1 + math.cos(math.pi * progress)) / 2

    return multiplier


def step(every, factor):
    """m(e) = factor ** ((e - 1) // every): multiply the learning rate by `factor` every `every` epochs."""
    every = int(every)
    factor = float(factor)
    if every < 1:
        raise ValueError(f"schedules.step: every must be at least 1 epoch, got {every}")
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"schedules.step: factor must be a positive finite number, got {factor!r}")

    def multiplier(epoch):
        return factor ** ((epoch - 1) // every)

    return multiplier
