"""Site profiles: CSS selectors overriding the generic layer, ``extends``, config errors."""

from __future__ import annotations

import pytest

from crawler.config.settings import loads_config
from crawler.discover.listings import parse_listing
from crawler.errors import ConfigError
from crawler.extract.core import extract
from crawler.extract.profiles import BUILTIN_PROFILES, SITEPARK, TYPO3, SiteProfile, selector_error

URL = "https://www.kleinstadt.test/presse/meldung-42"
PAGE = """<html><head><meta charset="utf-8"></head><body>
<div id="seite"><div class="spalte-links"><h1>Rathaus Kleinstadt</h1><p>Öffnungszeiten Mo–Fr
8–12 Uhr. Bürgerbüro im Erdgeschoss, Telefon 0000 000-0.</p></div>
<div class="spalte-rechts"><div class="rubrik">Pressemitteilung</div>
<div class="titel">Neue Bänke am Mainufer</div><div class="datum">12.06.2024</div>
<div class="vorspann">Die Stadt stellt zwölf neue Bänke auf.</div>
<div class="text"><p>Die Bänke stehen ab Montag.</p><p>Sie sind aus Holz.</p></div>
<div class="bild"><img src="/b/bank.jpg" alt="Bank"><span class="bu">Eine der Bänke.</span>
<span class="copy">Foto: Stadt Kleinstadt</span></div>
<div class="siehe-auch"><a href="/presse/meldung-41">Alte Bänke werden abgebaut</a></div>
</div></div></body></html>""".encode()
PROFILE = SiteProfile(
    title=".titel",
    label=".rubrik",
    lead=".vorspann",
    body=".text",
    date=".datum",
    images=".bild img",
    captions=".bu",
    credits=".copy",
    related=".siehe-auch",
)


def test_selectors_override_the_generic_layer() -> None:
    generic = extract(URL, PAGE, {})
    assert generic.title == "Rathaus Kleinstadt"  # the sidebar h1: why profiles exist
    result = extract(URL, PAGE, {}, PROFILE)
    assert (result.title, result.label, result.lead) == (
        "Neue Bänke am Mainufer",
        "Pressemitteilung",
        "Die Stadt stellt zwölf neue Bänke auf.",
    )
    assert result.body == "Die Bänke stehen ab Montag.\n\nSie sind aus Holz."
    assert (result.published, result.published_source) == ("2024-06-12", "text")
    assert [(i.alt, i.caption) for i in result.images] == [("Bank", "Eine der Bänke.")]
    assert result.credits == ["Foto: Stadt Kleinstadt"]
    assert [(r.title, r.url) for r in result.related] == [
        ("Alte Bänke werden abgebaut", "https://www.kleinstadt.test/presse/meldung-41")
    ]
    assert result.page_type == "press_release"


def test_selector_matching_nothing_falls_back_to_generic() -> None:
    result = extract(URL, PAGE, {}, SiteProfile(title=".gibt-es-nicht"))
    assert result.title == "Rathaus Kleinstadt"


def test_profile_argument_is_optional_and_sitepark_profile_agrees() -> None:
    html = b"""<html><body><main><article id="SP-Content"><header class="SP-ArticleHeader">
<span class="SP-Kicker"><span class="SP-Kicker__text">Pressemitteilung</span></span>
<h1 class="SP-Headline">Titel</h1></header><div class="SP-ArticleContent"><p>Text.</p></div>
</article></main></body></html>"""
    assert extract(URL, html, {}) == extract(URL, html, {}, SITEPARK)
    assert BUILTIN_PROFILES == {"sitepark": SITEPARK, "typo3": TYPO3}


