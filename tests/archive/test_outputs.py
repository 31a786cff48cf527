"""Every file a command writes (``export -o``, ``graph export -o``, ``graph render --out``)
is checked before anything is opened, written all or nothing and never over the archive:
not by its own name, a symlink, a hard link, nor as its ``-wal``/``-shm`` (issue 14)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.cli.main import cli
from archive.export import export_pages
from archive.store.schema import open_archive
from crawler.errors import ExportError, InvalidValue
from crawler.records import Link
from tests.support.factories import archive_with, extracted

BASE = "https://www.ruesselsheim.de/presse/"

#: command line of each writer, ``{out}`` the output file
WRITERS = {
    "export csv": ["export", "--format", "csv", "-o", "{out}"],
    "export jsonl": ["export", "--format", "jsonl", "-o", "{out}"],
    "export parquet": ["export", "--format", "parquet", "-o", "{out}"],
    "graph export": ["graph", "export", "--format", "gexf", "-o", "{out}"],
    "graph render": ["graph", "render", "--out", "{out}"],
}


@pytest.fixture()
def archive_path(tmp_path: Path) -> Path:
    pages = [
        extracted(BASE + "lotsen.html", title="Integrationslotsen", body="Text zu Lotsen",
                  published="2025-02-01", label="Migration",
                  related=[Link(BASE + "haushalt.html", "Haushalt")]),
        extracted(BASE + "haushalt.html", title="Haushalt 2024", body="Text zum Haushalt",
                  published="2024-05-16", label="Finanzen"),
    ]  # fmt: skip
    return archive_with(tmp_path / "archive.db", [("ruesselsheim", p) for p in pages])


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_line_error(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    text = result.output.strip()
    assert "\n" not in text and "Traceback" not in text, text
    for word in words:
        assert word in text, text


def _command(name: str, out: Path, archive: Path) -> list[str]:
    if name == "export parquet":
        pytest.importorskip("pyarrow")
    return [a.replace("{out}", str(out)) for a in WRITERS[name]] + ["--db", str(archive)]


def _targets(archive: Path) -> dict[str, Path]:
    folder = archive.parent
    (folder / "link.db").symlink_to(archive.name)
    os.link(archive, folder / "hard.db")
    (folder / "sub").mkdir()
    (folder / "sub" / "up.db").symlink_to(archive)
    return {
        "itself": archive,
        "relative": Path(os.path.relpath(archive)),
        "symlink": folder / "link.db",
        "hard link": folder / "hard.db",
        "symlink elsewhere": folder / "sub" / "up.db",
        "wal": Path(f"{archive}-wal"),
        "shm": Path(f"{archive}-shm"),
        "journal": Path(f"{archive}-journal"),
    }


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_no_writer_writes_over_the_archive(archive_path: Path, name: str) -> None:
    targets = _targets(archive_path)
    before = fingerprint(archive_path)
    for how, target in targets.items():
        result = run(*_command(name, target, archive_path))
        one_line_error(result, 2, "refusing to write over the archive", str(target))
        assert fingerprint(archive_path) == before, how
        assert not Path(f"{archive_path}-wal").exists(), how
    # through a symlink to the archive as --db, the archive as output is refused too
    result = run(*_command(name, archive_path, archive_path.parent / "link.db"))
    one_line_error(result, 2, "refusing to write over the archive")
    assert fingerprint(archive_path) == before
    leftovers = [p.name for p in archive_path.parent.iterdir() if p.name.endswith(".part")]
    assert leftovers == []
    # and the archive still is one: a normal export of it works
    fine = archive_path.parent / ("out.html" if name == "graph render" else "out.data")
    result = run(*_command(name, fine, archive_path))
    assert result.exit_code == 0, result.output
    assert fine.stat().st_size > 0


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_unwritable_outputs_are_one_line_exit_2(
    archive_path: Path, tmp_path: Path, name: str
) -> None:
    suffix = ".html" if name == "graph render" else ".out"
    for target, words in (
        (Path("/proc/pressarchive" + suffix), ("/proc/pressarchive", "cannot write")),
        (tmp_path / "nodir" / ("x" + suffix), ("does not exist",)),
    ):
        result = run(*_command(name, target, archive_path))
        one_line_error(result, 2, *words)
    assert not (tmp_path / "nodir").exists()
    result = run(*_command(name, Path(" "), archive_path))  # not stdout: a mistake
    one_line_error(result, 2, "empty output file name")
    result = run(*_command(name, tmp_path, archive_path))  # click's usage error
    assert result.exit_code == 2 and "is a directory" in result.output


def test_a_bad_since_leaves_the_output_untouched(archive_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "pages.csv"
    target.write_text("the previous export\n")
    for since in ("2025-13-01", "gestern", "", " "):
        result = run("export", "-o", str(target), "--since", since, "--db", str(archive_path))
        one_line_error(result, 2, "--since")
        assert target.read_text() == "the previous export\n"
    db = open_archive(archive_path)
    try:
        with pytest.raises(InvalidValue, match="--since 'gestern'"):
            export_pages(db, "csv", target, since="gestern")
    finally:
        db.close()
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_the_library_refuses_the_archive_of_its_connection(archive_path: Path) -> None:
    db = open_archive(archive_path)
    try:
        for fmt in ("csv", "json"):
            with pytest.raises(ExportError, match="refusing to write over the archive"):
                export_pages(db, fmt, archive_path)
        with pytest.raises(ExportError, match="refusing"):
            export_pages(db, "jsonl", f"{archive_path}-wal")
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 2
    finally:
        db.close()


def test_no_output_goes_into_the_capture_folder(archive_path: Path) -> None:
    captures = archive_path.with_suffix(".warc")
    (captures / "2025").mkdir(parents=True)
    for target in (captures / "x.warc.gz", captures / "2025" / "x.csv"):
        result = run("export", "-o", str(target), "--db", str(archive_path))
        one_line_error(result, 2, "capture folder", str(target))
    assert [p for p in captures.rglob("*") if p.is_file()] == []


def test_identity_check_sees_hard_links_and_not_other_files(tmp_path: Path) -> None:
    from archive.outfile import check_output, is_archive_file

    archive = tmp_path / "a.db"
    archive.write_bytes(b"x")
    os.link(archive, tmp_path / "b.db")
    other = tmp_path / "c.db"
    other.write_bytes(b"x")
    assert is_archive_file(tmp_path / "b.db", archive)
    assert not is_archive_file(other, archive)
    assert not is_archive_file(tmp_path / "a.db.csv", archive)
    assert check_output(other, ExportError, archive=archive) == other


def test_a_fifo_is_written_in_place_not_replaced(archive_path: Path, tmp_path: Path) -> None:
    """``-o /dev/stdout`` or a named pipe: streamed into, never replaced by a file."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("export", "--format", "jsonl", "-o", str(fifo), "--db", str(archive_path))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert len(received[0].decode().splitlines()) == 2
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("archive.db")] == ["pipe"]


@pytest.mark.parametrize(
    "args", [["export", "--format", "csv"], ["search", "A"], ["graph", "export"]]
)
def test_stdout_redirected_onto_the_archive_is_refused(archive_path: Path, args: list[str]) -> None:
    """`pressarchive export >> archive.db`: the shell opens the archive as standard output;
    the command refuses (exit 2) and the archive is unchanged."""
    import subprocess
    import sys

    before = fingerprint(archive_path)
    link = archive_path.with_name("link.db")
    os.link(archive_path, link)
    for target in (archive_path, link):
        with target.open("ab") as out:
            done = subprocess.run(
                [sys.executable, "-m", "archive.cli", *args, "--db", str(archive_path)],
                stdout=out, stderr=subprocess.PIPE, text=True, check=False,
            )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert "standard output is the archive" in done.stderr
        assert fingerprint(archive_path) == before
