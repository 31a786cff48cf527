"""Read commands open the archive read-only (issue 14): a file that is not an archive is
refused (exit 3) and left byte for byte as it was, with no ``-wal``/``-shm`` beside it; an
archive is never migrated, converted to WAL or written; one on a read-only medium (or one
SQLite cannot open read-only) is read as immutable, ``serve`` included."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.cli.main import cli
from archive.store.reader import connect_readonly, open_reader
from crawler.errors import ArchiveError
from crawler.records import Link
from tests.support.factories import archive_with, extracted

BASE = "https://www.ruesselsheim.de/presse/"
LOTSEN = BASE + "lotsen.html"

#: every read command, the URL of a page where one is needed ({out}: a writable file)
READ_COMMANDS = {
    "search": ["search", "Lotsen"],
    "status": ["status"],
    "export": ["export", "--format", "jsonl"],
    "export -o": ["export", "-o", "{out}"],
    "history": ["history", LOTSEN],
    "show": ["show", LOTSEN],
    "diff": ["diff", LOTSEN],
    "graph central": ["graph", "central"],
    "graph neighbors": ["graph", "neighbors", "Migration"],
    "graph export": ["graph", "export", "-o", "{out}"],
    "graph render": ["graph", "render", "--out", "{out}.html"],
}


def make_archive(path: Path) -> Path:
    pages = [
        extracted(LOTSEN, title="Integrationslotsen", body="Text zu Lotsen",
                  published="2025-02-01", label="Migration",
                  related=[Link(BASE + "haushalt.html", "Haushalt")]),
        extracted(BASE + "haushalt.html", title="Haushalt 2024", body="Text zum Haushalt",
                  published="2024-05-16", label="Finanzen"),
    ]  # fmt: skip
    return archive_with(path, [("ruesselsheim", p) for p in pages])


def state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in ``folder``: sha256 and mtime."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def command(name: str, db: Path, out_dir: Path) -> list[str]:
    args = [a.replace("{out}", str(out_dir / "out")) for a in READ_COMMANDS[name]]
    return [*args, "--db", str(db)]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --------------------------------------------------------------------------- foreign files


def _sqlite(path: Path, *statements: str, wal: bool = False) -> Path:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path


FOREIGN = {
    "other program": lambda p: _sqlite(p, "CREATE TABLE recipes (name TEXT)"),
    "other program, WAL": lambda p: _sqlite(p, "CREATE TABLE recipes (name TEXT)", wal=True),
    "laravel migrations": lambda p: _sqlite(
        p, "CREATE TABLE migrations (id INTEGER PRIMARY KEY, migration TEXT, batch INT)",
        "INSERT INTO migrations VALUES (1, 'create_users_table', 1)",
    ),
    "same-shaped migrations": lambda p: _sqlite(
        p, "CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)",
        "INSERT INTO migrations VALUES (1, 'create_users', '2025-01-01')",
        "CREATE TABLE users (id INTEGER PRIMARY KEY)",
    ),
    "empty file": lambda p: p.write_bytes(b"") and p,
    "text": lambda p: p.write_text("this is not sqlite\n") and p,
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_read_commands_refuse_a_foreign_file_and_leave_it_unchanged(
    kind: str, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "foreign.db"
    FOREIGN[kind](path)
    before = state(folder)
    for name in [*READ_COMMANDS, "serve"]:
        args = ["serve", "--db", str(path)] if name == "serve" else command(name, path, tmp_path)
        result = run(*args)
        assert result.exit_code == 3, (name, result.output)
        text = result.output.strip()
        assert "\n" not in text and str(path) in text, (name, text)
        assert "not a pressarchive archive" in text or "not an SQLite" in text, text
        assert state(folder) == before, name  # same bytes, same mtime, no -wal/-shm
    assert not list(tmp_path.glob("out*"))


def test_a_write_command_refuses_a_foreign_migrations_table_before_touching_it(
    tmp_path: Path,
) -> None:
    path = FOREIGN["laravel migrations"](tmp_path / "app.db")
    before = state(tmp_path)
    result = run("reindex", "--db", str(path))
    assert result.exit_code == 3 and "foreign 'migrations' table" in result.output
    same = FOREIGN["same-shaped migrations"](tmp_path / "other.db")
    before = state(tmp_path)
    result = run("demo", "--db", str(same))
    assert result.exit_code == 3, result.output
    assert "records 1 'create_users'" in result.output
    assert state(tmp_path) == before  # not turned into an archive, not switched to WAL


# --------------------------------------------------------------------------- archives


def _rollback_mode(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def test_read_commands_never_change_an_archive(tmp_path: Path) -> None:
    """An archive in rollback-journal mode (as copied or vacuumed) stays so, byte for byte:
    no read command migrates it, switches it to WAL or writes a row."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = _rollback_mode(make_archive(folder / "archive.db"))
    before = state(folder)
    for name in READ_COMMANDS:
        result = run(*command(name, path, tmp_path))
        assert result.exit_code == 0, (name, result.output)
        assert state(folder) == before, name
    assert path.read_bytes()[18:20] == b"\x01\x01"  # still not WAL


