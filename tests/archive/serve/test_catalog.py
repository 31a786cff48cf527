"""The served archive's catalogue (archive/serve/catalog.py) against the real schema:
every table a reader sees is described, internal ones are hidden, and a column is
described only where the table has it."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.serve.catalog import INTERNAL_TABLES, INTERNAL_VIEWS, TABLE_DESCRIPTIONS, is_internal
from archive.serve.server import merge_metadata, metadata
from archive.store.schema import open_archive

#: The tables and views journalists and researchers read: every column described.
READER_TABLES = ("pages", "pages_view", "revisions", "images", "links")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    path = tmp_path_factory.mktemp("catalog") / "archive.db"
    db = open_archive(path)  # the schema ensure_schema creates, every migration applied
    rows = db.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')")
    kinds = dict(rows.fetchall())
    names = list(kinds)
    assert INTERNAL_VIEWS <= {n for n, kind in kinds.items() if kind == "view"}
    columns = {
        n: [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", [n])] for n in names
    }
    db.close()
    return path, columns


def tables_meta(path: Path) -> dict[str, dict]:
    return metadata(path)["databases"][path.stem]["tables"]


def test_every_table_is_internal_or_described(archive: tuple[Path, dict]) -> None:
    path, columns = archive
    meta = tables_meta(path)
    assert set(meta) == set(columns)
    for name in columns:
        if is_internal(name):
            assert meta[name] == {"hidden": True}, name
        else:
            assert meta[name].get("description"), f"{name}: no description (catalog.py)"
            assert not meta[name].get("hidden")
    # the lists name real tables only (a renamed table must be renamed there too)
    assert set(TABLE_DESCRIPTIONS) <= set(columns)
    assert set(INTERNAL_TABLES) <= set(columns)
    assert {"search_terms", "migrations", "discovery_cache", "schedule_state"} <= set(
        n for n in meta if meta[n].get("hidden")
    )
    assert all(
        meta[n].get("hidden") for n in columns if n.startswith(("pages_fts", "pages_search"))
    )


def test_described_columns_exist_and_reader_columns_are_described(
    archive: tuple[Path, dict],
) -> None:
    path, columns = archive
    meta = tables_meta(path)
    for name, entry in meta.items():
        described = set(entry.get("columns", {}))
        assert described <= set(columns[name]), (name, described - set(columns[name]))
    for name in READER_TABLES:
        missing = set(columns[name]) - set(meta[name]["columns"])
        assert not missing, f"{name}: columns without description: {sorted(missing)}"
    # one column name, two meanings: a link's url is its target, a page's its own URL
    assert meta["links"]["columns"]["url"] != meta["pages"]["columns"]["url"]


def test_user_metadata_wins_key_by_key(archive: tuple[Path, dict]) -> None:
    path, _columns = archive
    ours = metadata(path)
    theirs = {
        "title": "Newsroom archive",
        "databases": {path.stem: {"tables": {"pages": {"description": "Ours now"}}}},
    }
    merged = merge_metadata(ours, theirs)
    assert merged["title"] == "Newsroom archive"
    pages = merged["databases"][path.stem]["tables"]["pages"]
    assert pages["description"] == "Ours now"
    assert pages["columns"] == ours["databases"][path.stem]["tables"]["pages"]["columns"]
    assert merged["databases"][path.stem]["queries"] == ours["databases"][path.stem]["queries"]
    assert ours["title"] == "pressarchive"  # not changed in place
