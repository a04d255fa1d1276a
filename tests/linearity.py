"""Growth checks for code that reads text from users: 10x the input may cost about 10x, never 100x.

Times are compared with each other, never with a fixed figure: the best of a few runs of the 1x and
the 10x input, in CPU time of this process (other processes on a loaded machine do not count). A
linear function gives a ratio near 10; a quadratic one near 100. The bound leaves room for noise and
still catches a quadratic.
"""

import time

GENEROUS_RATIO = 30


def best_time(function, argument, *, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        function(argument)
        best = min(best, time.process_time() - started)
    return best


def growth_ratio(function, small, large) -> float:
    function(small)  # warm caches (compiled regexes, imports)
    # A floor of 1 ms keeps a tiny 1x time from turning noise into a large ratio: a quadratic 10x input
    # of the sizes used here costs far more than 30 ms.
    return best_time(function, large) / max(best_time(function, small), 1e-3)


def assert_linear(function, small, large):
    ratio = growth_ratio(function, small, large)
    assert ratio < GENEROUS_RATIO, f"10x the input cost {ratio:.0f}x the time: not linear"


def scaled(text: str, *, size: int) -> str:
    """The text repeated to about `size` characters: the 1x input of a property test."""
    return (text * (size // max(len(text), 1) + 1))[:size] if text else ""


def assert_linear_on(function, text: str, *, size: int = 2_000):
    """10x the text two ways: the text ten times over, and each character ten times (every run ten
    times longer, which is what a backtracking regex or a nested loop over a run pays for)."""
    small = scaled(text, size=size)
    assert_linear(function, small, small * 10)
    assert_linear(function, small, "".join(char * 10 for char in small))


# Property tests run in `make test`: few examples, no deadline (a loaded machine is not a failure),
# no example database written into the checkout.
PROPERTY_SETTINGS = {"max_examples": 30, "deadline": None, "database": None, "derandomize": False}


def texts_with_runs(alphabet: str):
    """Texts made of runs of one character (1 to 40 of it): quadratic code pays for long runs, which
    uniformly drawn characters almost never make."""
    from hypothesis import strategies as st

    runs = st.lists(st.tuples(st.sampled_from(list(alphabet)), st.integers(min_value=1, max_value=40)), min_size=1, max_size=30)
    return runs.map(lambda pairs: "".join(char * count for char, count in pairs))
