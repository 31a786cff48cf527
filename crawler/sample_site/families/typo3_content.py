"""The TYPO3 family's content and URL scheme: site constants, the seeded news records, topic and
org pages (:func:`_pages`), and the builders of cHash'd query, pagination and search-highlight
targets. The markup is in :mod:`.typo3_markup`, the entry points in :mod:`.typo3`.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote

from crawler.sample_site.families import Page, TextKit, hexhash, slugify

BASE = "http://www.darmstadt.test"
LISTING = "/aktuelles/news"
PAGE_SIZE = 6
RSS_KEY = "/?type=9818"
SITEMAP_KEYS = (
    "/sitemap.xml",
    "/sitemap.xml?sitemap=news&type=1533906435",
    "/sitemap.xml?sitemap=pages&type=1533906435",
)
SEED = 4711
_Q = {
    "action": "tx_news_pi1[action]",
    "controller": "tx_news_pi1[controller]",
    "news": "tx_news_pi1[news]",
    "page": "tx_news_pi1[@widget_0][currentPage]",
}
_DUP_TITLE = "Vollsperrung der Heinrichstraße wegen Kanalarbeiten"

# uid, theme, kicker, date, time, kreis release, images, extras
_NEWS: list[tuple[Any, ...]] = [
    (4711, "verkehr", "Verkehr", "2025-01-09", "10:15", False, 1, {"title": _DUP_TITLE}),
    (4714, "klima", "Klimaschutz", "2025-01-30", "14:00", False, 1, {}),
    (4720, "kita", "Kreis Groß-Gerau", "2025-02-18", "09:00", True, 1, {}),
    (4726, "haushalt", "Haushalt", "2025-03-06", "16:45", False, 0, {"files": True}),
    (4731, "baum", "Stadtgrün", "2025-03-27", "11:30", False, 2, {}),
    (
        4735,
        "wahl",
        "Öffentliche Bekanntmachung",
        "2025-04-15",
        "08:00",
        False,
        0,
        {"page_type": "notice", "files": True},
    ),
    (4740, "buecherei", "Kultur", "2025-05-08", "12:00", False, 1, {}),
    (4744, "feuerwehr", "Kreis Groß-Gerau", "2025-06-04", "07:45", True, 1, {}),
    (4749, "senioren", "Soziales", "2025-06-26", "13:20", False, 0, {}),
    (4753, "verkehr", "Verkehr", "2025-07-17", "10:00", False, 1, {"title": _DUP_TITLE}),
    (4758, "sport", "Sport", "2025-08-21", "15:10", False, 1, {}),
    (4762, "foerderung", "Kreis Groß-Gerau", "2025-09-11", "09:40", True, 0, {"files": True}),
    (4767, "klima", "Klimaschutz", "2025-10-02", "23:50", False, 1, {}),
    (4771, "kita", "Kinderbetreuung", "2025-10-29", "00:20", False, 1, {}),
    (4776, "baum", "Stadtgrün", "2025-11-20", "10:30", False, 1, {}),
]
_TOPICS = [
    ("topic-baeume", "/leben-in-darmstadt/umwelt/stadtbaeume", "Umwelt", "Stadtbäume", "baum"),
    (
        "topic-rad",
        "/leben-in-darmstadt/mobilitaet/radverkehr",
        "Mobilität",
        "Radverkehr",
        "verkehr",
    ),
]
_ORG = ("org-umweltamt", "/rathaus/aemter/umweltamt", "Umweltamt")
_LINK_TARGETS = {
    "topic-baeume": ("Stadtbäume", _TOPICS[0][1] + "#c501"),
    "topic-rad": ("Radverkehr", BASE + _TOPICS[1][1]),
    "org-umweltamt": ("Umweltamt", "/rathaus/aemter/umweltamt/"),
}
_THEME_LINKS = {"baum": "topic-baeume", "klima": "org-umweltamt", "verkehr": "topic-rad"}


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Darmstadt",
        "Darmstadt",
        "Darmstädter",
        ["Bessungen", "Eberstadt", "Kranichstein", "Arheilgen", "Wixhausen", "der Innenstadt"],
        ["Heinrichstraße", "Rheinstraße", "Frankfurter Landstraße", "Kasinostraße"],
        [
            "Oberbürgermeister Hanno Benz",
            "Bürgermeisterin Barbara Akdeniz",
            "Stadtrat Paul Georg Wandrey",
            "Stadträtin Simone Schnell",
        ],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    pages: list[Page] = []
    slugs: set[str] = set()
    for uid, theme, kicker, date, time, kreis, n_img, extra in _NEWS:
        art = kit.article(
            theme,
            extra.get("title"),
            n_paras=rng.randint(2, 4),
            subhead=rng.random() < 0.6,
            items=rng.random() < 0.4,
        )
        slug = slugify(art["title"])
        if slug in slugs:
            slug += "-40"  # TYPO3 slug uniqueness: the real sites get "-40" style suffixes
        slugs.add(slug)
        blocks = list(art["blocks"])
        if kreis:
            blocks[0] = ("p", "KREIS GROSS-GERAU – " + blocks[0][1])
        if theme in _THEME_LINKS and blocks[-1][0] == "p":
            target = _THEME_LINKS[theme]
            name, path = _LINK_TARGETS[target]
            blocks.insert(1, ("p", f"Mehr dazu auf der Seite [{name}]({path})."))
        images = []
        for n in range(n_img):
            alt, desc = art["image"] if n == 0 else kit.theme(theme)["images"][-1]
            who = rng.choice(["Nadine Acar", "Jens Steinmetz", "Rüdiger Dunker"])
            owner = "Kreis Groß-Gerau" if kreis else "Stadt Darmstadt"
            images.append(
                {
                    "file": f"{slug[:30]}-{n}",
                    "alt": alt,
                    "caption": f"{desc}.",
                    "credit": f"{owner} / {who}" if n == 0 or rng.random() < 0.5 else None,
                }
            )
        pages.append(
            {
                "key": f"news-{uid}",
                "uid": uid,
                "path": f"{LISTING}/{slug}",
                "page_type": extra.get("page_type", "press_release"),
                "kicker": kicker,
                "title": art["title"],
                "lead": art["lead"],
                "blocks": blocks,
                "date": date,
                "time": time,
                "images": images,
                "theme": theme,
                "files": extra.get("files", False),
                "related": [],
            }
        )
    news = list(pages)
    for p in news:
        same = [
            o
            for o in news
            if o is not p and (o["theme"] == p["theme"] or o["kicker"] == p["kicker"])
        ]
        rel = [{"key": o["key"], "sword": rng.random() < 0.3} for o in same[:3]]
        rng.shuffle(rel)
        if p["theme"] in _THEME_LINKS:
            rel.append({"key": _THEME_LINKS[p["theme"]], "sword": False})
        p["related"] = rel
    for key, path, topline, title, theme in _TOPICS:
        art = kit.article(theme, title, n_paras=3)
        alt, desc = art["image"]
        pages.append(
            {
                "key": key,
                "path": path,
                "page_type": "topic",
                "kicker": topline,
                "title": title,
                "lead": None,
                "blocks": art["blocks"],
                "date": None,
                "images": [
                    {
                        "file": f"{key}-0",
                        "alt": alt,
                        "caption": f"{desc}.",
                        "credit": "Stadt Darmstadt / Archiv",
                    }
                ],
                "related": [],
            }
        )
    key, path, title = _ORG
    pages.append(
        {
            "key": key,
            "path": path,
            "page_type": "org_unit",
            "kicker": None,
            "title": title,
            "lead": None,
            "date": None,
            "images": [],
            "related": [],
            "blocks": [
                ("p", "Das Umweltamt berät zu Baumschutz, Lärm, Boden und Klimaanpassung."),
                ("h2", "Kontakt"),
                ("p", "Bessunger Straße 125, Gebäude C, 64295 Darmstadt"),
                ("p", "Sprechzeiten nach Vereinbarung"),
            ],
        }
    )
    return pages


# --- URLs ----------------------------------------------------------------------------------------


def chash(*parts: object) -> str:
    return hexhash("typo3-chash", *parts)


def detail_query(uid: int, base: str = LISTING) -> str:
    q = (
        f"{quote(_Q['action'])}=detail&{quote(_Q['controller'])}=News&"
        f"{quote(_Q['news'])}={uid}&cHash={chash('news', uid)}"
    )
    return f"{base}?{q}"


def page_target(number: int) -> str:
    if number == 1:
        return LISTING
    return f"{LISTING}?{quote(_Q['page'])}={number}&cHash={chash('page', number)}"


def sword_target(path: str, word: str) -> str:
    return f"{path}?{quote('sword_list[0]')}={quote(word)}&no_cache=1"
