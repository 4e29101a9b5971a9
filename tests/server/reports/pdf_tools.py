"""Reading a PDF back with poppler's tools (scripts/ensure-system-deps.sh test installs them)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run scripts/ensure-system-deps.sh test (Debian: poppler-utils)")
    return path


@contextmanager
def _pdf_file(pdf: bytes) -> Iterator[tuple[Path, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        yield source, Path(tmp)


def _run(*args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], check=True, capture_output=True)  # noqa: S603
    return done.stdout.decode()


def text(pdf: bytes, page: int | None = None) -> str:
    """The text of the whole document, or of one page."""
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    with _pdf_file(pdf) as (source, _):
        return _run(_tool("pdftotext"), "-enc", "UTF-8", *pages, source, "-")


def page_image(pdf: bytes, page: int = 1, dpi: int = 100) -> Image.Image:
    with _pdf_file(pdf) as (source, tmp):
        _run(
            _tool("pdftoppm"), "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), source, tmp / "page"
        )
        (path,) = tmp.glob("page-*.png")
        return Image.open(path).copy()


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Width and height of every image `pdfimages -list` finds (soft masks left out)."""
    return [(width, height) for _, width, height in placed_images(pdf)]


def placed_images(pdf: bytes) -> list[tuple[int, int, int]]:
    """Page, width and height of every image `pdfimages -list` finds (soft masks left out)."""
    with _pdf_file(pdf) as (source, _):
        listing = _run(_tool("pdfimages"), "-list", source)
    rows = [line.split() for line in listing.splitlines()[2:]]
    return [(int(cols[0]), int(cols[3]), int(cols[4])) for cols in rows if cols[2] == "image"]


def images(pdf: bytes) -> list[Image.Image]:
    """Every image embedded in the PDF."""
    with _pdf_file(pdf) as (source, tmp):
        _run(_tool("pdfimages"), "-png", source, tmp / "img")
        return [Image.open(p).copy() for p in sorted(tmp.glob("img-*.png"))]
