"""The CLI in a subprocess, a database polled from outside, and schedule configs.

Used by the schedule, crash-safety and health tests: real processes, the sample site over
real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.sample_site import family_config_text, family_ground_truth

FAMILIES = ("sitepark", "typo3")
WAIT = 60.0  # upper bound of any wait on a subprocess or the database


def config_text(port: int, *, every: str = "every 5s", delay: float = 0.0,
                families: tuple[str, ...] = FAMILIES) -> str:  # fmt: skip
    """A config with one source per family on the sample site at ``port``."""
    text = f"[crawler]\ndelay = {delay}\nmax_delay = 0.05\nretries = 1\ntimeout = 5.0\n\n"
    for family in families:
        table = family_config_text(family, port)
        head = f"[sources.{family}]\n"
        text += table.replace(head, f'{head}schedule = "{every}"\n', 1) + "\n"
    return text


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "archive.cli", *args]


def run_cli(*args: str, timeout: float = WAIT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=timeout)


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT,
             proc: subprocess.Popen[bytes] | None = None) -> None:  # fmt: skip
    """Poll ``condition`` (a subprocess's effect: no event to wait on) until true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"process exited with {proc.returncode} while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def finished_runs(db_path: Path, source: str | None = None) -> int:
    if not db_path.exists():
        return 0
    try:
        sql = "SELECT count(*) FROM crawl_runs WHERE status != 'running'"
        if source:
            return int(query(db_path, sql + " AND source = ?", source)[0][0])
        return int(query(db_path, sql)[0][0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def check_archive(db_path: Path, families: tuple[str, ...] = FAMILIES) -> None:
    """integrity_check passes, no run is left running, every page is there exactly once."""
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    assert query(db_path, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == [(0,)]
    expected = set().union(*(family_ground_truth(f) for f in families))
    urls = [r[0] for r in query(db_path, "SELECT url FROM pages")]
    assert len(urls) == len(set(urls))
    assert expected <= set(urls)
    revisions = query(db_path, "SELECT page_url, count(*) FROM revisions GROUP BY page_url")
    assert all(n == 1 for _url, n in revisions)  # one site state: one version per page
