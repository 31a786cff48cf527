"""A crawl killed outright (SIGKILL, power loss) leaves its run ``running``: `status
--check` must not call that healthy while no process holds the archive, and must not
flag the run of a writer that is alive (issue 14, hostile review of the fixes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from archive.cli.main import cli
from archive.store.schema import open_archive
from tests.support.factories import archive_with, extracted

#: a writer that starts a run, says so, then waits (killed by the test, or released)
WRITER = """
import sys
from archive.store import runs
from archive.store.locking import writer
with writer(sys.argv[1], "crawl") as db:
    runs.start_run(db, "x")
    print("running", flush=True)
    sys.stdin.read()
"""


def start_writer(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "running"
    return proc


def check(path: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(cli, ["status", "--check", "--json", "--db", str(path)])
    return result.exit_code, json.loads(result.output)


def problems(report: dict[str, object]) -> list[str]:
    text = json.dumps(report)
    return [k for k in ("no pressarchive process holds",) if k in text]


def test_a_killed_writer_run_is_a_problem_a_live_one_is_not(tmp_path: Path) -> None:
    path = archive_with(tmp_path / "archive.db", [("x", extracted("https://x.test/a"))])
    db = open_archive(path)
    db.table("crawl_runs").insert(
        {"source": "x", "started_at": "2026-01-01T10:00:00.000Z", "status": "ok",
         "finished_at": "2026-01-01T10:01:00.000Z"}
    )  # fmt: skip
    db.close()
    healthy, report = check(path)
    assert healthy == 0 and not problems(report), report

    live = start_writer(path)
    try:
        code, report = check(path)
        assert code == 0 and not problems(report), report  # a crawl under way is fine
    finally:
        live.send_signal(signal.SIGKILL)
        live.wait()

    code, report = check(path)
    assert code == 1 and problems(report), report
