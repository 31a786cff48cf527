"""The data dictionary of the data package (archive.package_fields) and the package writer
on a small archive: coded values from where the code defines them, keys that name
described columns, a package written all or nothing per file, never into the archive."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from archive import export_package as package
from archive.package_fields import TABLE_NAMES, TABLES
from archive.store.revisions import EVENTS
from archive.store.schema import LINK_RELS, open_archive
from crawler.errors import ExportError
from crawler.records import DATE_SOURCES, LINK_KINDS, PAGE_TYPES, Image, Link
from tests.support.factories import archive_with, extracted

BASE = "https://www.ruesselsheim.de/presse/"


def test_coded_values_are_the_codes_own() -> None:
    values = {(t.name, f.name): f.values for t in TABLES for f in t.fields if f.values}
    assert tuple(values[("pages", "page_type")] or ()) == PAGE_TYPES
    assert tuple(values[("versions", "published_source")] or ()) == DATE_SOURCES
    assert tuple(values[("versions", "event")] or ()) == EVENTS
    assert tuple(values[("links", "kind")] or ()) == LINK_KINDS
    assert set(values[("links", "rel")] or ()) == set(LINK_RELS) - {"attachment"}
    for meanings in values.values():
        assert all(isinstance(m, str) and m.strip() for m in (meanings or {}).values())


def test_keys_name_described_columns() -> None:
    tables = {t.name: t for t in TABLES}
    assert len(tables) == len(TABLES) == len(TABLE_NAMES)
    for table in TABLES:
        assert len(set(table.columns)) == len(table.columns), table.name
        assert set(table.primary_key) <= set(table.columns), table.name
        for cols, other, keys in table.foreign_keys:
            assert set(cols) <= set(table.columns) and set(keys) <= set(tables[other].columns)
        assert all(f.description.strip() for f in table.fields), table.name


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    page = extracted(
        BASE + "a.html", title="Kita eröffnet", body="Text", published="2025-02-01",
        images=[Image("https://x/1.jpg", alt="Bild", credit="Foto: A")],
        related=[Link(BASE + "b.html", "B", kind="press", date="2025-01-02")],
    )  # fmt: skip
    return archive_with(tmp_path / "archive.db", [("ruesselsheim", page)])


def test_package_of_an_archive_without_media_or_topics(small: Path, tmp_path: Path) -> None:
    db = open_archive(small)
    counts = package.export_package(db, "csv", tmp_path / "out", package.Selection())
    assert counts["pages"] == counts["images"] == counts["links"] == 1
    assert counts["topics"] == counts["entities"] == 0
    with (tmp_path / "out" / "images.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["credit"] == "Foto: A" and row["media_status"] == "" and row["revision"] == "1"
    with (tmp_path / "out" / "topics.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["page_url", "rank", "phrase", "score"]


def test_a_failed_package_leaves_no_description_and_no_part(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "datapackage.json").write_text("{}", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    real = package._write_text

    def failing(rows, table, fmt, path):  # type: ignore[no-untyped-def]
        if table.name == "links":
            raise OSError(28, "No space left on device")
        return real(rows, table, fmt, path)

    monkeypatch.setattr(package, "_write_text", failing)
    with pytest.raises(ExportError, match="links.csv"):
        package.export_package(open_archive(small), "csv", out, package.Selection())
    names = {p.name for p in out.iterdir()}
    assert "datapackage.json" not in names and "notes.txt" in names
    assert not [n for n in names if n.endswith(".part")]


def test_never_into_the_archive_or_its_captures(small: Path, tmp_path: Path) -> None:
    db = open_archive(small)
    captures = small.with_suffix(".warc")
    captures.mkdir(exist_ok=True)
    for target in (small, captures / "pkg", captures):
        with pytest.raises(ExportError):
            package.export_package(db, "csv", target, package.Selection())
    assert not (captures / "pkg").exists()
    with pytest.raises(ExportError, match="json"):
        package.export_package(db, "json", tmp_path / "j", package.Selection())


def test_descriptor_lists_filters_and_enum_meanings(small: Path) -> None:
    selection = package.Selection(label="Pressemitteilung", live_only=True, query="Kita")
    described = package.descriptor("parquet", selection, {"pages": 3})
    assert "Pressemitteilung" in described["description"] and "Kita" in described["description"]
    pages = next(r for r in described["resources"] if r["name"] == "pages")
    assert pages["rows"] == 3 and pages["path"] == "pages.parquet"
    field = next(f for f in pages["schema"]["fields"] if f["name"] == "published_source")
    assert field["constraints"]["enum"] == list(DATE_SOURCES)
    assert "metadata = " in field["description"]
    json.dumps(described)  # serialisable as it is
