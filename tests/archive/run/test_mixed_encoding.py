"""A page declared UTF-8 with windows-1252 bytes in some words (older city CMSs), end to end:
crawled from a loopback server into a real archive, and through ``pressarchive extract``,
both the UTF-8 and the windows-1252 parts read right."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from tests.support.httpserver import Response, TestServer
from tests.support.sample_crawl import cli_crawl_json

TITLE = "Grüße aus der Ölmühle – „über“ den Main"
BODY = (
    "Die Ölmühle öffnet über Pfingsten ihre Türen; Führungen für Bürgerinnen und Bürger "
    "beginnen um 11 Uhr am Mühlentor."
)
RELEASE = "/presse/2025/2025-05-12-gruesse-aus-der-oelmuehle"
#: words the old CMS stored in windows-1252 inside the UTF-8 template
CP1252_WORDS = ("„über“", "Führungen", "Mühlentor")


def _mixed(text: str) -> bytes:
    body = text.encode()
    for word in CP1252_WORDS:
        body = body.replace(word.encode(), word.encode("cp1252"))
    return body


def _release(meta: str) -> bytes:
    page = (
        f"<!DOCTYPE html><html lang='de'><head>{meta}<title>{TITLE} | Stadt</title></head>"
        f"<body><main><article><h1>{TITLE}</h1><p>{BODY}</p></article></main></body></html>"
    )
    body = _mixed(page)
    assert body != page.encode() and TITLE.encode() not in body  # really mixed
    return body


LISTING = _mixed(
    "<!DOCTYPE html><html><head><title>Presse</title></head><body><main>"
    f"<div class='teaser'><h2><a href='{RELEASE}'>{TITLE}</a></h2><p>12.05.2025</p></div>"
    "</main></body></html>"
)


def test_mixed_page_is_archived_readable(tmp_path: Path) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    with TestServer() as server:
        server.route("/presse", Response(200, body=LISTING, headers=html))
        server.route(RELEASE, Response(200, body=_release(""), headers=html))
        config = (
            "[crawler]\n"
            'user_agent = "pressarchive-test/0.1"\n'
            "delay = 0.0\nmax_delay = 0.01\nretries = 0\n"
            "[sources.old]\n"
            'start_urls = ["http://www.old-city.test/presse"]\n'
            'hosts = ["www.old-city.test"]\n'
            "[sources.old.connect_to]\n"
            f'"www.old-city.test" = "127.0.0.1:{server.port}"\n'
        )
        db_path, summary = cli_crawl_json(tmp_path, config)
    assert summary["errors"] == 0
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("SELECT title, body, published FROM pages WHERE url LIKE '%oelmuehle'"))
    assert rows == [{"title": TITLE, "body": BODY, "published": "2025-05-12"}]
    assert (
        db.execute("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'Mühlentor'").fetchone()[0]
        == 1
    )


def test_extract_cli_reads_a_mixed_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(_release('<meta charset="utf-8">'))
    url = "https://www.old-city.test" + RELEASE
    result = CliRunner().invoke(cli, ["extract", str(path), "--url", url, "--json"])
    assert result.exit_code == 0, result.output
    page = json.loads(result.output)
    assert (page["title"], page["body"]) == (TITLE, BODY)
