"""SIGKILL while media are being fetched, then a normal run: the archive ends with every
media file a clean crawl archives, each row pointing at a record that reads back."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from archive.run.crawl import crawl_source
from archive.store.locking import recover_runs
from archive.store.schema import open_archive
from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureRef, payload_digest
from crawler.config.settings import loads_config
from crawler.sample_site import SampleSite
from tests.support.processes import cli, config_text, query, wait_for

pytestmark = pytest.mark.slow

MEDIA_ROWS = "SELECT url, kind, status, digest, length FROM media ORDER BY url"


def _run(db_path: Path, port: int) -> None:
    config = loads_config(config_text(port, families=("sitepark",)))
    db = open_archive(db_path)
    try:
        recover_runs(db)
        assert crawl_source(db, config, config.source("sitepark")).status == "ok"
    finally:
        db.close()


@pytest.mark.parametrize("after", [1, 20])
def test_a_kill_among_the_media_then_a_run_archives_them_all(tmp_path: Path, after: int) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        baseline = tmp_path / "baseline.db"
        _run(baseline, site.port)
        cfg, db_path = tmp_path / "c.toml", tmp_path / "killed.db"
        # 0.02 s between requests: the media phase lasts over a second, the kill lands in it
        cfg.write_text(config_text(site.port, families=("sitepark",), delay=0.02))
        site.clear_requests()
        proc = subprocess.Popen(
            cli("crawl", "--config", str(cfg), "--db", str(db_path)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

        def among_media() -> bool:
            media = [r for r in site.requests if r.path.startswith(("/medien/", "/uploads/"))]
            return len(media) >= after or proc.poll() is not None

        wait_for(among_media, f"media request {after} of the crawl")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
        _run(db_path, site.port)
    assert query(db_path, MEDIA_ROWS) == query(baseline, MEDIA_ROWS)
    folder = db_path.with_suffix(".warc")
    rows = query(db_path, "SELECT warc_file, warc_offset, warc_record_id, digest FROM media")
    for file, offset, record_id, digest in rows:
        body = read_capture(folder, CaptureRef(file, offset, 0, record_id)).body
        assert payload_digest(body) == digest
