"""import-warc's extraction step (``archive.run.pool.extract_fetched``, run by the worker
processes with ``--workers``) prepares the derived indexes' text work for every page the
import saves, and the writer uses it: the archive is the same as when the writer does that
work itself, derived tables included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from archive.run import pool
from archive.run.warc_import import import_warc
from archive.store import record, save
from archive.store.schema import open_archive
from crawler.capture.warc import WarcWriter
from crawler.records import FetchResult

ARTICLE = (
    "<html lang='de'><head><meta charset='utf-8'><title>{title}</title>"
    "<meta name='date' content='2024-05-{day:02d}'></head><body><main><article>"
    "<h1>{title}</h1><p>{text}</p><p>Die Stadtverwaltung Musterstadt informiert die "
    "Bürgerinnen und Bürger über die Sanierung der Grundschule am Marktplatz.</p>"
    "</article></main></body></html>"
)
TEXTS = (
    ("Stadtfest am Rathausplatz", "Bürgermeisterin Anna Schmidt eröffnet das Stadtfest."),
    ("Sperrung der Hauptstraße", "Wegen Bauarbeiten ist die Hauptstraße gesperrt."),
    ("Neue Bücher in der Stadtbibliothek", "Die Stadtbibliothek Musterstadt hat neue Bücher."),
)


def _warc(folder: Path) -> list[Path]:
    with WarcWriter(folder) as writer:
        for day, (title, text) in enumerate(TEXTS, start=1):
            url = f"http://musterstadt.test/presse/{day}.html"
            body = ARTICLE.format(title=title, day=day, text=text).encode()
            writer.write(FetchResult(url=url, final_url=url, status=200, body=body,
                                     headers={"content-type": "text/html; charset=utf-8"},
                                     fetched_at=f"2025-01-0{day}T10:00:00Z"))  # fmt: skip
    return sorted(folder.glob("*.warc.gz"))


#: columns that hold when a table was made, not what the import wrote
WHEN = frozenset({"applied_at", "added_at", "built_at"})


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), without where captures were copied (a new file each
    import, fresh record ids) and without the times of :data:`WHEN`."""
    db = sqlite_utils.Database(path)
    out = {}
    for table in db.table_names():
        if table.startswith("sqlite_"):
            continue
        names = [
            c.name
            for c in db[table].columns
            if not c.name.startswith("warc_") and c.name not in WHEN
        ]
        out[table] = sorted(
            db.execute(f"SELECT {', '.join(f'[{n}]' for n in names)} FROM [{table}]").fetchall(),
            key=repr,
        )
    db.close()
    return out


def test_extract_fetched_prepares_saved_pages_only() -> None:
    from crawler.config.settings import SourceConfig

    src = SourceConfig(name="muster", hosts=("musterstadt.test",), scheme="http")
    title, text = TEXTS[0]
    body = ARTICLE.format(title=title, day=1, text=text).encode()
    url = "http://musterstadt.test/presse/1.html"
    result = pool.fetch_result(url, {"content-type": "text/html"}, body, "2025-01-01T10:00:00Z")
    done = pool.extract_fetched((src, result, ""))
    assert done.page is not None and done.page.title == title
    assert done.prepared  # the indexes' work, by index name
    # against the stored hash of the same content: nothing to prepare (saved unchanged)
    again = pool.extract_fetched((src, result, record.content_hash(done.page)))
    assert again.page is not None and again.prepared is None


def test_import_uses_the_prepared_work_and_writes_what_the_writer_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warcs = _warc(tmp_path / "in")
    handed: list[Any] = []
    original = save.save_fetched_page

    def spy(*args: Any, **kwargs: Any) -> str:
        handed.append(kwargs.get("prepared"))
        return original(*args, **kwargs)

    monkeypatch.setattr(save, "save_fetched_page", spy)
    db = open_archive(tmp_path / "prepared.db")
    report = import_warc(db, warcs, source="muster")
    db.close()
    assert report["new"] == len(TEXTS)
    assert len(handed) == len(TEXTS) and all(handed)
    # the same import with the writer doing the indexes' work itself
    handed.clear()
    monkeypatch.setattr(pool, "prepare_page", lambda *args: None)
    db = open_archive(tmp_path / "writer.db")
    assert import_warc(db, warcs, source="muster") == report
    db.close()
    assert handed == [None] * len(TEXTS)
    prepared, written = _tables(tmp_path / "prepared.db"), _tables(tmp_path / "writer.db")
    assert prepared["pages_search_docsize"] and prepared["page_topics"]
    assert prepared == written