def test_read_only_connections_cannot_write(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "archive.db")
    db = open_reader(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("DELETE FROM pages")
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 2
    finally:
        db.close()


def test_an_archive_sqlite_cannot_open_read_only_is_read_immutable(tmp_path: Path) -> None:
    """What a read-only medium does to SQLite (it cannot open the WAL beside the file),
    made where any test runs: a directory in the way of ``-wal``. Every read command still
    works, through ``immutable=1``."""
    path = make_archive(tmp_path / "archive.db")
    conn, mode = connect_readonly(path)
    conn.close()
    assert mode == "mode=ro"
    for suffix in ("-wal", "-shm"):  # left by the read-only connection
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Path(f"{path}-wal").mkdir()
    conn, mode = connect_readonly(path)
    conn.close()
    assert mode == "immutable=1"
    for name in READ_COMMANDS:
        result = run(*command(name, path, tmp_path))
        assert result.exit_code == 0, (name, result.output)
    found = run("search", "Lotsen", "--json", "--db", str(path))
    assert [hit["url"] for hit in json.loads(found.output)] == [LOTSEN]


def test_connect_readonly_names_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_text("not sqlite, long enough to have a header " * 5)
    with pytest.raises(ArchiveError, match="x.db"):
        open_reader(path)


# --------------------------------------------------------------------------- read-only medium


def _read_only_mount(source: Path, target: Path) -> str:
    """A shell prefix mounting ``source`` read-only at ``target`` in a new user and mount
    namespace (``unshare -rm``); skips the test if the kernel refuses."""
    target.mkdir()
    mount = (
        f"mount --bind {source} {target} && mount -o remount,bind,ro {target} && "
        f"! touch {target}/.probe 2>/dev/null"
    )
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", mount], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(
            "cannot mount a read-only bind mount here (unshare -rm / mount -o remount,ro "
            f"refused: {probe.stderr.strip() or probe.returncode})"
        )
    return mount


_DRIVER = """
import json, sys
from click.testing import CliRunner
from archive.cli.main import cli
results = {}
for name, args in json.loads(sys.argv[1]).items():
    r = CliRunner().invoke(cli, args)
    results[name] = [r.exit_code, r.output[-300:]]
print(json.dumps(results))
"""


def test_every_read_command_works_on_a_read_only_medium(tmp_path: Path) -> None:
    source = tmp_path / "medium"
    source.mkdir()
    make_archive(source / "archive.db")
    mount = _read_only_mount(source, tmp_path / "ro")
    db = tmp_path / "ro" / "archive.db"
    commands = {name: command(name, db, tmp_path) for name in READ_COMMANDS}
    onto = tmp_path / "ro" / "x.csv"
    commands["onto the medium"] = ["export", "-o", str(onto), "--db", str(db)]
    script = f"{mount} && exec {sys.executable} -c '{_DRIVER}' '{json.dumps(commands)}'"
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).parents[3], env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    code, output = results.pop("onto the medium")
    assert code == 2 and output.strip() == f"Error: {onto}: cannot write: Read-only file system"
    failed = {name: output for name, (code, output) in results.items() if code != 0}
    assert failed == {}
    assert "Integrationslotsen" in results["show"][1]
    assert sorted(p.name for p in source.iterdir()) == ["archive.db"]