def test_listing_selectors_in_parse_listing() -> None:
    html = b"""<html><body><div class="liste"><div class="eintrag"><a href="/p/1">Eins</a></div>
<div class="eintrag"><a href="/p/2">Zwei</a></div></div>
<div class="blaettern"><a href="?s=1">1</a><a class="vor" href="?s=2">Seite 2</a></div>
</body></html>"""
    profile = SiteProfile(listing_items=".liste .eintrag", next_page=".blaettern a.vor")
    listing = parse_listing("https://x.test/presse", html, {}, profile)
    assert [(i.url, i.title) for i in listing.items] == [
        ("https://x.test/p/1", "Eins"),
        ("https://x.test/p/2", "Zwei"),
    ]
    assert listing.next_pages == ["https://x.test/presse?s=2"]
    assert extract("https://x.test/presse", html, {}, profile).page_type == "listing"


def test_merged_and_selector_errors() -> None:
    merged = SITEPARK.merged(SiteProfile(title="h1.x"))
    assert merged.title == "h1.x" and merged.body == SITEPARK.body
    assert selector_error("div > p.a") is None
    assert selector_error("div >>> ") is not None


MINIMAL = """
[sources.city]
start_urls = ["https://www.city.example/presse"]
"""


def test_config_profiles_extends_and_source_profile() -> None:
    config = loads_config(
        """
[profiles.mycity]
extends = "sitepark"
title = "h1.titel"
[profiles.child]
extends = "mycity"
date = ".datum"
"""
        + MINIMAL
        + 'profile = "child"\n'
    )
    src = config.source("city")
    assert src.profile == "child"
    assert src.site_profile == SITEPARK.merged(SiteProfile(title="h1.titel", date=".datum"))
    assert config.profiles["typo3"] == TYPO3
    builtin = loads_config(MINIMAL + 'profile = "typo3"\n').source("city")
    assert builtin.site_profile == TYPO3
    assert loads_config(MINIMAL).source("city").site_profile is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (MINIMAL + 'profile = "nope"\n', "sources.city.profile"),
        (MINIMAL + "site_profile = 'x'\n", "sources.city.site_profile"),
        ("[profiles.a]\ntitel = 'h1'\n" + MINIMAL, "profiles.a.titel"),
        ("[profiles.a]\ntitle = 'h1 >>'\n" + MINIMAL, "profiles.a.title"),
        ("[profiles.a]\ntitle = 3\n" + MINIMAL, "profiles.a.title"),
        ("[profiles.a]\nextends = 'nope'\n" + MINIMAL, "profiles.a.extends"),
        (
            "[profiles.a]\nextends = 'b'\n[profiles.b]\nextends = 'a'\n" + MINIMAL,
            "profiles.b.extends",
        ),
        ("profiles = 3\n" + MINIMAL, "profiles"),
    ],
)
def test_profile_config_errors_name_the_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        loads_config(text, "broken.toml")
    assert info.value.key == key


def test_a_profile_that_reads_the_page_and_finds_no_picture_means_none() -> None:
    """A table layout's learned template (title, body and images selectors): on a page it
    reads that has no picture of its own, the banner outside its images selector is no image
    (the table layer's wider scope found it)."""
    profile = SiteProfile(
        title='td[width="710"] font[size="4"]',
        body='td[width="710"] font[size="2"]',
        images='td[width="710"] img',
    )

    def image_names(picture: str) -> list[str]:
        html = (
            '<html><body><table width="900"><tr><td colspan="2">'
            '<img src="/images/kopf.jpg" width="900" height="120" alt="Stadt"></td></tr>'
            '<tr><td width="190"><a href="/">Start</a></td><td width="710"><table><tr><td>'
            '<font size="4"><b>Neuer Seniorenwegweiser erschienen</b></font><br>'
            f'{picture}<font size="2">Kelsterbach, 5. Dezember 2024 – Ältere Menschen bekommen'
            " Unterstützung im Umgang mit Smartphone und Tablet.<br><br>Die Sprechstunde "
            "findet jeden Mittwoch statt. Eine Anmeldung ist nicht nötig.</font>"
            "</td></tr></table></td></tr></table></body></html>"
        )
        found = extract(URL, html.encode("utf-8"), {}, profile).images
        return [i.src.rsplit("/", 1)[-1] for i in found]

    assert image_names("") == []
    assert image_names('<img src="/images/presse/fest.jpg" alt="Fest">') == ["fest.jpg"]
