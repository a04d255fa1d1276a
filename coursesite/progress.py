"""Progress bars for long management commands (`seed_demo`, `import_course`, `rebuild_standings`,
`copy_course`), drawn with tqdm on the command's own output, and silent when that output is not a
terminal (a pipe, a log file, `call_command` in tests), so logs and captured output stay clean.

Services stay free of any display: a long one takes `progress`, a callable told how many units of work
(students, lessons, steps) it has just finished; the command passes a bar's `update`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Progress = Callable[[int], object]


def progress_none(_done: int) -> None:
    """What a service calls when nobody watches."""


def is_terminal(stream) -> bool:
    # Django's OutputWrapper forwards isatty() to the stream it wraps.
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(*, stream, total: int | None, unit: str, desc: str = "") -> Iterator[Progress]:
    """A bar of `total` units on `stream` (a command's `self.stdout`), or nothing when it is not a terminal."""
    shown = is_terminal(stream)
    target = getattr(stream, "_out", stream)  # tqdm writes to the raw stream, not through Django's wrapper
    with tqdm(total=total, unit=unit, desc=desc, file=target, disable=not shown, leave=False, dynamic_ncols=True) as bar:
        yield bar.update
