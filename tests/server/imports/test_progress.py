from __future__ import annotations

import io

from server.imports.progress import ProgressBar


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pipe_gets_one_line_per_tenth() -> None:
    out = io.StringIO()
    bar = ProgressBar(40, label="customers", stream=out, clock=FakeClock())
    for _ in range(40):
        bar.advance()
    bar.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("customers [")
    assert " 4/40 " in lines[0]
    assert "10%" in lines[0]
    assert " 40/40 100%" in lines[-1]
    assert "\r" not in out.getvalue()


def test_terminal_redraws_in_place_with_count_percent_and_rate() -> None:
    out = Terminal()
    clock = FakeClock()
    bar = ProgressBar(4, stream=out, width=4, clock=clock)
    clock.now = 2.0
    bar.advance(2)
    assert out.getvalue() == "\r[##..] 2/4  50% 1.0 rows/s"
    bar.advance(2)
    bar.finish()
    assert out.getvalue().endswith("\r[####] 4/4 100% 2.0 rows/s\n")


def test_empty_job_still_reports_its_end() -> None:
    out = io.StringIO()
    bar = ProgressBar(0, stream=out, clock=FakeClock())
    bar.finish()
    bar.finish()
    assert out.getvalue().count("\n") == 1
    assert "0/0 100%" in out.getvalue()
