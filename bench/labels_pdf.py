"""1,000 asset labels as one PDF on L7160 sheets (A4, 21 labels a page): seconds and pages per second.

Renders in-process (no database, no HTTP): the sheet endpoint spends its time here. Every label has
its own random tag code, so no two QR codes are alike, and Chinese asset and site names, so the CJK
font is embedded. Before timing, page one is rasterised with pdftoppm and its QR codes decoded with
zxing-cpp: a fast wrong sheet is no result.

    .venv/bin/python -m bench.labels_pdf              # 1,000 labels, 3 rounds
    .venv/bin/python -m bench.labels_pdf --quick      # 105 labels, 1 round
    .venv/bin/python -m bench.labels_pdf --count 2000 --layout A4_3x8
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

from bench.common import WORDS, BenchError
from server.assets.rules import new_tag_code
from server.labels.content import Label
from server.labels.pdf import L7160, LAYOUTS, render_sheet
from server.labels.qr import qr_matrix, tag_url

BASE_URL = "https://doorstep.example.cn"
SITES = (
    "朝阳区建国路88号 SOHO现代城 A座",
    "海淀区中关村大街27号 中关村大厦",
    "浦东新区世纪大道100号 环球金融中心",
)


def make_labels(count: int) -> list[Label]:
    labels = []
    for i in range(count):
        code = new_tag_code()
        labels.append(
            Label(
                tag_code=code,
                url=tag_url(BASE_URL, code),
                asset_name=f"{WORDS[i % len(WORDS)]} {i:04d} 弱电间机柜",
                site_name=SITES[i % len(SITES)],
            )
        )
    return labels


def check(labels: list[Label], layout_name: str) -> None:
    from tests.server.labels.decode import pdf_pages, qr_texts

    layout = LAYOUTS[layout_name]
    first = labels[: layout.per_page]
    pages = pdf_pages(render_sheet(first, layout), dpi=200)
    if len(pages) != 1 or sorted(qr_texts(pages[0])) != sorted(label.url for label in first):
        raise BenchError("the rendered sheet does not decode to the labels' URLs")


def one_round(labels: list[Label], layout_name: str) -> dict[str, float]:
    """The whole sheet; then, for the breakdown, its QR codes alone."""
    layout = LAYOUTS[layout_name]
    start = time.perf_counter()
    pdf = render_sheet(labels, layout)
    sheet_done = time.perf_counter()
    for label in labels:
        qr_matrix(label.url).runs  # noqa: B018 (the rectangles the renderer draws)
    qr_done = time.perf_counter()
    return {
        "total": sheet_done - start,
        "qr": qr_done - sheet_done,
        "bytes": float(len(pdf)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="105 labels, one round")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default=L7160.name)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    count, rounds = (105, 1) if args.quick else (args.count, args.rounds)
    labels = make_labels(count)
    check(labels, args.layout)
    pages = math.ceil(count / LAYOUTS[args.layout].per_page)
    results = [one_round(labels, args.layout) for _ in range(rounds)]
    total = statistics.median(r["total"] for r in results)
    qr = statistics.median(r["qr"] for r in results)
    print(f"labels: {count} on {pages} pages ({args.layout}), {results[-1]['bytes'] / 1e6:.1f} MB PDF")
    print(f"sheet:  {total:.2f} s, {pages / total:.1f} pages/s, {count / total:.0f} labels/s")
    print(f"  median of {rounds} rounds")
    print(f"  of which encoding the QR codes: {qr:.2f} s ({qr / total:.0%})")


if __name__ == "__main__":
    main()
