"""Exponential backoff with jitter, so a farm of Blenders does not reconnect in lockstep."""

import random

MAX_DELAY = 30.0


class Backoff:
    """Delays of initial, 2×initial, … up to ``maximum`` seconds, each drawn from its upper half."""

    def __init__(self, initial=0.5, maximum=MAX_DELAY, rng=None):
        if not 0 < initial <= maximum:
            raise ValueError("backoff: need 0 < initial <= maximum")
        self._initial = initial
        self._maximum = maximum
        self._random = rng or random.Random()
        self._attempt = 0

    @property
    def maximum(self):
        return self._maximum

    def next_delay(self):
        ceiling = min(self._maximum, self._initial * 2 ** min(self._attempt, 32))
        self._attempt += 1
        return self._random.uniform(ceiling / 2, ceiling)

    def reset(self):
        self._attempt = 0
