"""SQL cost of the topic index (archive/indexes/topic_index.py) on archives of bench pages,
deterministic: no crawl, no network, the same rows every time.

    .venv/bin/python bench/topic_sql.py [--pages 2000,10000] [--repeat 5] [--module A,B]
                                        [--rounds N] [--dump FILE] [--only score,new,changed]

The pages are those of ``bench/throughput.py many`` (:func:`bench.throughput.page_body`,
5 per host, one source per host, extracted once with :func:`crawler.extract.core.extract`
and analysed once with :func:`topic_index.analyse`; both cached under ``--cache``). An
archive of N pages is built as the crawl builds it: ``pages`` rows written and
:func:`refresh_pages` (``new``) called on batches of 16 (``FLUSH_PAGES``) with the analysis
``prepared`` (the crawl's workers compute it), one transaction per 13 such batches
(``BATCH_PAGES``: 200).

Timed (process CPU, ``time.process_time``; best of ``--repeat`` runs, each on a fresh copy
of the built archive):

- ``score``: :func:`score_sources` of every source (``TopicsIndex.after_runs`` at the end
  of a crawl: the pages were scored with the frequencies of their moment, most scores move);
- ``new``: :func:`refresh_pages` of 400 more pages (80 more hosts), 25 batches of 16;
- ``changed``: :func:`refresh_pages` of 400 stored pages whose text changed (another page's
  body), 25 batches of 16 (their rows deleted, written again, scored again).

``--dump FILE``: the four tables (``topic_terms``, ``topic_df``, ``page_entities``,
``page_topics``), sorted, after build, ``new`` and ``changed``, then after ``score``, on
the largest archive, one ``repr`` per row (with the first ``--module``): two versions of
the module give the same rows when the files are equal (``cmp``). ``--module A,B``: time
copies of ``topic_index.py`` (the base: ``git show main:archive/indexes/topic_index.py >
/tmp/base.py``) on the same archives, in turn for ``--rounds`` rounds (base, new, base,
new), to compare in one session; the archive is built with the first.
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.indexes import topic_index  # noqa: E402
from archive.store.schema import open_archive  # noqa: E402

PER_HOST = 5
FLUSH = 16  # crawler.engine.batch.FLUSH_PAGES
COMMIT = 200  # crawler.engine.batch.BATCH_PAGES
MORE_HOSTS = 80  # the ``new`` pages: 400
CHANGED = 400
TABLES = {
    "topic_terms": "page_url, key",
    "topic_df": "key",
    "page_entities": "page_url, kind, position",
    "page_topics": "page_url, phrase",
}

#: url, source, (title, lead, body, captions, published, city), analyse() result
Page = tuple[str, str, tuple[Any, ...], Any]


def _pages(hosts: range, cache: Path) -> list[Page]:
    """The bench pages of ``hosts``, extracted and analysed (cached: ~5 ms a page)."""
    path = cache / f"pages-{hosts.start}-{hosts.stop}-{PER_HOST}.pickle"
    if path.exists():
        with path.open("rb") as f:
            cached: list[Page] = pickle.load(f)
            return cached
    from bench.throughput import host_name, page_body
    from bench.topics_speed import _inputs
    from crawler.extract.core import extract

    headers = {"content-type": "text/html; charset=utf-8"}
    out: list[Page] = []
    for h in hosts:
        host = host_name(h)
        for n in range(PER_HOST):
            url = f"http://{host}/presse/p{n}.html"
            inputs = _inputs(extract(url, page_body(host, n), headers), None)
            out.append((url, host.split(".")[0], inputs, topic_index.analyse(inputs)))
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(out, f)
    return out


def _write_pages(db: Any, pages: list[Page]) -> None:
    db.conn.executemany(
        "INSERT INTO sources (name) VALUES (?) ON CONFLICT DO NOTHING",
        [(source,) for _u, source, _i, _a in pages],
    )
    db.conn.executemany(
        "INSERT INTO pages (url, source, title, lead, body, captions, published) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET title = excluded.title, "
        "lead = excluded.lead, body = excluded.body, captions = excluded.captions, "
        "published = excluded.published",
        [(url, source, *inputs[:5]) for url, source, inputs, _a in pages],
    )


def _refresh(module: ModuleType, db: Any, pages: list[Page], *, new: bool) -> float:
    """Write ``pages`` as the crawl does; return the CPU seconds of ``refresh_pages``."""
    spent = 0.0
    step = FLUSH * -(-COMMIT // FLUSH)  # 208: 13 flushes of 16
    for start in range(0, len(pages), step):
        with db.atomic():
            for at in range(start, min(start + step, len(pages)), FLUSH):
                batch = pages[at : at + FLUSH]
                _write_pages(db, batch)
                prepared = {url: (inputs, found) for url, _s, inputs, found in batch}
                began = time.process_time()
                module.refresh_pages(db, [p[0] for p in batch], prepared, new=new)
                spent += time.process_time() - began
    return spent


def _changed(pages: list[Page]) -> list[Page]:
    """:data:`CHANGED` stored pages (spread over the archive) with the text of another."""
    step = max(1, len(pages) // CHANGED)
    chosen = pages[::step][:CHANGED]
    donors = pages[len(pages) // 2 :] + pages[: len(pages) // 2]
    out = []
    for (url, source, _inputs, _found), (_u, _s, inputs, found) in zip(
        chosen, donors[::step], strict=False
    ):
        out.append((url, source, inputs, found))
    return out


def _load(file: str | None) -> ModuleType:
    if not file:
        return topic_index
    spec = importlib.util.spec_from_file_location("topic_index_under_test", file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dump(path: Path, out: Path, step: str) -> None:
    with sqlite3.connect(path) as conn, out.open("a") as f:
        for table, order in TABLES.items():
            f.write(f"# {step}: {table}\n")
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                f.write(repr(row) + "\n")


class Archive:
    """One built archive of ``size`` bench pages (kept in ``work``), copied for every run."""

    def __init__(self, module: ModuleType, size: int, cache: Path, work: Path) -> None:
        hosts = size // PER_HOST
        self.base = _pages(range(hosts), cache)
        self.more = _pages(range(hosts, hosts + MORE_HOSTS), cache)
        self.sources = sorted({source for _u, source, _i, _a in self.base})
        self.built, self.work = work / f"built-{size}.db", work
        db = open_archive(self.built)
        began = time.process_time()
        spent = _refresh(module, db, self.base, new=True)
        total = time.process_time() - began
        terms, entities = db.execute(
            "SELECT (SELECT count(*) FROM topic_terms), (SELECT count(*) FROM page_entities)"
        ).fetchone()
        db.close()
        print(
            f"{size:,} pages ({terms:,} term rows, {entities:,} entity rows): built in "
            f"{total:.2f} s CPU, refresh_pages {spent * 1000 / size:.3f} ms/page"
        )

    def copy(self) -> Any:
        target = self.work / "copy.db"
        shutil.copyfile(self.built, target)
        return open_archive(target)

    def score(self, module: ModuleType) -> float:
        db = self.copy()
        began = time.process_time()
        module.score_sources(db, self.sources)
        spent = time.process_time() - began
        db.close()
        return spent

    def refresh(self, module: ModuleType, new: bool) -> float:
        db = self.copy()
        pages = self.more if new else _changed(self.base)
        spent = _refresh(module, db, pages, new=new)
        db.close()
        return spent

    def dump(self, module: ModuleType, out: Path) -> None:
        db = self.copy()
        _refresh(module, db, self.more, new=True)
        _refresh(module, db, _changed(self.base), new=False)
        db.close()
        out.write_text("")
        _dump(self.work / "copy.db", out, "after new and changed pages")
        db = open_archive(self.work / "copy.db")
        module.score_sources(db, self.sources + sorted({p[1] for p in self.more}))
        db.close()
        _dump(self.work / "copy.db", out, "after score_sources")
        print(f"  dumped to {out}")


def _measure(archive: Archive, module: ModuleType, only: set[str], repeat: int) -> None:
    steps: dict[str, Callable[[], float]] = {
        "new": lambda: archive.refresh(module, True),
        "changed": lambda: archive.refresh(module, False),
        "score": lambda: archive.score(module),
    }
    for name, run in steps.items():
        if name not in only:
            continue
        runs = [run() for _ in range(repeat)]
        best = min(runs)
        per = "" if name == "score" else f" = {best * 1000 / 400:.3f} ms/page"
        print(
            f"  {Path(module.__file__ or '').name:<16} {name:<8} best {best * 1000:8.1f} ms{per}"
            "   runs " + " ".join(f"{r * 1000:.1f}" for r in runs)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", default="2000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--module", help="other copies of topic_index.py to time, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every module in turn")
    parser.add_argument("--dump", type=Path, help="the tables after every step, sorted")
    parser.add_argument("--only", default="score,new,changed")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "topic_sql")
    args = parser.parse_args()
    modules = [_load(f) for f in args.module.split(",")] if args.module else [topic_index]
    sizes = [int(n) for n in args.pages.split(",")]
    work = Path(tempfile.mkdtemp(prefix="topic_sql-"))
    print("modules: " + ", ".join(str(m.__file__) for m in modules))
    try:
        for size in sizes:
            archive = Archive(modules[0], size, args.cache, work)
            for _round in range(args.rounds):
                for module in modules:
                    _measure(archive, module, set(args.only.split(",")), args.repeat)
            if args.dump and size == sizes[-1]:
                archive.dump(modules[0], args.dump)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
