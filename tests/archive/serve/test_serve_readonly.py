"""``pressarchive serve`` on an archive SQLite cannot open read-only — on a read-only
medium (a read-only bind mount in a user namespace) and, where any test runs, with a
directory in the way of its ``-wal`` — answers over HTTP on 127.0.0.1 (issue 14): Datasette
serves it as an immutable file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.archive.store.test_readonly import LOTSEN, _read_only_mount, make_archive, state
from tests.support.datasette_server import free_port, stop_process, wait_until_serving

pytestmark = pytest.mark.slow


def _serve(prefix: list[str], db: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    serve = [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*prefix, *serve], stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _check_answers(url: str, name: str) -> None:
    databases = httpx.get(f"{url}/-/databases.json", timeout=20.0).json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [(name, False)]
    hits = httpx.get(
        f"{url}/{name}/search.json", params={"q": "Lotsen", "_shape": "array"}, timeout=20.0
    )
    assert hits.status_code == 200, hits.text
    assert [row["url"] for row in hits.json()] == [LOTSEN]
    page = httpx.get(f"{url}/{name}/pages.json", params={"_shape": "array"}, timeout=20.0)
    assert len(page.json()) == 2


def test_serve_answers_on_a_read_only_medium(tmp_path: Path) -> None:
    source = tmp_path / "medium"
    source.mkdir()
    make_archive(source / "archive.db")
    before = state(source)
    mount = _read_only_mount(source, tmp_path / "ro")
    db = tmp_path / "ro" / "archive.db"
    prefix = ["unshare", "-rm", "sh", "-c", f'{mount} && exec "$@"', "sh"]
    proc, url = _serve(prefix, db, tmp_path / "serve.log")
    try:
        wait_until_serving(proc, url, tmp_path / "serve.log")
        _check_answers(url, "archive")
    finally:
        stop_process(proc)
    assert state(source) == before


def test_serve_answers_when_sqlite_cannot_open_the_archive_read_only(tmp_path: Path) -> None:
    db = make_archive(tmp_path / "archive.db")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    Path(f"{db}-wal").mkdir()
    proc, url = _serve([], db, tmp_path / "serve.log")
    try:
        wait_until_serving(proc, url, tmp_path / "serve.log")
        _check_answers(url, "archive")
    finally:
        stop_process(proc)
