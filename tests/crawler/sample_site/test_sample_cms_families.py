"""The record families of the sample site built from real CMS templates (TYPO3 EXT:news stock
templates, Contao, Drupal 10 Olivero, Government Site Builder): served over HTTP on their own
hosts, ground truth as the pages read, and each family's traps present."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import httpx
import lxml.html
import pytest

from crawler.config.settings import loads_config
from crawler.extract.text import clean
from crawler.sample_site import (
    FAMILIES,
    SampleSite,
    family_config_text,
    family_ground_truth,
    family_hosts,
    render_site,
)
from crawler.sample_site import families as fam
from tests.support.family_pages import TRUTH_KEYS as KEYS
from tests.support.family_pages import path_of as _path
from tests.support.family_pages import tree as _doc
from tests.support.family_pages import visible_text as _text

CMS = ("typo3news", "contao", "drupal", "gsb")


def _base(doc: lxml.html.HtmlElement, url: str) -> str:
    href = doc.xpath("//base/@href")
    return urljoin(url, href[0]) if href else url


def test_registered_with_own_hosts() -> None:
    hosts = [h for f in FAMILIES for h in family_hosts(f)]
    assert set(CMS) <= set(FAMILIES) and len(hosts) == len(set(hosts))
    for family in CMS:
        assert re.fullmatch(r"www\.[a-z-]+\.test", family_hosts(family)[0])


@pytest.mark.parametrize("family", CMS)
def test_ground_truth_reads_as_the_pages(family: str) -> None:
    resources = render_site(1, family_hosts(family)[0])
    truth = family_ground_truth(family)
    base = "http://" + family_hosts(family)[0]
    assert 5 <= sum(t["page_type"] == "press_release" for t in truth.values()) <= 8
    for key in resources:
        assert fam.family_resolve(family, key) == key, key
    for url, t in truth.items():
        assert set(t) == KEYS and t["url"] == url and url.startswith(base + "/")
        body = resources[_path(url)].body
        text = _text(body)
        assert t["title"] in text
        assert t["lead"] is None or t["lead"] in text
        for block in t["body"].split("\n\n"):
            assert block in text, (url, block)
        assert t["published"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", t["published"])
        for img in t["images"]:
            assert _path(img["src"]) in resources
            for part in (img["caption"], img["credit"]):
                assert part is None or part in text, (url, part)
        assert len(set(t["credits"])) == len(t["credits"])
        assert all(c in text for c in t["credits"])
        doc = _doc(body)
        hrefs = {urljoin(_base(doc, url), h) for h in doc.xpath("//a/@href")}
        for rel in t["related"]:
            assert rel["title"] in text and rel["url"] in hrefs
            if rel["kind"] == "other" and rel["url"].startswith(base):  # a file in the box
                assert resources[_path(rel["url"])].content_type == "application/pdf"
                assert rel["url"] not in {a["url"] for a in t["attachments"]}
            else:
                assert rel["url"] in truth or not rel["url"].startswith(base)
        for att in t["attachments"]:
            assert att["url"] in hrefs and att["title"] in text
            assert resources[_path(att["url"])].content_type == "application/pdf"


@pytest.mark.parametrize("family", CMS)
def test_served_over_http_and_listings_reach_every_release(site: SampleSite, family: str) -> None:
    host = family_hosts(family)[0]
    resources = render_site(1, host)
    truth = family_ground_truth(family)
    for url in truth:
        r = httpx.get(site.base_url + _path(url), headers={"Host": host}, timeout=10)
        assert r.status_code == 200 and r.content == resources[_path(url)].body
        for img in truth[url]["images"]:
            got = httpx.get(site.base_url + _path(img["src"]), headers={"Host": host}, timeout=10)
            assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    config = loads_config(family_config_text(family, site.port))
    start = config.sources[0].start_urls[0]
    listings = {
        k
        for k, v in resources.items()
        if v.content_type.startswith("text/html") and k not in {_path(u) for u in truth}
    }
    queue, seen, found = [start], set(), set()
    while queue:
        url = queue.pop()
        key = fam.family_resolve(family, _path(url))
        if key in seen:
            continue
        seen.add(key)
        r = httpx.get(site.base_url + _path(url), headers={"Host": host}, timeout=10)
        assert r.status_code == 200, url
        doc = _doc(r.content)
        for href in doc.xpath("//a/@href"):
            link = urljoin(_base(doc, url), href)
            if urlsplit(link).hostname != host:
                continue
            target = fam.family_resolve(family, _path(link))
            found.add(target)
            if target in listings and target not in seen:
                queue.append(link)
    assert len(seen & listings) >= 2
    assert {_path(u) for u in truth} <= found
    sitemap = httpx.get(site.base_url + "/sitemap.xml", headers={"Host": host}, timeout=10)
    assert all(url in sitemap.text for url in truth)
    robots = httpx.get(site.base_url + "/robots.txt", headers={"Host": host}, timeout=10)
    assert "Crawl-delay: 0.05" in robots.text


def _pages(family: str) -> list[tuple[dict, lxml.html.HtmlElement]]:
    resources = render_site(1, family_hosts(family)[0])
    return [(t, _doc(resources[_path(u)].body)) for u, t in family_ground_truth(family).items()]


def test_typo3news_stock_template_markup() -> None:
    pages = _pages("typo3news")
    news = [(t, d) for t, d in pages if t["page_type"] == "press_release"]
    for t, doc in news:
        (single,) = doc.xpath('//div[@class="news news-single"]/div[@class="article"]')
        assert single.xpath('div[@class="header"]/h3')[0].text_content() == t["title"]
        assert single.xpath('.//p/span[@class="news-list-date"]/time/@datetime') == [t["published"]]
        assert clean(single.xpath('div[@class="lead"]')[0].text_content()) == t["lead"]
        # the only h1 is the site name
        assert [h.text_content().strip() for h in doc.xpath("//h1")] == [
            "Kreisstadt Friedberg (Hessen)"
        ]
        # the latest-news sidebar and prev/next are no related links
        related = {r["url"] for r in t["related"]}
        for href in doc.xpath("//aside//a/@href | //ul[contains(@class, 'pager')]//a/@href"):
            assert "http://www.friedberg.test" + href not in related or href in single.xpath(
                ".//div[contains(@class, 'news-related')]//a/@href"
            )
    markup = b"".join(lxml.html.tostring(d) for _, d in news)
    assert b'class="news-img-copyright"' in markup and b"(Foto: " in markup
    assert b"news-related news-related-files" in markup
    assert any(r["kind"] == "other" for t, _ in news for r in t["related"])


def test_contao_base_href_and_dateline_dates() -> None:
    pages = _pages("contao")
    sources = {t["published_source"] for t, _ in pages}
    assert sources == {"metadata", "text"}
    for t, doc in pages:
        assert doc.xpath("//base/@href") == ["http://www.weiterstadt.test/"]
        assert all(not h.startswith("/") for h in doc.xpath("//img/@src | //main//a/@href"))
        assert doc.xpath('//div[@class="layout_full block"]/h1')[0].text_content() == t["title"]
        if t["published_source"] == "text":
            assert not doc.xpath('//p[@class="info"]')
            assert t["body"].startswith("Weiterstadt, ") and t["published"][:4] in t["body"][:40]
        sizes = doc.xpath('//li[contains(@class, "download-element")]//span[@class="size"]')
        assert len(sizes) == len(t["attachments"])
        assert doc.xpath('//aside[@id="right"]//h2')[0].text_content() == "Weitere Meldungen"
    assert any(t["attachments"] for t, _ in pages)


def test_drupal_utc_stamps_d7_archive_and_tags() -> None:
    shifted = legacy = 0
    for t, doc in _pages("drupal"):
        tags = doc.xpath(
            '//div[contains(@class, "field--name-field-tags") or '
            'contains(@class, "field-name-field-tags")]//a/@href'
        )
        assert not {"http://www.langen.test" + h for h in tags} & {r["url"] for r in t["related"]}
        if doc.xpath('//div[contains(@class, "node-article")]'):  # Drupal 7
            legacy += 1
            (stamp,) = doc.xpath('//span[@property="dc:date dc:created"]/@content')
            assert stamp[:10] == t["published"] and stamp[-6:] in ("+01:00", "+02:00")
            (caption,) = doc.xpath('//div[contains(@class, "field-name-field-bildunterschrift")]')
            assert (
                clean(caption.text_content())
                == f"{t['images'][0]['caption']}, Foto: " + (t["images"][0]["credit"])
            )
            assert doc.xpath(
                '//div[contains(@class, "field-name-body")]//div[@class="field-item even"]'
            )
            continue
        assert doc.xpath('//article[contains(@class, "node--type-article")]')
        (stamp,) = doc.xpath('//span[contains(@class, "field--name-created")]/time/@datetime')
        assert stamp.endswith("Z")
        day = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Europe/Berlin")).date()
        assert day.isoformat() == t["published"]
        shifted += stamp[:10] != t["published"]
    assert shifted >= 2 and legacy == 2
    credits = [c for t, _ in _pages("drupal") for c in t["credits"]]
    assert any(c.startswith("Titelbild: ") for c in credits)


def test_gsb_markup_from_the_dev_set() -> None:
    for t, doc in _pages("gsb"):
        h1 = doc.xpath("//h1")
        assert h1[0].get("class") == "aural" and h1[1].text_content() == t["title"]
        assert doc.xpath("//base/@href") == ["http://www.bundesamt.test/"]
        assert all("__blob=publicationFile&v=2" in a["url"] for a in t["attachments"])
        assert all(i["credit"].startswith("© ") for i in t["images"])
        keywords = doc.xpath('//ul[@class="c-keywords__ul"]//a')
        assert keywords and not {k.text_content() for k in keywords} & {
            r["title"] for r in t["related"]
        }


def test_deterministic() -> None:
    before = {
        f: ({k: v.body for k, v in fam.render_family(f).items()}, fam.family_truth(f)) for f in CMS
    }
    fam.clear_cache()
    try:
        for family in CMS:
            resources, truth = before[family]
            assert {k: v.body for k, v in fam.render_family(family).items()} == resources
            assert fam.family_truth(family) == truth
    finally:
        fam.clear_cache()
