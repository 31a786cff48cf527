"""The write path's fast path for a page not stored yet (no index rows to take out, no
images, links or revisions to replace, revision 1, no topic rows to delete) writes every
row the full path writes: the same saves, in a batch as the crawl makes them and one by
one, give identical tables either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from archive.indexes import registry, topic_index
from archive.store import revisions, save
from archive.store.schema import open_archive
from crawler.records import Extracted, Image, Link
from tests.support.factories import extracted, fetch_result

SITE = "https://www.ruesselsheim.de/presse/"
BODY = "Das Stadtfest beginnt am Freitag auf dem Marktplatz. Es endet am Sonntag."


def _page(n: int, **kw: Any) -> Extracted:
    values: dict[str, Any] = {
        "url": f"{SITE}{n}", "title": f"Stadtfest {n}", "body": f"{BODY} Folge {n}.",
        "published": f"2025-06-{n % 28 + 1:02d}",
        "images": [Image(f"https://x/{n}.jpg", "Alt", "Bühne", "Foto: A")],
        "related": [Link(f"{SITE}{n + 1}", "Nächste", "topic")],
        "links": [f"{SITE}{n - 1}"], "credits": ["Foto: A"],
    }  # fmt: skip
    values.update(kw)
    return extracted(**values)


def _saves(db: sqlite_utils.Database, batch: registry.PendingChanges | None) -> None:
    """New pages, one changed, a duplicate, a redirect, an unchanged one and a page saved
    twice in the batch: the fast path and the full path side by side."""
    when = iter(f"2025-06-01T08:{m:02d}:00Z" for m in range(60))
    for n in range(6):
        save.save_fetched_page(db, "s", _page(n), fetch_result(f"{SITE}{n}", fetched_at=next(when)),
                               batch=batch)  # fmt: skip
    changed = _page(2, body=BODY + " Der Eintritt ist frei.")
    save.save_fetched_page(db, "s", changed, fetch_result(changed.url, fetched_at=next(when)),
                           batch=batch)  # fmt: skip
    dup = _page(3, url=f"{SITE}copy-3")
    save.save_fetched_page(db, "s", dup, fetch_result(dup.url, fetched_at=next(when)), batch=batch)
    moved = _page(7, url=f"{SITE}7-final")
    save.save_fetched_page(db, "s", moved, fetch_result(f"{SITE}7", fetched_at=next(when)),
                           requested=f"{SITE}7", batch=batch)  # fmt: skip
    save.save_fetched_page(db, "s", _page(1), fetch_result(f"{SITE}1", fetched_at=next(when)),
                           batch=batch)  # fmt: skip
    twice = _page(8, title="Erst so")
    save.save_fetched_page(db, "s", twice, fetch_result(twice.url, fetched_at=next(when)),
                           batch=batch)  # fmt: skip
    save.save_fetched_page(db, "s", _page(8), fetch_result(twice.url, fetched_at=next(when)),
                           batch=batch)  # fmt: skip
    if batch is not None:
        batch.flush(db, 3)
        batch.flush(db)


def _tables(db: sqlite_utils.Database) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table in db.table_names():
        if table in ("migrations", "index_state"):  # applied / built: the wall clock
            continue
        cols = ", ".join(f'"{c}"' for c in db[table].columns_dict)
        out[table] = db.execute(f'SELECT {cols} FROM "{table}" ORDER BY {cols}').fetchall()
    return out


def _full_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every save as if the page had rows to replace (the path before the fast one)."""
    monkeypatch.setattr(save, "_nothing_to_replace", lambda cur: False)
    refresh = topic_index.refresh_pages
    monkeypatch.setattr(
        topic_index,
        "refresh_pages",
        lambda db, urls, prepared=None, *, new=False: refresh(
            db, urls, prepared, new=False
        ),  # fmt: skip
    )
    save_revision = revisions.save_revision
    monkeypatch.setattr(
        revisions, "save_revision", lambda *a, first=False, **kw: save_revision(*a, **kw)
    )


@pytest.mark.parametrize("batched", [True, False])
def test_fast_path_writes_what_the_full_path_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batched: bool
) -> None:
    fast = open_archive(tmp_path / "fast.db")
    _saves(fast, registry.PendingChanges() if batched else None)
    with monkeypatch.context() as patch:
        _full_path(patch)
        full = open_archive(tmp_path / "full.db")
        _saves(full, registry.PendingChanges() if batched else None)
    fast_rows, full_rows = _tables(fast), _tables(full)
    assert fast_rows["pages"] and fast_rows["topic_terms"] and fast_rows["aliases"]
    assert fast_rows == full_rows


def test_first_revision_needs_no_look_up(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    save.save_fetched_page(db, "s", _page(1), fetch_result(f"{SITE}1"))
    db.conn.set_trace_callback(None)
    assert not [s for s in seen if "max(revision)" in s or s.startswith("DELETE FROM images")]
    assert sum("FROM aliases" in s for s in seen) == 1  # asked once: requested is the URL
