"""Reading labels back the way a phone would: rasterise, then decode with zxing-cpp."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image, ImageDraw

SVG = "{http://www.w3.org/2000/svg}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run scripts/ensure-system-deps.sh test (Debian: poppler-utils)")
    return path


def pdf_pages(pdf: bytes, *, dpi: int = 200) -> list[Image.Image]:
    """Every page of `pdf` as an image, rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            [_tool("pdftoppm"), "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")], check=True
        )
        pages = sorted(Path(tmp).glob("page-*.png"))
        return [Image.open(p).copy() for p in pages]


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        done = subprocess.run(  # noqa: S603
            [_tool("pdftotext"), "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True
        )
    return done.stdout.decode()


def pdf_page_size_pt(pdf: bytes) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        done = subprocess.run([_tool("pdfinfo"), str(source)], check=True, capture_output=True)  # noqa: S603
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", done.stdout.decode())
    assert match is not None
    return float(match[1]), float(match[2])


def qr_codes(image: Image.Image) -> list[Any]:
    return [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def qr_texts(image: Image.Image) -> list[str]:
    return [b.text for b in qr_codes(image)]


def svg_qr_image(svg: str, *, px_per_module: int = 8) -> Image.Image:
    """Draw the SVG's QR path (the label's only path) at a whole number of pixels per module.

    No SVG renderer is installed here, so this reads the path the way a renderer would: the
    transform places it on the label, and every subpath is a filled rectangle of modules.
    """
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 1
    d = paths[0].attrib["d"]
    rects = re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-(\d+)z", d)
    assert "".join(f"M{x} {y}h{w}v{h}h-{w2}z" for x, y, w, h, w2 in rects) == d
    size = max(int(x) + int(w) for x, _, w, _, _ in rects) + 4  # plus the quiet zone on the right
    image = Image.new("L", (size * px_per_module, size * px_per_module), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h, _ in rects:
        x0, y0 = int(x) * px_per_module, int(y) * px_per_module
        draw.rectangle((x0, y0, x0 + int(w) * px_per_module - 1, y0 + int(h) * px_per_module - 1), fill=0)
    return image
