"""Camera and photo inputs for the browser: a Y4M video of a printed label for Chromium's fake
camera, and a JPEG to attach as a site photo."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

FRAME_SIZE = (640, 480)


def label_frame(label_png: bytes, size: tuple[int, int] = FRAME_SIZE) -> Image.Image:
    """The label centred on a white frame, scaled to fit with a margin, as a camera held over
    it would see it."""
    label = Image.open(io.BytesIO(label_png)).convert("RGB")
    width, height = size
    # Leave a margin so the QR code's quiet zone is never cut off by the frame edge.
    scale = min((width * 0.9) / label.width, (height * 0.9) / label.height, 1.0)
    if scale < 1.0:
        label = label.resize(
            (max(1, int(label.width * scale)), max(1, int(label.height * scale))), Image.LANCZOS
        )
    frame = Image.new("RGB", size, "white")
    frame.paste(label, ((width - label.width) // 2, (height - label.height) // 2))
    return frame


def y4m_bytes(frame: Image.Image, frames: int = 30) -> bytes:
    """`frame` as a YUV4MPEG2 4:2:0 video repeated `frames` times (Chromium loops the file).

    C420jpeg is full-range YCbCr with chroma sited between the luma samples: what Pillow's
    YCbCr conversion and a box downsampling of the chroma planes give."""
    width, height = frame.size
    if width % 2 or height % 2:
        raise ValueError("4:2:0 needs even dimensions")
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half, Image.BOX).tobytes() + cr.resize(half, Image.BOX).tobytes()
    header = f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode()
    return header + (b"FRAME\n" + planes) * frames


def write_label_video(label_png: bytes, path: Path, frames: int = 30) -> Path:
    path.write_bytes(y4m_bytes(label_frame(label_png), frames))
    return path


def site_photo_jpeg(text: str = "ONU rack, after repair", size: tuple[int, int] = (800, 600)) -> bytes:
    """A JPEG that looks like a photo enough for an image decoder: gradients, shapes, a caption."""
    width, height = size
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (across, down, Image.new("L", size, 128)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width * 3 // 4, height * 3 // 4), outline="white", width=6)
    draw.ellipse((width // 2 - 60, height // 2 - 60, width // 2 + 60, height // 2 + 60), fill=(240, 200, 40))
    draw.text((20, height - 40), text, fill="white")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
