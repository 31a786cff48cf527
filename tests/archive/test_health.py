"""Health: failing, overdue and drifting sources; ``pressarchive status --check``; the
redesign edition of the sample site (edition 3) flagged as extraction drift."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli as pressarchive
from archive.health import drift, source_health
from archive.run.crawl import crawl_source
from archive.store.runs import record_extraction
from archive.store.schema import open_archive
from crawler.engine.store import ExtractionCounts
from crawler.sample_site import SampleSite, ground_truth, render_site
from crawler.sample_site.demo import sample_config
from tests.support.processes import run_cli


def _run(db_path: Path, source: str, status: str = "ok", **counts: int) -> int:
    db = open_archive(db_path)
    table = db.table("crawl_runs")
    table.insert({
        "source": source, "started_at": "2026-01-01T10:00:00+00:00",
        "finished_at": "2026-01-01T10:01:00+00:00", "status": status, **counts,
    })  # fmt: skip
    run_id = table.last_pk
    assert isinstance(run_id, int)
    db.close()
    return run_id


def _extraction(db_path: Path, source: str, pages: int, no_date: int) -> None:
    run_id = _run(db_path, source, new=pages)
    db = open_archive(db_path)
    record_extraction(db, run_id, source, ExtractionCounts(pages=pages, no_date=no_date))
    db.close()


def _check(db_path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(pressarchive, ["status", "--check", "--db", str(db_path)])
    return result.exit_code, result.output


def test_drift_needs_history_a_big_enough_run_and_a_rise(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    _extraction(db_path, "x", 50, 5)
    db = open_archive(db_path)
    assert drift(db, "x") is None  # no history yet
    _extraction(db_path, "x", 2, 2)  # too few pages to judge: ignored
    assert drift(db, "x") is None
    _extraction(db_path, "x", 4, 1)  # 25 %: below the share threshold
    assert drift(db, "x")["drifting"] is False  # type: ignore[index]
    _extraction(db_path, "x", 4, 3)  # 75 % vs about 14 % before
    found = drift(db, "x")
    assert found is not None and found["fields"] == ["date"] and found["latest"]["date"] == 0.75
    _extraction(db_path, "x", 0, 0)  # a run that saved nothing keeps the flag
    assert drift(db, "x")["drifting"] is True  # type: ignore[index]
    code, output = _check(db_path)
    assert code == 1 and "x: drifting: run 4: of 4 new/changed pages, date: 75% missing" in output


def test_failing_and_overdue_are_reported(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    _run(db_path, "broken", status="failed")
    _run(db_path, "flaky", fetched=2, errors=8)
    _run(db_path, "fine", fetched=20, errors=1)
    db = open_archive(db_path)
    now = datetime.now(UTC)
    for name, due in (("late", now - timedelta(hours=2)), ("fine", now + timedelta(hours=1))):
        db.table("schedule_state").insert(
            {"source": name, "next_run_at": due.isoformat(), "period": 60.0}
        )
    health = {h["name"]: h for h in source_health(db)}
    db.close()
    assert [p["kind"] for p in health["broken"]["problems"]] == ["failing"]
    assert [p["kind"] for p in health["flaky"]["problems"]] == ["failing"]
    assert health["flaky"]["error_rate"] == 0.8
    assert [p["kind"] for p in health["late"]["problems"]] == ["overdue"]
    assert health["fine"]["ok"] and health["fine"]["error_rate"] == pytest.approx(0.048, 0.01)
    code, output = _check(db_path)
    assert code == 1
    assert "broken: failing: last run 1 failed" in output
    assert "late: overdue: next run was due at" in output and "fine" not in output
    result = CliRunner().invoke(pressarchive, ["status", "--check", "--json", "--db", str(db_path)])
    assert {p["source"] for p in json.loads(result.output)} == {"broken", "flaky", "late"}


def test_redesign_edition_loses_dates_under_the_old_profile() -> None:
    old, new = render_site(2), render_site(3)
    changed = {k for k in new if k in old and new[k].body != old[k].body}
    pages = {k for k in changed if "sitemap" not in k and "?" not in k}
    assert len(pages) == 4
    for key in pages:
        body = new[key].body.decode()
        assert "SP-" not in body and 'class="rs-date"' in body
        assert "application-name" not in body
    with pytest.raises(ValueError, match="redesign"):
        ground_truth(3)


@pytest.mark.slow
def test_status_check_flags_the_redesign_edition(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = sample_config(site.port, delay=0.0, max_delay=0.01)
        for edition in (1, 2):
            site.edition = edition
            db = open_archive(db_path)
            crawl_source(db, config, config.source("sample"))
            db.close()
        healthy = run_cli("status", "--check", "--db", str(db_path))
        assert healthy.returncode == 0, healthy.stdout
        site.edition = 3
        db = open_archive(db_path)
        stats = crawl_source(db, config, config.source("sample"))
        db.close()
    assert stats.changed == 4 and stats.errors == 0
    drifting = run_cli("status", "--check", "--db", str(db_path))
    assert drifting.returncode == 1
    assert "sample: drifting: run 3: of 4 new/changed pages, date: 75% missing" in drifting.stdout
    shown = run_cli("status", "--db", str(db_path))
    assert "DRIFTING" in shown.stdout and "next run" not in shown.stdout
    rows = json.loads(run_cli("status", "--json", "--db", str(db_path)).stdout)
    assert rows[0]["health"]["drift"]["fields"] == ["date"]
