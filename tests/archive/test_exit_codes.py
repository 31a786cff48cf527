"""Each exit code of ``pressarchive`` means one thing (crawler/errors.py, README, --help),
and the lazily loaded CLI keeps --help light."""

from __future__ import annotations

import importlib
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import crawler.errors as errors
from archive.cli.main import COMMANDS, LazyGroup, cli, main
from archive.store.locking import ArchiveLock
from archive.store.schema import open_archive
from tests.support import ROOT
from tests.support.factories import archive_with, extracted

BASE = "https://www.ruesselsheim.de/presse/"
HEAVY = {"datasette", "networkx", "trafilatura", "lxml", "httpx", "warcio", "sqlite_utils"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def archive_path(tmp_path: Path) -> Path:
    pages = [
        ("lotsen.html", "ruesselsheim", "Integrationslotsen ausgezeichnet", "Migration"),
        ("haushalt.html", "ruesselsheim", "Haushalt 2024 genehmigt", "Finanzen"),
        ("raunheim.html", "raunheim", "Neue Lotsen in Raunheim", "Migration"),
    ]
    return archive_with(
        tmp_path / "archive.db",
        [
            (source, extracted(BASE + slug, title=title, label=label, body="Text zu " + title,
                               published="2025-02-01"))
            for slug, source, title, label in pages
        ],
        fetched_at="2025-03-01",
    )  # fmt: skip


# --------------------------------------------------------------------------- the table


def test_one_meaning_per_code_everywhere() -> None:
    codes = [code for code, _meaning in errors.EXIT_CODES]
    assert len(codes) == len(set(codes))
    doc = errors.__doc__ or ""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    help_text = run("--help").output
    for code, meaning in errors.EXIT_CODES:
        assert f"{code:<4} {meaning}" in doc
        assert f"| {code} | {meaning} |" in readme
        assert meaning in help_text
    classes = [errors.PressArchiveError]
    for cls in classes:  # every error class, and its subclasses
        classes.extend(cls.__subclasses__())
        assert cls.exit_code in codes, cls
        assert cls.__module__ == "crawler.errors", f"{cls.__name__} lives outside crawler/errors"
        assert cls.__name__ in doc


# --------------------------------------------------------------------------- 3: archive


READ_COMMANDS = [
    ["search", "x"],
    ["status"],
    ["history", BASE + "x"],
    ["diff", BASE + "x"],
    ["show", BASE + "x"],
    ["export"],
    ["reparse"],
    ["serve", "--port", "0"],
    ["graph", "central"],
    ["graph", "neighbors", "Migration"],
    ["graph", "render", "--out", "g.html"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_missing_archive_exits_3_and_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "missing.db"
    result = run(*args, "--db", str(db))
    assert result.exit_code == 3, result.output
    assert "missing.db" in result.output and "no archive there" in result.output
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_a_missing_archive_says_which_filters_went_unchecked(tmp_path: Path) -> None:
    result = run("search", "x", "--source", "nosuch", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 3 and "--source 'nosuch' not checked" in result.output


def test_foreign_files_exit_3_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("this is not sqlite")
    result = run("search", "x", "--db", str(text))
    assert result.exit_code == 3 and "notes.db" in result.output
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    before = other.read_bytes()
    for args in (["search", "x"], ["status"], ["graph", "central"]):
        result = run(*args, "--db", str(other))
        assert result.exit_code == 3, result.output
        assert "not a pressarchive archive" in result.output and "recipes" in result.output
    assert other.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [*READ_COMMANDS, ["demo"], ["import-warc", "x.warc.gz"], ["reindex"]],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_directory_as_db_exits_3_naming_it(tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "somedir"
    folder.mkdir()
    result = run(*args, "--db", str(folder))
    assert result.exit_code == 3, result.output
    assert f"{folder}: is a directory" in result.output
    assert list(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


def test_write_commands_refuse_a_foreign_database(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()
    before = foreign.read_bytes()
    result = run("demo", "--db", str(foreign))
    assert result.exit_code == 3, result.output
    assert "foreign.db" in result.output and "not a pressarchive archive" in result.output
    assert foreign.read_bytes() == before


# --------------------------------------------------------------------------- 2: bad values


@pytest.mark.parametrize(
    "args",
    [["search", "Lotsen"], ["export"], ["graph", "central"], ["graph", "topics"], ["reparse"]],
    ids=lambda a: " ".join(a),
)
def test_unknown_source_exits_2_naming_it_and_the_known(
    archive_path: Path, args: list[str]
) -> None:
    result = run(*args, "--source", "nosuch", "--db", str(archive_path))
    assert result.exit_code == 2, result.output
    assert "'nosuch'" in result.output and "raunheim, ruesselsheim" in result.output


def test_a_near_source_is_suggested(archive_path: Path) -> None:
    result = run("search", "x", "--source", "Raunheim", "--db", str(archive_path))
    assert result.exit_code == 2 and "did you mean 'raunheim'" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["search", "x", "--since", "2025-13-01"],
        ["search", "x", "--until", "2025-02-30"],
        ["search", "x", "--since", "gestern"],
        ["export", "--since", "2025-13-01"],
        ["show", BASE + "lotsen.html", "--at", "2025-13-01"],
        ["graph", "central", "--at", "2025-13-01"],
        # compact days: refused alike (--at used to take 20250301 as its midnight)
        ["search", "x", "--since", "20250201"],
        ["export", "--since", "20250201"],
        ["show", BASE + "lotsen.html", "--at", "20250301"],
        ["graph", "central", "--at", "20250301"],
    ],
    ids=lambda a: " ".join(a[:1] + a[-2:]),
)
def test_bad_dates_exit_2_naming_the_value(archive_path: Path, args: list[str]) -> None:
    result = run(*args, "--db", str(archive_path))
    assert result.exit_code == 2, result.output
    assert repr(args[-1]) in result.output and args[-2] in result.output


def test_unknown_type_and_label_exit_2_naming_what_exists(archive_path: Path) -> None:
    db = str(archive_path)
    result = run("search", "x", "--type", "pressrelease", "--db", db)
    assert result.exit_code == 2 and "'pressrelease'" in result.output
    assert "press_release" in result.output
    result = run("search", "x", "--label", "Kultur", "--db", db)
    assert result.exit_code == 2 and "'Kultur'" in result.output
    assert "Migration, Finanzen" in result.output  # most used first
    result = run("search", "Lotsen", "--label", "Migration", "--type", "press_release",
                 "--db", db, "--count")  # fmt: skip
    assert result.exit_code == 0 and result.output.strip() == "2"


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json"])
def test_graph_export_into_a_missing_directory_exits_2_naming_it(
    archive_path: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / "nodir" / f"x.{fmt}"
    result = run("graph", "export", "--format", fmt, "-o", str(target), "--db", str(archive_path))
    assert result.exit_code == 2, result.output
    assert str(target) in result.output and "does not exist" in result.output
    assert not (tmp_path / "nodir").exists()


# --------------------------------------------------------------------------- 6, 7, 8, 70


def test_locked_and_not_found_have_their_own_codes(archive_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[sources.x]\nstart_urls = ["https://x.example/"]\n')
    with ArchiveLock(archive_path, "test"):
        locked = run("crawl", "--config", str(config), "--db", str(archive_path))
    assert locked.exit_code == 6, locked.output
    assert "in use" in locked.output
    missing = run("history", BASE + "nope.html", "--db", str(archive_path))
    assert missing.exit_code == 7 and "nope.html" in missing.output
    node = run("graph", "neighbors", "Nichtvorhanden", "--db", str(archive_path))
    assert node.exit_code == 7 and "Nichtvorhanden" in node.output


@pytest.mark.parametrize(
    "args",
    [["reparse"], ["reindex"], ["import-warc", "WARC"], ["demo"]],
    ids=lambda a: a[0],
)
def test_every_writing_command_takes_the_lock(
    archive_path: Path, tmp_path: Path, args: list[str]
) -> None:
    warc = tmp_path / "x.warc.gz"
    warc.write_bytes(b"")  # never read: the lock comes first
    args = [str(warc) if a == "WARC" else a for a in args]
    before = archive_path.read_bytes()
    with ArchiveLock(archive_path, "schedule"):
        result = run(*args, "--db", str(archive_path))
    assert result.exit_code == 6, result.output
    assert f"pid {os.getpid()} (pressarchive schedule" in result.output
    assert archive_path.read_bytes() == before


def test_writing_commands_recover_runs_left_running(archive_path: Path) -> None:
    db = open_archive(archive_path)
    db.table("crawl_runs").insert(
        {"source": "ruesselsheim", "started_at": "2026-01-01T10:00:00Z", "status": "running"}
    )
    db.close()
    assert run("reindex", "--index", "fts", "--db", str(archive_path)).exit_code == 0
    db = open_archive(archive_path)
    assert [r[0] for r in db.execute("SELECT status FROM crawl_runs")] == ["interrupted"]
    db.close()


def test_serve_on_a_port_in_use_exits_8(archive_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--db", str(archive_path), "--port", str(port))
    assert result.exit_code == 8, result.output
    assert f"127.0.0.1:{port}" in result.output and "in use" in result.output


def test_sample_site_on_a_port_in_use_exits_5() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("sample-site", "--port", str(port))
    assert result.exit_code == 5, result.output
    assert f"127.0.0.1:{port}" in result.output


def test_a_bug_exits_70_with_its_traceback(
    archive_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from archive.search import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "search", broken)
    with pytest.raises(SystemExit) as exit_info:
        main(["search", "Lotsen", "--db", str(archive_path)])
    assert exit_info.value.code == 70
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err and "internal error" in err


# --------------------------------------------------------------------------- lazy loading


def test_help_loads_no_heavy_package() -> None:
    script = (
        "import sys\n"
        "from archive.cli.main import cli\n"
        "try:\n"
        "    cli.main(['--help'], prog_name='pressarchive')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY)!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "search" in done.stdout and "Exit codes:" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_has_a_docstring_and_an_example() -> None:
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert set(names) == set(COMMANDS)
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, name
        subcommands = command.commands.values() if isinstance(command, click.Group) else []
        for cmd in [command, *subcommands]:
            assert "Example" in (cmd.help or ""), cmd.name
            assert (cmd.help or "").splitlines()[0].strip(), cmd.name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_lazy_command_target_imports_as_that_command(name: str) -> None:
    module_name, _, attribute = COMMANDS[name].partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_a_wrong_lazy_entry_fails_loudly() -> None:
    group = LazyGroup(
        name="g",
        lazy_subcommands={"gone": "archive.cli.gone:x", "typo": "archive.cli.search:serch"},
    )
    ctx = click.Context(group)
    assert group.list_commands(ctx) == ["gone", "typo"]
    with pytest.raises(ModuleNotFoundError):
        group.get_command(ctx, "gone")
    with pytest.raises(AttributeError):
        group.get_command(ctx, "typo")
    assert group.get_command(ctx, "nosuch") is None


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "archive.cli", "--version"], capture_output=True, text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0 and "pressarchive" in done.stdout


# --------------------------------------------------------------------------- output


def test_csv_where_tabular(archive_path: Path) -> None:
    db = str(archive_path)
    result = run("graph", "central", "--top", "3", "--csv", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "id,title,kind,pagerank,in_degree,out_degree"
    assert len(result.output.splitlines()) == 4
    result = run("history", BASE + "lotsen.html", "--csv", "--db", db)
    assert result.output.splitlines()[0] == "revision,fetched_at,event,changed_fields,removed_at"
    result = run("search", "Lotsen", "--csv", "--db", db)
    assert result.output.startswith("url,title,published,source,page_type,label")


def test_csv_of_counts_facets_topics_and_communities(archive_path: Path) -> None:
    db = str(archive_path)
    result = run("search", "Lotsen", "--count", "--csv", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["count", "2"]
    result = run("search", "Lotsen", "--facets", "--csv", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "facet,value,count" and "source,raunheim,1" in lines
    result = run("graph", "topics", "--csv", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "label,generic,total,2025" and "Migration,False,2,2" in lines
    result = run("graph", "communities", "--csv", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "id,size,kinds,labels,top"


@pytest.mark.parametrize(
    "args",
    [["search", "Lotsen"], ["search", "Lotsen", "--count"], ["graph", "central"]],
    ids=lambda a: " ".join(a),
)
def test_json_and_csv_together_is_a_usage_error(archive_path: Path, args: list[str]) -> None:
    result = run(*args, "--json", "--csv", "--db", str(archive_path))
    assert result.exit_code == 2, result.output
    assert "--json and --csv" in result.output
