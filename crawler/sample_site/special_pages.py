"""The hand-written pages of the sample site's ``content.json``: the seed release, the
special releases (the date and URL-scheme edge cases) and the topic, org-unit and notice
pages; with the constructors of page, teaser and image specs, which
:mod:`crawler.sample_site.make_content` also uses for the generated releases. Texts and
vocabularies come from ``pools.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from crawler.sample_site.render import CANONICAL_BASE

POOLS_PATH = Path(__file__).with_name("pools.json")
pools = SimpleNamespace(**json.loads(POOLS_PATH.read_text(encoding="utf-8")))

Page = dict[str, Any]


def page_spec(key: str, page_type: str, path: str, label: str, title: str, **kw: Any) -> Page:
    page: Page = {
        "key": key,
        "page_type": page_type,
        "cms": "current",
        "path": path,
        "cms_id": None,
        "label": label,
        "title": title,
        "lead": None,
        "date": None,
        "time": "10:00",
        "meta_date": False,
        "date_modified": None,
        "jsonld": False,
        "blocks": [],
        "faq": [],
        "video": None,
        "images": [],
        "related": [],
        "charset": "utf-8",
        "added_in": 1,
        "removed_in": None,
        "edition_2": None,
        "listing_title": None,
    }
    page.update(kw)
    return page


def teaser_spec(key: str, kind: str, title: str, label: str | None = None, **kw: Any) -> dict:
    teaser = {
        "key": key,
        "kind": kind,
        "title": title,
        "label": label,
        "href": None,
        "alt": None,
        "abstract": None,
        "date": None,
    }
    teaser.update(kw)
    return teaser


def image_spec(file: str, alt: str, caption: str | None, credit_item: str | None) -> dict:
    return {"file": file, "alt": alt, "caption": caption, "credit_item": credit_item}


# --------------------------------------------------------------------------------------------
# Hand-written pages
# --------------------------------------------------------------------------------------------

SEED_PATH = (
    "/presse/2025/2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-"
    "langfristig"
)
LOTSEN_2024_PATH = "/presse/2024/2024-03-22-stadt-sucht-ehrenamtliche-lotsinnen-und-lotsen"
ARKSOUSI_PATH = "/presse/2025/2025-07-23-mohammad-ghassan-arksousi-in-wiesbaden-geehrt"
WIR_PATH = "/soziales/migration/projekte-und-integrationsmassnahmen/landesprogramm-wir"


def seed_release() -> Page:
    s = pools.SEED_TEXT
    return page_spec(
        "seed",
        "press_release",
        SEED_PATH,
        "Pressemitteilung",
        s["title"],
        cms_id="102345",
        lead=s["lead"],
        date="2025-11-28",
        time="09:30",
        meta_date=True,
        date_modified="2025-11-28T14:12:00+01:00",
        jsonld=True,
        blocks=[["p", p] for p in s["body_before"]]
        + [["h2", s["subheading"]]]
        + [["p", p] for p in s["body_after"]],
        images=[
            image_spec(
                "zertifikate-integrationslotsen-2025.jpg",
                s["alt"],
                s["caption"],
                "Zertifikatsübergabe im Trauzimmer: © Stadt Rüsselsheim am Main / "
                "Foto: Tim Pfeiffer",
            )
        ],
        related=[
            teaser_spec(
                "topic-wir",
                "topic",
                "Landesprogramm WIR–Vielfalt und Teilhabe",
                "Migration",
                alt="Symbolbild Landesprogramm-WIR",
            ),
            teaser_spec(
                "lotsen-2024",
                "press",
                "Neue ehrenamtliche Integrations- und Gesundheitslotsen gesucht",
                "Pressemitteilung",
                alt="Grafik zum Aufruf Gesundheits- und Integrationslotsen",
                href="http://ruesselsheim.test" + LOTSEN_2024_PATH,
            ),
            teaser_spec(
                "org-kultur",
                "org",
                "Stabsstelle Kultur und Vielfalt",
                href="/rathaus/verwaltung/stabsstelle-kultur-und-vielfalt/index.php",
            ),
            teaser_spec(
                "org-ikb",
                "org",
                "Interkulturelles Büro",
                href=CANONICAL_BASE + "/rathaus/verwaltung/interkulturelles-buero#kontakt",
            ),
            teaser_spec(
                "arksousi",
                "press",
                "Rüsselsheimer Integrationslotse Mohammad Ghassan Arksousi in Wiesbaden geehrt",
                "Pressemitteilung",
                alt=s["arksousi_alt"],
                href=ARKSOUSI_PATH + "?utm_source=newsletter&utm_medium=email",
            ),
        ],
    )


def special_releases() -> list[Page]:
    t = pools.SPECIAL_TEXT
    out: list[Page] = []
    out.append(
        page_spec(
            "lotsen-2024",
            "press_release",
            LOTSEN_2024_PATH,
            "Pressemitteilung",
            "Stadt sucht neue ehrenamtliche Lotsinnen und Lotsen für Integration und Gesundheit",
            cms_id="98812",
            lead=t["lotsen"]["lead"],
            date="2024-03-22",
            time="11:15",
            meta_date=True,
            blocks=t["lotsen"]["blocks"],
            images=[
                image_spec(
                    "aufruf-lotsen-2024.jpg",
                    "Grafik zum Aufruf für das Lotsenprogramm",
                    "Grafik zum Aufruf für das Lotsenprogramm",
                    "Aufruf Lotsenprogramm: © Stadt Rüsselsheim am Main / "
                    "Grafik: Interkulturelles "
                    "Büro",
                )
            ],
            related=[
                teaser_spec("org-ikb", "org", "Interkulturelles Büro"),
                teaser_spec(
                    "topic-wir",
                    "topic",
                    "Landesprogramm WIR – Vielfalt und Teilhabe",
                    "Migration",
                    alt="Symbolbild Landesprogramm-WIR",
                ),
            ],
        )
    )
    out.append(
        page_spec(
            "arksousi",
            "press_release",
            ARKSOUSI_PATH,
            "Pressemitteilung",
            "Ehrenamtlicher Lotse Mohammad Ghassan Arksousi im Schloss Biebrich ausgezeichnet",
            cms_id="101877",
            lead=t["arksousi"]["lead"],
            date="2025-07-23",
            time="13:40",
            meta_date=True,
            blocks=t["arksousi"]["blocks"],
            images=[
                image_spec(
                    "wuerdigung-biebrich.jpg", t["arksousi"]["alt"], t["arksousi"]["caption"], None
                )
            ],
            related=[
                teaser_spec(
                    "lotsen-2024",
                    "press",
                    "Lotsinnen und Lotsen gesucht",
                    "Pressemitteilung",
                    href=LOTSEN_2024_PATH + "/index.php",
                ),
                teaser_spec("org-ikb", "org", "Interkulturelles Büro"),
            ],
        )
    )
    # date only in the URL (underscore variant), no metadata, not in the feed
    out.append(
        page_spec(
            "url-only",
            "press_release",
            "/presse/2025/2025-03-19_stadtbuecherei-startet-lesesommer-anmeldung",
            "Pressemitteilung",
            "Anmeldung zum Lesesommer in der Stadtbücherei beginnt",
            cms_id="100311",
            lead=t["lesesommer"]["lead"],
            date="2025-03-19",
            time="10:05",
            blocks=t["lesesommer"]["blocks"],
            video="Video: So funktioniert der Lesesommer (2:14 Min.)",
            related=[
                teaser_spec(
                    "topic-buecherei",
                    "topic",
                    "Stadtbücherei",
                    "Kultur",
                    alt="Lesesaal der Stadtbücherei",
                )
            ],
        )
    )
    # date only in metadata (no year, dot in the slug)
    out.append(
        page_spec(
            "meta-only-noyear",
            "press_release",
            "/presse/kommunalwahl-am-15.maerz-2026-wahlhelferinnen-und-wahlhelfer-gesucht",
            "Pressemitteilung",
            "Kommunalwahl am 15. März 2026: Wahlhelferinnen und Wahlhelfer gesucht",
            cms_id="102020",
            lead=t["wahlhelfer"]["lead"],
            date="2025-09-16",
            time="08:45",
            meta_date=True,
            blocks=t["wahlhelfer"]["blocks"],
            related=[
                teaser_spec(
                    "topic-wahl",
                    "topic",
                    "Kommunalwahl 2026",
                    "Wahlen",
                    alt="Wahlurne mit Stimmzettel",
                ),
                teaser_spec(
                    "notice-wahl",
                    "other",
                    "Wahlbekanntmachung",
                    "Öffentliche Bekanntmachung",
                    href="http://ruesselsheim.test/rathaus/ortsrecht/oeffentliche-"
                    "bekanntmachungen/wahlbekanntmachung-kommunalwahl-2026",
                ),
            ],
        )
    )
    # date only in metadata (year folder, no date)
    out.append(
        page_spec(
            "meta-only-2024",
            "press_release",
            "/presse/2024/haushaltssicherungskonzept-vorgelegt",
            "Pressemitteilung",
            "Magistrat legt Haushaltssicherungskonzept vor",
            cms_id="99640",
            lead=t["hsk"]["lead"],
            date="2024-10-08",
            time="23:30",
            meta_date=True,
            blocks=t["hsk"]["blocks"],
            related=[teaser_spec("topic-haushalt", "topic", "Haushalt und Finanzen", "Finanzen")],
        )
    )
    # metadata just after local midnight (UTC date is the day before)
    out.append(
        page_spec(
            "meta-midnight",
            "press_release",
            "/presse/2025/2025-01-14-neujahrsempfang-der-stadt",
            "Pressemitteilung",
            "Neujahrsempfang der Stadt im Theater Rüsselsheim",
            cms_id="100002",
            lead=t["neujahr"]["lead"],
            date="2025-01-14",
            time="00:30",
            meta_date=True,
            blocks=t["neujahr"]["blocks"],
        )
    )
    # no date anywhere on the page: recent (feed) and older (listing teaser)
    out.append(
        page_spec(
            "feed-only",
            "press_release",
            "/presse/2025/laternenumzug-durch-die-innenstadt",
            "Pressemitteilung",
            "Laternenumzug zieht durch die Innenstadt",
            cms_id="102210",
            lead=t["laterne"]["lead"],
            date="2025-11-06",
            time="15:20",
            blocks=t["laterne"]["blocks"],
        )
    )
    out.append(
        page_spec(
            "teaser-only",
            "press_release",
            "/presse/2024/neue-sitzbaenke-am-mainufer",
            "Pressemitteilung",
            "Neue Sitzbänke am Mainufer aufgestellt",
            cms_id="99102",
            lead=t["baenke"]["lead"],
            date="2024-06-12",
            time="09:00",
            blocks=t["baenke"]["blocks"],
            images=[
                image_spec(
                    "sitzbaenke-mainufer.jpg",
                    "Neue Sitzbänke am Mainufer",
                    "Neue Sitzbänke am Mainufer",
                    None,
                )
            ],
        )
    )
    return out


def topic_org_notice_pages() -> list[Page]:
    out: list[Page] = []
    for spec in pools.TOPICS + pools.ORGS + pools.NOTICES:
        spec = dict(spec)
        key, page_type, path = spec.pop("key"), spec.pop("page_type"), spec.pop("path")
        label, title = spec.pop("label"), spec.pop("title")
        spec["images"] = [image_spec(*i) for i in spec.get("images", [])]
        spec["related"] = [
            teaser_spec(*r[:4], **(r[4] if len(r) > 4 else {})) for r in spec.get("related", [])
        ]
        out.append(page_spec(key, page_type, path, label, title, **spec))
    return out
