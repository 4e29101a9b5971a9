"""A tiny progress bar for long command-line jobs (no dependencies).

On a terminal the bar is redrawn in place; when stderr is a file or a pipe (CI logs, cron mail)
a plain line is written at every 10 % so the log stays short.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO


class Progress(Protocol):
    def advance(self, count: int = 1) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """Reports nothing (tests, library callers)."""

    def advance(self, count: int = 1) -> None:
        return None

    def finish(self) -> None:
        return None


class ProgressBar:
    def __init__(
        self,
        total: int,
        *,
        label: str = "",
        stream: TextIO | None = None,
        width: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = max(total, 0)
        self.done = 0
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.clock = clock
        self.started = clock()
        self.tty = _is_tty(self.stream)
        self._last_decile = 0
        self._finished = False

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total) if self.total else self.done + count
        if self.tty:
            self._draw("\r")
            return
        decile = self.done * 10 // self.total if self.total else 10
        if decile > self._last_decile:
            self._last_decile = decile
            self._draw("", end="\n")

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self.tty:
            self._draw("\r", end="\n")
        elif self._last_decile < 10:
            # An empty job (or one stopped early) still says where it ended.
            self._last_decile = 10
            self._draw("", end="\n")

    def line(self) -> str:
        """The text of the bar as it stands now."""
        fraction = self.done / self.total if self.total else 1.0
        filled = round(fraction * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = self.clock() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        prefix = f"{self.label} " if self.label else ""
        return f"{prefix}[{bar}] {self.done}/{self.total} {fraction:4.0%} {rate:.1f} rows/s"

    def _draw(self, start: str, end: str = "") -> None:
        self.stream.write(f"{start}{self.line()}{end}")
        self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is not a terminal
        return False
