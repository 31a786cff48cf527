"""Copying one shard archive's rows into another archive (``pressarchive merge``).

:func:`merge_rows` is called inside the writer's transaction with the input opened
read-only; it adds what the output does not have yet and nothing else, so merging the same
input twice changes nothing and merging a newer copy of a shard adds only what is new:

* **pages** are identified by URL. A page the output lacks is copied with all its
  revisions (and their images and links) and its current images and links. A page it has
  must belong to the same source and its revisions must agree: every revision number both
  hold has the same ``fetched_at`` and ``content_hash``. Then the input's later revisions
  are appended and the page row (with its current images and links) is taken from the
  input if it holds a later state (more revisions, or a later ``last_fetched``). Anything
  else — the URL archived by two sources (a source moved between shard layouts) or two
  histories that diverged — is refused (:class:`MergeConflict`, naming the URL): merging
  cannot tell which history is the archive's.
* **crawl runs** are identified by ``(source, started_at)``; a new one gets the next id
  of the output, and its ``fetch_errors``, ``run_extraction`` and ``run_templates`` rows
  follow it. A run the output has takes the input's columns when they differ (a run the
  older copy saw ``running``); its fetch errors are added unless already there.
* by key, the first copy kept: ``sources``, ``aliases``, ``learned_templates``,
  ``watches``, ``deliveries`` (``(watch, target, page_url, version)``; new ids),
  ``date_conflicts`` (every column but the id); the later one kept: ``media`` (by
  ``fetched_at``), ``schedule_state`` (``updated_at``), ``discovery_cache`` (``fetched_at``),
  ``page_payloads`` (``fetched_at``).
* ``warc_file`` values (revisions, media, page payloads) go through ``warc_names``: the
  caller copies the WARC files and says under which names.

The derived indexes are not touched here (the caller rebuilds them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from archive.indexes import registry
from crawler.errors import MergeConflict

Row = dict[str, Any]

#: tables of a page's state and history, copied with it
PAGE_CHILDREN = ("images", "links")
#: pages read, looked up and copied at a time
CHUNK = 500
REVISION_CHILDREN = ("revision_images", "revision_links")


def columns(db: sqlite_utils.Database, table: str) -> list[str]:
    return [r[1] for r in db.conn.execute(f'PRAGMA table_info("{table}")').fetchall()]


def has_table(db: sqlite_utils.Database, table: str) -> bool:
    row = db.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    return row is not None


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> list[Row]:
    cur = db.conn.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


class Merger:
    """One input (``src``, read-only) merged into ``out`` (the writer's connection)."""

    def __init__(
        self,
        out: sqlite_utils.Database,
        src: sqlite_utils.Database,
        warc_names: Mapping[str, str],
        *,
        hooks: bool = True,
    ) -> None:
        self.out, self.src, self.warc_names = out, src, warc_names
        #: notify the derived indexes of each change (else the caller rebuilds them)
        self.hooks = hooks
        self.counts: Counter[str] = Counter()
        self.changed_urls: list[str] = []
        self.finished_runs: list[tuple[str, str]] = []
        self._cols: dict[str, list[str]] = {}
        self._tables: dict[str, bool] = {}

    # --- helpers -------------------------------------------------------------------------

    def cols(self, table: str) -> list[str]:
        """The columns both archives have (the input is current: the same ones)."""
        if table not in self._cols:
            mine = columns(self.out, table)
            theirs = set(columns(self.src, table)) if has_table(self.src, table) else set()
            self._cols[table] = [c for c in mine if c in theirs]
        return self._cols[table]

    def insert(
        self, table: str, row: Row, *, verb: str = "INSERT", skip: tuple[str, ...] = ()
    ) -> int:
        return self.insert_many(table, [row], verb=verb, skip=skip)

    def insert_many(
        self, table: str, rows: list[Row], *, verb: str = "INSERT", skip: tuple[str, ...] = ()
    ) -> int:
        """Insert ``rows`` (their ``warc_file`` renamed as the copies are); rows written."""
        if not rows:
            return 0
        cols = [c for c in self.cols(table) if c not in skip]
        names = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join("?" for _ in cols)
        rename = self.warc_names.get
        values = [
            [rename(row[c], row[c]) if c == "warc_file" and row[c] else row.get(c) for c in cols]
            for row in rows
        ]
        cur = self.out.conn.executemany(f'{verb} INTO "{table}" ({names}) VALUES ({marks})', values)
        return cur.rowcount

    def src_rows(self, table: str, where: str = "", params: Iterable[Any] = ()) -> list[Row]:
        if table not in self._tables:
            self._tables[table] = has_table(self.src, table)
        if not self._tables[table]:
            return []
        names = ", ".join(f'"{c}"' for c in self.cols(table))
        return _rows(self.src, f'SELECT {names} FROM "{table}" {where}', params)

    # --- pages ---------------------------------------------------------------------------

    def merge_pages(self) -> None:
        """The input's pages, ``CHUNK`` at a time: those the output lacks copied in bulk,
        the others compared and updated one by one."""
        names = ", ".join(f'"{c}"' for c in self.cols("pages"))
        cursor = self.src.conn.execute(f"SELECT {names} FROM pages ORDER BY url")
        fields = [d[0] for d in cursor.description]
        while chunk := [dict(zip(fields, r, strict=True)) for r in cursor.fetchmany(CHUNK)]:
            urls = json.dumps([p["url"] for p in chunk])
            known = {
                r[0]
                for r in self.out.conn.execute(
                    "SELECT url FROM pages WHERE url IN (SELECT value FROM json_each(?))", [urls]
                )
            }
            self._copy_new([p for p in chunk if p["url"] not in known])
            for page in chunk:
                if page["url"] in known:
                    self._merge_known(page)

    def _copy_new(self, pages: list[Row]) -> None:
        if not pages:
            return
        urls = [p["url"] for p in pages]
        self.insert_many("pages", pages)
        selected = "WHERE page_url IN (SELECT value FROM json_each(?))"
        for table in ("revisions", *REVISION_CHILDREN, *PAGE_CHILDREN):
            rows = self.src_rows(table, selected, [json.dumps(urls)])
            self.insert_many(table, rows)
            if table == "revisions":
                self.counts["new_revisions"] += len(rows)
        if self.hooks:
            registry.after_change(self.out, urls, new=True)
        self.counts["new_pages"] += len(pages)
        self.changed_urls.extend(urls)

    def _merge_known(self, page: Row) -> None:
        url = page["url"]
        mine = _rows(self.out, "SELECT source, last_fetched FROM pages WHERE url = ?", [url])
        theirs = self.src_rows("revisions", "WHERE page_url = ? ORDER BY revision", [url])
        if mine[0]["source"] != page["source"]:
            raise MergeConflict(
                f"{url}: archived for source {mine[0]['source']!r} in the output and for "
                f"{page['source']!r} in {self.src_name}; merge refuses one URL of two "
                "sources (was a source moved between shard layouts?)"
            )
        have = {
            r["revision"]: (r["fetched_at"], r["content_hash"])
            for r in _rows(
                self.out,
                "SELECT revision, fetched_at, content_hash FROM revisions WHERE page_url = ?",
                [url],
            )
        }
        for rev in theirs:
            known = have.get(rev["revision"])
            if known is not None and known != (rev["fetched_at"], rev["content_hash"]):
                raise MergeConflict(
                    f"{url}: revision {rev['revision']} differs between the output and "
                    f"{self.src_name} (fetched {known[0]} vs {rev['fetched_at']}): two "
                    "histories of one page; merge refuses to choose"
                )
        later = [r for r in theirs if r["revision"] not in have]
        newer_state = (page["last_fetched"] or "") > (mine[0]["last_fetched"] or "")
        if later and have and min(r["revision"] for r in later) < max(have):
            raise MergeConflict(
                f"{url}: {self.src_name} holds revisions the output lacks before its "
                "latest one: two histories of one page; merge refuses to choose"
            )
        if later or newer_state:
            if self.hooks:
                registry.before_change(self.out, [url])
            self._copy_revisions(url, later)
            self._replace_page(page)
            if self.hooks:
                registry.after_change(self.out, [url])
            self.counts["updated_pages"] += 1
            self.changed_urls.append(url)

    def _copy_revisions(self, url: str, revisions: list[Row]) -> None:
        for rev in revisions:
            self.insert("revisions", rev)
            for table in REVISION_CHILDREN:
                for row in self.src_rows(
                    table, "WHERE page_url = ? AND revision = ?", [url, rev["revision"]]
                ):
                    self.insert(table, row)
            self.counts["new_revisions"] += 1

    def _copy_state(self, url: str) -> None:
        for table in PAGE_CHILDREN:
            for row in self.src_rows(table, "WHERE page_url = ?", [url]):
                self.insert(table, row)

    def _replace_page(self, page: Row) -> None:
        cols = [c for c in self.cols("pages") if c != "url"]
        sets = ", ".join(f'"{c}" = ?' for c in cols)
        self.out.conn.execute(
            f"UPDATE pages SET {sets} WHERE url = ?", [*(page[c] for c in cols), page["url"]]
        )
        for table in PAGE_CHILDREN:
            self.out.conn.execute(f'DELETE FROM "{table}" WHERE page_url = ?', [page["url"]])
        self._copy_state(page["url"])

    # --- runs ----------------------------------------------------------------------------

    def merge_runs(self) -> None:
        for run in self.src_rows("crawl_runs", "ORDER BY id"):
            found = self.out.conn.execute(
                "SELECT id FROM crawl_runs WHERE source IS ? AND started_at IS ?",
                [run["source"], run["started_at"]],
            ).fetchone()
            if found is None:
                new_id = self.out.conn.execute(
                    "SELECT coalesce(max(id), 0) + 1 FROM crawl_runs"
                ).fetchone()[0]
                self.insert("crawl_runs", {**run, "id": new_id})
                self.counts["new_runs"] += 1
                if run["status"] == "ok" and run["finished_at"]:
                    self.finished_runs.append((run["source"], run["finished_at"]))
            else:
                new_id = found[0]
                cols = [c for c in self.cols("crawl_runs") if c != "id"]
                cur = self.out.conn.execute(
                    "UPDATE crawl_runs SET "
                    + ", ".join(f'"{c}" = ?' for c in cols)
                    + " WHERE id = ? AND NOT ("
                    + " AND ".join(f'"{c}" IS ?' for c in cols)
                    + ")",
                    [*(run[c] for c in cols), new_id, *(run[c] for c in cols)],
                )
                self.counts["updated_runs"] += cur.rowcount
                if cur.rowcount and run["status"] == "ok" and run["finished_at"]:
                    self.finished_runs.append((run["source"], run["finished_at"]))
            self._run_children(run["id"], new_id)

    def _run_children(self, old_id: int, new_id: int) -> None:
        for err in self.src_rows("fetch_errors", "WHERE run_id = ? ORDER BY id", [old_id]):
            row = {**err, "run_id": new_id}
            cols = [c for c in self.cols("fetch_errors") if c != "id"]
            same = self.out.conn.execute(
                "SELECT 1 FROM fetch_errors WHERE " + " AND ".join(f'"{c}" IS ?' for c in cols),
                [row[c] for c in cols],
            ).fetchone()
            if same is None:
                self.insert("fetch_errors", row, skip=("id",))
                self.counts["new_fetch_errors"] += 1
        for table in ("run_extraction", "run_templates"):
            for row in self.src_rows(table, "WHERE run_id = ?", [old_id]):
                self.insert(table, {**row, "run_id": new_id}, verb="INSERT OR REPLACE")

    # --- the rest ------------------------------------------------------------------------

    def merge_sources(self) -> None:
        for row in self.src_rows("sources"):
            self.counts["new_sources"] += self.insert("sources", row, verb="INSERT OR IGNORE")

    def merge_keyed(self) -> None:
        """Tables merged by key: the first copy kept, or the later one by a time column."""
        for table in ("aliases", "learned_templates", "watches"):
            for row in self.src_rows(table):
                self.counts[f"new_{table}"] += self.insert(table, row, verb="INSERT OR IGNORE")
        for table, key, stamp in (
            ("media", "url", "fetched_at"),
            ("schedule_state", "source", "updated_at"),
            ("discovery_cache", "url", "fetched_at"),
            ("page_payloads", "url", "fetched_at"),
        ):
            for row in self.src_rows(table):
                mine = self.out.conn.execute(
                    f'SELECT "{stamp}" FROM "{table}" WHERE "{key}" = ?', [row[key]]
                ).fetchone()
                if mine is None or (row[stamp] or "") > (mine[0] or ""):
                    self.insert(table, row, verb="INSERT OR REPLACE")
                    self.counts[f"new_{table}"] += 1
        for row in self.src_rows("deliveries"):
            self.counts["new_deliveries"] += self.insert(
                "deliveries", row, verb="INSERT OR IGNORE", skip=("id",)
            )
        cols = [c for c in self.cols("date_conflicts") if c != "id"]
        for row in self.src_rows("date_conflicts", "ORDER BY id"):
            same = self.out.conn.execute(
                "SELECT 1 FROM date_conflicts WHERE " + " AND ".join(f'"{c}" IS ?' for c in cols),
                [row[c] for c in cols],
            ).fetchone()
            if same is None:
                self.insert("date_conflicts", row, skip=("id",))
                self.counts["new_date_conflicts"] += 1

    src_name = "the input"


def merge_rows(
    out: sqlite_utils.Database,
    src: sqlite_utils.Database,
    warc_names: Mapping[str, str],
    name: str,
    *,
    hooks: bool = True,
) -> tuple[Counter[str], list[str]]:
    """Merge ``src`` into ``out`` (inside the caller's transaction): the counts of what was
    added (``new_pages``, ``new_revisions``, ``updated_pages``, ``new_runs`` …) and the
    URLs whose page changed. :class:`MergeConflict` naming the URL, see the module.

    With ``hooks`` the derived indexes are told of each page as the writer tells them
    (:mod:`archive.indexes.registry`), and of each successful run merged; without, the
    caller rebuilds them (faster for an output that had no pages)."""
    merger = Merger(out, src, warc_names, hooks=hooks)
    merger.src_name = name
    merger.merge_sources()  # first: pages refer to them by name
    merger.merge_runs()  # before the pages: graph edges read the runs of their source
    merger.merge_pages()
    merger.merge_keyed()  # after the pages: aliases refer to them
    if hooks:
        for source, finished_at in sorted(merger.finished_runs, key=lambda r: r[1]):
            registry.after_run(out, source, finished_at)
    return merger.counts, merger.changed_urls


def totals(db: sqlite_utils.Database) -> dict[str, int]:
    """Row counts of the archive's base tables."""
    tables = ("pages", "revisions", "images", "links", "media", "crawl_runs", "sources")
    return {t: db.conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


__all__ = ["MergeConflict", "Merger", "merge_rows", "totals"]
