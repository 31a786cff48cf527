"""Shards and merge on the sample site with every family (issue 17, item 5): the config
crawled as 2 and as 3 shards into separate archives, merged, equals one crawl of it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.capture.verify import read_record_at
from crawler.capture.warc import payload_digest
from crawler.sample_site import FAMILIES, SampleSite
from crawler.sample_site.demo import all_families_config_text
from tests.support.cli import invoke
from tests.support.sample_crawl import table_rows

pytestmark = pytest.mark.slow

#: what must be equal, as sets: the rows of each query
SETS = {
    "pages": "SELECT url, source, version, content_hash, published, title FROM pages",
    "revisions": "SELECT page_url, revision, content_hash, event, changed_fields FROM revisions",
    "images": "SELECT page_url, revision, position, src, caption, credit FROM revision_images",
    "links": "SELECT page_url, revision, rel, position, url, title FROM revision_links",
    "current_images": "SELECT page_url, position, src, alt FROM images",
    "current_links": "SELECT page_url, rel, position, url FROM links",
    "media": "SELECT url, source, kind, status, digest, length FROM media",
    "aliases": "SELECT url, canonical_url FROM aliases",
    "sources": "SELECT name, title, hosts FROM sources",
    "graph_edges": "SELECT source, target, rel, kind, label, title, date, position, present "
    "FROM graph_edges",
    "runs": "SELECT source, status, fetched, new, errors FROM crawl_runs",
    "payloads": "SELECT url, digest FROM page_payloads",
}
#: the whole derived graph, its times included (equal to the graph rebuilt from the rows)
GRAPH = "SELECT * FROM graph_edges"
QUERIES = ("Stadt", "Kinderbetreuung", "Feuerwehr", "Bürgermeister", "Schule OR Kita", "Verkehr")
#: tables a second merge must leave as they were
TABLES = ("pages", "revisions", "revision_images", "revision_links", "images", "links",
          "media", "crawl_runs", "fetch_errors", "run_extraction", "aliases", "sources",
          "graph_edges", "date_conflicts", "learned_templates", "page_payloads")  # fmt: skip


def rows(db: Path, sql: str, params: list[str] | None = None) -> set[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return set(conn.execute(sql, params or []).fetchall())
    finally:
        conn.close()


def shard_files(shards: list[Path]) -> dict[Path, bytes]:
    """The shard archives and their WARC files, byte for byte (SQLite's ``-wal`` and
    ``-shm`` aside: a connection the crawl left to the garbage collector may hold them)."""
    found = [db for db in shards] + [p for db in shards for p in db.with_suffix(".warc").iterdir()]
    return {p: p.read_bytes() for p in found}


def crawl(config: Path, db: Path, *extra: str) -> dict[str, Any]:
    result = invoke("crawl", "--config", str(config), "--db", str(db), "--json", *extra)
    return json.loads(result.output)


def merge(out: Path, *shards: Path) -> dict[str, Any]:
    args = [*map(str, shards), "--db", str(out), "--json"]
    return json.loads(invoke("merge", *args).output)


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with SampleSite(crawl_delay="0") as site:
        yield site


@pytest.fixture(scope="module")
def crawled(site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of the all-families config, and its shards for N = 2 and N = 3."""
    root = tmp_path_factory.mktemp("shards")
    config = root / "families.toml"
    config.write_text(all_families_config_text(site.port, delay=0.0, max_delay=0.01), "utf-8")
    single = root / "single" / "all.db"
    crawl(config, single)
    layouts: dict[int, list[tuple[Path, dict[str, Any]]]] = {}
    for n in (2, 3):
        layouts[n] = []
        for k in range(1, n + 1):
            db = root / f"n{n}" / f"shard{k}.db"
            layouts[n].append((db, crawl(config, db, "--shard", f"{k}/{n}")))
    return {"root": root, "config": config, "single": single, "layouts": layouts}


def test_the_shards_take_every_source_once(crawled: dict[str, Any]) -> None:
    for n, shards in crawled["layouts"].items():
        taken = [name for _db, summary in shards for name in summary["shard"]["sources"]]
        assert sorted(taken) == sorted(FAMILIES), n
        for k, (db, summary) in enumerate(shards, start=1):
            assert summary["shard"]["shard"] == k and summary["shard"]["of"] == n
            assert [r["source"] for r in summary["sources"]] == summary["shard"]["sources"]
            stored = {r[0] for r in rows(db, "SELECT DISTINCT source FROM pages")}
            assert stored == set(summary["shard"]["sources"])
            assert db.with_suffix(".warc").is_dir()


