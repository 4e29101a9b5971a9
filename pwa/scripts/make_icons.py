"""Draw the app icons (a door in a house outline) with Pillow; run with the project's .venv.

The PNGs are committed; run again only when the design changes: `npm run icons`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
TEAL = (15, 94, 107, 255)
WHITE = (255, 255, 255, 255)
AMBER = (245, 166, 35, 255)


def draw(size: int, *, maskable: bool) -> Image.Image:
    # Supersample, then shrink: Pillow draws polygons without anti-aliasing.
    scale = 4
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle((0, 0, s, s), fill=TEAL)
        inset = 0.22  # the mask may crop to a circle of 80 %: keep the mark inside it
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.2), fill=TEAL)
        inset = 0.16

    def p(x: float, y: float) -> tuple[float, float]:
        return (s * (inset + x * (1 - 2 * inset)), s * (inset + y * (1 - 2 * inset)))

    # House: roof and walls.
    d.polygon([p(0.5, 0.0), p(1.0, 0.42), p(0.88, 0.42), p(0.5, 0.1), p(0.12, 0.42), p(0.0, 0.42)], fill=WHITE)
    d.rectangle((*p(0.16, 0.42), *p(0.84, 1.0)), fill=WHITE)
    # Door and its knob.
    d.rectangle((*p(0.36, 0.5), *p(0.64, 1.0)), fill=TEAL)
    kx, ky = p(0.58, 0.77)
    r = s * 0.025
    d.ellipse((kx - r, ky - r, kx + r, ky + r), fill=AMBER)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    # iOS ignores transparency and the manifest: a full-bleed 180 px icon.
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
