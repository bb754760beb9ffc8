"""The session's frame render times as histogram buckets, so the server can export a histogram.

The add-on sends the whole histogram with every report (level-triggered: a lost report loses
nothing). The bucket bounds are part of the contract: protos/renderfarm/v1/reporter.proto lists
them on its ``frame-seconds-bounds:`` line, and tests on both sides check their copy against it.
"""

import bisect
from dataclasses import dataclass

# Upper bounds in seconds: a preview frame of a second to a hero frame of two hours.
BOUNDS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200)


@dataclass(frozen=True)
class FrameTimes:
    """Frames per bucket (one per bound, then one for longer frames; empty before the first frame) and their sum."""
    counts: tuple[int, ...] = ()
    seconds_sum: float = 0.0

    def add(self, seconds):
        counts = list(self.counts or (0,) * (len(BOUNDS) + 1))
        # A frame of exactly a bound's seconds belongs to that bound's bucket (Prometheus' "le").
        counts[bisect.bisect_left(BOUNDS, seconds)] += 1
        return FrameTimes(tuple(counts), self.seconds_sum + seconds)

    def started(self):
        """All buckets present, at zero when no frame finished yet: sent from the first render on, so Prometheus sees
        the first frame as an increase of a series it already has (a series that appears at 1 counts no increase)."""
        return self if self.counts else FrameTimes((0,) * (len(BOUNDS) + 1), self.seconds_sum)

    @property
    def frames(self):
        return sum(self.counts)
