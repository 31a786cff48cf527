"""Deterministic generator for ``content.json`` (page specs + ground truth of the sample site).

Run ``python -m crawler.sample_site.make_content`` after changing anything here; the test suite
checks that the committed ``content.json`` equals a fresh build. Hand-written pages (the seed
release, topic, org-unit and notice pages, the date and URL-scheme edge cases) live in
``special_pages.py``; the bulk of the releases is combined from per-theme sentence pools with a
seeded ``random.Random``, so the output is identical on every run.
"""

from __future__ import annotations

import json
import logging
import random
import unicodedata
from pathlib import Path
from typing import Any

from crawler.sample_site.render import CANONICAL_BASE, berlin_iso, compute_ground_truth
from crawler.sample_site.special_pages import (
    Page,
    image_spec,
    page_spec,
    pools,
    seed_release,
    special_releases,
    teaser_spec,
    topic_org_notice_pages,
)

logger = logging.getLogger(__name__)

CONTENT_PATH = Path(__file__).with_name("content.json")
SEED = 20251128


# --------------------------------------------------------------------------------------------
# Generated releases
# --------------------------------------------------------------------------------------------


def _slugify(text: str) -> str:
    repl = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}
    out = "".join(repl.get(c, c) for c in text.lower())
    out = unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode()
    slug = "".join(c if c.isalnum() else "-" for c in out)
    while "--" in slug:
        slug = slug.replace("--", "-")
    slug = slug.strip("-")
    # slugs drop leading numbers ("600.000 Euro für ..." -> "euro-fuer-...")
    parts = slug.split("-")
    while parts and parts[0].isdigit():
        parts.pop(0)
    return "-".join(parts[:9])


def _fill(rng: random.Random, text: str) -> str:
    return text.format(
        stadtteil=rng.choice(pools.STADTTEILE),
        strasse=rng.choice(pools.STRASSEN),
        person=rng.choice(pools.PERSONEN),
        wochentag=rng.choice(pools.WOCHENTAGE),
        zahl=rng.choice(["zwölf", "18", "25", "40", "rund 60", "mehr als 100"]),
    )


def _dates(rng: random.Random) -> list[str]:
    """Release dates for generated current-CMS releases (2023-05 .. 2025-11)."""
    plan = [("2023", 5, 12, 9), ("2024", 1, 12, 17), ("2025", 1, 11, 30)]
    out = []
    for year, m1, m2, n in plan:
        for _ in range(n):
            month = rng.randint(m1, m2)
            day = rng.randint(1, 27)
            out.append(f"{year}-{month:02d}-{day:02d}")
    return sorted(set(out))


def _generated_releases(rng: random.Random, taken_titles: set[str]) -> list[Page]:
    themes = list(pools.THEMES)
    title_queue = {name: list(th["titles"]) for name, th in pools.THEMES.items()}
    for q in title_queue.values():
        rng.shuffle(q)
    out: list[Page] = []
    cms_id = 97000
    for i, date in enumerate(_dates(rng)):
        available = [t for t in themes if title_queue[t]]
        theme_name = available[i % len(available)] if i % 3 else rng.choice(available)
        th = pools.THEMES[theme_name]
        title = _fill(rng, title_queue[theme_name].pop())
        if title in taken_titles:
            continue
        taken_titles.add(title)
        cms_id += rng.randint(20, 90)
        slug = _slugify(title)
        style = rng.random()
        if style < 0.75:
            path = f"/presse/{date[:4]}/{date}-{slug}"
        elif style < 0.9:
            path = f"/presse/{date[:4]}/{date}_{slug}"
        else:
            path = f"/presse/{date[:4]}/{date}-{slug}"
        paras = rng.sample(th["paras"], k=min(len(th["paras"]), rng.randint(3, 4)))
        blocks: list[list[str]] = [["p", _fill(rng, p)] for p in paras[:2]]
        if rng.random() < 0.6:
            blocks.append([rng.choice(["h2", "h3"]), _fill(rng, rng.choice(th["subheads"]))])
        blocks += [["p", _fill(rng, p)] for p in paras[2:]]
        if th.get("items") and rng.random() < 0.5:
            blocks += [["li", _fill(rng, it)] for it in th["items"]]
        blocks.append(["p", _fill(rng, rng.choice(pools.CLOSINGS))])
        images = []
        if rng.random() < 0.7:
            alt, caption = rng.choice(th["images"])
            file = f"{slug[:40]}.jpg"
            if rng.random() < 0.25:
                caption = alt  # printed twice on the page
            credit = None
            if rng.random() < 0.8:
                who = rng.choice(pools.FOTOGRAFEN)
                credit = f"{alt}: © Stadt Rüsselsheim am Main / Foto: {who}"
            images.append(image_spec(file, alt, caption, credit))
        page = page_spec(
            f"gen-{date}-{theme_name}",
            "press_release",
            path,
            "Pressemitteilung",
            title,
            cms_id=str(cms_id),
            lead=_fill(rng, rng.choice(th["leads"])),
            date=date,
            time=f"{rng.randint(8, 17):02d}:{rng.choice(['00', '15', '30', '45'])}",
            meta_date=rng.random() < 0.8,
            blocks=blocks,
            images=images,
        )
        page["theme"] = theme_name
        out.append(page)
    return out


