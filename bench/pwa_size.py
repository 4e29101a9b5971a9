"""PWA goal: the JS and CSS the app needs before its first screen, gzipped, at most 120 KB.

Counts what pwa/dist/index.html references (scripts, styles, module preloads), gzipped at level
9 as `npm run size` does. Lazy chunks (screens loaded on first use) and the QR decoder's
WebAssembly are listed apart: they load later and do not count. Builds pwa/ first when dist/ is
missing or older than a source file.

    .venv/bin/python -m bench.pwa_size
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

from bench import common
from tests.e2e import harness

BUDGET_KB = 120.0
_REFS = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*>')


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def initial_files(dist: Path) -> list[Path]:
    html = (dist / "index.html").read_text(encoding="utf-8")
    refs = {m.group(1).lstrip("/") for m in _REFS.finditer(html)}
    return sorted(dist / r for r in refs if re.search(r"\.(js|mjs|css)$", r) and not r.startswith("http"))


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def run(dist: Path) -> list[tuple[str, str]]:
    initial = initial_files(dist)
    initial_gz = sum(gz(p) for p in initial)
    assets = sorted((dist / "assets").iterdir())
    lazy = [p for p in assets if p.suffix in {".js", ".css"} and p not in initial]
    wasm = [p for p in assets if p.suffix == ".wasm"]
    largest = max(lazy, key=gz, default=None)
    rows = [(f"initial: {p.name}", kb(gz(p))) for p in initial]
    rows += [
        ("initial JS + CSS (gzip)", kb(initial_gz)),
        (f"goal ≤ {BUDGET_KB:.0f} KB", common.verdict(initial_gz <= BUDGET_KB * 1024)),
        (f"lazy chunks ({len(lazy)} files, gzip)", kb(sum(gz(p) for p in lazy))),
        ("largest lazy chunk (gzip)", f"{kb(gz(largest))}  {largest.name}" if largest else "none"),
        ("WebAssembly (gzip, loaded on first scan)", kb(sum(gz(p) for p in wasm)) if wasm else "none"),
        ("service worker (gzip)", kb(gz(dist / "sw.js"))),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dist", type=Path, default=None, help="a built dist/ (default: pwa/dist, rebuilt if stale)"
    )
    args = parser.parse_args()
    dist = args.dist or harness.pwa_dist()
    common.print_table(f"PWA initial download ({dist})", run(dist))


if __name__ == "__main__":
    main()
