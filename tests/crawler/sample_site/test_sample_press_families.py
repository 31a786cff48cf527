"""The families built from real CMS templates (WordPress block theme, Joomla, Plone, OpenCms,
press portal): served over HTTP on their own hosts, ground truth on the pages, the traps."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from crawler.config.settings import loads_config
from crawler.extract.text import is_attachment_url
from crawler.sample_site import (
    FAMILIES,
    SampleSite,
    family_config_text,
    family_ground_truth,
    family_hosts,
    render_site,
)
from crawler.sample_site import families as fam
from tests.support.family_pages import get_on_host as _get
from tests.support.family_pages import path_of as _path
from tests.support.family_pages import tree as _doc
from tests.support.family_pages import visible_text as _text

CMS = ("wpblock", "joomla", "plone", "opencms", "presseportal")


def _hrefs(body: bytes, url: str) -> set[str]:
    """Absolute URLs of every link of a page, resolved against its ``<base href>``."""
    doc = _doc(body)
    base = urljoin(url, (doc.xpath("//base/@href") or [""])[0])
    return {urljoin(base, href) for href in doc.xpath("//a/@href")}


def test_registered_with_their_own_hosts() -> None:
    assert set(CMS) <= set(FAMILIES) and set(CMS) <= set(fam.FAMILY_NAMES)
    hosts = [h for f in CMS for h in family_hosts(f)]
    assert len(set(hosts)) == len(hosts) and all(
        re.fullmatch(r"(www\.)?[\w-]+\.test", h) for h in hosts
    )
    for family in CMS:
        truth = family_ground_truth(family)
        assert 5 <= sum(t["page_type"] in ("press_release", "notice") for t in truth.values()) <= 8
        assert all(url.startswith(f"http://{family_hosts(family)[0]}/") for url in truth)


@pytest.mark.parametrize("family", CMS)
def test_ground_truth_is_on_the_pages(family: str) -> None:
    resources = render_site(1, family_hosts(family)[0])
    truth = family_ground_truth(family)
    kinds = set()
    for url, t in truth.items():
        body = resources[_path(url)].body
        text, links = _text(body), _hrefs(body, url)
        assert t["title"] in text and (t["lead"] is None or t["lead"] in text)
        assert all(block in text for block in t["body"].split("\n\n")), url
        for img in t["images"]:
            assert _path(img["src"]) in resources and img["caption"] in text
            assert img["credit"] is None or img["credit"] in text
        assert t["credits"] == list(dict.fromkeys(i["credit"] for i in t["images"] if i["credit"]))
        for rel in t["related"]:
            assert rel["title"] in text and rel["url"] in links
            assert rel["url"] in truth or is_attachment_url(rel["url"])
            kinds.add(rel["kind"])
        for att in t["attachments"]:
            assert att["title"] in text and att["url"] in links and is_attachment_url(att["url"])
            assert resources[fam.family_resolve(family, _path(att["url"]))].body.startswith(b"%PDF")
    if family != "presseportal":
        assert "press" in kinds
    assert any(t["attachments"] for t in truth.values())


@pytest.mark.slow
@pytest.mark.parametrize("family", CMS)
def test_served_on_their_hosts_and_listings_reach_every_article(
    site: SampleSite, family: str
) -> None:
    hosts = family_hosts(family)
    resources = render_site(1, hosts[0])
    for key, resp in resources.items():
        r = _get(site, hosts[0], key)
        assert r.status_code == 200 and r.content == resp.body, key
    for url in family_ground_truth(family):
        assert _get(site, hosts[1], _path(url)).content == resources[_path(url)].body
    assert "Crawl-delay: 0.05" in _get(site, hosts[0], "/robots.txt").text
    assert _get(site, hosts[0], "/nicht-vorhanden").status_code == 404
    config = loads_config("[crawler]\ndelay = 0.0\n" + family_config_text(family, site.port))
    start = config.source(family).start_urls[0]
    pages = {_path(u) for u in family_ground_truth(family)}
    listings = {
        k
        for k, resp in resources.items()
        if k not in pages and resp.content_type.startswith("text/html")
    }
    queue, seen, found = [_path(start)], set(), set()
    while queue:
        target = queue.pop()
        if target in seen:
            continue
        seen.add(target)
        r = _get(site, hosts[0], target)
        assert r.status_code == 200, target
        for href in _doc(r.content).xpath("//main//a/@href"):
            link = _path(urljoin(f"http://{hosts[0]}{target}", href))
            key = fam.family_resolve(family, link)
            found.add(key)
            if key in listings and key not in seen:
                queue.append(key)  # the listing's next pages
    assert len(seen) >= 2
    articles = {
        _path(u)
        for u, t in family_ground_truth(family).items()
        if t["page_type"] in ("press_release", "notice")
    }
    assert articles <= found


def _page(family: str, n: int = 0) -> tuple[str, dict[str, object], str]:
    truth = family_ground_truth(family)
    url = [u for u, t in truth.items() if t["page_type"] != "topic"][n]
    body = render_site(1, family_hosts(family)[0])[_path(url)].body.decode()
    return url, truth[url], body


def test_wpblock_traps() -> None:
    for n in range(3):
        url, t, html = _page("wpblock", n)
        assert '<p class="wp-block-site-title">' in html and "<h1 " in html
        assert re.search(r'wp-block-post-date"><time datetime="[^"]+[+]0[12]:00"', html)
        headings = ("Verwandte Beiträge", "Das könnte Sie auch interessieren")
        assert any(f">{h}</h2>" in html for h in headings)
        assert "wp-block-latest-posts" in html and "wp-block-post-navigation-link" in html
        assert "taxonomy-post_tag" in html and t["lead"] is None


def test_joomla_traps() -> None:
    truth = family_ground_truth("joomla")
    shifted = 0
    for url, t in truth.items():
        html = render_site(1, family_hosts("joomla")[0])[_path(url)].body.decode()
        body = html[html.index("<body") :]
        assert body.index("<h1>") < body.index(t["title"])  # the site name comes first
        if t["published"]:
            assert '<h2 itemprop="headline">' in html
            stamp = re.search(r'"datePublished": "([^"]+)"', html)
            assert stamp and stamp.group(1).endswith("+00:00")
            shifted += stamp.group(1)[:10] != t["published"]
            assert "mod-relateditems" in html and "latestnews" in html and "pagenavigation" in html
    assert shifted >= 1
    assert any("?download=" in a["url"] for t in truth.values() for a in t["attachments"])
    fields = 0
    for url, t in truth.items():  # credits in a custom field, not in the caption
        html = render_site(1, family_hosts("joomla")[0])[_path(url)].body.decode()
        if "fields-container" in html:
            fields += 1
            credit = t["images"][0]["credit"]
            assert f'<span class="field-value ">{credit}</span>' in html
            assert f"Foto: {credit}" not in html and t["credits"] == [credit]
    assert fields == 2


def test_plone_base_href_and_related_files() -> None:
    url, t, html = _page("plone")
    assert f'<base href="{url}/">' in html and 'href="../' in html
    assert "documentDescription" in html and '<header class="section-heading">' in html
    truth = family_ground_truth("plone").values()
    assert any(
        r["kind"] == "other" and r["url"].endswith(".pdf/view") for x in truth for r in x["related"]
    )
    assert any(a["url"].endswith("@@download/file") for x in truth for a in x["attachments"])


def test_opencms_date_only_in_the_dateline() -> None:
    for url, t in family_ground_truth("opencms").items():
        html = render_site(1, family_hosts("opencms")[0])[_path(url)].body.decode()
        assert "<time" not in html and "datePublished" not in html
        if t["published"]:
            assert t["published_source"] == "text"
            assert t["body"].startswith("Pressemitteilung vom ")
        assert all("/export/sites/giessen/" in a["url"] for a in t["attachments"])


def test_presseportal_more_stories_are_not_related() -> None:
    truth = family_ground_truth("presseportal")
    assert all(t["related"] == [] for t in truth.values())
    url, t, html = _page("presseportal")
    assert "Weitere Meldungen: " in html and "(ots) - " in t["body"]  # type: ignore[operator]
    assert "Original-Content von: " in html and "Original-Content" not in str(t["body"])
    assert all(c.startswith("Quelle: ") for x in truth.values() for c in x["credits"])
