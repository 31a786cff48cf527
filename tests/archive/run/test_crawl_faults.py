"""A 404, a timeout and garbage next to a healthy site: the crawl finishes, exits 0,
records each error with its URL, and every other page is intact."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlite_utils

from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.demo import sample_config_text
from tests.support.sample_crawl import cli_crawl_json

pytestmark = pytest.mark.slow

RELEASE_RELEASED = threading.Event()


class FaultHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self._send(404, b"", "text/plain")
        elif self.path == "/slow":
            RELEASE_RELEASED.wait(10)  # never answers within the crawler's timeout
            self._send(200, b"<html><h1>late</h1></html>", "text/html")
        elif self.path == "/garbage":
            self._send(200, bytes(range(256)) * 40, "text/html")
        else:
            self._send(404, b"<html><h1>Nicht gefunden</h1></html>", "text/html")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the crawler gave up on /slow


@pytest.fixture
def fault_server() -> Iterator[int]:
    RELEASE_RELEASED.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    RELEASE_RELEASED.set()
    server.shutdown()
    server.server_close()


def test_faulty_urls_are_recorded_and_the_rest_is_intact(tmp_path: Path, fault_server: int) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        text = sample_config_text(site.port, delay=0.0, max_delay=0.01)
        text = text.replace("timeout = 10.0", "timeout = 0.5").replace("retries = 2", "retries = 0")
        text += (
            "\n[sources.faults]\n"
            'extra_urls = ["http://faults.test/missing", "http://faults.test/slow", '
            '"http://faults.test/garbage"]\n'
            "[sources.faults.connect_to]\n"
            f'"faults.test" = "127.0.0.1:{fault_server}"\n'
        )
        db_path, summary = cli_crawl_json(tmp_path, text)
    assert summary["errors"] == 3
    db = sqlite_utils.Database(db_path)
    errors = {row["url"]: row for row in db.query("select * from fetch_errors")}
    assert set(errors) == {
        "http://faults.test/missing",
        "http://faults.test/slow",
        "http://faults.test/garbage",
    }
    assert errors["http://faults.test/missing"]["status"] == 404
    assert "timed out" in errors["http://faults.test/slow"]["error"].lower()
    assert errors["http://faults.test/garbage"]["status"] == 200
    urls = {row["url"] for row in db.query("select url from pages")}
    assert urls == set(ground_truth(1))
