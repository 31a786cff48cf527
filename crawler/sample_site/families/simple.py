"""Helpers of the "simple press families" (wpblock, joomla, plone, opencms, presseportal).

Each page of such a family is described as a dict already in ground-truth form;
:func:`simple_site` renders the pages with the family's own templates and adds media, files,
listing pages and a sitemap. (The record-based families typo3news, contao, drupal and gsb use
:func:`crawler.sample_site.families.press_site` instead.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.sample_site.families import (
    SITE_STAMP,
    UNDATED_STAMP,
    Page,
    TextKit,
    hexhash,
    make_response,
    media_response,
    plain,
    slugify,
    truth_entry,
    urlset,
)
from crawler.sample_site.render import Response

# --- simple press families (wpblock, joomla, plone, opencms, presseportal) -----------------------
#
# These families describe each page as a dict already in ground-truth form, paths relative to
# the host: ``images`` [{src, alt, caption, credit}], ``related`` [{path, title, kind, label,
# date}], ``attachments`` [{path, title}], plus ``label``, ``lead``, ``blocks`` [(kind, text)],
# ``date``/``time`` (local), ``published_source``, ``modified``. :func:`simple_site` renders
# them with the family's own templates and adds media, files, listing pages and a sitemap.


def file_response(path: str) -> Response:
    """A download (PDF bytes, whatever the URL looks like: ``…/view``, ``?download=…``)."""
    body = b"%PDF-1.4\n% sample document\n" + hexhash("file", path).encode() + b"\n%%EOF\n"
    return make_response(body, "application/pdf", UNDATED_STAMP)


def press_truth(base: str, page: Page) -> dict[str, Any]:
    images = [dict(i, src=base + i["src"]) for i in page["images"]]
    related = [
        {k: r[k] for k in ("title", "kind", "label", "date")} | {"url": base + r["path"]}
        for r in page["related"]
    ]
    attachments = [{"url": base + a["path"], "title": a["title"]} for a in page["attachments"]]
    return truth_entry(
        base,
        page,
        label=page.get("label"),
        lead=page.get("lead"),
        body="\n\n".join(plain(t) for _, t in page["blocks"]),
        published=page.get("date"),
        published_source=page.get("published_source") if page.get("date") else None,
        modified=page.get("modified"),
        images=images,
        related=related,
        credits=list(dict.fromkeys(i["credit"] for i in images if i["credit"])),
        attachments=attachments,
    )


def simple_site(
    base: str,
    pages: list[Page],
    render: Any,
    listings: list[tuple[str, str]],
    html: str = "text/html; charset=utf-8",
) -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    """Resources and ground truth of a simple press family: ``render(page) -> str`` for each
    page, ``listings`` [(key, markup)], every image and file a page names, ``/sitemap.xml``."""
    site: dict[str, Response] = {}
    for p in pages:
        stamp = (p["date"], p.get("time", "10:00")) if p.get("date") else SITE_STAMP
        site[p["path"]] = make_response(render(p).encode(), html, stamp)
        for img in p["images"]:
            site.setdefault(img["src"], media_response(img["src"]))
        for path in [a["path"] for a in p["attachments"]] + [
            r["path"] for r in p["related"] if r["kind"] == "other"
        ]:
            site.setdefault(path, file_response(path))
    for key, text in listings:
        site[key] = make_response(text.encode(), html, SITE_STAMP)
    sitemap = urlset(base, [p["path"] for p in sorted(pages, key=_path_of)])
    site["/sitemap.xml"] = make_response(
        sitemap.encode(), "application/xml; charset=utf-8", SITE_STAMP
    )
    truth = {base + p["path"]: press_truth(base, p) for p in sorted(pages, key=_path_of)}
    return site, truth


def _path_of(page: Page) -> str:
    return str(page["path"])


def press_resolve(target: str, known: Any) -> str:
    """Request target → resource key: the path with the query kept only when ``known`` has
    that exact key (a listing page, a ``?download=`` file), a trailing slash tolerated."""
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    if parts.query and f"{path}?{parts.query}" in known:
        return f"{path}?{parts.query}"
    if path not in known and len(path) > 1:
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        if other in known:
            return other
    return path


def make_press_pages(
    kit: TextKit, specs: list[tuple[Any, ...]], n_paras: tuple[int, int] = (3, 4)
) -> list[Page]:
    """Articles from ``specs`` [(theme, date, time, n_images)]: title, lead, blocks, image
    alt/caption pairs (``image_texts``) and a photographer each; families add the rest."""
    rng = kit.rng
    out: list[Page] = []
    for theme, date, time, n_img in specs:
        art = kit.article(
            theme,
            n_paras=rng.randint(*n_paras),
            subhead=rng.random() < 0.6,
            items=rng.random() < 0.3,
        )
        imgs = kit.theme(theme)["images"]
        out.append(
            {
                "theme": theme,
                "title": art["title"],
                "lead": art["lead"],
                "blocks": list(art["blocks"]),
                "date": date,
                "time": time,
                "slug": slugify(art["title"]),
                "image_texts": [imgs[n % len(imgs)] for n in range(n_img)],
                "who": rng.choice(["Katrin Wessel", "Tobias Brandl", "Ayşe Demir", "Jonas Reh"]),
            }
        )
    return out
