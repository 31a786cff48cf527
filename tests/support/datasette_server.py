"""Start a real ``datasette serve`` subprocess on a free loopback port for a test."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    """Poll ``url``/-/versions.json until the server answers; fail with its log if it dies."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}: {log_path.read_text()}")
        try:
            if httpx.get(url + "/-/versions.json", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            log_text = log_path.read_text()
            pytest.fail(f"server did not answer in {STARTUP_TIMEOUT}s: {log_text}")
        time.sleep(0.1)  # polling a starting subprocess: there is no event to wait on


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running_datasette(path: Path, *options: str) -> Iterator[str]:
    """Serve ``path`` with plain ``datasette serve`` (and ``options``, e.g.
    ``--plugins-dir DIR``); yield its base URL; stop it afterwards."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(path),
        "-p",
        str(port),
        "-h",
        "127.0.0.1",
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--setting",
        "default_page_size",
        "50",
        *options,
    ]
    log_path = path.with_suffix(".datasette.log")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, url, log_path)
        yield url
    finally:
        stop_process(proc)


@contextmanager
def running_serve(db: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """Run ``pressarchive serve --db DB OPTIONS…`` on a free loopback port (or ``port``);
    yield its base URL; stop it afterwards. Its log is ``DB.serve.log``."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)]
    log_path = db.with_suffix(".serve.log")
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*cmd, *options], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, url, log_path)
        yield url
    finally:
        stop_process(proc)
