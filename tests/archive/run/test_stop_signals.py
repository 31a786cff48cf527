"""SIGINT and SIGTERM on ``pressarchive crawl`` (issue 14, finding 8), in a real subprocess
against a loopback site that stalls: the run in hand is recorded ``interrupted`` (never ``ok``,
never left ``running``), the command prints its summary line and exits 130 at once (the
stalled request is cancelled, not waited out), ``status --check`` reports the run, the
scheduler runs the source again, and the graph's ``last_seen`` does not move forward for
pages the run never re-checked.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import WAIT, cli, query, run_cli

PAGES = 12
#: page requests answered before the site stalls (in stall mode)
ANSWERED = 4
HOST = "www.stall.test"


class StallSite:
    """A press section on 127.0.0.1: ``/presse`` lists ``/presse/1.html`` … Each page links
    to the next one. With :attr:`stall` set, page requests after the first
    :data:`ANSWERED` wait for :attr:`release` (set :attr:`stalled` first): a server that
    stops answering mid-crawl."""

    def __init__(self) -> None:
        self.stall = threading.Event()
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.answered = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.respond(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StallSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def respond(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        if path == "/robots.txt":
            return self._send(h, "User-agent: *\nAllow: /\n", "text/plain")
        if path == "/presse":
            items = "".join(
                f"<li><a href='/presse/{n}.html'>Meldung {n} vom 0{n % 9 + 1}.11.2026</a></li>"
                for n in range(1, PAGES + 1)
            )
            return self._send(h, f"<html><body><h1>Presse</h1><ul>{items}</ul></body></html>")
        if path.startswith("/presse/") and path.endswith(".html"):
            if self.stall.is_set():
                with self._lock:
                    self.answered += 1
                    hold = self.answered > ANSWERED
                if hold:
                    self.stalled.set()
                    self.release.wait(WAIT * 2)
            n = int(path.rsplit("/", 1)[1].split(".")[0])
            nxt = n % PAGES + 1
            return self._send(
                h,
                f"<html><head><title>Meldung {n}</title></head><body><main><article>"
                f"<h1>Meldung {n}</h1><p class='date'>0{n % 9 + 1}.11.2026</p>"
                f"<p>Die Stadt teilt mit, dass die Sache {n} erledigt ist und alle "
                f"Beteiligten zufrieden sind.</p><p>Siehe auch <a href='/presse/{nxt}.html'>"
                f"Meldung {nxt}</a>.</p></article></main></body></html>",
            )
        h.send_response(404)
        h.send_header("Content-Length", "0")
        h.end_headers()

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, text: str, ctype: str = "text/html") -> None:
        body = text.encode()
        h.send_response(200)
        h.send_header("Content-Type", f"{ctype}; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


def _config(port: int) -> str:
    # a timeout far longer than WAIT: a stalled request waited out fails the test
    pages = ", ".join(f'"http://{HOST}/presse/{n}.html"' for n in range(1, PAGES + 1))
    return (
        "[crawler]\ndelay = 0.0\nmax_delay = 0.0\nretries = 0\ntimeout = 300.0\n"
        "concurrency_per_host = 1\n\n"
        f'[sources.stall]\nschedule = "every 1h"\nstart_urls = ["http://{HOST}/presse"]\n'
        f"extra_urls = [{pages}]\n"
        f'hosts = ["{HOST}"]\n\n[sources.stall.connect_to]\n"{HOST}" = "127.0.0.1:{port}"\n'
    )


@pytest.fixture
def site() -> Iterator[StallSite]:
    with StallSite() as running:
        yield running


@pytest.mark.slow  # two crawls and a scheduler run in subprocesses: ~2.5 s each
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_a_request_stalls_records_the_run_interrupted(
    site: StallSite, tmp_path: Path, sig: signal.Signals
) -> None:
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(_config(site.port))
    first = run_cli("crawl", "--config", str(cfg), "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    (first_finished,) = query(db_path, "SELECT finished_at FROM crawl_runs")[0]
    seen_before = query(db_path, "SELECT max(last_seen), min(last_seen) FROM graph_edges")
    assert seen_before[0][0] == first_finished  # the ok run confirmed every edge

    site.stall.set()
    proc = subprocess.Popen(
        cli("crawl", "--config", str(cfg), "--db", str(db_path)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert site.stalled.wait(WAIT), "the crawl never reached the stalled page"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=WAIT / 2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "stall (INTERRUPTED):" in out
    assert "Traceback" not in err
    assert query(db_path, "SELECT status FROM crawl_runs ORDER BY id") == [
        ("ok",), ("interrupted",),
    ]  # fmt: skip
    # pages the interrupted run never re-checked keep their stamps, and so does the graph
    assert query(db_path, "SELECT max(last_seen), min(last_seen) FROM graph_edges") == seen_before

    check = run_cli("status", "--db", str(db_path), "--check")
    assert check.returncode == 1
    assert "stall: interrupted: last run 2 was interrupted" in check.stdout

    site.stall.clear()
    again = run_cli("schedule", "--once", "--json", "--config", str(cfg), "--db", str(db_path))
    assert again.returncode == 0, again.stderr
    assert [(o["source"], o["status"]) for o in json.loads(again.stdout)] == [("stall", "ok")]
    assert run_cli("status", "--db", str(db_path), "--check").returncode == 0


def test_a_signal_stops_the_runs_even_when_its_message_cannot_be_written() -> None:
    """Ctrl-C on ``pressarchive crawl 2>&1 | tee log`` also ends ``tee``: the handler's
    message meets a closed pipe. ``stop`` is set all the same, and nothing is raised into
    the crawl (which recorded its run ``ok`` when that exception unwound it)."""
    import os

    from archive.run.signals import stop_on_signals

    def closed_pipe(line: str) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    stop = threading.Event()
    with stop_on_signals(stop, closed_pipe):
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.wait(WAIT)
    assert stop.is_set()
