from __future__ import annotations

import pytest

from crawler.config.settings import SourceConfig, UrlAlias
from crawler.fetch.urls import UrlPolicy

ALIAS = UrlAlias(
    r"^/presseinformation(?:-anzeige|en-daten)/pressemeldungen/(\d+)\.html$",
    r"/presseinformationen/pressemeldungen/\1.html",
)
SOURCE = SourceConfig(
    name="ruesselsheim",
    start_urls=("http://www.ruesselsheim.test/presse",),
    hosts=("www.ruesselsheim.test", "ruesselsheim.test"),
    scheme="http",
    url_aliases=(ALIAS,),
    exclude=(r"^/intern/", r"\.pdf$"),
)
BASE = "http://www.ruesselsheim.test/presse/2025/2025-11-28-euro-fuer-vielfalt"
C = "http://www.ruesselsheim.test"

CASES = [
    # the page itself and its host / scheme / port variants
    (f"{C}/presse/2025/2025-11-28-x", f"{C}/presse/2025/2025-11-28-x"),
    ("http://ruesselsheim.test/presse/2024/kita", f"{C}/presse/2024/kita"),
    ("https://RUESSELSHEIM.test/presse/2024/kita", f"{C}/presse/2024/kita"),
    ("HTTP://www.Ruesselsheim.TEST:80/presse/2024/kita", f"{C}/presse/2024/kita"),
    ("https://www.ruesselsheim.test:443/presse/2024/kita", f"{C}/presse/2024/kita"),
    # root-relative and relative links
    ("/presse/2025/2025-03-19_baum", f"{C}/presse/2025/2025-03-19_baum"),
    ("../2024/kita", f"{C}/presse/2024/kita"),
    ("./2025-11-29-x", f"{C}/presse/2025/2025-11-29-x"),
    # slug with a dot
    ("/presse/fest-am-15.maerz-2026-x", f"{C}/presse/fest-am-15.maerz-2026-x"),
    # /index.php forms
    ("/presse/2024/kita/index.php", f"{C}/presse/2024/kita"),
    ("http://ruesselsheim.test/index.php", f"{C}/"),
    ("/presse/index.html", f"{C}/presse/index.html"),
    # fragments and tracking parameters
    ("/soziales/migration#faq", f"{C}/soziales/migration"),
    ("/soziales/migration?utm_source=nl&utm_medium=mail", f"{C}/soziales/migration"),
    ("/x?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&no_cache=1", f"{C}/x"),
    ("/x?sword_list[]=kita&sword_list%5B1%5D=foo&id=5", f"{C}/x?id=5"),
    ("/x?UTM_Campaign=y&b=2&a=1", f"{C}/x?a=1&b=2"),
    # query parameters kept, sorted, repeated keys keep their order
    ("/presse?sp:out=rss", f"{C}/presse?sp:out=rss"),
    ("/presse?page=2", f"{C}/presse?page=2"),
    ("/presse?z=1&a=2&z=0", f"{C}/presse?a=2&z=1&z=0"),
    ("/n?tx_news_pi1[news]=12&cHash=ab", f"{C}/n?cHash=ab&tx_news_pi1%5Bnews%5D=12"),
    ("/n?tx_news_pi1%5bnews%5d=12&cHash=ab", f"{C}/n?cHash=ab&tx_news_pi1%5Bnews%5D=12"),
    # old-CMS aliases
    (
        "/presseinformation-anzeige/pressemeldungen/4711.html",
        f"{C}/presseinformationen/pressemeldungen/4711.html",
    ),
    (
        "http://ruesselsheim.test/presseinformationen-daten/pressemeldungen/3429.html#top",
        f"{C}/presseinformationen/pressemeldungen/3429.html",
    ),
    (
        "/presseinformationen/pressemeldungen/6195.html",
        f"{C}/presseinformationen/pressemeldungen/6195.html",
    ),
    # percent-encoding normalised
    ("/themen/%7euser/a%2fb", f"{C}/themen/~user/a%2Fb"),
    ("/themen/Grünflächen pflege", f"{C}/themen/Gr%C3%BCnfl%C3%A4chen%20pflege"),
    ("/themen/Gr%c3%bcnfl%C3%A4chen%20pflege", f"{C}/themen/Gr%C3%BCnfl%C3%A4chen%20pflege"),
    ("/a/./b/../c", f"{C}/a/c"),
    ("http://www.ruesselsheim.test", f"{C}/"),
    # foreign hosts keep scheme, host and port (minus default port)
    ("https://www.hessen.de:443/presse?utm_source=x#a", "https://www.hessen.de/presse"),
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"),
    # not http(s)
    ("mailto:presse@ruesselsheim.de", None),
    ("javascript:linkTo_UnCryptMailto('x')", None),
    ("tel:+4961423200", None),
    ("data:text/plain,hi", None),
    ("", None),
    ("http://[::1", None),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonical(url: str, expected: str | None) -> None:
    assert UrlPolicy(SOURCE).canonical(url, BASE) == expected


def test_canonical_is_idempotent() -> None:
    policy = UrlPolicy(SOURCE)
    for url, expected in CASES:
        if expected is not None:
            assert policy.canonical(expected) == expected, url


def test_canonical_scheme_https_default() -> None:
    src = SourceConfig(name="x", hosts=("a.test", "www.a.test"), start_urls=("https://a.test/",))
    policy = UrlPolicy(src)
    assert policy.canonical("http://www.a.test:80/p") == "https://a.test/p"
    assert policy.canonical("http://www.a.test:8080/p") == "https://a.test:8080/p"


def test_allowed_and_allowed_host() -> None:
    policy = UrlPolicy(SOURCE)
    assert policy.allowed(f"{C}/presse/2024/kita")
    assert policy.allowed("http://ruesselsheim.test/presse/2024/kita")
    assert not policy.allowed(f"{C}/intern/geheim")
    assert not policy.allowed(f"{C}/medien/dokumente/satzung.pdf")
    assert not policy.allowed("http://www.hessen.de/presse")
    assert not policy.allowed("ftp://www.ruesselsheim.test/presse")
    assert policy.allowed_host(f"{C}/intern/geheim")
    assert not policy.allowed_host("http://127.0.0.2/")
    assert not policy.allowed_host("mailto:a@ruesselsheim.test")


def test_include() -> None:
    src = SourceConfig(
        name="x",
        hosts=("a.test",),
        start_urls=("http://a.test/presse",),
        include=(r"^/presse/", r"^/presseinformationen/"),
    )
    policy = UrlPolicy(src)
    assert policy.allowed("http://a.test/presse/2024/kita")
    assert policy.allowed("http://a.test/presseinformationen/pressemeldungen/1.html")
    assert not policy.allowed("http://a.test/soziales/migration")
    assert policy.allowed_host("http://a.test/soziales/migration")
