"""``export --format parquet --out DIR --partition-by source,year --append``: a
Hive-partitioned dataset of the sample site's pages, read with DuckDB and Dask."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.sample_site import SampleSite
from tests.support.sample_crawl import crawl_sample

duckdb = pytest.importorskip("duckdb")
pytestmark = pytest.mark.slow


def export(db: Path, folder: Path, *extra: str) -> str:
    args = ["export", "--db", str(db), "--format", "parquet", "--out", str(folder)]
    result = CliRunner().invoke(cli, [*args, "--partition-by", "source,year", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def read(folder: Path, sql: str) -> list[tuple[object, ...]]:
    table = f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
    return duckdb.sql(sql.format(t=table)).fetchall()


def test_a_partitioned_dataset_is_maintained_by_append(tmp_path: Path) -> None:
    db, folder = tmp_path / "archive.db", tmp_path / "pages"
    with SampleSite(crawl_delay="0") as site:
        crawl_sample(db, site)
        export(db, folder)
        conn = sqlite3.connect(db)
        pages = conn.execute(
            "SELECT url, version, source, coalesce(substr(published, 1, 4), "
            "substr(first_seen, 1, 4)) FROM pages"
        ).fetchall()
        assert set(read(folder, "SELECT url, version, source, year::VARCHAR FROM {t}")) == set(
            pages
        )
        years = {p.name for p in (folder / "source=sample").iterdir()}
        assert years == {f"year={p[3]}" for p in pages}
        files = sorted(folder.rglob("*.parquet"))
        assert f"0 page versions written to {folder} in 0 files ({len(pages)} already" in export(
            db, folder, "--append"
        )  # nothing new
        assert sorted(folder.rglob("*.parquet")) == files
        site.edition = 2
        crawl_sample(db, site)
        after = set(conn.execute("SELECT url, version FROM pages").fetchall())
        conn.close()
    refused = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "parquet", "--out", str(folder),
              "--partition-by", "source,year"],
    )  # fmt: skip
    assert refused.exit_code == 2 and "--append" in refused.output
    export(db, folder, "--append")
    stored = read(folder, "SELECT url, version FROM {t}")
    assert len(stored) == len(set(stored))  # no version twice
    assert set(stored) == {(u, v) for u, v, _s, _y in pages} | after
    latest = read(folder, "SELECT url, max(version) FROM {t} GROUP BY url")
    assert set(latest) == after
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.read_parquet(str(folder)).compute()
    assert len(frame) == len(stored)
    assert set(frame["source"].astype(str)) == {"sample"}


@pytest.mark.parametrize("spec", ["city", "source,source", "", "year,page"])
def test_bad_partition_keys_exit_2(tmp_path: Path, spec: str) -> None:
    result = CliRunner().invoke(
        cli, ["export", "--db", str(tmp_path / "a.db"), "--format", "parquet", "--out",
              str(tmp_path / "d"), "--partition-by", spec],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"--partition-by {spec!r}" in result.output
