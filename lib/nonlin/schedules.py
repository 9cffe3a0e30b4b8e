"""Learning-rate schedules for `nl.train(..., lr_schedule=...)`: functions epoch -> multiplier of lr.

    nl.schedules.cosine(100)            # 1 at epoch 1, down half a cosine towards 0
    nl.schedules.step(every=30, factor=0.1)   # 1 for epochs 1-30, 0.1 for 31-60, 0.01 for 61-90, ...

Epochs count from 1, as everywhere in `nl.train`.
"""

import math

from ._checks import in_range, positive, whole


def cosine(total_epochs, final=0.0):
    """m(e) = final + (1 - final) (1 + cos(π (e - 1) / total_epochs)) / 2, and `final` after the last epoch.

    m(1) = 1; at e = total_epochs the multiplier is just above `final` (the SGDR / PyTorch convention).
    """
    total_epochs = whole(total_epochs, "total_epochs", "schedules.cosine")
    final = in_range(final, "final", "schedules.cosine", 0, 1, "[]")

    def multiplier(epoch):
        progress = min(epoch - 1, total_epochs) / total_epochs
        return final + (1 - final) * (1 + math.cos(math.pi * progress)) / 2

    return multiplier


def step(every, factor):
    """m(e) = factor ** ((e - 1) // every): multiply the learning rate by `factor` every `every` epochs."""
    every = whole(every, "every", "schedules.step")
    factor = positive(factor, "factor", "schedules.step")

    def multiplier(epoch):
        return factor ** ((epoch - 1) // every)

    return multiplier