@pytest.mark.parametrize("n, one_by_one", [(2, False), (3, False), (3, True)])
def test_merged_shards_equal_one_crawl(crawled: dict[str, Any], n: int, one_by_one: bool) -> None:
    """All shards in one merge (the indexes built once), or one merge per shard (the
    first builds them, the next ones update them page by page)."""
    shards = [db for db, _summary in crawled["layouts"][n]]
    out = crawled["root"] / f"merged{n}{'-each' if one_by_one else ''}" / "all.db"
    if one_by_one:
        parts = [merge(out, shard) for shard in shards]
        assert parts[0]["reindexed"] and not any(p["reindexed"] for p in parts[1:])
        summary = {**parts[-1], "merged_from": [p["merged_from"][0] for p in parts]}
        summary["added"] = {"pages": sum(p["added"]["pages"] for p in parts)}
        summary["warc_files"] = {"copied": sum(p["warc_files"]["copied"] for p in parts)}
    else:
        summary = merge(out, *shards)
    single = crawled["single"]
    for what, sql in SETS.items():
        assert rows(out, sql) == rows(single, sql), what
    assert summary["pages"] == len(rows(single, "SELECT url FROM pages"))
    assert summary["revisions"] == len(rows(single, SETS["revisions"]))
    assert summary["merged_from"] == [str(db) for db in shards]
    sql = "SELECT warc_file, warc_offset, warc_record_id, digest FROM page_payloads"
    for file, offset, record_id, digest in rows(out, sql):  # named as the copies are
        record = read_record_at(out.with_suffix(".warc") / file, offset)
        assert (record.record_id, payload_digest(record.body)) == (record_id, digest)
    assert summary["added"]["pages"] == summary["pages"]
    assert summary["warc_files"]["copied"] == n

    for query in QUERIES:  # the same answers, in the same order
        found = [invoke("search", query, "--db", str(db), "--json", "--limit", "50").output
                 for db in (out, single)]  # fmt: skip
        merged_hits, single_hits = (json.loads(f) for f in found)
        assert merged_hits, query
        assert [h["url"] for h in merged_hits] == [h["url"] for h in single_hits], query

    for db, shard_summary in crawled["layouts"][n]:  # a page of each shard has its history
        url = sorted(rows(db, "SELECT url FROM pages WHERE page_type = 'press_release'"))[0][0]
        history = json.loads(invoke("history", url, "--db", str(out), "--json").output)
        assert history, shard_summary["shard"]

    copy = out.parent / "reparsed"  # reindex and reparse write: on a copy
    copy.mkdir()
    shutil.copy(out, copy / "all.db")
    shutil.copytree(out.with_suffix(".warc"), copy / "all.warc")
    invoke("reindex", "--db", str(copy / "all.db"))  # the indexes as they follow from the rows
    assert rows(copy / "all.db", GRAPH) == rows(out, GRAPH)
    for query in QUERIES:
        found = [invoke("search", query, "--db", str(db), "--json", "--limit", "50").output
                 for db in (out, copy / "all.db")]  # fmt: skip
        assert found[0] == found[1], query
    report = json.loads(invoke("reparse", "--db", str(copy / "all.db"), "--json").output)
    assert report["versions"] == summary["revisions"]
    assert report["errors"] == 0 and report["missing"] == 0


def test_merging_twice_changes_nothing(crawled: dict[str, Any]) -> None:
    shards = [db for db, _summary in crawled["layouts"][3]]
    inputs = shard_files(shards)
    out = crawled["root"] / "twice" / "all.db"
    merge(out, *shards)
    before = table_rows(out, TABLES)
    files = sorted(p.name for p in out.with_suffix(".warc").iterdir())
    again = merge(out, *shards[::-1])  # another order, too
    assert table_rows(out, TABLES) == before
    assert sorted(p.name for p in out.with_suffix(".warc").iterdir()) == files
    assert not any(again["added"].values())
    assert again["warc_files"]["copied"] == 0
    assert again["reindexed"] == {}
    text = invoke("merge", *map(str, shards), "--db", str(out)).output
    assert text.startswith("merged 3 archive(s): 0 new pages, 0 updated, 0 new revisions")
    assert f"now holds {again['pages']} pages, {again['revisions']} revisions" in text
    assert shard_files(shards) == inputs  # the shards are only read


