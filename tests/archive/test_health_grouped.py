"""``source_health`` and the scheduler's plan read every source at once (grouped queries,
issue 17: 50,000 sources); each source must come out as the per-source queries
(``drift``, ``date_conflicts``, ``next_due``) give it, with runs of several sources
interleaved, one under way, one interrupted, and schedule state for some."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive.health import date_conflicts, drift, source_health
from archive.run.schedule import all_due, next_due
from archive.store.schema import open_archive
from crawler.config.settings import SourceConfig

RUNS = [  # (source, status, started_at, new, no_date): interleaved ids
    ("a", "ok", "2026-01-01T10:00:00Z", 10, 0),
    ("b", "ok", "2026-01-01T11:00:00Z", 4, 0),
    ("a", "ok", "2026-01-02T10:00:00Z", 10, 9),
    ("c", "interrupted", "2026-01-02T12:00:00Z", 0, 0),
    ("b", "failed", "2026-01-03T11:00:00Z", 0, 0),
    ("a", "running", "2026-01-04T10:00:00Z", 0, 0),
]


def test_each_source_as_the_per_source_queries_give_it(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    for source, status, started, new, no_date in RUNS:
        db.table("crawl_runs").insert({
            "source": source, "status": status, "started_at": started,
            "finished_at": None if status == "running" else started.replace("T1", "T2"),
            "new": new, "errors": 1, "fetched": 10,
        })  # fmt: skip
        if new:
            db.table("run_extraction").insert({
                "run_id": db.table("crawl_runs").last_pk, "source": source, "pages": new,
                "no_date": no_date, "no_title": 0, "no_body": 0,
            })  # fmt: skip
    db.table("schedule_state").insert_all([
        {"source": "a", "next_run_at": "2026-01-05T10:00:00Z", "period": 3600.0},
        {"source": "d", "next_run_at": "2026-01-01T00:00:00Z", "period": 60.0},
    ])  # fmt: skip
    for source, url, found in (("a", "https://a.test/1", "2026-01-03T00:00:00Z"),
                               ("b", "https://b.test/1", "2026-01-01T12:00:00Z")):  # fmt: skip
        db.table("pages").insert({
            "url": url, "source": source, "published": "2025-12-01", "published_source": "meta",
        })  # fmt: skip
        db.table("date_conflicts").insert({
            "page_url": url, "outcome": "kept", "kept": "2025-12-01", "kept_source": "meta",
            "rejected": "2025-11-30", "rejected_source": "text", "found_at": found,
        })  # fmt: skip
    now = datetime(2026, 1, 6, tzinfo=UTC)
    got = {h["name"]: h for h in source_health(db, now=now)}
    assert sorted(got) == ["a", "b", "c", "d"]
    for name, health in got.items():
        finished = db.execute(
            "SELECT id, status FROM crawl_runs WHERE source = ? AND status != 'running' "
            "ORDER BY id DESC LIMIT 1",
            [name],
        ).fetchone()
        last = health["last_run"]
        assert (last["id"], last["status"]) == tuple(finished) if finished else last is None
        assert health["drift"] == drift(db, name)
        assert health["date_conflicts"] == date_conflicts(db, name)
    assert got["a"]["running"] == "2026-01-04T10:00:00Z" and got["b"]["running"] is None
    assert got["a"]["drift"]["drifting"] is True  # the grouped rows reach the rule
    assert [c["url"] for c in got["b"]["date_conflicts"]] == ["https://b.test/1"]
    assert got["a"]["date_conflicts"][0]["new"] is True  # since a's last finished run
    assert got["b"]["date_conflicts"][0]["new"] is False
    assert got["a"]["next_run_at"] == "2026-01-05T10:00:00Z"
    kinds = {name: [p["kind"] for p in h["problems"]] for name, h in got.items()}
    assert "failing" in kinds["b"] and "interrupted" in kinds["c"] and "overdue" in kinds["d"]
    sources = [SourceConfig(name=n, start_urls=(f"https://{n}.test/",)) for n in "abcde"]
    assert all_due(db, sources) == [next_due(db, s) for s in sources]
    assert all_due(db, sources)[1] is not None  # b: from its last finished run
