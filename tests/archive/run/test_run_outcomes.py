"""How a crawl ends, the same for ``crawl``, ``demo`` and ``schedule --once``: a failed
run exits 1 (after every run is recorded), SIGTERM records the runs ``interrupted`` and
exits 130."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.sample_site import SampleSite, family_ground_truth
from tests.support.processes import WAIT, config_text, query, run_cli, wait_for
from tests.support.processes import cli as cli_args


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite(edition=1, crawl_delay="0.01") as running:
        yield running


def _break_captures(db_path: Path) -> None:
    """The WARC folder's path is a plain file: every capture fails (CaptureError)."""
    db_path.with_suffix(".warc").write_text("not a folder")


@pytest.mark.slow
def test_crawl_with_a_failed_run_exits_1_naming_it(site: SampleSite, tmp_path: Path) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, families=("sitepark",)))
    _break_captures(db_path)
    result = run_cli("crawl", "--config", str(cfg), "--db", str(db_path))
    assert result.returncode == 1, result.stderr
    assert "sitepark (FAILED):" in result.stdout
    assert "the run failed for: sitepark" in result.stderr
    assert query(db_path, "SELECT status FROM crawl_runs") == [("failed",)]


@pytest.mark.slow
def test_demo_reports_a_failed_run_and_exits_1(tmp_path: Path) -> None:
    db_path = tmp_path / "e.db"
    _break_captures(db_path)
    result = CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert "Crawled the sample site" not in result.output
    assert "did not finish" in result.output and "sample (FAILED):" in result.output
    assert "the run failed for: sample" in result.output
    assert query(db_path, "SELECT status FROM crawl_runs") == [("failed",)]


@pytest.mark.slow
def test_schedule_once_runs_every_due_source_despite_a_failure(
    site: SampleSite, tmp_path: Path
) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, every="every 1h"))
    _break_captures(db_path)
    result = run_cli("schedule", "--once", "--config", str(cfg), "--db", str(db_path), "--json")
    assert result.returncode == 1, result.stderr
    outcomes = json.loads(result.stdout)
    assert [(o["source"], o["status"]) for o in outcomes] == [
        ("sitepark", "failed"), ("typo3", "failed"),
    ]  # fmt: skip
    assert all(isinstance(o["run_id"], int) for o in outcomes)
    assert "run None" not in result.stderr
    assert query(db_path, "SELECT source, status FROM crawl_runs ORDER BY id") == [
        ("sitepark", "failed"), ("typo3", "failed"),
    ]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_mid_crawl_records_the_run_interrupted_and_exits_130(
    site: SampleSite, tmp_path: Path, sig: signal.Signals
) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, delay=0.02, families=("sitepark",)))
    log = (tmp_path / "crawl.log").open("wb")
    proc = subprocess.Popen(
        cli_args("crawl", "--config", str(cfg), "--db", str(db_path)),
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(lambda: len(site.requests) >= 30, "the crawl to be under way", proc=proc)
        proc.send_signal(sig)
        assert proc.wait(timeout=WAIT) == 130, (tmp_path / "crawl.log").read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    output = (tmp_path / "crawl.log").read_text()
    assert "interrupted: the runs of sitepark are recorded" in output
    assert query(db_path, "SELECT status FROM crawl_runs") == [("interrupted",)]
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    stored = query(db_path, "SELECT count(*) FROM pages")[0][0]
    assert 0 < stored < len(family_ground_truth("sitepark"))
