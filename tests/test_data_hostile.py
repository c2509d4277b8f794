"""mlpcourse.data.download under a hostile network and on a broken disk.

A small HTTP server on 127.0.0.1 misbehaves in every way the loader must survive: each failure
moves on to the next mirror, the last ends in one DataNotFoundError naming what was tried, memory
and disk stay bounded, and nothing unverified is ever left where the loader trusts it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlpcourse.data import download
from mlpcourse.data.download import DataNotFoundError, DatasetSpec, fetch_verified, read_verified

CONTENT = bytes(range(256)) * 16  # 4 KiB of content, the "data set"
NAME = "table.bin.gz"
GOOD = gzip.compress(CONTENT)


def corrupt_deflate(blob: bytes) -> bytes:
    """Damage the deflate stream itself (not only the CRC or the length at the end)."""
    middle = bytearray(blob)
    for i in range(20, 40):
        middle[i] ^= 0x5A
    return bytes(middle)


class Handler(socketserver.BaseRequestHandler):
    """Answers by the first part of the path: /good/, /cut/, /chunked-cut/, /not-http/, ..."""

    def handle(self) -> None:
        request = self.request.recv(4096).decode("latin-1")
        path = request.split(" ")[1] if " " in request else "/"
        kind = path.split("/")[1]
        send = self.request.sendall
        head = "HTTP/1.1 200 OK\r\nConnection: close\r\n"
        try:
            if kind == "good":
                send(f"{head}Content-Length: {len(GOOD)}\r\n\r\n".encode() + GOOD)
            elif kind == "cut":  # promises the whole file, sends half, hangs up
                send(f"{head}Content-Length: {len(GOOD)}\r\n\r\n".encode() + GOOD[: len(GOOD) // 2])
            elif kind == "chunked-cut":  # one chunk, then gone without the closing chunk
                part = GOOD[:100]
                send(f"{head}Transfer-Encoding: chunked\r\n\r\n{len(part):x}\r\n".encode() + part)
            elif kind == "not-http":
                send(b"SSH-2.0-OpenSSH_9.2\r\n")
            elif kind == "redirect":
                send(b"HTTP/1.1 302 Found\r\nLocation: /html/page\r\nContent-Length: 0\r\n\r\n")
            elif kind == "html":
                body = b"<html><body>Please log in</body></html>"
                send(
                    f"{head}Content-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
            elif kind == "stall":  # headers, then nothing
                send(f"{head}Content-Length: {len(GOOD)}\r\n\r\n".encode())
                time.sleep(3)
            elif kind == "trickle":  # one byte at a time, never quite stalling
                send(f"{head}Content-Length: {len(GOOD)}\r\n\r\n".encode())
                for byte in GOOD:
                    send(bytes([byte]))
                    time.sleep(0.02)
            elif kind == "endless":  # no length, no end
                send(f"{head}\r\n".encode())
                for _ in range(100_000):
                    send(b"\0" * 65536)
            elif kind == "bomb":  # a small gzip that inflates to 64 MiB
                bomb = gzip.compress(b"\0" * (64 << 20))
                send(f"{head}Content-Length: {len(bomb)}\r\n\r\n".encode() + bomb)
            elif kind == "deflate":
                bad = corrupt_deflate(GOOD)
                send(f"{head}Content-Length: {len(bad)}\r\n\r\n".encode() + bad)
            else:
                send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should on an endless body


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler) as srv:
        srv.daemon_threads = True
        thread = threading.Thread(target=srv.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{srv.server_address[1]}"
        srv.shutdown()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MLPCOURSE_DATA", raising=False)
    monkeypatch.delenv("MLPCOURSE_MIRRORS", raising=False)
    monkeypatch.setattr(download, "READ_TIMEOUT", 0.5)
    monkeypatch.setattr(download, "FILE_DEADLINE", 1.5)
    return {"cache": tmp_path / "xdg" / "mlpcourse" / "table", "tmp": tmp_path}


def spec(*mirrors: str) -> DatasetSpec:
    return DatasetSpec(
        name="A table",
        cache_name="table",
        sha256={NAME: hashlib.sha256(CONTENT).hexdigest()},
        mirrors=tuple(mirrors),
        expected_sizes={NAME: len(CONTENT)},
    )


BAD_KINDS = [
    "cut",
    "chunked-cut",
    "not-http",
    "redirect",
    "stall",
    "trickle",
    "endless",
    "bomb",
    "deflate",
    "missing",
]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_a_bad_mirror_is_skipped_for_the_next(server: str, world: dict, kind: str) -> None:
    start = time.monotonic()
    contents, sources = fetch_verified(spec(f"{server}/{kind}/", f"{server}/good/"))
    assert contents[NAME] == CONTENT
    assert sources[NAME] == world["cache"] / NAME
    assert time.monotonic() - start < 10, "a bad mirror must not hold the download for long"
    assert sorted(p.name for p in world["cache"].iterdir()) == [NAME], "partial files left"


def test_every_mirror_failing_ends_in_one_clear_error(server: str, world: dict) -> None:
    urls = [f"{server}/{kind}/" for kind in BAD_KINDS]
    start = time.monotonic()
    with pytest.raises(DataNotFoundError) as err:
        fetch_verified(spec(*urls))
    message = str(err.value)
    for url in urls:
        assert url + NAME in message, f"{url} not named in the error"
    assert "IncompleteRead" in message  # the cut-off bodies
    assert "larger than" in message or "more than" in message  # the endless body and the bomb
    assert time.monotonic() - start < 30
    assert list(world["cache"].iterdir()) == []


def test_mirrors_from_the_environment_replace_the_canonical_ones(
    server: str, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLPCOURSE_MIRRORS", f"{server}/not-http {server}/good")
    contents, _ = fetch_verified(spec("http://127.0.0.1:9/never-tried/"))
    assert contents[NAME] == CONTENT
    (world["cache"] / NAME).unlink()
    monkeypatch.setenv("MLPCOURSE_MIRRORS", f"{server}/html/")
    with pytest.raises(DataNotFoundError) as err:
        fetch_verified(spec("http://127.0.0.1:9/never-tried/"))
    assert f"{server}/html/{NAME}" in str(err.value) and "never-tried" not in str(err.value)


def test_a_corrupt_cached_file_is_replaced_by_a_good_download(server: str, world: dict) -> None:
    world["cache"].mkdir(parents=True)
    (world["cache"] / NAME).write_bytes(corrupt_deflate(GOOD))
    assert read_verified(world["cache"] / NAME, spec())[0] is None
    contents, _ = fetch_verified(spec(f"{server}/good/"))
    assert contents[NAME] == CONTENT
    assert read_verified(world["cache"] / NAME, spec())[0] == CONTENT  # fixed for later calls


def test_a_local_gzip_bomb_is_refused_without_inflating_it(world: dict) -> None:
    bomb = world["tmp"] / NAME
    bomb.write_bytes(gzip.compress(b"\0" * (32 << 20)))  # 32 MiB of zeros in ~32 KiB
    raw, why = read_verified(bomb, spec())
    assert raw is None and "larger than" in (why or "")


def test_leftover_partial_downloads_are_cleaned_up(server: str, world: dict) -> None:
    world["cache"].mkdir(parents=True)
    stale = world["cache"] / f"{NAME}.abc123.part"
    stale.write_bytes(b"half a file")
    old = time.time() - 2 * download.FILE_DEADLINE
    os.utime(stale, (old, old))
    live = world["cache"] / f"{NAME}.def456.part"  # another process's download in progress
    live.write_bytes(b"in progress")
    fetch_verified(spec(f"{server}/good/"))
    assert not stale.exists() and live.exists()


@pytest.mark.parametrize("how", ["cache is a file", "cache under a file"])
def test_an_unwritable_cache_gives_a_clear_error(
    server: str, world: dict, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    blocker = world["tmp"] / "blocker"
    blocker.write_text("a file where a folder should be")
    if how == "cache is a file":
        target = blocker.parent / "xdg2"
        (target / "mlpcourse").mkdir(parents=True)
        (target / "mlpcourse" / "table").write_text("not a folder")
        monkeypatch.setenv("XDG_CACHE_HOME", str(target))
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.raises(DataNotFoundError) as err:
        fetch_verified(spec(f"{server}/good/"))
    message = str(err.value)
    assert "cache folder" in message and "XDG_CACHE_HOME" in message and "MLPCOURSE_DATA" in message


def test_root_or_env_pointing_at_nothing_is_a_clear_error(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DataNotFoundError, match=r"root=.*nowhere is not a folder"):
        fetch_verified(spec(), root=world["tmp"] / "nowhere")
    monkeypatch.setenv("MLPCOURSE_DATA", str(world["tmp"] / "nowhere-either"))
    with pytest.raises(DataNotFoundError, match=r"MLPCOURSE_DATA=.*nowhere-either is not a folder"):
        fetch_verified(spec())


def test_the_loopback_server_is_really_there(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=2):
        pass
