"""The byte-identical re-check through the ``Store`` seam alone (``MemoryStore``, no
archive): the engine asks ``last_payload`` of the pages it re-checks and saves a page
answered with the same bytes no more (the archive's version of this:
tests/archive/run/test_same_bytes_recheck.py)."""

from __future__ import annotations

from pathlib import Path

from crawler.config.settings import loads_config
from crawler.engine.crawl import crawl_source
from tests.support.httpserver import Request, Response, TestServer
from tests.support.memory_store import MemoryStore

PAGE = (
    "<!doctype html><html lang='de'><head><title>Stadtfest | Stadt</title></head><body>"
    "<main><article><h1>Stadtfest</h1><p>Die Stadt lädt am Samstag zum Stadtfest ein. Es gibt "
    "Musik, Essen und ein Programm für Kinder auf dem Marktplatz.</p></article></main>"
)


def test_a_page_with_the_same_bytes_is_not_saved_again(tmp_path: Path) -> None:
    turns = iter(range(100))

    def counter(_req: Request) -> Response:  # other bytes each time, the same content
        return Response(200, f"{PAGE}<!-- {next(turns)} --></body></html>".encode())

    with TestServer() as srv:
        srv.route("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n"))
        srv.route("/same", Response(200, f"{PAGE}</body></html>".encode()))
        srv.route("/counter", counter)
        config = loads_config(
            "[crawler]\ndelay = 0.0\nretries = 0\n[sources.s]\n"
            'extra_urls = ["http://s.test/same", "http://s.test/counter"]\n'
            f'[sources.s.connect_to]\n"s.test" = "{srv.address}"\n'
        )
        store = MemoryStore(tmp_path / "warc")
        runs = [crawl_source(store, config, config.source("s")) for _ in range(2)]
    assert [(r.new, r.unchanged) for r in runs] == [(2, 0), (0, 2)]
    assert store.pages["http://s.test/same"].saves == 1  # recognised by its bytes
    assert store.pages["http://s.test/counter"].saves == 2  # extracted and saved again
    asked = [url for method, url in store.reads if method == "last_payload"]
    assert sorted(asked) == ["http://s.test/counter", "http://s.test/same"]  # known pages only
