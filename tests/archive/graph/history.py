"""A small archive with an awkward history, written straight into the tables (as
``bench/graph.py`` does), for comparing answers at past times with the built graph: a link
removed and added back (a gap), a label that is generic at first and not later, a page
removed and archived again, a body link to a page archived later, teasers to URLs the
archive does not hold, two sources with runs at different times."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from archive.indexes import graph_edges
from archive.store.schema import open_archive

BASE = "https://a.test/"
OTHER = "https://b.test/"
#: The moments of the history, in order (every revision and removal is at one of them).
T = [f"2025-01-{d:02d}T10:00:00.000Z" for d in range(1, 8)]
#: Times to ask about: before anything, at and between the moments, and after them.
ASK = ["2024-12-31", T[0], "2025-01-01T12:00:00Z", T[1], "2025-01-03", T[3], "2025-01-05",
       "2025-01-06T10:00:00.001Z", "2025-02-01"]  # fmt: skip


def page(i: int) -> str:
    return f"{BASE}p/{i}"


def _link(rel: str, url: str, pos: int, **attrs: Any) -> dict[str, Any]:
    keys = ("title", "kind", "label", "date")
    return {"rel": rel, "url": url, "position": pos, **{k: attrs.get(k) for k in keys}}


def _revisions(i: int) -> list[dict[str, Any]]:
    """Each revision of page ``i``: time, label, title, removed_at and links."""
    label = "Allgemein" if i < 12 else f"Thema {i % 3}"
    first = {"at": T[0], "label": label, "title": f"Seite {i}", "removed": None,
             "links": [_link("related", page((i + 1) % 20), 0, title=f"zu {i + 1}",
                             kind="press")]}  # fmt: skip
    revs = [first]
    if i == 0:  # a link removed at T2 and back at T4, with a new title
        revs.append({**first, "at": T[2], "label": "Kultur", "links": []})
        revs.append({**first, "at": T[4], "label": "Kultur", "title": "Seite null",
                     "links": [_link("related", page(1), 3, title="eins", kind="topic",
                                     label="Thema 1")]})  # fmt: skip
    elif i < 6:  # relabelled: "Allgemein" is generic at T1 only
        revs.append({**first, "at": T[2], "label": "Kultur"})
    if i == 2:  # body links: to a present page and to one archived only at T4
        for rev in revs:
            rev["links"] = [*rev["links"], _link("body", page(3), 0), _link("body", page(20), 1),
                            _link("body", page(2), 2)]  # fmt: skip
    if i == 4:  # teasers to URLs the archive does not hold; the same target twice
        first["links"] = [*first["links"], _link("related", "https://else.test/x", 1,
                          title="Anderswo", kind="topic", label="Thema 2"),
                          _link("related", "https://else.test/x", 2, title="Zweimal")]  # fmt: skip
    if i == 5:  # removed at T2, archived again at T4
        revs = [{**first, "removed": T[1]}, {**first, "at": T[3], "title": "Wieder da"}]
    if i == 6:  # links to the page removed for a while
        first["links"] = [*first["links"], _link("related", page(5), 1, title="fünf")]
    if i == 20:  # archived at T4 only
        revs = [{**first, "at": T[3], "label": "Neu"}]
    return revs


def build(path: Path) -> sqlite_utils.Database:
    """The archive at ``path``: 21 pages of source ``a``, 4 of ``b`` linking into ``a``."""
    db = open_archive(path)
    pages, revisions, links = [], [], []
    urls = [(page(i), "a", _revisions(i)) for i in range(21)]
    for j in range(4):
        revs = [{"at": T[1 + j], "label": "Extern", "title": f"Andere {j}", "removed": None,
                 "links": [_link("related", page(j), 0, title=f"nach {j}", kind="press"),
                           _link("body", page(5), 1)]}]  # fmt: skip
        urls.append((f"{OTHER}q/{j}", "b", revs))
    for url, source, revs in urls:
        last = revs[-1]
        pages.append({"url": url, "source": source, "page_type": "press_release",
                      "label": last["label"], "title": last["title"], "published":
                      f"2024-{1 + len(url) % 12:02d}-01", "first_seen": revs[0]["at"],
                      "version": len(revs), "removed_at": last["removed"]})  # fmt: skip
        for n, rev in enumerate(revs, 1):
            revisions.append({"page_url": url, "revision": n, "version": n, "event": "new",
                              "fetched_at": rev["at"], "page_type": "press_release",
                              "label": rev["label"], "title": rev["title"],
                              "published": pages[-1]["published"],
                              "removed_at": rev["removed"]})  # fmt: skip
            links += [{"page_url": url, "revision": n, **x} for x in rev["links"]]
    db["pages"].insert_all(pages)
    db["revisions"].insert_all(revisions)
    db["revision_links"].insert_all(links)
    for source, at in (("a", T[1]), ("b", T[2]), ("a", T[5])):
        db["crawl_runs"].insert({"source": source, "started_at": at, "finished_at": at,
                                 "status": "ok"})  # fmt: skip
    graph_edges.rebuild(db)
    return db
