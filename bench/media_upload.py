"""Photo uploads: 100 concurrent 1 MB tus uploads against a raw loopback copy of the same bytes.

Goals: upload throughput at least half of the raw copy's, and the server's resident memory
growing by less than 64 MB while the uploads run.

Both sides send the very same bytes from the same asyncio client over loopback, one connection
per file, all at once:
- raw copy: a bare TCP sink in its own process writes each file to disk and answers "ok";
- tus: a live server (`uvicorn server.app:create_app --factory`) receives POST (creation) then
  PATCH on the same connection (and, measured separately, the body with the POST), streams the
  body to disk, verifies the SHA-256, strips the metadata, stores the blob and marks it in the
  database before answering. Thumbnails follow once the burst is over: each run waits for its
  own, and its RSS peak and a separate CPU figure include them.
The files are real JPEGs that differ in a comment segment, so none is deduplicated away. The
server's CPU time per upload is printed too: unlike elapsed time, another process's load on a
shared machine barely moves it.

    .venv/bin/python -m bench.media_upload           # 100 uploads of 1 MB, 3 rounds
    .venv/bin/python -m bench.media_upload --quick   # 20 uploads, 1 round
    .venv/bin/python -m bench.media_upload --pg      # on a fresh PostgreSQL database
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from bench.common import (
    BenchError,
    LiveServer,
    arg_parser,
    backend_label,
    connected,
    free_port,
    live_server,
    machine_load,
    make_scope,
    mint_tokens,
    print_table,
    temp_settings,
    verdict,
)
from server.media.models import MediaBlob

GOAL_RATIO = 0.5
GOAL_RSS_MB = 64.0
FILE_BYTES = 1024 * 1024
OFFSET_TYPE = "application/offset+octet-stream"

# The raw sink: reads "<length>\n" then that many bytes into a file, answers "ok\n".
SINK = """
import asyncio, os, sys
directory = sys.argv[1]
count = 0
async def handle(reader, writer):
    global count
    count += 1
    length = int(await reader.readline())
    fd = os.open(os.path.join(directory, f"{count}.bin"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while length:
            block = await reader.read(min(length, 65536))
            if not block:
                break
            os.write(fd, block)
            length -= len(block)
    finally:
        os.close(fd)
    writer.write(b"ok\\n")
    await writer.drain()
    writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[2]), backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""


def base_photo(size: int) -> bytes:
    """An upright JPEG of about `size` bytes that compresses like a photo."""
    side = int((size / 0.9) ** 0.5)  # noise at quality 90 takes about 0.9 bytes a pixel
    grey = Image.effect_noise((side, side), 70)
    image = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.ROTATE_90), grey))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def variants(base: bytes, count: int, tag: str) -> list[bytes]:
    """`count` distinct valid JPEGs: a comment segment after the start marker differs."""
    files = []
    for i in range(count):
        comment = f"{tag}-{i:05d}".encode()
        files.append(base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:])
    return files


# --- a minimal HTTP/1.1 client, so both runs share the same client mechanics ---------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status = int((await reader.readline()).split()[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    if length := int(headers.get("content-length", "0")):
        await reader.readexactly(length)
    return status, headers


