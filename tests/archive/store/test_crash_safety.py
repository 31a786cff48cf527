"""Crash safety: SIGKILL at random moments, then normal runs, end in the archive one
uninterrupted crawl makes; readers (search, Datasette) keep working during a crawl.

``PRESSARCHIVE_CRASH_KILLS=20 pytest tests/archive/store/test_crash_safety.py`` kills 20
times (default 5).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from archive.run.crawl import crawl_source
from archive.search import engine as search
from archive.store.locking import ArchiveLock, recover_runs
from archive.store.schema import open_archive
from crawler.config.settings import loads_config
from crawler.sample_site import SampleSite
from tests.support.datasette_server import running_datasette
from tests.support.processes import check_archive, cli, config_text, query, wait_for

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("PRESSARCHIVE_CRASH_KILLS", "5"))
SEED = 7
#: columns of ``pages`` that hold times of fetching, not content
TIMESTAMPS = ("first_seen", "last_fetched", "last_changed")


def _content(db_path: Path) -> list[tuple[Any, ...]]:
    columns = [r[1] for r in query(db_path, "PRAGMA table_info(pages)") if r[1] not in TIMESTAMPS]
    rows = query(db_path, f"SELECT {', '.join(columns)} FROM pages ORDER BY url")
    rows += query(db_path, "SELECT * FROM images ORDER BY page_url, position")
    rows += query(db_path, "SELECT * FROM links ORDER BY page_url, rel, position")
    # media: which of two identical files is the revisit depends on timing, not content
    rows += query(db_path, "SELECT url, kind, status, digest, length FROM media ORDER BY url")
    return rows


def _no_half_written_version(db_path: Path) -> None:
    """Every page row has its revision, its images and its links (one transaction)."""
    assert query(db_path, "PRAGMA foreign_key_check") == []
    broken = query(
        db_path,
        "SELECT url FROM pages p WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE "
        "r.page_url = p.url AND r.version = p.version) "
        "OR image_count != (SELECT count(*) FROM images i WHERE i.page_url = p.url) "
        "OR related_count != (SELECT count(*) FROM links l WHERE l.page_url = p.url "
        "AND l.rel = 'related')",
    )
    assert broken == []


def _normal_run(db_path: Path, port: int) -> None:
    """What ``pressarchive crawl`` does, in this process: lock, recover, crawl."""
    config = loads_config(config_text(port, families=("sitepark",)))
    with ArchiveLock(db_path, "crawl"):
        db = open_archive(db_path)
        try:
            recover_runs(db)
            assert crawl_source(db, config, config.source("sitepark")).status == "ok"
        finally:
            db.close()


def test_sigkill_at_random_moments_then_normal_runs_equal_one_crawl(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        baseline = tmp_path / "baseline.db"
        _normal_run(baseline, site.port)
        # kill points within what every crawl asks for (a re-crawl: 304s, no media again)
        site.clear_requests()
        _normal_run(baseline, site.port)
        total = len(site.requests)
        cfg, db_path = tmp_path / "c.toml", tmp_path / "killed.db"
        cfg.write_text(config_text(site.port, families=("sitepark",)))
        killed_runs = 0
        for _ in range(KILLS):
            at = rng.randint(3, total - 3)
            start = len(site.requests)
            proc = subprocess.Popen(
                cli("crawl", "--config", str(cfg), "--db", str(db_path)),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip

            def reached(start: int = start, at: int = at, proc: Any = proc) -> bool:
                return len(site.requests) - start >= at or proc.poll() is not None

            wait_for(reached, f"request {at} of the crawl")
            proc.send_signal(signal.SIGKILL)
            killed_runs += proc.wait(timeout=30) == -signal.SIGKILL
            assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
            _no_half_written_version(db_path)
            _normal_run(db_path, site.port)
    assert killed_runs >= KILLS - 1  # a kill may come after a fast crawl ended
    check_archive(db_path, ("sitepark",))
    _no_half_written_version(db_path)
    assert _content(db_path) == _content(baseline)
    statuses = query(db_path, "SELECT status, count(*) FROM crawl_runs GROUP BY status")
    # a crawl not killed (it ended first) is one more ``ok`` run
    assert dict(statuses) == {"interrupted": killed_runs, "ok": 2 * KILLS - killed_runs}


def test_search_and_datasette_read_while_a_crawl_writes(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"  # Datasette names the database after the file
    open_archive(db_path).close()
    errors: list[str] = []
    reads = {"search": 0, "datasette": 0}
    done = threading.Event()

    def search_loop() -> None:
        db = open_archive(db_path)
        try:
            while not done.is_set():
                try:
                    search.search(db, "Stadt", limit=5)
                    search.count(db, "Kita")
                    reads["search"] += 1
                except Exception as exc:  # every error is a test failure
                    errors.append(f"search: {exc!r}")
        finally:
            db.close()

    with (
        SampleSite(edition=1, crawl_delay="0.01") as site,
        running_datasette(db_path) as base,
    ):
        cfg = tmp_path / "c.toml"
        cfg.write_text(config_text(site.port, delay=0.01))
        reader = threading.Thread(target=search_loop)
        reader.start()
        proc = subprocess.Popen(cli("crawl", "--config", str(cfg), "--db", str(db_path)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            with httpx.Client(timeout=10.0) as client:
                while proc.poll() is None:
                    response = client.get(
                        f"{base}/archive/pages.json", params={"_search": "Stadt", "_shape": "array"}
                    )
                    if response.status_code != 200:
                        errors.append(f"datasette: {response.status_code} {response.text[:200]}")
                    reads["datasette"] += 1
        finally:
            done.set()
            reader.join(timeout=30)
            stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, stderr
    assert errors == []
    assert reads["search"] > 5 and reads["datasette"] > 5
    check_archive(db_path)
