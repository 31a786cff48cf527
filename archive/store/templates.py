"""Learned site templates in the archive (migration 11): ``learned_templates`` and the
per-run template checks in ``run_templates``.

A source's template is its latest version. The crawl uses it as the source's profile when
the config pins none, and checks it on every page it extracts (a miss: its title and body
selectors find nothing); ``archive/health.py`` reports a template that stops matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crawler.clock import now_iso
from crawler.extract.learn import Learned, profile_from_json
from crawler.extract.profiles import SiteProfile


@dataclass(frozen=True)
class StoredTemplate:
    """One row of ``learned_templates``."""

    source: str
    version: int
    profile: SiteProfile
    learned_at: str
    pages: list[str]
    stats: dict[str, Any]

    @property
    def applies(self) -> bool:
        """Whether crawls may use it as the profile (``Learned.applies`` when it was learned)."""
        return bool(self.stats.get("applies", True))


def save_template(db: sqlite_utils.Database, source: str, learned: Learned) -> StoredTemplate:
    """Store ``learned`` as the next version of ``source``'s template."""
    row = db.execute(
        "SELECT max(version) FROM learned_templates WHERE source = ?", [source]
    ).fetchone()
    version = (row[0] or 0) + 1
    selectors = {k: v for k, v in vars(learned.profile).items() if v}
    record = {
        "source": source,
        "version": version,
        "profile": json.dumps(selectors, ensure_ascii=False),
        "learned_at": now_iso(),
        "pages": json.dumps(list(learned.pages), ensure_ascii=False),
        "stats": json.dumps(learned.stats_json(), ensure_ascii=False),
    }
    with db.atomic():
        db.execute(
            "INSERT INTO learned_templates (source, version, profile, learned_at, pages, stats) "
            "VALUES (:source, :version, :profile, :learned_at, :pages, :stats)",
            record,
        )
    return _stored(record)


def latest_template(db: sqlite_utils.Database, source: str) -> StoredTemplate | None:
    """The current (latest) template of ``source``, or None."""
    row = db.execute(
        "SELECT source, version, profile, learned_at, pages, stats FROM learned_templates "
        "WHERE source = ? ORDER BY version DESC LIMIT 1",
        [source],
    ).fetchone()
    if row is None:
        return None
    keys = ("source", "version", "profile", "learned_at", "pages", "stats")
    return _stored(dict(zip(keys, row, strict=True)))


def _stored(record: dict[str, Any]) -> StoredTemplate:
    return StoredTemplate(
        source=record["source"],
        version=record["version"],
        profile=profile_from_json(json.loads(record["profile"])),
        learned_at=record["learned_at"],
        pages=json.loads(record["pages"]),
        stats=json.loads(record["stats"] or "{}"),
    )


def record_template_run(
    db: sqlite_utils.Database, run_id: int, source: str, version: int, pages: int, misses: int
) -> None:
    """The template checks of run ``run_id`` (replacing earlier ones)."""
    db.table("run_templates").upsert(
        {"run_id": run_id, "source": source, "version": version, "pages": pages,
         "misses": misses},
        pk="run_id",
    )  # fmt: skip


__all__ = ["StoredTemplate", "latest_template", "record_template_run", "save_template"]
