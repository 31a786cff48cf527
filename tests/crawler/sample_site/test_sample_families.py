"""The TYPO3, WordPress and table-layout families of the sample site (same server, own hosts)."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.config.settings import loads_config
from crawler.sample_site import (
    FAMILIES,
    HOSTS,
    SampleSite,
    edition_changes,
    family_config_text,
    family_ground_truth,
    family_hosts,
    ground_truth,
    render_site,
)
from crawler.sample_site import families as fam
from crawler.sample_site.render import render_sitepark
from tests.support.family_pages import TRUTH_KEYS as KEYS
from tests.support.family_pages import get_on_host as _get
from tests.support.family_pages import path_of as _path
from tests.support.family_pages import visible_text as _text

NEW = ("typo3", "wordpress", "tablesite")


def _charset(family: str) -> str:
    return "cp1252" if family == "tablesite" else "utf-8"


# --- API and ground truth ------------------------------------------------------------------------


def test_api_and_counts() -> None:
    assert FAMILIES == ("sitepark", *fam.FAMILY_NAMES)
    assert set(NEW) <= set(FAMILIES)
    assert family_hosts("sitepark") == HOSTS
    assert family_ground_truth("sitepark", 2) == ground_truth(2)
    assert family_hosts("typo3")[0] == "www.darmstadt.test"
    assert family_hosts("wordpress")[0] == "www.hanau.test"
    assert family_hosts("tablesite")[0] == "www.kelsterbach.test"
    with pytest.raises(ValueError):
        family_ground_truth("sharepoint")
    with pytest.raises(ValueError):
        family_ground_truth("typo3", 9)
    for family in NEW:
        truth = family_ground_truth(family)
        assert family_ground_truth(family, 2) == truth  # one content state
        base = "http://" + family_hosts(family)[0]
        assert len(truth) >= 12
        assert all(
            set(t) == KEYS and url == t["url"] and url.startswith(base + "/")
            for url, t in truth.items()
        )
        types = Counter(t["page_type"] for t in truth.values())
        assert types["press_release"] >= 12
        if family != "tablesite":
            assert types["topic"] + types["notice"] >= 1
        for t in truth.values():
            assert all(img["src"].startswith(base + "/") for img in t["images"])
            assert all(r["url"] in truth for r in t["related"])
            assert t["credits"] == [i["credit"] for i in t["images"] if i["credit"]]
            assert t["published"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", t["published"])
    # Sitepark editions are untouched
    assert edition_changes(1, 2)["new"] and edition_changes(1, 2)["removed"]


def test_render_site_host_dispatch() -> None:
    sitepark = render_site(1)
    assert render_site(1, "www.ruesselsheim.test").keys() == sitepark.keys()
    assert render_site(1, "unknown.test").keys() == sitepark.keys()
    for family in NEW:
        resources = render_site(1, family_hosts(family)[0])
        assert resources is render_site(2, family_hosts(family)[-1])
        assert "/robots.txt" not in resources
        for key in resources:
            assert fam.family_resolve(family, key) == key, key


def test_determinism() -> None:
    before = {
        f: ({k: v.body for k, v in fam.render_family(f).items()}, fam.family_truth(f)) for f in NEW
    }
    fam.clear_cache()
    try:
        for family in NEW:
            resources, truth = before[family]
            assert {k: v.body for k, v in fam.render_family(family).items()} == resources
            assert fam.family_truth(family) == truth
    finally:
        fam.clear_cache()
        render_sitepark.cache_clear()


# --- over HTTP -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("family", NEW)
def test_every_resource_answers_on_every_host(site: SampleSite, family: str) -> None:
    hosts = family_hosts(family)
    resources = render_site(1, hosts[0])
    for key, resp in resources.items():
        r = _get(site, hosts[0], key)
        assert r.status_code == 200, key
        assert r.content == resp.body and r.headers["content-type"] == resp.content_type
    for url in family_ground_truth(family):
        assert _get(site, hosts[1], _path(url)).content == resources[_path(url)].body
    robots = _get(site, hosts[0], "/robots.txt")
    assert robots.status_code == 200 and "Crawl-delay: 0.05" in robots.text
    assert _get(site, hosts[0], "/nicht-vorhanden").status_code == 404
    # the Sitepark site is not reachable on family hosts
    assert _get(site, hosts[0], "/presse/2025").status_code == 404


@pytest.mark.parametrize("family", NEW)
def test_ground_truth_matches_pages(family: str) -> None:
    resources = render_site(1, family_hosts(family)[0])
    for url, t in family_ground_truth(family).items():
        text = _text(resources[_path(url)].body, _charset(family))
        assert t["title"] in text, url
        if t["lead"]:
            assert t["lead"] in text
        for block in t["body"].split("\n\n"):
            assert block in text, (url, block)
        for img in t["images"]:
            assert _path(img["src"]) in resources
            assert img["caption"] in text and (img["credit"] is None or img["credit"] in text)
        for rel in t["related"]:
            assert rel["title"] in text


@pytest.mark.parametrize("family", NEW)
def test_listing_pagination_reaches_every_article(site: SampleSite, family: str) -> None:
    host = family_hosts(family)[0]
    config = loads_config(family_config_text(family, site.port))
    start = _path(config.sources[0].start_urls[0])
    listing_keys = {
        k
        for k in render_site(1, host)
        if k.startswith(start.rstrip("/"))
        and not k.startswith(start.rstrip("/") + "/")
        or "/page/" in k
    }
    queue, seen, found = [start], set(), set()
    while queue:
        target = queue.pop()
        key = fam.family_resolve(family, target)
        if key in seen:
            continue
        seen.add(key)
        r = _get(site, host, target)
        assert r.status_code == 200, target
        doc = lxml.html.document_fromstring(r.content.decode(_charset(family)))
        for href in doc.xpath("//main//a/@href | //td//a/@href"):
            link = _path(urljoin(f"http://{host}{target}", href))
            linked = fam.family_resolve(family, link)
            found.add(linked)
            if linked in listing_keys and linked not in seen:
                queue.append(link)
    assert len(seen) >= 3  # at least three listing pages
    articles = {
        _path(u)
        for u, t in family_ground_truth(family).items()
        if t["page_type"] in ("press_release", "notice")
    }
    assert articles <= found


def test_typo3_url_variants(site: SampleSite) -> None:
    from crawler.sample_site.families import typo3

    host = family_hosts("typo3")[0]
    truth = family_ground_truth("typo3")
    pages = typo3._pages()
    news = pages[0]
    slug = _get(site, host, news["path"])
    query = _get(site, host, typo3.detail_query(news["uid"]))
    legacy = _get(
        site,
        "darmstadt.test",
        typo3.detail_query(news["uid"], "/index.php").replace("?", "?id=87&"),
    )
    assert slug.status_code == query.status_code == legacy.status_code == 200
    assert slug.content == query.content == legacy.content
    bad = typo3.detail_query(news["uid"]).replace("cHash=", "cHash=0")
    assert _get(site, host, bad).status_code == 404
    # search-highlight duplicates: other bytes, same text
    sword = [k for k in render_site(1, host) if "sword_list" in k]
    assert sword
    for key in sword:
        plain_key = key.split("?")[0]
        marked = _get(site, host, key)
        assert (
            'class="ce-sword"' in marked.text
            and marked.content != render_site(1, host)[plain_key].body
        )
        assert _text(marked.content) == _text(render_site(1, host)[plain_key].body)
    # an unknown highlight word serves the plain page
    assert _get(site, host, news["path"] + "?sword_list[]=xyz").content == slug.content
    # duplicate headline: "-40" slug, different record
    dup = [u for u in truth if u.endswith("-40")]
    assert len(dup) == 1 and truth[dup[0]]["title"] == truth[dup[0][:-3]]["title"]
    assert truth[dup[0]]["published"] != truth[dup[0][:-3]]["published"]
    assert any(t["body"].startswith("KREIS GROSS-GERAU – ") for t in truth.values())
    rss = _get(site, host, "/?type=9818").text
    assert '<guid isPermaLink="false">news-' in rss
    assert "f3-widget-paginator" in _get(site, host, "/aktuelles/news").text


def test_wordpress_variants_and_date_traps(site: SampleSite) -> None:
    host = family_hosts("wordpress")[0]
    truth = family_ground_truth("wordpress")
    resources = render_site(1, host)
    url = next(u for u, t in truth.items() if t["page_type"] == "press_release")
    page = resources[_path(url)].body
    pid = re.search(rb"postid-(\d+)", page).group(1).decode()  # type: ignore[union-attr]
    assert _get(site, host, f"/?p={pid}").content == page
    assert (
        _get(
            site,
            "hanau.test",
            _path(url) + "?relatedposts_hit=1&relatedposts_origin=1&relatedposts_position=0",
        ).content
        == page
    )
    assert _get(site, host, _path(url).rstrip("/")).content == page
    assert _get(site, host, "/?p=999999").status_code == 404
    # a post published 00:20 local time: JSON-LD (UTC) says the day before
    shifted = 0
    for url, t in truth.items():
        html = resources[_path(url)].body.decode()
        ld = json.loads(
            re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html).group(1)
        )  # type: ignore[union-attr]
        published = ld["@graph"][0]["datePublished"]
        assert published.endswith(("Z", "+00:00"))
        if published[:10] != t["published"]:
            shifted += 1
            meta = re.search(r'article:published_time" content="([^"]+)"', html)
            assert meta and meta.group(1)[:10] == t["published"]
        text = html.index('class="entry-title"')
        assert html.index('id="secondary"') < text and html.index("cookie-law-info") < text
        assert html.index("screen-reader-text") < text
    assert shifted >= 2
    modified = [t for t in truth.values() if t["modified"]]
    assert any(t["modified"] == "2025-06-05" for t in modified)
    for key in ("/feed/", "/wp-sitemap.xml", "/presse/page/2/"):
        assert _get(site, host, key).status_code == 200


def test_tablesite_bytes_are_cp1252_declared_latin1(site: SampleSite) -> None:
    host = family_hosts("tablesite")[0]
    truth = family_ground_truth("tablesite")
    url = next(iter(truth))
    r = _get(site, host, _path(url))
    assert r.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert b'content="text/html; charset=iso-8859-1"' in r.content
    assert b"\x84" in r.content and b"\x93" in r.content and b"\x96" in r.content
    assert "„" in r.content.decode("cp1252") and "„" not in r.content.decode("latin-1")
    assert b"&shy;" in r.content or b"\xad" in r.content
    assert b"&nbsp;" in r.content
    assert r.content.index(b"ffnungszeiten") < r.content.rindex(
        truth[url]["title"].encode("cp1252")
    )
    assert truth[url]["published_source"] == "text" and truth[url]["body"].startswith(
        "Kelsterbach, "
    )
    assert _get(site, host, _path(url).rstrip("/")).content == r.content
    listing = _get(site, host, "/presse/press/").content.decode("cp1252")
    assert "weiter »" in listing and "« zurück" in listing
    assert all(t["published_source"] == "text" and t["lead"] is None for t in truth.values())
    all_bytes = b"".join(_get(site, host, _path(u)).content for u in truth)
    assert b"&shy;" in all_bytes and b"\xad" in all_bytes
    assert _get(site, host, "/sitemap.xml").status_code == 200


# --- configs and connect_to ----------------------------------------------------------------------


def test_config_text_and_connect_to(site: SampleSite) -> None:
    assert site.connect_to() == {h: f"127.0.0.1:{site.port}" for h in HOSTS}
    everything = site.connect_to("all")
    for family in FAMILIES:
        hosts = family_hosts(family)
        assert set(hosts) <= set(everything)
        assert site.connect_to(family) == {h: f"127.0.0.1:{site.port}" for h in hosts}
        text = family_config_text(family, site.port)
        assert text.startswith(f"[sources.{family}]")
        source = loads_config("[crawler]\ndelay = 0.0\n" + text).source(family)
        assert source.hosts == hosts
        assert source.connect_to == site.connect_to(family)
        for url in source.start_urls + source.feeds + source.sitemaps:
            assert _get(site, urlsplit(url).hostname or "", _path(url)).status_code == 200
    combined = "\n".join(family_config_text(f, site.port) for f in FAMILIES)
    assert len(loads_config(combined).sources) == len(FAMILIES)
