"""What an uploaded image becomes before anyone sees it: its type read from the bytes, the
orientation applied, every metadata block that can name a place or a device removed, and a
thumbnail. Pure functions on files; the caller runs them in a worker thread.

A JPEG that needs no rotation (what the PWA sends: its canvas already applied the orientation)
keeps its compressed data untouched and only loses its metadata segments, which is lossless and
costs no decoding. Anything else is decoded and re-encoded without metadata.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

JPEG, PNG, WEBP, HEIC = "image/jpeg", "image/png", "image/webp", "image/heic"
ALLOWED_TYPES = frozenset({JPEG, PNG, WEBP, HEIC})
THUMB_SIZE = 320
THUMB_TYPE = JPEG
# Decoding cost and memory grow with pixels, not bytes: refuse what no phone camera produces.
MAX_PIXELS = 64_000_000
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_ORIENTATION = 0x0112
# Segments that only carry pixels' meaning, never who or where: kept in a stripped JPEG.
_KEEP_APP = {0xE0: (b"JFIF\x00",), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}
_KEEP_INFO = ("icc_profile", "transparency", "dpi")


class UnreadableImage(ValueError):
    """The bytes are not an image of an accepted type that this server can decode."""


@dataclass(frozen=True)
class Cleaned:
    path: Path
    served_type: str
    width: int
    height: int


def sniff(head: bytes) -> str | None:
    """The image type named by the file's first bytes (at least 16), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def clean(source: Path, *, content_type: str, target: Path) -> Cleaned:
    """Write to `target` what may be served of the image at `source`."""
    try:
        with Image.open(source) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UnreadableImage(f"The image has more than {MAX_PIXELS:,} pixels.")
            orientation = image.getexif().get(_ORIENTATION, 1)
            if content_type == JPEG and orientation in (1, None):
                _strip_jpeg(source, target)
                served_type = JPEG
            else:
                width, height, served_type = _reencode(image, target)
    except _PILLOW_ERRORS as exc:
        target.unlink(missing_ok=True)
        raise _unreadable(exc) from exc
    return Cleaned(path=target, served_type=served_type, width=width, height=height)


def thumbnail(source: Path, target: Path) -> None:
    """A small upright JPEG of the image at `source`, without metadata."""
    try:
        _thumbnail(source, target)
    except _PILLOW_ERRORS as exc:
        target.unlink(missing_ok=True)
        raise _unreadable(exc) from exc


_PILLOW_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def _unreadable(exc: BaseException) -> UnreadableImage:
    if isinstance(exc, UnreadableImage):
        return exc
    return UnreadableImage(f"The file cannot be read as an image ({type(exc).__name__}).")


def _clean(image: Image.Image) -> Image.Image:
    # Encoders only write metadata they are handed, but a cleared `info` keeps it that way.
    image.info = {k: image.info[k] for k in _KEEP_INFO if k in image.info}
    return image


def _reencode(image: Image.Image, target: Path) -> tuple[int, int, str]:
    """Decode, apply the EXIF orientation and save without metadata, in the same format where
    browsers show it (HEIC becomes JPEG)."""
    source_format = image.format
    quantization = getattr(image, "quantization", None) if source_format == "JPEG" else None
    sampling = JpegImagePlugin.get_sampling(image) if source_format == "JPEG" else -1
    upright = _clean(ImageOps.exif_transpose(image))
    with target.open("wb") as out:
        if source_format == "PNG":
            upright.save(out, "PNG", compress_level=6)
            kind = PNG
        elif source_format == "WEBP":
            upright.save(out, "WEBP", quality=90, method=4)
            kind = WEBP
        else:
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = _clean(upright.convert("RGB"))
            options: dict[str, object] = {"quality": 90}
            if quantization:
                # The original's own tables: re-encoding then loses as little as it can.
                options = {"qtables": quantization, "subsampling": sampling if sampling >= 0 else 2}
            upright.save(out, "JPEG", **options)
            kind = JPEG
    return upright.width, upright.height, kind


def _thumbnail(source: Path, target: Path) -> None:
    with Image.open(source) as image:
        if image.format == "JPEG":
            image.draft("RGB", (THUMB_SIZE, THUMB_SIZE))  # decode at 1/2..1/8 scale: fast
        small = ImageOps.exif_transpose(image)
        small.thumbnail((THUMB_SIZE, THUMB_SIZE))
        if small.mode in ("RGBA", "LA", "P", "PA"):
            rgba = small.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            small = flat
        elif small.mode != "RGB":
            small = small.convert("RGB")
        with target.open("wb") as out:
            _clean(small).save(out, "JPEG", quality=80)


def _strip_jpeg(source: Path, target: Path) -> None:
    """Copy the JPEG without its metadata segments and without anything after its end marker
    (phones append more images there, each with its own EXIF)."""
    with source.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        ranges = _merged(_jpeg_kept_ranges(buf))
        if ranges == [(0, len(buf))]:
            # Nothing to remove (what the PWA's canvas produces): the served file is the uploaded
            # one under a second name, which saves writing a copy. Neither is written again.
            target.unlink(missing_ok=True)
            try:
                os.link(source, target)
                return
            except OSError:  # a file system without hard links
                pass
        view = memoryview(buf)
        try:
            with target.open("wb") as out:
                for start, end in ranges:
                    out.write(view[start:end])
        finally:
            view.release()


def _merged(ranges: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in ranges:
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _jpeg_kept_ranges(buf: mmap.mmap) -> Iterator[tuple[int, int]]:
    size = len(buf)
    if buf[:2] != b"\xff\xd8":
        raise UnreadableImage("Not a JPEG file.")
    yield 0, 2
    pos = 2
    while True:
        if pos >= size or buf[pos] != 0xFF:
            raise UnreadableImage("The JPEG is damaged (expected a marker).")
        while pos < size and buf[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= size:
            raise UnreadableImage("The JPEG is truncated.")
        marker, start = buf[pos], pos - 1
        pos += 1
        if marker == 0xD9:  # end of image
            yield start, pos
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            yield start, pos
            continue
        length = int.from_bytes(buf[pos : pos + 2], "big")
        end = pos + length
        if length < 2 or end > size:
            raise UnreadableImage("The JPEG is truncated.")
        if _keep_segment(marker, buf[pos + 2 : pos + 16]):
            yield start, end
        pos = end
        if marker == 0xDA:  # start of scan: compressed data runs to the next real marker
            pos = _scan_end(buf, pos)
            yield end, pos


def _keep_segment(marker: int, head: bytes) -> bool:
    if marker == 0xFE:  # comment
        return False
    if 0xE0 <= marker <= 0xEF:
        return any(head.startswith(ident) for ident in _KEEP_APP.get(marker, ()))
    return True


# The end of entropy-coded data: a 0xFF that is neither a stuffed zero nor a restart marker.
# Found by the regular-expression engine, which scans a megabyte far faster than a loop in Python.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def _scan_end(buf: mmap.mmap, pos: int) -> int:
    found = _SCAN_END.search(buf, pos)
    if found is None:  # no marker, or a 0xFF as the very last byte
        raise UnreadableImage("The JPEG is truncated.")
    return found.start()
