"""Type sniffing and metadata stripping on files, without a server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from server.media import images
from tests.server.media.helpers import SERIAL, jpeg, png


def _write(tmp_path: Path, data: bytes, name: str = "upload.part") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 12, images.JPEG),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, images.PNG),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", images.WEBP),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", images.HEIC),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", None),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"%PDF-1.7" + b"\x00" * 8, None),
    ],
)
def test_sniff_reads_the_type_from_the_bytes(head: bytes, kind: str | None) -> None:
    assert images.sniff(head) == kind


def test_jpeg_trailing_images_comments_and_app_segments_are_dropped(tmp_path: Path) -> None:
    data = jpeg(gps=True)
    # A comment segment after SOI and a second "image" appended after EOI, as some phones do.
    tampered = (
        data[:2] + b"\xff\xfe\x00\x0cwhere am I" + data[2:] + b"\xff\xd8\xff\xe1EXTRA" + SERIAL.encode()
    )
    done = images.clean(_write(tmp_path, tampered), content_type=images.JPEG, target=tmp_path / "served")
    served = done.path.read_bytes()
    assert b"where am I" not in served
    assert SERIAL.encode() not in served
    assert served.endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(served)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_png_is_reencoded_without_metadata_and_keeps_transparency(tmp_path: Path) -> None:
    image = Image.open(io.BytesIO(png()))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SERIAL
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif)
    assert SERIAL.encode() in out.getvalue()
    source = _write(tmp_path, out.getvalue())
    done = images.clean(source, content_type=images.PNG, target=tmp_path / "served")
    served = done.path.read_bytes()
    assert SERIAL.encode() not in served
    assert done.served_type == images.PNG
    assert Image.open(io.BytesIO(served)).mode == "RGBA"
    images.thumbnail(source, tmp_path / "thumb")
    thumb = Image.open(tmp_path / "thumb")
    assert (thumb.format, thumb.mode) == ("JPEG", "RGB")  # flattened on white
    assert not thumb.getexif()


def test_webp_is_served_as_webp(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "green").save(out, "WEBP")
    done = images.clean(_write(tmp_path, out.getvalue()), content_type=images.WEBP, target=tmp_path / "s")
    assert (done.served_type, done.width, done.height) == (images.WEBP, 50, 40)


@pytest.mark.parametrize(
    "data",
    [b"\xff\xd8\xff\xe0" + b"\x00" * 100, b"\x89PNG\r\n\x1a\n" + b"garbage" * 10],
    ids=["jpeg-header-only", "png-garbage"],
)
def test_unreadable_files_raise_and_leave_nothing(tmp_path: Path, data: bytes) -> None:
    source = _write(tmp_path, data)
    with pytest.raises(images.UnreadableImage):
        images.clean(source, content_type=images.sniff(data) or "", target=tmp_path / "served")
    with pytest.raises(images.UnreadableImage):
        images.thumbnail(source, tmp_path / "thumb")
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    data = jpeg()[:-400]
    with pytest.raises(images.UnreadableImage):
        images.clean(_write(tmp_path, data), content_type=images.JPEG, target=tmp_path / "served")


def test_jpeg_with_nothing_to_remove_is_served_as_uploaded(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(out, "JPEG", quality=90)
    data = out.getvalue()
    done = images.clean(_write(tmp_path, data), content_type=images.JPEG, target=tmp_path / "served")
    assert done.path.read_bytes() == data
    assert (done.width, done.height) == (64, 48)


@pytest.mark.parametrize(
    "options",
    [{"restart_marker_rows": 1}, {"progressive": True}],
    ids=["restart-markers", "progressive"],
)
def test_stripping_finds_the_end_of_every_scan(tmp_path: Path, options: dict[str, object]) -> None:
    out = io.BytesIO()
    Image.effect_noise((256, 256), 60).convert("RGB").save(out, "JPEG", quality=90, **options)
    clean = out.getvalue()
    # A comment to drop before the first scan, and an appended image after the end marker.
    data = clean[:2] + b"\xff\xfe\x00\x07hello" + clean[2:] + jpeg(gps=True)
    done = images.clean(_write(tmp_path, data), content_type=images.JPEG, target=tmp_path / "served")
    assert done.path.read_bytes() == clean
