"""The fake camera's input is what a phone held over a printed label would see: the label the
server generated, decodable after the trip through YUV 4:2:0. Checked on its own so that a failing
scan in the browser points at the app, not at the test's video."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image

from tests.e2e import harness, media


def _first_frame(y4m: bytes) -> Image.Image:
    header, _, rest = y4m.partition(b"\n")
    fields = dict((f[:1].decode(), f[1:].decode()) for f in header.split()[1:])
    width, height = int(fields["W"]), int(fields["H"])
    assert rest.startswith(b"FRAME\n")
    luma = rest[len(b"FRAME\n") : len(b"FRAME\n") + width * height]
    return Image.frombytes("L", (width, height), luma)


def test_label_video_decodes_to_the_asset_url(server: harness.Server, tmp_path: Path) -> None:
    asset = server.query(
        "SELECT a.id, a.tag_code FROM asset a JOIN work_order w ON w.site_id = a.site_id "
        "JOIN user u ON u.id = w.assigned_to_id WHERE u.username = 'tech1' ORDER BY a.tag_code LIMIT 1"
    )[0]
    response = server.get(f"/labels/assets/{asset['id']}.png", server.token("tech1"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"

    video = media.write_label_video(response.content, tmp_path / "label.y4m", frames=3)
    data = video.read_bytes()
    assert data.startswith(b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n")
    frame_bytes = len(b"FRAME\n") + 640 * 480 * 3 // 2
    assert len(data) == len(data.split(b"\n", 1)[0]) + 1 + 3 * frame_bytes

    found = zxingcpp.read_barcodes(_first_frame(data))
    texts = [r.text for r in found]
    assert f"{server.url}/a/{asset['tag_code']}" in texts, texts
