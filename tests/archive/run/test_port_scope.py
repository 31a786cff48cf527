"""The port is part of a source's origin: a page on the site's port that redirects to
another port of the same host does not get that port fetched, and nothing from it becomes
the page's new revision. Two real servers on 127.0.0.1, a real crawl into a real archive.
Links to other ports are out of scope alike (the policy tests below)."""

from __future__ import annotations

from pathlib import Path

from archive.run.crawl import crawl_source
from archive.store.schema import open_archive
from crawler.config.settings import loads_config
from crawler.fetch.urls import UrlPolicy
from tests.support.httpserver import Response, TestServer


def _page(title: str, text: str, links: str = "") -> Response:
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p class='date'>12.03.2025</p><p>{text} {'Mehr Text zum Thema. ' * 20}</p>"
        f"{links}</article></body></html>"
    )
    return Response(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def test_other_port_of_the_same_host_is_off_site(tmp_path: Path) -> None:
    with TestServer() as site, TestServer() as other:
        elsewhere = f"http://127.0.0.1:{other.port}"
        listing = "<ul><li><a href='/presse/eins.html'>Eins</a></li></ul>"
        site.route("/presse", _page("Pressemitteilungen", "Liste.", listing))
        # the first crawl finds a release; in the second it redirects to the other port
        site.route(
            "/presse/eins.html",
            [
                _page("Neue Kita eröffnet", "Die Stadt eröffnet eine Kita."),
                Response(302, headers={"Location": f"{elsewhere}/presse/boese.html"}),
            ],
        )
        other.route("/presse/boese.html", _page("Fremder Dienst", "Inhalt eines Dienstes."))
        config = loads_config(
            f"""
[crawler]
delay = 0.0
respect_robots = false
follow_related = false
retries = 0
[sources.stadt]
start_urls = ["http://127.0.0.1:{site.port}/presse"]
"""
        )
        db = open_archive(tmp_path / "archive.db")
        try:
            for _ in range(2):
                crawl_source(db, config, config.source("stadt"))
            texts = db.execute("SELECT page_url, title, body FROM revisions").fetchall()
            pages = [row[0] for row in db.execute("SELECT url FROM pages")]
            errors = [row[0] for row in db.execute("SELECT error FROM fetch_errors")]
        finally:
            db.close()
        assert other.paths() == []  # never contacted
    assert site.paths().count("/presse/eins.html") == 2
    assert texts and not [t for t in texts if "Fremd" in (t[1] or "") or "Dienst" in (t[2] or "")]
    assert all(url.startswith(f"http://127.0.0.1:{site.port}/") for url in pages), pages
    assert any(f"redirect to disallowed host 127.0.0.1 ({elsewhere}/" in e for e in errors), errors


def test_default_ports_count_as_no_port_and_named_ports_are_in_scope() -> None:
    config = loads_config(
        """
[sources.stadt]
start_urls = ["https://www.stadt.test/presse"]
feeds = ["https://www.stadt.test:8443/rss"]
hosts = ["www.stadt.test", "stadt.test"]
"""
    )
    policy = UrlPolicy(config.source("stadt"))
    assert policy.allowed_host("http://www.stadt.test/x")  # http → https redirects stay
    assert policy.allowed_host("https://stadt.test:443/x")
    assert policy.allowed_host("http://stadt.test:80/x")
    assert policy.allowed_host("https://stadt.test:8443/x")  # named by the feed URL
    assert not policy.allowed_host("https://www.stadt.test:8080/x")
    assert not policy.allowed_host("http://www.stadt.test:22/x")
    assert not policy.allowed("http://www.stadt.test:6379/presse/x")


def test_links_to_other_ports_are_not_candidates() -> None:
    config = loads_config('[sources.stadt]\nstart_urls = ["http://127.0.0.1:8080/presse"]\n')
    policy = UrlPolicy(config.source("stadt"))
    base = "http://127.0.0.1:8080/presse"
    assert policy.allowed(policy.canonical("/presse/eins.html", base) or "")
    for href in ("http://127.0.0.1:9090/presse/x.html", "http://127.0.0.1/presse/x.html"):
        canonical = policy.canonical(href, base)
        assert canonical == href and not policy.allowed(canonical)


def test_a_source_without_urls_has_no_port_limit() -> None:
    """``import-warc`` makes a source from a page's host alone: its pages keep their port."""
    from crawler.config.settings import SourceConfig

    policy = UrlPolicy(SourceConfig(name="h", hosts=("127.0.0.1",), scheme="http"))
    assert policy.ports is None and policy.allowed("http://127.0.0.1:8080/presse/x")
