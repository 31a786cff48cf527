"""archive.export and ``pressarchive export``: formats, stable columns, filters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.export import EXPORT_COLUMNS, ExportError, export_pages
from archive.store.schema import open_archive
from crawler.records import Image
from tests.support.factories import archive_with, extracted

BASE = "https://www.ruesselsheim.de/presse/"


@pytest.fixture()
def archive_path(tmp_path: Path) -> Path:
    pages = [
        ("lotsen.html", "ruesselsheim", "Integrationslotsen ausgezeichnet", "2025-02-01"),
        ("haushalt.html", "ruesselsheim", "Haushalt 2024 genehmigt", "2024-05-16"),
        ("raunheim.html", "raunheim", "Neue Lotsen in Raunheim", "2023-01-01"),
    ]
    return archive_with(
        tmp_path / "archive.db",
        [
            (source, extracted(BASE + slug, title=title, body="Text zu " + title, published=day,
                               images=[Image("https://x/1.jpg", alt="Bild")]))
            for slug, source, title, day in pages
        ],
        fetched_at="2025-03-01",
    )  # fmt: skip


def test_csv_all_pages_stable_columns(archive_path: Path) -> None:
    out = io.StringIO()
    db = open_archive(archive_path)
    assert export_pages(db, "csv", out) == 3
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    assert tuple(reader.fieldnames or ()) == EXPORT_COLUMNS
    rows = list(reader)
    assert [r["published"] for r in rows] == ["2025-02-01", "2024-05-16", "2023-01-01"]
    assert rows[0]["image_count"] == "1"


def test_query_since_source_json_jsonl(archive_path: Path) -> None:
    db = open_archive(archive_path)
    out = io.StringIO()
    export_pages(db, "json", out, query="Lotsen")
    rows = json.loads(out.getvalue())
    assert {r["url"] for r in rows} == {BASE + "lotsen.html", BASE + "raunheim.html"}
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    out = io.StringIO()
    export_pages(db, "jsonl", out, query="Lotsen", source="raunheim")
    assert [json.loads(line)["url"] for line in out.getvalue().splitlines()] == [
        BASE + "raunheim.html"
    ]
    out = io.StringIO()
    assert export_pages(db, "jsonl", out, since="2024-01-01", source="ruesselsheim") == 2
    out = io.StringIO()
    assert export_pages(db, "json", out, query="nichts") == 0
    assert json.loads(out.getvalue()) == []
    with pytest.raises(ExportError):
        export_pages(db, "xml", io.StringIO())


def test_parquet(archive_path: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "pages.parquet"
    db = open_archive(archive_path)
    assert export_pages(db, "parquet", target, query="Haushalt") == 1
    table = pq.read_table(target)
    assert tuple(table.column_names) == EXPORT_COLUMNS
    assert table.column("url").to_pylist() == [BASE + "haushalt.html"]
    assert table.schema.field("image_count").type == "int64"


def test_cli_export(archive_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--db", str(archive_path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 3
    target = tmp_path / "out.csv"
    args = ["export", "--db", str(archive_path), "--query", "Lotsen", "-o", str(target)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(target.open(encoding="utf-8")))) == 2
    result = runner.invoke(cli, ["export", "--db", str(archive_path), "--format", "parquet"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["export", "--db", str(archive_path), "--since", "gestern"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_into_a_missing_directory_exits_2_naming_it(
    archive_path: Path, tmp_path: Path, fmt: str
) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    target = tmp_path / "nodir" / f"x.{fmt}"
    args = ["export", "--format", fmt, "-o", str(target), "--db", str(archive_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert str(target) in result.output and "does not exist" in result.output
    assert not (tmp_path / "nodir").exists()


def test_a_failed_export_leaves_the_old_file_and_no_part(
    archive_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archive.export as exporting

    target = tmp_path / "pages.csv"
    target.write_text("the previous export\n")

    def disk_full(rows: object, fmt: str, out: io.StringIO) -> int:
        out.write("url,source\nhttps://half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "_write_text", disk_full)
    with pytest.raises(ExportError, match="pages.csv.*No space left"):
        export_pages(open_archive(archive_path), "csv", target)
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
