from __future__ import annotations

import pytest

from server.labels.qr import QUIET_ZONE, qr_matrix, tag_url


def test_tag_url_holds_only_the_base_and_the_code() -> None:
    assert tag_url("https://ops.example.cn/", "7K3M9QXT2B") == "https://ops.example.cn/a/7K3M9QXT2B"
    assert tag_url("http://10.0.0.5:8000", "AB/CD") == "http://10.0.0.5:8000/a/AB%2FCD"


def test_matrix_has_a_four_module_quiet_zone() -> None:
    matrix = qr_matrix("https://ops.example.cn/a/7K3M9QXT2B")
    assert QUIET_ZONE == 4
    n = matrix.size
    border = [(x, y) for y in range(n) for x in range(n) if min(x, y, n - 1 - x, n - 1 - y) < 4]
    assert not any(matrix.dark(x, y) for x, y in border)
    # The finder pattern's dark corner starts right after the quiet zone.
    assert matrix.dark(4, 4)
    assert matrix.dark(n - 5, 4)
    assert matrix.dark(4, n - 5)


@pytest.mark.parametrize("data", ["https://ops.example.cn/a/7K3M9QXT2B", "http://testserver/a/AB12"])
def test_runs_cover_exactly_the_dark_modules(data: str) -> None:
    matrix = qr_matrix(data)
    covered = [(r.x + dx, r.y + dy) for r in matrix.runs for dx in range(r.length) for dy in range(r.height)]
    assert len(covered) == len(set(covered))  # no module drawn twice
    dark = {(x, y) for y in range(matrix.size) for x in range(matrix.size) if matrix.dark(x, y)}
    assert set(covered) == dark
    assert len(matrix.runs) < len(dark) / 2  # runs are merged, not one per module
