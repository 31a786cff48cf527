"""A 404, a timeout and garbage next to a healthy site: the crawl finishes, exits 0,
records each error with its URL, and every other page is intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.demo import sample_config_text
from tests.support.httpserver import Response, TestServer
from tests.support.sample_crawl import cli_crawl_json

pytestmark = pytest.mark.slow


@pytest.fixture
def fault_server() -> Iterator[int]:
    """No robots.txt (404); ``/slow`` never answers within the crawler's timeout; ``/garbage``
    is binary labelled HTML; everything else is 404."""
    with TestServer() as server:
        html = {"Content-Type": "text/html"}
        server.route("/slow", Response(stall=True))
        server.route("/garbage", Response(200, body=bytes(range(256)) * 40, headers=html))
        yield server.port


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
