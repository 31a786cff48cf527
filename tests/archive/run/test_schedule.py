"""``pressarchive schedule``: config keys, due sources, ``--once``, the lock, recovery, and
the long-running service (real processes, the sample site over real HTTP on 127.0.0.1).

The helpers are in ``tests/support/processes.py``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.run.schedule import next_due, save_state
from archive.store.locking import ArchiveLock, ArchiveLocked, recover_runs
from archive.store.schema import open_archive
from crawler.config.settings import loads_config
from crawler.errors import ConfigError
from crawler.sample_site import SampleSite, family_ground_truth
from tests.support.processes import (
    WAIT,
    check_archive,
    cli,
    config_text,
    finished_runs,
    query,
    run_cli,
    wait_for,
)


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite(edition=1, crawl_delay="0.01") as running:
        yield running


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("value", "expected"),
    [('"every 6h"', 21600), ('"every 1h30m"', 5400), ('"every 5s"', 5), ('"0 */6 * * *"', None)],
)
def test_schedule_key_accepts_intervals_and_crontab(value: str, expected: int | None) -> None:
    text = config_text(8080, families=("sitepark",)).replace('"every 5s"', value)
    source = loads_config(text).source("sitepark")
    assert source.parsed_schedule.interval == expected
    if expected is None:
        assert source.parsed_schedule.cron == "0 */6 * * *"


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ('schedule = "every 6x"', "sources.sitepark.schedule", "every N"),
        ('schedule = "99 * * * *"', "sources.sitepark.schedule", "crontab"),
        ('schedule = "weekly"', "sources.sitepark.schedule", "5 fields"),
        ("schedule = 6", "sources.sitepark.schedule", "expected a string"),
        (
            'schedule = "every 5s"\njitter = 5',
            "sources.sitepark.jitter",
            "less than the schedule's interval",
        ),
        ("jitter = -1", "sources.sitepark.jitter", "negative"),
        ("interval = 60", "sources.sitepark.interval", "unknown key"),
    ],
)
def test_bad_schedule_values_name_their_key(line: str, key: str, message: str) -> None:
    text = config_text(8080, families=("sitepark",)).replace('schedule = "every 5s"', line)
    with pytest.raises(ConfigError) as err:
        loads_config(text, "x.toml")
    assert f"key '{key}'" in str(err.value) and message in str(err.value)


def test_default_schedule_is_daily() -> None:
    text = config_text(8080, families=("sitepark",)).replace('schedule = "every 5s"\n', "")
    assert loads_config(text).source("sitepark").parsed_schedule.interval == 86400


# --------------------------------------------------------------------------- due sources


def test_next_due_from_state_runs_and_interruptions(tmp_path: Path) -> None:
    source = loads_config(config_text(8080, families=("sitepark",))).source("sitepark")
    db = open_archive(tmp_path / "a.db")
    assert next_due(db, source) is None  # never crawled: due now
    db.table("crawl_runs").insert(
        {"source": "sitepark", "started_at": "2026-01-01T10:00:00+00:00",
         "finished_at": "2026-01-01T10:00:10+00:00", "status": "ok"}
    )  # fmt: skip
    assert next_due(db, source) == datetime(2026, 1, 1, 10, 0, 15, tzinfo=UTC)
    later = datetime(2030, 1, 1, tzinfo=UTC)
    save_state(db, source, later)
    assert next_due(db, source) == later  # the stored state wins
    db.table("crawl_runs").insert(
        {"source": "sitepark", "started_at": "2026-01-01T11:00:00+00:00", "status": "running"}
    )
    assert recover_runs(db) == [2]
    assert next_due(db, source) is None  # interrupted: due at once


# --------------------------------------------------------------------------- --once, lock


@pytest.mark.slow
def test_once_runs_due_sources_then_nothing_until_due(site: SampleSite, tmp_path: Path) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, every="every 1h"))
    first = run_cli("schedule", "--once", "--config", str(cfg), "--db", str(db_path), "--json")
    assert first.returncode == 0, first.stderr
    outcomes = json.loads(first.stdout)
    assert [(o["source"], o["status"]) for o in outcomes] == [("sitepark", "ok"), ("typo3", "ok")]
    check_archive(db_path)
    again = run_cli("schedule", "--once", "--config", str(cfg), "--db", str(db_path), "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == []
    # typo3 overdue (as after a missed night): only it runs
    past = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE schedule_state SET next_run_at = ? WHERE source = 'typo3'", [past])
    conn.close()
    third = run_cli("schedule", "--once", "--config", str(cfg), "--db", str(db_path), "--json")
    assert [o["source"] for o in json.loads(third.stdout)] == ["typo3"]
    assert query(db_path, "SELECT source, count(*) FROM crawl_runs GROUP BY source") == [
        ("sitepark", 1), ("typo3", 2),
    ]  # fmt: skip


@pytest.mark.slow
def test_second_writer_refused_naming_the_holder(tmp_path: Path) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(9, families=("sitepark",)))
    with ArchiveLock(db_path, "schedule"):
        with pytest.raises(ArchiveLocked, match=f"pid {os.getpid()}"):
            ArchiveLock(db_path, "crawl").acquire()
        for command in (["schedule", "--once"], ["schedule"], ["crawl"]):
            result = run_cli(*command, "--config", str(cfg), "--db", str(db_path))
            assert result.returncode == 6, result.stderr
            assert f"pid {os.getpid()} (pressarchive schedule" in result.stderr
    with ArchiveLock(db_path, "crawl"):  # released: free again
        pass


@pytest.mark.slow
def test_run_left_running_by_dead_process_is_interrupted_and_redone(
    site: SampleSite, tmp_path: Path
) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, every="every 1h", families=("sitepark",)))
    db = open_archive(db_path)
    db.table("crawl_runs").insert(
        {"source": "sitepark", "started_at": "2026-01-01T10:00:00+00:00", "status": "running"}
    )
    db.close()
    result = run_cli("schedule", "--once", "--config", str(cfg), "--db", str(db_path), "--json")
    assert result.returncode == 0, result.stderr
    assert [o["status"] for o in json.loads(result.stdout)] == ["ok"]
    runs = query(db_path, "SELECT id, status FROM crawl_runs ORDER BY id")
    assert runs == [(1, "interrupted"), (2, "ok")]
    check_archive(db_path, ("sitepark",))


# --------------------------------------------------------------------------- the service


def _start(cfg: Path, db_path: Path) -> subprocess.Popen[bytes]:
    log = (db_path.parent / "schedule.log").open("ab")
    return subprocess.Popen(cli("schedule", "--config", str(cfg), "--db", str(db_path)),
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    return proc.wait(timeout=WAIT)


@pytest.mark.slow
def test_sigterm_mid_crawl_records_interrupted_and_next_start_redoes_it(
    site: SampleSite, tmp_path: Path
) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, every="every 1h", delay=0.02, families=("sitepark",)))
    proc = _start(cfg, db_path)
    wait_for(lambda: len(site.requests) >= 30, "the crawl to be under way", proc=proc)
    assert _stop(proc) == 0
    assert query(db_path, "SELECT status FROM crawl_runs") == [("interrupted",)]
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    stored = query(db_path, "SELECT count(*) FROM pages")[0][0]
    assert 0 < stored < len(family_ground_truth("sitepark"))
    result = run_cli("schedule", "--once", "--config", str(cfg), "--db", str(db_path), "--json")
    assert [o["status"] for o in json.loads(result.stdout)] == ["ok"]  # due at once
    check_archive(db_path, ("sitepark",))


@pytest.mark.slow
def test_service_runs_on_intervals_survives_sigkill_and_restart(
    site: SampleSite, tmp_path: Path
) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, every="every 5s", delay=0.01))
    proc = _start(cfg, db_path)
    try:
        # both sources run at once (never crawled), then again 5 s later
        wait_for(lambda: finished_runs(db_path, "sitepark") >= 2, "two sitepark runs", proc=proc)
        assert finished_runs(db_path, "typo3") >= 1
        # SIGKILL while the next sitepark run is under way
        wait_for(lambda: query(db_path, "SELECT count(*) FROM crawl_runs WHERE status = "
                               "'running' AND source = 'sitepark'")[0][0] == 1,
                 "a sitepark run under way", proc=proc)  # fmt: skip
        before = len(site.requests)
        wait_for(lambda: len(site.requests) >= before + 5, "requests of that run", proc=proc)
        proc.kill()
        proc.wait(timeout=WAIT)
        assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
        killed = query(db_path, "SELECT max(id) FROM crawl_runs WHERE status = 'running'")[0][0]
        assert killed is not None
        # restart: the dead run becomes interrupted, sitepark runs at once
        runs_before = finished_runs(db_path, "sitepark")
        proc = _start(cfg, db_path)
        wait_for(lambda: finished_runs(db_path, "sitepark") >= runs_before + 2,
                 "sitepark runs after the restart", proc=proc)  # fmt: skip
        assert _stop(proc) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check_archive(db_path)
    assert query(db_path, "SELECT status FROM crawl_runs WHERE id = ?", killed) == [
        ("interrupted",)
    ]
    statuses = {s for (s,) in query(db_path, "SELECT DISTINCT status FROM crawl_runs")}
    assert statuses <= {"ok", "interrupted"}
    state = dict(query(db_path, "SELECT source, period FROM schedule_state"))
    assert state == {"sitepark": 5.0, "typo3": 5.0}


@pytest.mark.slow
def test_log_json_writes_one_json_object_per_line(site: SampleSite, tmp_path: Path) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, every="every 1h", families=("typo3",)))
    result = run_cli("--log-json", "schedule", "--once", "--config", str(cfg), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(r["message"].startswith("typo3: run 1 ok; next run") for r in records)
