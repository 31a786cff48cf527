"""Progress on long commands, on a terminal only (issue 16, item 6).

Each command runs as a real subprocess twice: with stderr on a pseudo-terminal (a bar with
its label is drawn there) and with stderr on a pipe (not a byte of progress). stdout (the
``--json`` result) is a pipe both times and must stay the same JSON.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sample_site import SampleSite
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        crawl_sample(path, site)
    return path


def _run(args: list[str], terminal: bool) -> tuple[str, str]:
    """stdout and stderr of ``pressarchive ARGS``; stderr a pseudo-terminal or a pipe."""
    cmd = [sys.executable, "-m", "archive.cli", *args]
    if not terminal:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    seen = b""
    while True:  # read the terminal until the child closes it (its exit)
        ready, _w, _x = select.select([master], [], [], 120)
        assert ready, "no output on the terminal for 120 s"
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child is gone
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out = proc.stdout.read() if proc.stdout else ""
    assert proc.wait(timeout=60) == 0, seen.decode(errors="replace")
    return out, seen.decode("utf-8", errors="replace")


COMMANDS = {
    "reparse": (["reparse", "--json"], "reparsing pages"),
    "reindex": (["reindex", "--index", "search", "--json"], "reindexing"),
    # the graph command that still builds the graph (the others answer from SQL)
    "graph": (
        ["graph", "export", "--text-topics", "--format", "json", "-o", "{tmp}/graph.json"],
        "building the graph",
    ),
    "export": (["export", "--format", "csv", "--out", "{tmp}/package"], "exporting tables"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_bar_on_a_terminal_and_nothing_on_a_pipe(
    archive: Path, tmp_path: Path, name: str
) -> None:
    args, label = COMMANDS[name]
    args = [a.format(tmp=tmp_path) for a in args] + ["--db", str(archive)]
    out_tty, err_tty = _run(args, terminal=True)
    assert label in err_tty and "100%" in err_tty, err_tty[-500:]
    out_pipe, err_pipe = _run(args, terminal=False)
    assert label not in err_pipe and "%" not in err_pipe, err_pipe
    if "--json" in args:
        # the bar went to the terminal, never into the JSON: both parse, alike in shape
        tty_result, pipe_result = json.loads(out_tty), json.loads(out_pipe)
        assert type(tty_result) is type(pipe_result) and len(tty_result) == len(pipe_result)


def test_import_warc_counts_bytes_on_a_terminal(archive: Path, tmp_path: Path) -> None:
    warcs = sorted(str(p) for p in archive.with_suffix(".warc").glob("*.warc.gz"))
    assert warcs
    args = ["import-warc", *warcs, "--db", str(tmp_path / "copy.db"), "--json"]
    out, err = _run(args, terminal=True)
    assert "importing bytes" in err and "100%" in err, err[-500:]
    total = sum(Path(w).stat().st_size for w in warcs)
    assert f"{total}/{total}" in err  # every byte of every file counted, once
    assert json.loads(out)["new"] > 0
