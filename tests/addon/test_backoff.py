import random

from renderfarm_reporter.core.backoff import Backoff


def test_delays_double_from_the_initial_one_and_stay_in_the_upper_half():
    backoff = Backoff(initial=0.5, maximum=30, rng=random.Random(7))
    for ceiling in (0.5, 1, 2, 4, 8, 16, 30, 30, 30):
        delay = backoff.next_delay()
        assert ceiling / 2 <= delay <= ceiling


def test_delays_never_exceed_thirty_seconds_however_long_the_outage():
    backoff = Backoff(rng=random.Random(1))
    assert max(backoff.next_delay() for _ in range(10_000)) <= 30


def test_jitter_spreads_a_farm_that_failed_at_the_same_moment():
    delays = {round(Backoff(rng=random.Random(seed)).next_delay(), 6) for seed in range(50)}
    assert len(delays) > 40


def test_reset_after_success_starts_again_from_the_initial_delay():
    backoff = Backoff(initial=0.5, rng=random.Random(3))
    for _ in range(8):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() <= 0.5
