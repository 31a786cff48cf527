"""``crawler.parallel_sources``: how many sources ``pressarchive crawl`` runs side by side.

Three one-host sources on a real server (each host an alias of 127.0.0.1 via
``connect_to``), a politeness delay between two requests to one host: with one source at a
time each host's requests arrive in one block; with three at once the hosts interleave.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.httpserver import Response, TestServer
from tests.support.sample_crawl import cli_crawl_json

HOSTS = ("a.parallel.test", "b.parallel.test", "c.parallel.test")
PAGE = b"<html lang='de'><head><title>Meldung</title></head><body><p>Text.</p></body></html>"


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as srv:
        srv.route("/robots.txt", Response(200, body=b"User-agent: *\nAllow: /\n"))
        for n in (1, 2):
            srv.route(
                f"/p{n}.html", Response(200, body=PAGE, headers={"Content-Type": "text/html"})
            )
        yield srv


def config_text(port: int, parallel: int) -> str:
    text = (
        "[crawler]\n"
        'contact = "test@pressarchive.invalid"\n'
        "delay = 0.15\nmax_delay = 0.15\nfollow_related = false\nmedia = false\n"
        f"parallel_sources = {parallel}\n"
    )
    for host in HOSTS:
        name = host.split(".")[0]
        text += (
            f"[sources.{name}]\n"
            f'extra_urls = ["http://{host}/p1.html", "http://{host}/p2.html"]\n'
            f"[sources.{name}.connect_to]\n"
            f'"{host}" = "127.0.0.1:{port}"\n'
        )
    return text


def host_order(srv: TestServer) -> list[str]:
    return [r.host for r in sorted(srv.requests, key=lambda r: r.started)]


def blocks(order: list[str]) -> int:
    """How many runs of one host the arrival order has (3 = one block per host)."""
    return sum(1 for i, host in enumerate(order) if i == 0 or order[i - 1] != host)


@pytest.mark.parametrize("parallel", [1, 3])
def test_the_crawl_runs_as_many_sources_at_once_as_configured(
    tmp_path: Path, server: TestServer, parallel: int
) -> None:
    _, summary = cli_crawl_json(tmp_path, config_text(server.port, parallel))
    assert summary["new"] == 2 * len(HOSTS)
    order = host_order(server)
    assert sorted(set(order)) == sorted(HOSTS)
    if parallel == 1:
        assert blocks(order) == len(HOSTS), order
    else:  # every host's first request before any host's last one
        firsts = [order.index(h) for h in HOSTS]
        lasts = [len(order) - 1 - order[::-1].index(h) for h in HOSTS]
        assert max(firsts) < min(lasts), order