def test_a_newer_copy_of_a_shard_adds_only_its_new_revisions(
    site: SampleSite, crawled: dict[str, Any], tmp_path: Path
) -> None:
    shards = [db for db, _summary in crawled["layouts"][2]]
    holder = next(db for db in shards if "sitepark" in str(rows(db, "SELECT name FROM sources")))
    newer = tmp_path / "newer" / "shard.db"  # the shard, crawled again after the site changed
    newer.parent.mkdir()
    shutil.copy(holder, newer)
    shutil.copytree(holder.with_suffix(".warc"), newer.with_suffix(".warc"))
    out = tmp_path / "all.db"
    merge(out, *shards)
    old_revisions = rows(out, SETS["revisions"])
    site.edition = 2
    try:
        crawl(crawled["config"], newer, "--shard", f"{shards.index(holder) + 1}/2")
    finally:
        site.edition = 1
    expected = rows(newer, SETS["revisions"]) - rows(holder, SETS["revisions"])
    assert expected  # edition 2 changed pages
    summary = merge(out, newer)
    assert summary["added"]["revisions"] == len(expected)
    assert rows(out, SETS["revisions"]) == old_revisions | expected
    changed = sorted({r[0] for r in expected})
    current = "SELECT url, version, content_hash FROM pages WHERE url IN ({})".format(
        ", ".join("?" for _ in changed)
    )
    assert rows(out, current, changed) == rows(newer, current, changed)
    assert merge(out, newer, *shards)["added"]["revisions"] == 0  # older copies add nothing
    reparse_copy = tmp_path / "r"
    reparse_copy.mkdir()
    shutil.copy(out, reparse_copy / "all.db")
    shutil.copytree(out.with_suffix(".warc"), reparse_copy / "all.warc")
    invoke("reindex", "--db", str(reparse_copy / "all.db"))  # updated page by page = rebuilt
    assert rows(reparse_copy / "all.db", GRAPH) == rows(out, GRAPH)
    for query in QUERIES:
        found = [invoke("search", query, "--db", str(db), "--json").output
                 for db in (out, reparse_copy / "all.db")]  # fmt: skip
        assert found[0] == found[1], query
    report = json.loads(invoke("reparse", "--db", str(reparse_copy / "all.db"), "--json").output)
    assert report["errors"] == 0 and report["missing"] == 0


def test_two_histories_of_one_page_are_refused(
    site: SampleSite, crawled: dict[str, Any], tmp_path: Path
) -> None:
    """The Sitepark source crawled fresh at edition 2: its revision 1 of a changed page is
    not the revision 1 of the edition-1 shard. Merge names the URL and writes nothing."""
    other = tmp_path / "other.db"
    site.edition = 2
    try:
        invoke("crawl", "--config", str(crawled["config"]), "--source", "sitepark",
               "--db", str(other))  # fmt: skip
    finally:
        site.edition = 1
    out = tmp_path / "all.db"
    merge(out, *[db for db, _summary in crawled["layouts"][2]])
    before = table_rows(out, TABLES)
    files = sorted(out.with_suffix(".warc").iterdir())
    result = CliRunner().invoke(cli, ["merge", str(other), "--db", str(out)])
    assert result.exit_code == 2, result.output
    assert "http://www.ruesselsheim.test/" in result.output
    assert "two histories" in result.output
    assert table_rows(out, TABLES) == before
    assert sorted(out.with_suffix(".warc").iterdir()) == files


def test_a_warc_name_taken_by_another_file_is_copied_under_a_new_name(
    crawled: dict[str, Any], tmp_path: Path
) -> None:
    """Two shards that started writing in the same second have WARC files of one name."""
    first, second = (db for db, _summary in crawled["layouts"][2])
    taken = next(first.with_suffix(".warc").iterdir()).name
    clash = tmp_path / "clash" / "shard2.db"
    clash.parent.mkdir()
    shutil.copy(second, clash)
    clash.with_suffix(".warc").mkdir()
    (own,) = second.with_suffix(".warc").iterdir()
    shutil.copy(own, clash.with_suffix(".warc") / taken)
    conn = sqlite3.connect(clash)
    with conn:
        for table in ("revisions", "media"):
            conn.execute(f"UPDATE {table} SET warc_file = ? WHERE warc_file = ?", [taken, own.name])
    conn.close()
    out = tmp_path / "all.db"
    summary = merge(out, first, clash)
    (renamed,) = summary["warc_files"]["renamed"].values()
    assert renamed != taken and renamed.endswith(".warc.gz")
    assert (out.with_suffix(".warc") / renamed).read_bytes() == own.read_bytes()
    assert rows(out, f"SELECT 1 FROM revisions WHERE warc_file = '{renamed}'")
    assert merge(out, first, clash)["warc_files"]["copied"] == 0  # found again, not re-copied
    report = json.loads(invoke("reparse", "--db", str(out), "--json").output)
    assert report["errors"] == 0 and report["missing"] == 0


def test_schedule_runs_the_sources_of_its_shard(crawled: dict[str, Any], tmp_path: Path) -> None:
    _db, summary = crawled["layouts"][3][0]
    db = tmp_path / "scheduled.db"
    args = ["schedule", "--once", "--shard", "1/3", "--config", str(crawled["config"])]
    outcomes = json.loads(invoke(*args, "--db", str(db), "--json").output)
    assert sorted(o["source"] for o in outcomes) == sorted(summary["shard"]["sources"])
    assert {r[0] for r in rows(db, "SELECT DISTINCT source FROM pages")} == set(
        summary["shard"]["sources"]
    )
    text = invoke(*args, "--db", str(db)).output  # nothing due now; the share is named
    assert f"shard 1/3: {', '.join(summary['shard']['sources'])}\n" in text