def _old_image(rng: random.Random, theme: dict, photo: list[str], cms_id: int, n: int) -> dict:
    """An old-CMS figure: the credit is run into the caption and split out by the extractor."""
    alt, desc = theme["images"][n % len(theme["images"])]
    kind, name = photo
    if kind == "stadt":
        credit = f"Stadt Rüsselsheim am Main, Fotograf: {name}"
        raw = f"{desc} (Foto: {credit})"
    else:
        credit = f"{kind}: {name}"
        raw = f"Foto: {desc} ({credit})"
    if rng.random() < 0.3:
        alt = alt.replace("ü", "u", 1)  # real alt texts contain typos
    return {
        "file": f"{cms_id}_{n}.jpg",
        "alt": alt,
        "caption": desc,
        "credit": credit,
        "raw_caption": raw,
    }


def _old_cms_releases(rng: random.Random) -> list[Page]:
    out: list[Page] = []
    for spec in pools.OLD_RELEASES:
        cms_id = spec["id"]
        th = pools.THEMES[spec["theme"]]
        paras = rng.sample(th["paras"], k=4)
        blocks = [["p", _fill(rng, p)] for p in paras[:3]]
        if rng.random() < 0.6:
            blocks.append(["strong", _fill(rng, th["subheads"][0])])
        blocks.append(["p", _fill(rng, paras[3])])
        images = []
        for n, photo in enumerate(p for p in (spec.get("photo"), spec.get("second_photo")) if p):
            images.append(_old_image(rng, th, photo, cms_id, n))
        page = page_spec(
            f"old-{cms_id}",
            "press_release",
            f"/presseinformationen/pressemeldungen/{cms_id}.html",
            "Presseinformationen",
            spec["title"],
            cms="old",
            cms_id=str(cms_id),
            date=spec["date"],
            blocks=blocks,
            images=images,
            charset=spec.get("charset", "utf-8"),
        )
        out.append(page)
    return out


def _add_related(rng: random.Random, pages: list[Page]) -> None:
    """Related boxes for generated releases: topic/org/press teasers, unsorted."""
    by_theme: dict[str, list[Page]] = {}
    for p in pages:
        if p.get("theme"):
            by_theme.setdefault(p["theme"], []).append(p)
    topics = {t["key"]: t for t in pools.TOPICS}
    href_styles = ["root", "root", "abs_www", "abs_bare", "index", "utm", "fragment"]
    for p in pages:
        theme = p.get("theme")
        if not theme:
            continue
        th = pools.THEMES[theme]
        teasers = []
        siblings = [s for s in by_theme[theme] if s is not p and not s.get("no_inbound")]
        for sib in rng.sample(siblings, k=min(len(siblings), rng.randint(0, 2))):
            title = sib["title"]
            if ":" in title and rng.random() < 0.5:
                title = title.split(":", 1)[1].strip()
            teasers.append(
                teaser_spec(
                    sib["key"],
                    "press",
                    title,
                    "Pressemitteilung",
                    alt=sib["images"][0]["alt"] if sib["images"] else None,
                    href_style=rng.choice(href_styles),
                    abstract=sib["lead"].split(". ")[0] + "." if rng.random() < 0.3 else None,
                )
            )
        if th.get("topic") and rng.random() < 0.7:
            topic = topics[th["topic"]]
            teasers.append(
                teaser_spec(
                    topic["key"],
                    "topic",
                    topic.get("teaser_title", topic["title"]),
                    topic["label"],
                    alt=topic.get("teaser_alt"),
                    href_style=rng.choice(href_styles),
                )
            )
        if th.get("org") and rng.random() < 0.4:
            teasers.append(
                teaser_spec(
                    th["org"],
                    "org",
                    pools.ORG_TITLES[th["org"]],
                    href_style=rng.choice(href_styles),
                )
            )
        rng.shuffle(teasers)
        p["related"] = teasers


