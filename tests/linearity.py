"""Growth checks for code that reads text from users: 10x the input may cost about 10x, never 100x.

Times are compared with each other, never with a fixed figure: the best of a few runs of the 1x and
the 10x input. A linear function gives a ratio near 10; a quadratic one near 100. The bound leaves
room for a loaded machine (2 cores shared by many processes) and still catches a quadratic.
"""

import time

GENEROUS_RATIO = 30


def best_time(function, argument, *, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(argument)
        best = min(best, time.perf_counter() - started)
    return best


def growth_ratio(function, small, large) -> float:
    function(small)  # warm caches (compiled regexes, imports)
    # A floor of 0.2 ms keeps a tiny 1x time from turning noise into a large ratio.
    return best_time(function, large) / max(best_time(function, small), 2e-4)


def assert_linear(function, small, large):
    ratio = growth_ratio(function, small, large)
    assert ratio < GENEROUS_RATIO, f"10x the input cost {ratio:.0f}x the time: not linear"
