"""Dates that do not get worse (``archive/store/dates.py``): a re-extraction never replaces a
stored published date with one from a weaker source; the conflict is kept with both
candidates and reported by ``pressarchive status --check``. End to end: the sample site's
redesign (``demo`` then ``demo --edition 3``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.health import DATE_CONFLICTS_SHOWN, date_conflicts, source_health
from archive.store.save import save_page
from archive.store.schema import open_archive
from crawler.dates import DATE_STRENGTH, strength
from crawler.errors import EXIT_FAILED
from crawler.records import DateCandidate, Extracted
from crawler.sample_site import ground_truth
from tests.support.factories import extracted, fetch_result

URL = "https://www.stadt.test/presse/kommunalwahl"


def _page(
    published: str | None, source: str | None, body: str = "Text.", **fields: Any
) -> Extracted:
    candidates = (
        [DateCandidate(published, source, f"{source} detail")] if published and source else []
    )
    return extracted(
        URL, title="Wahlhelfer gesucht", body=body, published=published,
        published_source=source, date_candidates=candidates, **fields,
    )  # fmt: skip


def _save(db: sqlite_utils.Database, page: Extracted, when: str, event: str | None = None) -> str:
    return save_page(db, "s", page, fetch_result(URL, fetched_at=when), event=event)


def _stored(db: sqlite_utils.Database) -> tuple[str, str]:
    return db.execute(
        "SELECT published, published_source FROM pages WHERE url = ?", [URL]
    ).fetchone()


def _conflicts(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM date_conflicts ORDER BY id"))


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_archive(tmp_path / "a.db")


def test_a_weaker_date_never_replaces_a_stronger_one(db: sqlite_utils.Database) -> None:
    assert _save(db, _page("2025-09-16", "metadata"), "2025-09-16T08:00:00Z") == "new"
    redesign = _page("2026-03-15", "text", body="Neuer Text nach dem Relaunch.")
    assert _save(db, redesign, "2026-01-10T08:00:00Z") == "changed"
    assert _stored(db) == ("2025-09-16", "metadata")
    revision = db.execute(
        "SELECT revision, published, published_source FROM revisions WHERE page_url = ? "
        "ORDER BY revision DESC LIMIT 1",
        [URL],
    ).fetchone()
    assert revision == (2, "2025-09-16", "metadata")  # the new revision holds the kept date
    (row,) = _conflicts(db)
    assert {k: row[k] for k in row if k not in ("id", "found_at")} == {
        "page_url": URL, "outcome": "kept",
        "kept": "2025-09-16", "kept_source": "metadata", "kept_detail": None, "kept_revision": 1,
        "rejected": "2026-03-15", "rejected_source": "text", "rejected_detail": "text detail",
        "rejected_revision": 2, "event": "changed", "fetched_at": "2026-01-10T08:00:00.000Z",
    }  # fmt: skip
    # the same extraction again (a recrawl, a reparse) writes nothing, not even the conflict
    changes = db.conn.total_changes
    assert _save(db, redesign, "2026-01-11T08:00:00Z") == "unchanged"
    assert _save(db, redesign, "2026-01-12T08:00:00Z", event="reparse") == "unchanged"
    assert db.conn.total_changes == changes


def test_only_the_date_differs_the_conflict_is_recorded_once(db: sqlite_utils.Database) -> None:
    _save(db, _page("2025-09-16", "url"), "2025-09-16T08:00:00Z")
    for day in ("17", "18"):
        assert _save(db, _page("2026-03-15", "feed"), f"2025-09-{day}T08:00:00Z") == "unchanged"
    assert _stored(db) == ("2025-09-16", "url")
    (row,) = _conflicts(db)
    assert (row["outcome"], row["kept_revision"], row["rejected_revision"]) == ("kept", 1, 1)
    assert (row["event"], row["fetched_at"]) == ("unchanged", "2025-09-17T08:00:00.000Z")


def test_a_stronger_date_replaces_a_weaker_one_and_is_recorded(db: sqlite_utils.Database) -> None:
    _save(db, _page("2025-09-20", "teaser"), "2025-09-20T08:00:00Z")
    assert _save(db, _page("2025-09-16", "metadata"), "2025-09-21T08:00:00Z") == "changed"
    assert _stored(db) == ("2025-09-16", "metadata")
    (row,) = _conflicts(db)
    assert (row["outcome"], row["kept"], row["kept_source"], row["kept_revision"]) == (
        "replaced", "2025-09-16", "metadata", 2,
    )  # fmt: skip
    assert (row["rejected"], row["rejected_source"], row["rejected_revision"]) == (
        "2025-09-20", "teaser", 1,
    )  # fmt: skip
    health = source_health(db, ["s"])[0]
    assert health["ok"] and health["date_conflicts"][0]["outcome"] == "replaced"


@pytest.mark.parametrize(
    ("first", "new", "stored"),
    [
        (("2025-09-16", "metadata"), ("2025-09-17", "metadata"), ("2025-09-17", "metadata")),
        (("2025-09-16", "text"), (None, None), ("2025-09-16", "text")),  # no date now
        (("2025-09-16", "text"), ("2025-09-16", "teaser"), ("2025-09-16", "text")),  # same day
    ],
    ids=["as-strong-a-correction", "no-date-now", "the-same-day"],
)
def test_no_conflict_without_two_days_to_choose_from(
    db: sqlite_utils.Database,
    first: tuple[str, str],
    new: tuple[str | None, str | None],
    stored: tuple[str, str],
) -> None:
    _save(db, _page(*first), "2025-09-16T08:00:00Z")
    _save(db, _page(*new, body="Anders."), "2025-09-17T08:00:00Z")
    assert _stored(db) == stored
    assert _conflicts(db) == []


def test_strength_order_decides_every_pair(db: sqlite_utils.Database) -> None:
    """Every (stored, new) pair of sources on different days: the stronger date stays."""
    for number, (old_source, new_source) in enumerate(
        (a, b) for a in DATE_STRENGTH for b in DATE_STRENGTH if a != b
    ):
        url = f"{URL}-{number}"
        first = extracted(url, title="T", published="2025-01-01", published_source=old_source)
        second = extracted(url, title="T", published="2025-02-02", published_source=new_source)
        save_page(db, "s", first, fetch_result(url))
        save_page(db, "s", second, fetch_result(url))
        got = db.execute("SELECT published_source FROM pages WHERE url = ?", [url]).fetchone()[0]
        assert got == max(old_source, new_source, key=strength)


def test_status_check_names_new_conflicts_until_the_next_run(db: sqlite_utils.Database) -> None:
    db.table("crawl_runs").insert({"source": "s", "started_at": "2025-01-01T00:00:00.000Z",
                                   "status": "ok"})  # fmt: skip
    _save(db, _page("2025-09-16", "metadata"), "2025-09-16T08:00:00Z")
    _save(db, _page("2026-03-15", "text", body="Neu."), "2026-01-10T08:00:00Z")
    path = db.execute("PRAGMA database_list").fetchone()[2]
    runner = CliRunner()
    check = runner.invoke(cli, ["status", "--check", "--db", path])
    assert check.exit_code == EXIT_FAILED
    assert (
        f"s: date_conflict: {URL}: kept 2025-09-16 (metadata, revision 1), rejected 2026-03-15 "
        "(text, text detail, revision 2)"
    ) in check.output
    rows = json.loads(runner.invoke(cli, ["status", "--json", "--db", path]).output)
    assert rows[0]["newest_published"] == "2025-09-16"
    (listed,) = rows[0]["health"]["date_conflicts"]
    assert (listed["url"], listed["kept"], listed["rejected"], listed["new"]) == (
        URL, "2025-09-16", "2026-03-15", True,
    )  # fmt: skip
    # a later run: no longer a problem, still listed
    db.table("crawl_runs").insert({"source": "s", "started_at": "2099-01-01T00:00:00.000Z",
                                   "status": "ok"})  # fmt: skip
    assert runner.invoke(cli, ["status", "--check", "--db", path]).exit_code == 0
    (later,) = date_conflicts(db, "s")
    assert later["new"] is False


def test_many_conflicts_are_named_up_to_a_count(db: sqlite_utils.Database) -> None:
    for i in range(DATE_CONFLICTS_SHOWN + 2):
        url = f"{URL}-{i}"
        save_page(db, "s", extracted(url, title="T", published="2025-01-01",
                                     published_source="metadata"), fetch_result(url))  # fmt: skip
        save_page(db, "s", extracted(url, title="T", published="2025-02-02",
                                     published_source="text"), fetch_result(url))  # fmt: skip
    problems = source_health(db, ["s"])[0]["problems"]
    assert len(problems) == DATE_CONFLICTS_SHOWN + 1
    assert problems[-1]["message"].startswith("and 2 more pages")


# --------------------------------------------------------------------------- the sample site


def _dates(db_path: Path) -> dict[str, tuple[str, str]]:
    db = sqlite_utils.Database(db_path)
    rows = db.execute(
        "SELECT url, published, published_source FROM pages WHERE published IS NOT NULL"
    )
    found = {url: (day, source) for url, day, source in rows.fetchall()}
    db.close()
    return found


@pytest.mark.slow
def test_the_redesign_moves_no_date_to_a_weaker_source(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--db", str(db_path), "--json"])
    assert first.exit_code == 0, first.output
    before = _dates(db_path)
    redesign = runner.invoke(cli, ["demo", "--edition", "3", "--db", str(db_path), "--json"])
    assert redesign.exit_code == 0, redesign.output
    after = _dates(db_path)
    for url, (day, source) in before.items():
        new_day, new_source = after[url]
        assert new_day == day or strength(new_source) > strength(source), url
    db = sqlite_utils.Database(db_path)
    conflicts = [c for c in _conflicts_of(db) if c["outcome"] == "kept"]
    db.close()
    assert conflicts, "the redesign's text dates should disagree with the stored metadata"
    truth = ground_truth(2)  # edition 3 is edition 2 redesigned: the same release dates
    for c in conflicts:
        assert after[c["page_url"]] == (c["kept"], c["kept_source"])
        assert (c["kept"], c["kept_source"]) == (
            truth[c["page_url"]]["published"], truth[c["page_url"]]["published_source"],
        )  # fmt: skip
        assert strength(c["rejected_source"]) < strength(c["kept_source"])
    check = runner.invoke(cli, ["status", "--check", "--db", str(db_path)])
    assert check.exit_code == EXIT_FAILED
    for c in conflicts:
        assert (
            f"{c['page_url']}: kept {c['kept']} ({c['kept_source']}, revision "
            f"{c['kept_revision']}), rejected {c['rejected']} ({c['rejected_source']}"
        ) in check.output
    (row,) = json.loads(runner.invoke(cli, ["status", "--json", "--db", str(db_path)]).output)
    assert row["newest_published"] == max(day for day, _source in after.values())
    assert row["newest_published"] not in {c["rejected"] for c in conflicts}
    # a reparse extracts the same records again: the dates stay, nothing new is recorded
    reparsed = runner.invoke(cli, ["reparse", "--db", str(db_path), "--json"])
    assert reparsed.exit_code == 0, reparsed.output
    assert _dates(db_path) == after
    db = sqlite_utils.Database(db_path)
    assert len([c for c in _conflicts_of(db) if c["outcome"] == "kept"]) == len(conflicts)
    db.close()


def _conflicts_of(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM date_conflicts ORDER BY id"))