def _editions(pages: list[Page], rng: random.Random) -> dict[str, Any]:
    """Edition 2: three new releases, three edits, one removal, one changed related box."""
    by_key = {p["key"]: p for p in pages}
    gen = [p for p in pages if p["key"].startswith("gen-2025")]
    # removed: a generated 2025 release without inbound related teasers
    inbound = {t["key"] for p in pages for t in p["related"]}
    removed = next(p for p in reversed(gen[:-4]) if p["key"] not in inbound)
    removed["removed_in"] = 2
    # body edit (+ date_modified) on a generated release with metadata
    body_edit = next(
        p
        for p in reversed(gen)
        if p["meta_date"]
        and p is not removed
        and len(p["blocks"]) >= 3
        and p["blocks"][1][0] == "p"
    )
    new_blocks = [list(b) for b in body_edit["blocks"]]
    new_blocks[1] = ["p", new_blocks[1][1] + " " + pools.EDIT_SENTENCE]
    body_edit["edition_2"] = {
        "blocks": new_blocks,
        "date_modified": berlin_iso("2025-12-03", "16:20"),
    }
    # caption edit (silent: no date_modified) on the Arksousi release
    arksousi = by_key["arksousi"]
    imgs = [dict(i) for i in arksousi["images"]]
    imgs[0]["caption"] = pools.EDIT_CAPTION
    arksousi["edition_2"] = {"images": imgs}
    # stealth edit of the seed release (no new date_modified): one phrase replaced, one
    # sentence added at the end of the body
    seed = by_key["seed"]
    edit = pools.SEED_EDIT
    seed_blocks = [list(b) for b in seed["blocks"]]
    seed_blocks[0][1] = seed_blocks[0][1].replace(edit["old"], edit["new"], 1)
    seed_blocks[-1][1] = seed_blocks[-1][1] + " " + edit["added"]
    seed["edition_2"] = {"blocks": seed_blocks}
    # related box change on the "url-only" release: topic teaser replaced by an org teaser
    url_only = by_key["url-only"]
    rel = [dict(t) for t in url_only["related"]]
    rel[0] = teaser_spec("org-buecherei", "org", "Stadtbücherei Rüsselsheim am Main")
    url_only["edition_2"] = {"related": rel}
    for spec in pools.EDITION2_RELEASES:
        spec = dict(spec)
        key, path, title = spec.pop("key"), spec.pop("path"), spec.pop("title")
        spec["related"] = [
            teaser_spec(*r[:4], **(r[4] if len(r) > 4 else {})) for r in spec.get("related", [])
        ]
        pages.append(
            page_spec(key, "press_release", path, "Pressemitteilung", title, added_in=2, **spec)
        )
    return {
        "removed": removed["path"],
        "body_edit": {"path": body_edit["path"], "added_sentence": pools.EDIT_SENTENCE},
        "caption_edit": {
            "path": arksousi["path"],
            "old": arksousi["images"][0]["caption"],
            "new": pools.EDIT_CAPTION,
        },
        "seed_edit": {"path": seed["path"], **edit},
        "related_edit": {
            "path": url_only["path"],
            "old_teaser": url_only["related"][0]["key"],
            "new_teaser": "org-buecherei",
        },
        "added": [s["path"] for s in pools.EDITION2_RELEASES],
    }


def _fix_hrefs(pages: list[Page]) -> None:
    """Give every teaser an href (in one of the URL variants) and its target's date."""
    by_key = {p["key"]: p for p in pages}
    for p in pages:
        boxes = [p["related"]]
        if p["edition_2"] and "related" in p["edition_2"]:
            boxes.append(p["edition_2"]["related"])
        for t in (t for box in boxes for t in box):
            style = t.pop("href_style", "root")
            target = by_key[t["key"]]
            if t["kind"] == "press":
                t["date"] = target["date"]
            if t["href"]:
                continue
            t["href"] = {
                "root": target["path"],
                "abs_www": CANONICAL_BASE + target["path"],
                "abs_bare": "http://ruesselsheim.test" + target["path"],
                "index": target["path"] + "/index.php",
                "utm": target["path"] + "?utm_source=rss&utm_medium=feed",
                "fragment": target["path"] + "#SP-Content",
            }[style]


def build() -> dict[str, Any]:
    rng = random.Random(SEED)
    pages: list[Page] = [seed_release(), *special_releases(), *topic_org_notice_pages()]
    titles = {p["title"] for p in pages}
    pages += _generated_releases(rng, titles)
    pages += _old_cms_releases(rng)
    _add_related(rng, pages)
    changes = _editions(pages, rng)
    _fix_hrefs(pages)
    for p in pages:
        p.pop("theme", None)
        if p["meta_date"] and p["date"]:
            p["date_from"] = berlin_iso(p["date"], p["time"])
    pages.sort(key=lambda p: (p["page_type"], p["date"] or "", p["path"]))
    content: dict[str, Any] = {"base": CANONICAL_BASE, "edition_changes": changes, "pages": pages}
    content["ground_truth"] = {str(ed): compute_ground_truth(content, ed) for ed in (1, 2)}
    return content


def main() -> None:
    content = build()
    CONTENT_PATH.write_text(
        json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    logger.info("wrote %s (%d pages)", CONTENT_PATH, len(content["pages"]))
    print(f"wrote {CONTENT_PATH} ({len(content['pages'])} page specs)")


if __name__ == "__main__":
    main()
