"""``crawl --dask``: the sample site's four first families, each source a task on a Dask
``LocalCluster`` of two worker processes, gives the same pages as a local crawl."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.sample_site import SampleSite
from tests.support.processes import config_text

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

FOUR = ("sitepark", "typo3", "wordpress", "tablesite")
PAGES = "SELECT url, source, version, content_hash FROM pages"
REVISIONS = "SELECT page_url, revision, content_hash FROM revisions"


def rows(db: Path, sql: str) -> set[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return set(conn.execute(sql).fetchall())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


def test_a_dask_crawl_equals_a_local_crawl(cluster: Any, tmp_path: Path) -> None:
    with SampleSite(crawl_delay="0") as site:
        config = tmp_path / "four.toml"
        config.write_text(config_text(site.port, families=FOUR), encoding="utf-8")
        local, remote = tmp_path / "local.db", tmp_path / "dask" / "all.db"
        result = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--db", str(local)])
        assert result.exit_code == 0, result.output
        args = ["crawl", "--config", str(config), "--dask", cluster.scheduler_address]
        result = CliRunner().invoke(cli, [*args, "--db", str(remote), "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.output)
        again = CliRunner().invoke(cli, [*args, "--db", str(remote), "--json"])
        assert again.exit_code == 0, again.output
    assert sorted(r["source"] for r in summary["sources"]) == sorted(FOUR)
    assert summary["failed"] == []
    assert {Path(p).name for p in summary["merge"]["merged_from"]} == {f"{f}.db" for f in FOUR}
    assert rows(remote, PAGES) == rows(local, PAGES)
    assert rows(remote, REVISIONS) == rows(local, REVISIONS)
    assert rows(remote, "SELECT count(*) FROM crawl_runs") == {(8,)}  # two crawls of 4
    # the second crawl recrawled every shard (nothing changed) and merged its runs
    second = json.loads(again.output)
    assert second["merge"]["added"]["pages"] == 0 and second["merge"]["added"]["runs"] == 4
    assert rows(remote, PAGES) == rows(local, PAGES)


def test_a_source_that_fails_twice_is_reported(cluster: Any, tmp_path: Path) -> None:
    """A shard archive that cannot be opened (a directory in its place): the task raises on
    the worker, is retried once, and its source is reported; the others are merged."""
    with SampleSite(crawl_delay="0") as site:
        config = tmp_path / "two.toml"
        config.write_text(config_text(site.port, families=("typo3", "wordpress")), "utf-8")
        target = tmp_path / "all.db"
        (tmp_path / "all.shards" / "typo3.db").mkdir(parents=True)
        args = ["crawl", "--config", str(config), "--dask", cluster.scheduler_address]
        result = CliRunner().invoke(cli, [*args, "--db", str(target), "--json"])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.output[: result.output.rindex("}") + 1])
    assert summary["failed"] == ["typo3"]
    (failed,) = [r for r in summary["sources"] if r["source"] == "typo3"]
    assert "is a directory" in failed["error"]
    assert {r[0] for r in rows(target, "SELECT DISTINCT source FROM pages")} == {"wordpress"}
    assert "the run failed for: typo3" in result.output
