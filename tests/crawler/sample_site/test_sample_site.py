"""The bundled sample site: content, ground truth, editions and real HTTP on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import httpx
import pytest
from bs4 import BeautifulSoup

from crawler.sample_site import (
    CANONICAL_BASE,
    HOSTS,
    SampleSite,
    edition_changes,
    ground_truth,
    make_content,
    removed_urls,
    render_site,
)
from crawler.sample_site.render import load_content, render_sitepark

SEED_PATH = (
    "/presse/2025/2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-"
    "langfristig"
)
SEED = CANONICAL_BASE + SEED_PATH
OLD_LATIN1 = "/presseinformationen/pressemeldungen/3429.html"
KEYS = {
    "url",
    "page_type",
    "label",
    "title",
    "lead",
    "body",
    "published",
    "published_source",
    "modified",
    "images",
    "related",
    "credits",
    "attachments",
}


@pytest.fixture()
def client(site: SampleSite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, headers={"Host": HOSTS[0]}) as c:
        yield c


def _path(url: str) -> str:
    return url[len(CANONICAL_BASE) :]


# --- content and ground truth ---------------------------------------------------------------


def test_content_json_is_up_to_date_with_generator() -> None:
    assert make_content.build() == load_content()


def test_counts_types_and_years() -> None:
    truth = ground_truth(1)
    types = Counter(t["page_type"] for t in truth.values())
    assert types["press_release"] >= 60
    assert types["topic"] >= 6 and types["org_unit"] >= 3 and types["notice"] >= 3
    years = Counter(t["published"][:4] for t in truth.values() if t["page_type"] == "press_release")
    assert all(years[y] >= 5 for y in ("2023", "2024", "2025"))
    assert {"2018", "2019", "2020", "2021", "2022"} <= set(years)
    assert all(set(t) == KEYS for t in truth.values())
    sources = Counter(t["published_source"] for t in truth.values())
    assert {"metadata", "url", "text", "feed", "teaser"} <= set(sources)


def test_seed_page_ground_truth() -> None:
    seed = ground_truth(1)[SEED]
    assert seed["label"] == "Pressemitteilung"
    assert seed["title"] == (
        "600.000 Euro für Vielfalt und Teilhabe: Land Hessen stärkt Rüsselsheim langfristig"
    )
    assert seed["published"] == "2025-11-28"
    assert "Hintergrund: Landesprogramm WIR – Vielfalt und Teilhabe" in seed["body"].split("\n\n")
    assert seed["images"][0]["alt"].startswith("Oberbürgermeister Patrick Burghardt übergibt")
    assert [(r["kind"], r["title"]) for r in seed["related"]] == [
        ("topic", "Landesprogramm WIR–Vielfalt und Teilhabe"),
        ("press", "Neue ehrenamtliche Integrations- und Gesundheitslotsen gesucht"),
        ("org", "Stabsstelle Kultur und Vielfalt"),
        ("org", "Interkulturelles Büro"),
        ("press", "Rüsselsheimer Integrationslotse Mohammad Ghassan Arksousi in Wiesbaden geehrt"),
    ]
    assert [r["date"] for r in seed["related"]] == [None, "2024-03-22", None, None, "2025-07-23"]
    assert seed["related"][0]["label"] == "Migration"
    truth = ground_truth(1)
    assert all(r["url"] in truth for r in seed["related"])
    # no other page competes for the search word
    for url, page in truth.items():
        if url != SEED:
            words = page["title"] + page["body"] + (page["lead"] or "") + str(page["images"])
            assert "Integrationslotsen" not in words, url


def test_date_edge_cases() -> None:
    truth = ground_truth(1)
    by_source = {}
    for url, t in truth.items():
        by_source.setdefault(t["published_source"], []).append(url)
    assert any("2025-03-19_" in u for u in by_source["url"])
    assert (
        CANONICAL_BASE + "/presse/2024/haushaltssicherungskonzept-vorgelegt"
        in by_source["metadata"]
    )
    assert any(".maerz-2026" in u for u in by_source["metadata"])
    feed = by_source["feed"][0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", feed)
    html = render_site(1)[_path(feed)].body.decode()
    assert "date_from" not in html
    midnight = truth[CANONICAL_BASE + "/presse/2025/2025-01-14-neujahrsempfang-der-stadt"]
    assert midnight["published"] == "2025-01-14"
    assert (
        "2025-01-14T00:30:00+01:00"
        in render_site(1)["/presse/2025/2025-01-14-neujahrsempfang-der-stadt"].body.decode()
    )


def test_ground_truth_matches_html() -> None:
    site = render_site(1)
    truth = ground_truth(1)
    for url, t in truth.items():
        resp = site[_path(url)]
        charset = resp.content_type.split("charset=")[1]
        soup = BeautifulSoup(resp.body.decode(charset), "html.parser")
        assert soup.h1.get_text(" ", strip=True) == t["title"], url
        text = re.sub(r"\s+", " ", soup.get_text())
        for block in t["body"].split("\n\n"):
            assert block in text, (url, block)
        for image in t["images"]:
            assert soup.find("img", src=_path(image["src"]), alt=image["alt"]) is not None
        for rel in t["related"]:
            assert rel["url"] in truth or _path(rel["url"]) in site
        if t["page_type"] != "press_release" or "/presseinformationen/" not in url:
            link = soup.find("link", rel="canonical")
            assert link is not None and link["href"] == url


def test_render_is_deterministic() -> None:
    first = {k: v.body for k, v in render_site(1).items()}
    render_sitepark.cache_clear()
    try:
        assert {k: v.body for k, v in render_site(1).items()} == first
    finally:
        render_sitepark.cache_clear()


def test_edition_two_changes() -> None:
    changes = edition_changes(1, 2)
    assert len(changes["new"]) >= 3 and len(changes["removed"]) == 1
    assert changes["removed"] == removed_urls(2)
    one, two = ground_truth(1), ground_truth(2)
    spec = load_content()["edition_changes"]
    edited = {"body_edit", "caption_edit", "related_edit", "seed_edit"}
    assert changes["changed"] == {CANONICAL_BASE + spec[k]["path"] for k in edited}
    seed_url = CANONICAL_BASE + spec["seed_edit"]["path"]
    assert spec["seed_edit"]["old"] in one[seed_url]["body"]
    assert spec["seed_edit"]["new"] in two[seed_url]["body"]
    assert spec["seed_edit"]["added"] in two[seed_url]["body"]
    assert spec["seed_edit"]["added"] not in one[seed_url]["body"]
    assert one[seed_url]["modified"] == two[seed_url]["modified"]  # a stealth edit
    body_url = CANONICAL_BASE + spec["body_edit"]["path"]
    assert spec["body_edit"]["added_sentence"] in two[body_url]["body"]
    assert spec["body_edit"]["added_sentence"] not in one[body_url]["body"]
    cap_url = CANONICAL_BASE + spec["caption_edit"]["path"]
    assert two[cap_url]["images"][0]["caption"] == spec["caption_edit"]["new"]
    rel_url = CANONICAL_BASE + spec["related_edit"]["path"]
    assert one[rel_url]["related"][0]["kind"] == "topic"
    assert two[rel_url]["related"][0]["kind"] == "org"
    # nothing else changed in any page's bytes
    s1, s2 = render_site(1), render_site(2)
    for url in set(one) & set(two) - changes["changed"]:
        assert s1[_path(url)].body == s2[_path(url)].body


# --- HTTP ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        SEED_PATH,
        SEED_PATH + "/index.php",
        SEED_PATH + "?utm_source=x&utm_medium=y",
    ],
)
@pytest.mark.parametrize("host", HOSTS)
def test_url_variants_answer_with_same_content(site: SampleSite, variant: str, host: str) -> None:
    r = httpx.get(site.base_url + variant, headers={"Host": host})
    assert r.status_code == 200
    assert r.content == render_site(1)[SEED_PATH].body


@pytest.mark.parametrize(
    "prefix",
    [
        "/presseinformationen",
        "/presseinformation-anzeige",
        "/presseinformationen-daten",
    ],
)
def test_old_cms_aliases(client: httpx.Client, prefix: str) -> None:
    r = client.get(f"{prefix}/pressemeldungen/6195.html")
    assert r.status_code == 200
    assert r.content == render_site(1)["/presseinformationen/pressemeldungen/6195.html"].body


def test_every_url_scheme_is_present() -> None:
    paths = [_path(u) for u in ground_truth(1)]
    assert any(re.match(r"^/presse/\d{4}/\d{4}-\d\d-\d\d-", p) for p in paths)
    assert any(re.match(r"^/presse/\d{4}/\d{4}-\d\d-\d\d_", p) for p in paths)
    assert any(re.match(r"^/presse/2024/[a-z]", p) for p in paths)
    assert any(re.match(r"^/presse/2025/[a-z]", p) for p in paths)
    assert any(re.match(r"^/presse/[a-z][^/]*\.[^/]*$", p) for p in paths)
    assert any(p.startswith("/presseinformationen/pressemeldungen/") for p in paths)
    assert "/klima-und-umwelt/stadtgruen/baum--und-gehoelzpflanzungen" in paths


def test_etag_and_last_modified_give_304(client: httpx.Client) -> None:
    r = client.get(SEED_PATH)
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert parsedate_to_datetime(lm).year == 2025
    r2 = client.get(SEED_PATH, headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    r3 = client.get(SEED_PATH, headers={"If-Modified-Since": lm})
    assert r3.status_code == 304
    r4 = client.get(SEED_PATH, headers={"If-None-Match": '"other"', "If-Modified-Since": lm})
    assert r4.status_code == 200
    r5 = client.get(SEED_PATH, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert r5.status_code == 200


def test_head_has_no_body(client: httpx.Client) -> None:
    r = client.head(SEED_PATH, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["content-length"]) == len(render_site(1)[SEED_PATH].body)


def test_gzip(site: SampleSite) -> None:
    with httpx.Client() as c:
        req = c.build_request(
            "GET", site.base_url + "/presse", headers={"Host": HOSTS[0], "Accept-Encoding": "gzip"}
        )
        r = c.send(req, stream=True)
        raw = b"".join(r.iter_raw())
        r.close()
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == render_site(1)["/presse"].body
    assert int(r.headers["content-length"]) == len(raw)


def test_not_found_is_html(client: httpx.Client) -> None:
    r = client.get("/presse/2025/gibt-es-nicht")
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "Seite nicht gefunden" in r.text
    assert client.get("/presse?page=99").status_code == 404


def test_latin1_page(client: httpx.Client) -> None:
    r = client.get(OLD_LATIN1)
    assert r.headers["content-type"] == "text/html; charset=iso-8859-1"
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    text = r.content.decode("iso-8859-1")
    assert "charset=iso-8859-1" in text
    assert ground_truth(1)[CANONICAL_BASE + OLD_LATIN1]["title"] in text
    assert re.search("[äöüÄÖÜß]", text)


def test_robots_txt(client: httpx.Client) -> None:
    r = client.get("/robots.txt")
    assert r.headers["content-type"].startswith("text/plain")
    assert "Disallow: /intern/" in r.text
    assert "Crawl-delay: 0.05" in r.text
    assert f"Sitemap: {CANONICAL_BASE}/sitemap.xml" in r.text
    assert client.get("/intern/redaktion").status_code == 200
    assert any(
        'href="/intern/' in v.body.decode("utf-8", "replace")
        for k, v in render_site(1).items()
        if k.startswith("/presse/2025/")
    )


def test_feed_is_rss_with_rfc822_dates(client: httpx.Client) -> None:
    r = client.get("/presse?sp:out=rss")
    assert r.headers["content-type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(r.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert len(items) == 20
    truth = ground_truth(1)
    for item in items:
        link = item.findtext("link")
        assert link in truth
        when = parsedate_to_datetime(item.findtext("pubDate"))
        assert when.tzinfo is not None
        assert when.date().isoformat() == truth[link]["published"]
    links = [i.findtext("link") for i in items]
    feed_only = [u for u, t in truth.items() if t["published_source"] == "feed"]
    teaser_only = [u for u, t in truth.items() if t["published_source"] == "teaser"]
    url_only = [u for u, t in truth.items() if "_stadtbuecherei-startet-lesesommer" in u]
    assert set(feed_only) <= set(links)
    assert not set(teaser_only + url_only) & set(links)


def test_listings_paginate_and_reach_every_release(client: httpx.Client) -> None:
    found: dict[str, str] = {}
    for base in ("/presse", "/presse/2025", "/presse/2024", "/presse/2023"):
        first = BeautifulSoup(client.get(base).text, "html.parser")
        nav = first.select_one("nav.SP-Pagination")
        pages = json.loads(nav["data-sp-pagination"])["max"]
        for n in range(1, pages + 1):
            r = client.get(base if n == 1 else f"{base}?page={n}")
            assert r.status_code == 200
            soup = BeautifulSoup(r.text, "html.parser")
            items = soup.select("li.SP-TeaserList__item > article.SP-Teaser > a.SP-Teaser__inner")
            assert 0 < len(items) <= 10
            for a in items:
                found[a["href"]] = a.select_one("span.SP-Scheduling__date").text
    releases = {u for u, t in ground_truth(1).items() if t["page_type"] == "press_release"}
    reached = set()
    for href in found:
        r = client.get(href.replace("http://ruesselsheim.test", "").replace(CANONICAL_BASE, ""))
        assert r.status_code == 200, href
        reached.add(BeautifulSoup(r.content, "html.parser").h1.get_text(strip=True))
    assert {ground_truth(1)[u]["title"] for u in releases} <= reached


def test_sitemaps_list_every_page(client: httpx.Client) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locs = []
    for child in index.findall("s:sitemap", ns):
        assert re.match(r"\d{4}-\d\d-\d\d$", child.findtext("s:lastmod", namespaces=ns))
        loc = child.findtext("s:loc", namespaces=ns)
        sub = ElementTree.fromstring(client.get(_path(loc)).content)
        for url in sub.findall("s:url", ns):
            assert url.findtext("s:lastmod", namespaces=ns)
            locs.append(url.findtext("s:loc", namespaces=ns))
    assert sorted(locs) == sorted(ground_truth(1))


def test_every_related_link_resolves(client: httpx.Client) -> None:
    for url, t in ground_truth(1).items():
        for rel in t["related"]:
            assert client.head(_path(rel["url"])).status_code == 200, (url, rel)


def test_edition_switch_over_http(site: SampleSite, client: httpx.Client) -> None:
    removed = next(iter(removed_urls(2)))
    new = sorted(edition_changes(1, 2)["new"])
    spec = load_content()["edition_changes"]
    changed = edition_changes(1, 2)["changed"]
    stable = _path(sorted(set(ground_truth(1)) & set(ground_truth(2)) - changed)[0])
    before = client.get(stable).headers["etag"]
    try:
        site.edition = 2
        site.clear_requests()
        assert client.get(_path(removed)).status_code == 404
        for url in new:
            assert client.get(_path(url)).status_code == 200
        body = client.get(spec["body_edit"]["path"]).text
        assert spec["body_edit"]["added_sentence"] in body
        assert spec["caption_edit"]["new"] in client.get(spec["caption_edit"]["path"]).text
        feed = client.get("/presse?sp:out=rss").text
        assert removed not in feed and new[0] in feed
        assert removed not in client.get("/sitemap-presse.xml").text
        # unchanged pages keep their validators across editions
        r = client.get(stable, headers={"If-None-Match": before})
        assert r.status_code == 304
        assert [(q.method, q.status) for q in site.requests][:1] == [("GET", 404)]
        assert site.requests[0].host == HOSTS[0]
    finally:
        site.edition = 1
    assert client.get(_path(removed)).status_code == 200


def test_connect_to_and_records(site: SampleSite) -> None:
    assert site.connect_to() == {h: f"127.0.0.1:{site.port}" for h in HOSTS}
    assert site.base_url == f"http://127.0.0.1:{site.port}"
    site.clear_requests()
    httpx.get(site.base_url + "/robots.txt", headers={"Host": "ruesselsheim.test:8080"})
    (rec,) = site.requests
    assert (rec.method, rec.host, rec.path, rec.status) == (
        "GET",
        "ruesselsheim.test",
        "/robots.txt",
        200,
    )
    assert rec.nbytes > 0