async def tus_upload(url: str, token: str, data: bytes, *, one_request: bool = False) -> None:
    """POST then PATCH on one connection (tus-js-client's default), or the body sent with the
    POST (creation-with-upload, tus-js-client's `uploadDataDuringCreation`)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        meta = ",".join(
            f"{k} {base64.b64encode(v.encode()).decode()}"
            for k, v in {"filetype": "image/jpeg", "sha256": hashlib.sha256(data).hexdigest()}.items()
        )
        common = f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n"
        body = f"Content-Type: {OFFSET_TYPE}\r\nContent-Length: {len(data)}\r\n\r\n"
        creation = (
            f"POST /uploads/ HTTP/1.1\r\n{common}Upload-Length: {len(data)}\r\nUpload-Metadata: {meta}\r\n"
        )
        if one_request:
            writer.write(f"{creation}Upload-Offset: 0\r\n{body}".encode())
            writer.write(data)
        else:
            writer.write(f"{creation}Content-Length: 0\r\n\r\n".encode())
        status, headers = await _read_response(reader)
        if status != 201:
            raise BenchError(f"creation answered {status}")
        if not one_request:
            path = urlsplit(headers["location"]).path
            writer.write(f"PATCH {path} HTTP/1.1\r\n{common}Upload-Offset: 0\r\n{body}".encode())
            writer.write(data)
            await writer.drain()
            status, headers = await _read_response(reader)
        if headers.get("upload-offset") != str(len(data)):
            raise BenchError(f"the upload ended with {status} at offset {headers.get('upload-offset')}")
    finally:
        writer.close()


async def raw_copy(port: int, data: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"{len(data)}\n".encode())
        writer.write(data)
        await writer.drain()
        if await reader.readline() != b"ok\n":
            raise BenchError("the raw sink did not confirm")
    finally:
        writer.close()


@asynccontextmanager
async def raw_sink() -> AsyncIterator[int]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="doorstep-sink-") as directory:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SINK, directory, str(port), stdout=asyncio.subprocess.PIPE
        )
        try:
            assert proc.stdout is not None
            if await asyncio.wait_for(proc.stdout.readline(), 30) != b"ready\n":
                raise BenchError("the raw sink did not start")
            yield port
        finally:
            proc.terminate()
            await proc.wait()


# --- measuring -----------------------------------------------------------------------------------


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no {field} for process {pid}")


@dataclass
class Run:
    seconds: float  # for all files
    cpu: float  # CPU seconds the server spent answering them (all threads)
    cpu_thumbnails: float  # and then on their thumbnails
    rss_growth: float  # MB above the idle server, thumbnails included


@dataclass
class Round:
    raw: float  # seconds for all files
    tus: Run  # POST, then PATCH
    tus_one: Run  # creation-with-upload


async def _all_at_once(jobs: list[asyncio.Future[None] | asyncio.Task[None]]) -> float:
    started = time.perf_counter()
    await asyncio.gather(*jobs)
    return time.perf_counter() - started


async def measure(count: int, rounds: int, *, pg: bool) -> tuple[list[Round], str, int]:
    base = base_photo(FILE_BYTES)
    async with temp_settings(pg=pg) as settings:
        async with connected(settings):
            scope = await make_scope(1)
            token = (await mint_tokens(settings, scope.technician, 1))[0]
        async with live_server(settings) as server, raw_sink() as sink_port:
            await tus_upload(server.url, token, variants(base, 1, "warm-up")[0])  # first-use costs
            idle = rss_mb(server.pid)
            results = [await _round(server, token, sink_port, base, count, n, idle) for n in range(rounds)]
        async with connected(settings):
            stored = await MediaBlob.all().count()
        if stored != 2 * count * rounds + 1:
            raise BenchError(f"expected {2 * count * rounds + 1} stored photos, found {stored}")
        return results, backend_label(settings), len(base)


async def _round(
    server: LiveServer, token: str, sink: int, base: bytes, count: int, n: int, idle: float
) -> Round:
    raw = await _all_at_once(
        [asyncio.ensure_future(raw_copy(sink, data)) for data in variants(base, count, f"{n}")]
    )
    two = await _tus_run(server, token, variants(base, count, f"{n}-two"), idle, one_request=False)
    one = await _tus_run(server, token, variants(base, count, f"{n}-one"), idle, one_request=True)
    return Round(raw=raw, tus=two, tus_one=one)


async def _settle(server: LiveServer) -> None:
    """Until the server stops working on earlier uploads (their deferred thumbnails)."""
    while True:
        before = server.cpu_seconds()
        await asyncio.sleep(0.3)
        if server.cpu_seconds() - before < 0.01:
            return


async def _tus_run(
    server: LiveServer, token: str, files: list[bytes], idle: float, *, one_request: bool
) -> Run:
    await _settle(server)
    peak = idle

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_mb(server.pid))
            await asyncio.sleep(0.01)

    watcher = asyncio.create_task(watch())
    start = server.cpu_seconds()
    try:
        jobs = [
            asyncio.ensure_future(tus_upload(server.url, token, d, one_request=one_request)) for d in files
        ]
        seconds = await _all_at_once(jobs)
        answered = server.cpu_seconds()
        await _settle(server)
    finally:
        watcher.cancel()
    return Run(
        seconds=seconds,
        cpu=answered - start,
        cpu_thumbnails=server.cpu_seconds() - answered,
        rss_growth=max(peak, rss_mb(server.pid)) - idle,
    )


def report(count: int, size: int, rounds: list[Round], backend: str) -> None:
    megabytes = count * size / 1e6
    rows: list[tuple[str, str]] = []
    verdicts: list[tuple[str, str]] = []
    growth = max(max(r.tus.rss_growth, r.tus_one.rss_growth) for r in rounds)
    best_raw = min(r.raw for r in rounds)
    rows.append(("raw loopback copy", f"{megabytes / best_raw:>8,.1f} MB/s ({best_raw * 1000:,.0f} ms)"))
    for label, pick in (
        ("tus POST + PATCH", lambda r: r.tus),
        ("tus creation-with-upload", lambda r: r.tus_one),
    ):
        # Each round's tus run is compared with the raw copy of the same round: the load of a
        # shared machine moves both.
        best = max(rounds, key=lambda r: r.raw / pick(r).seconds)
        run, ratio = pick(best), best.raw / pick(best).seconds
        rows.append(
            (f"{label}, stored", f"{megabytes / run.seconds:>8,.1f} MB/s ({run.seconds * 1000:,.0f} ms)")
        )
        rows.append((f"{label} : raw", f"{ratio:.2f}"))
        rows.extend(
            [
                (
                    f"{label}, server CPU",
                    f"{min(pick(r).cpu for r in rounds) / count * 1000:.1f} ms per upload",
                ),
                (
                    f"{label}, thumbnails' CPU",
                    f"{min(pick(r).cpu_thumbnails for r in rounds) / count * 1000:.1f} ms per upload",
                ),
            ]
        )
        verdicts.append((f"goal {label} >= {GOAL_RATIO:.0%} of raw", verdict(ratio >= GOAL_RATIO)))
    rows.append(("server RSS growth (max)", f"{growth:.1f} MB"))
    rows.append(machine_load())
    verdicts.append((f"goal RSS growth < {GOAL_RSS_MB:.0f} MB", verdict(growth < GOAL_RSS_MB)))
    print_table(
        f"{count} concurrent uploads of {size / 1e6:.2f} MB ({backend}, best of {len(rounds)})",
        rows + verdicts,
    )


async def main() -> None:
    args = arg_parser(__doc__ or "").parse_args()
    count, rounds = (20, 1) if args.quick else (100, 3)
    results, backend, size = await measure(count, rounds, pg=args.pg)
    report(count, size, results, backend)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(main())
