"""The WordPress family's content: site constants, the seeded posts and pages (:func:`_pages`),
the UTC/local date conversions the Yoast traps rest on, and the listing URLs. The markup is in
:mod:`.wordpress_markup`, the entry points in :mod:`.wordpress`.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from crawler.sample_site.families import BERLIN, Page, TextKit, local, slugify

BASE = "http://www.hanau.test"
LISTING = "/presse/"
PAGE_SIZE = 5
SEED = 63450
_PRESS = "Pressemitteilungen"

# id, theme, categories, local date, time, modified (UTC ISO or None), images, json-ld style
_POSTS: list[tuple[Any, ...]] = [
    (1201, "verkehr", (_PRESS, "Verkehr"), "2025-01-13", "11:00", None, 1, "+00:00"),
    (1215, "kita", (_PRESS,), "2025-02-03", "09:30", None, 1, "Z"),
    (1228, "haushalt", (_PRESS,), "2025-03-04", "00:20", None, 0, "+00:00"),
    (1240, "klima", (_PRESS, "Umwelt"), "2025-03-31", "14:15", "2025-04-02T07:05:00+00:00", 2, "Z"),
    (1252, "wahl", ("Bekanntmachungen", _PRESS), "2025-04-22", "08:00", None, 0, "+00:00"),
    (1267, "buecherei", (_PRESS, "Kultur"), "2025-05-15", "16:40", None, 1, "+00:00"),
    (1279, "feuerwehr", (_PRESS,), "2025-06-03", "10:10", "2025-06-04T22:30:00+00:00", 1, "Z"),
    (1290, "sport", (_PRESS, "Sport"), "2025-07-01", "01:30", None, 1, "Z"),
    (1304, "senioren", (_PRESS,), "2025-07-24", "12:00", None, 0, "+00:00"),
    (1318, "foerderung", (_PRESS,), "2025-08-28", "13:45", None, 1, "+00:00"),
    (1331, "baum", (_PRESS, "Umwelt"), "2025-09-18", "09:00", None, 1, "Z"),
    (1345, "verkehr", (_PRESS, "Verkehr"), "2025-10-09", "15:30", None, 0, "+00:00"),
    (1358, "klima", (_PRESS, "Umwelt"), "2025-10-30", "23:45", None, 1, "+00:00"),
    (1372, "kita", (_PRESS,), "2025-11-24", "10:00", "2025-11-25T09:00:00Z", 1, "Z"),
]
# id, path, title, theme, published (local), modified (local)
_PAGES = [
    (
        88,
        "/leben-in-hanau/klimaschutz/",
        "Klimaschutz in Hanau",
        "klima",
        ("2023-05-10", "10:00"),
        ("2025-02-14", "00:30"),
    ),
    (
        95,
        "/Kultur/Brueder-Grimm-Festspiele.html",
        "Brüder Grimm Festspiele",
        "buecherei",
        ("2022-03-01", "09:00"),
        ("2025-04-01", "12:00"),
    ),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Hanau",
        "Hanau",
        "Hanauer",
        ["Großauheim", "Steinheim", "Kesselstadt", "Lamboy", "Wolfgang", "Klein-Auheim"],
        ["Nürnberger Straße", "Hospitalstraße", "Leipziger Straße", "Am Markt"],
        [
            "Oberbürgermeister Claus Kaminsky",
            "Bürgermeister Maximilian Bieri",
            "Stadträtin Isabelle Hemsley",
            "Stadtrat Thomas Morlock",
        ],
    )


def _utc(date: str, time: str, style: str = "+00:00") -> str:
    value = local(date, time).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return value + style


def _local_date(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(BERLIN).date().isoformat()


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    out: list[Page] = []
    for pid, theme, cats, date, time, modified, n_img, style in _POSTS:
        art = kit.article(
            theme, n_paras=rng.randint(3, 4), subhead=rng.random() < 0.7, items=rng.random() < 0.4
        )
        slug = slugify(art["title"])
        blocks = [("p", art["lead"]), *art["blocks"]]  # no lead field: the lead is paragraph 1
        images = []
        for n in range(n_img):
            alt, desc = kit.theme(theme)["images"][n % 2]
            who = rng.choice(["Moritz Göbel", "Patricia Lauer", "Erhan Yilmaz"])
            images.append(
                {
                    "file": f"{date[:4]}/{date[5:7]}/{slug[:28]}-{n}",
                    "alt": alt if rng.random() < 0.8 else "",
                    "caption": desc,
                    "credit": f"Quelle: Stadt Hanau / {who}",
                }
            )
        out.append(
            {
                "key": f"post-{pid}",
                "id": pid,
                "kind": "post",
                "path": f"/{date[:4]}/{date[5:7]}/{slug}/",
                "page_type": "notice" if cats[0] == "Bekanntmachungen" else "press_release",
                "cats": cats,
                "theme": theme,
                "title": art["title"],
                "excerpt": art["lead"],
                "blocks": blocks,
                "date": date,
                "time": time,
                "modified": modified,
                "style": style,
                "images": images,
                "related": [],
            }
        )
    posts = list(out)
    for p in posts:
        same = [
            o["key"]
            for o in posts
            if o is not p and (set(o["cats"][1:]) & set(p["cats"][1:]) or o["theme"] == p["theme"])
        ]
        others = [o["key"] for o in posts if o is not p and o["key"] not in same]
        p["related"] = (same + rng.sample(others, k=3))[:3]
    for pid, path, title, theme, (date, time), (mdate, mtime) in _PAGES:
        art = kit.article(theme, title, n_paras=4, subhead=True, items=True)
        alt, desc = art["image"]
        out.append(
            {
                "key": f"page-{pid}",
                "id": pid,
                "kind": "page",
                "path": path,
                "page_type": "topic",
                "cats": (),
                "title": title,
                "excerpt": art["lead"],
                "blocks": [("p", art["lead"]), *art["blocks"]],
                "date": date,
                "time": time,
                "modified": _utc(mdate, mtime, "+00:00"),
                "style": "+00:00",
                "images": [
                    {
                        "file": f"2023/05/{slugify(title)}",
                        "alt": alt,
                        "caption": desc,
                        "credit": "Quelle: Stadt Hanau / Archiv",
                    }
                ],
                "related": [],
            }
        )
    return out


# --- URLs ----------------------------------------------------------------------------------------


def listing_target(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}page/{number}/"
