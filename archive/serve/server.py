"""``pressarchive serve``: Datasette on the archive, read-only, with search built in.

Datasette opens a (mutable) database file with ``mode=ro``: it never writes, and with WAL
it keeps answering while a crawl writes to the same file (``immutable`` would be wrong:
the file changes). Only where SQLite cannot open the archive so — a read-only medium,
where no ``-shm`` can be created and nobody can write the file anyway — is it served as
an immutable file (``datasette serve -i``; :func:`archive.store.reader.connect_readonly`
decides, as for the read commands).

:func:`metadata` adds the title, licence notes, the tables' descriptions and hidden tables
(:mod:`archive.serve.catalog`, built from the archive's real columns), default facets
(source, page type, year, label — ``year`` comes from ``pages_view``) and canned queries
(the search page ``/-/search`` of :mod:`archive.serve.search_page` is the main search):

* ``search`` — German-aware search with snippets, the same statement and ranking as
  ``pressarchive search`` (via the SQL functions of :mod:`archive.serve.plugin`);
* ``page`` — one page with its images and related links (JSON arrays);
* ``page_versions`` — the versions of a page (only if the archive has ``revisions``; named
  apart from the ``revisions`` table, which a canned query of its name would hide);
* ``latest_releases`` — the newest press releases of every source.

``serve --metadata FILE`` is merged over it (:func:`merge_metadata`: the user's keys win);
``--setting``, ``--plugins-dir``, ``--template-dir`` and ``--cors`` go to Datasette as given.
"""

from __future__ import annotations

import errno
import importlib
import json
import socket
import tempfile
from pathlib import Path
from typing import Any

from archive.search.engine import RANK_WINDOW, search_sql
from archive.serve.catalog import table_metadata
from archive.store.reader import connect_readonly
from crawler.errors import ServeError

DEFAULT_PORT = 8001
#: The Datasette plugin modules of the archive (each registers its own hooks: SQL
#: functions, routes, templates in ``archive/serve/templates``); ``serve`` registers them
#: in-process, :func:`write_plugin_shim` writes a ``--plugins-dir`` file importing them.
PLUGIN_MODULES = (
    "archive.serve.templating",
    "archive.serve.plugin",
    "archive.serve.search_page",
    "archive.serve.release",
    "archive.serve.feeds",
    "archive.serve.media",
)
SEARCH_LIMIT = 20
LICENSE_NOTE = (
    "Texts and images belong to the publishing municipalities; archived for research "
    "and reference. Check each source's terms before reuse."
)
_FILTERS = [
    "(:source = '' OR pages.source = :source)",
    "(:type = '' OR pages.page_type = :type)",
    "(:label = '' OR pages.label = :label)",
    "(:since = '' OR pages.published >= :since)",
    "(:until = '' OR pages.published <= :until)",
]


def search_query_sql() -> str:
    """The canned ``search`` query: ``pressarchive search`` in SQL."""
    columns = (
        "pages.url, pages.title, pages.published, "
        "pressarchive_snippet(:q, pages.body, pages.lead, pages.captions, pages.credits, "
        "pages.title) AS snippet, pages.source, pages.page_type, pages.label, pages.removed_at"
    )
    limit = f"coalesce(CAST(nullif(:limit, '') AS INTEGER), {SEARCH_LIMIT})"
    return search_sql(
        "pages_search", "pressarchive_query(:q)", _FILTERS, columns,
        limit=f"LIMIT {limit}", window=f"max({RANK_WINDOW}, {limit})",
        rank="pressarchive_rank_query(:q)",
    )  # fmt: skip


PAGE_SQL = """
SELECT p.url, p.title, p.published, p.source, p.page_type, p.label, p.lead, p.body,
  p.removed_at,
  (SELECT json_group_array(json_object('src', i.src, 'alt', i.alt, 'caption', i.caption,
     'credit', i.credit)) FROM (SELECT * FROM images WHERE page_url = p.url
     ORDER BY position) i) AS images,
  (SELECT json_group_array(json_object('rel', l.rel, 'url', l.url, 'title', l.title,
     'kind', l.kind)) FROM (SELECT * FROM links WHERE page_url = p.url AND rel != 'body'
     ORDER BY rel, position) l) AS links
FROM pages p WHERE p.url = :url
""".strip()

REVISIONS_SQL = """
SELECT revision, version, event, fetched_at, title, published, changed_fields, removed_at,
  warc_file, warc_offset
FROM revisions WHERE page_url = :url ORDER BY revision
""".strip()

LATEST_SQL = """
SELECT source, published, title, url, label FROM (
  SELECT source, published, title, url, label, row_number() OVER (
    PARTITION BY source ORDER BY published DESC, url) AS n
  FROM pages
  WHERE page_type = 'press_release' AND removed_at IS NULL AND published IS NOT NULL)
WHERE n <= coalesce(CAST(nullif(:per_source, '') AS INTEGER), 10)
ORDER BY source, published DESC
""".strip()


def _columns(path: Path) -> dict[str, list[str]]:
    """The archive's tables and views (not indexes or triggers) and their columns."""
    conn, _mode = connect_readonly(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            ).fetchall()
        ]
        return {
            name: [r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))]
            for name in names
        }
    finally:
        conn.close()


def canned_queries(tables: set[str]) -> dict[str, dict[str, Any]]:
    queries: dict[str, dict[str, Any]] = {
        "search": {
            "title": "Search (German-aware)",
            "description": (
                "The search page /-/search gives the same hits with facets, sorting and "
                "paging. Finds inflections, ue/ü and ss/ß spellings and compound parts (Lotsen → "
                'Integrationslotsen). "Phrases", prefix*, OR, NOT, =word. Optional: '
                "source, type, label, since/until (YYYY-MM-DD), limit."
            ),
            "sql": search_query_sql(),
        },
        "page": {
            "title": "A page with its images and related links",
            "sql": PAGE_SQL,
        },
        "latest_releases": {
            "title": "Latest press releases per source",
            "sql": LATEST_SQL,
        },
    }
    if "revisions" in tables:
        # not "revisions": a canned query of a table's name hides the table in Datasette
        queries["page_versions"] = {"title": "Versions of a page", "sql": REVISIONS_SQL}
    return queries


def metadata(path: str | Path) -> dict[str, Any]:
    """Datasette metadata for the archive at ``path`` (tables described and hidden by
    :mod:`archive.serve.catalog`)."""
    p = Path(path)
    columns = _columns(p)
    return {
        "title": "pressarchive",
        "description": "Press releases and pages of German municipalities, archived with "
        "every version. The search box (/-/search) searches German-aware, like "
        "'pressarchive search'.",
        "license": "Municipal publications — see notes",
        "source": "Crawled from the municipalities' own websites",
        "about": LICENSE_NOTE,
        "databases": {
            p.stem: {
                "tables": table_metadata(columns),
                "queries": canned_queries(set(columns)),
            }
        },
    }


def merge_metadata(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """``theirs`` (``serve --metadata FILE``) over ``ours``: nested dicts merged key by
    key, any other value of theirs wins."""
    merged = dict(ours)
    for key, value in theirs.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_metadata(merged[key], value)
        else:
            merged[key] = value
    return merged


def datasette_args(
    path: str | Path, metadata_file: Path, *, host: str, port: int, extra: tuple[str, ...] = (),
    immutable: bool = False,
) -> list[str]:  # fmt: skip
    """Arguments of ``datasette serve`` for the archive (``immutable``: ``-i FILE``)."""
    files = ["-i", str(path)] if immutable else [str(path)]
    return [
        "serve", *files, "--metadata", str(metadata_file), "-h", host, "-p", str(port),
        "--setting", "sql_time_limit_ms", "5000", "--setting", "default_page_size", "50",
        *extra,
    ]  # fmt: skip


def write_plugin_shim(directory: Path) -> list[Path]:
    """``--plugins-dir`` files that load the archive's plugins: one file per module (a
    module's hooks are found by name, so two modules cannot share one file)."""
    shims = []
    for name in PLUGIN_MODULES:
        shim = directory / f"pressarchive_{name.rsplit('.', 1)[-1]}.py"
        shim.write_text(f"from {name} import *  # noqa: F401,F403\n")
        shims.append(shim)
    return shims


def check_address(host: str, port: int) -> None:
    """Raise :class:`ServeError` if nothing could listen on ``host:port`` now (in use,
    no such address); port 0 (any free port) is always fine."""
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise ServeError(f"{host}:{port}: cannot listen: {exc}") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "address in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise ServeError(
                f"{host}:{port}: cannot listen: {reason} (try another --port)"
            ) from exc


def serve(
    path: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
    extra: tuple[str, ...] = (), user_metadata: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """Run Datasette on the archive in this process until interrupted; raise
    :class:`ServeError` if it cannot listen or start. ``extra``: more ``datasette serve``
    arguments (later ``--setting`` values win); ``user_metadata`` is merged over ours."""
    check_address(host, port)
    # here: datasette (the plugin too) is slow to import and only this command needs it
    from datasette.cli import cli as datasette_cli
    from datasette.plugins import pm

    for name in PLUGIN_MODULES:
        module = importlib.import_module(name)
        if not pm.is_registered(module):
            pm.register(module, name=name)
    conn, mode = connect_readonly(path)  # immutable only where read-only cannot work
    conn.close()
    immutable = mode == "immutable=1"
    with tempfile.TemporaryDirectory(prefix="pressarchive-serve-") as tmp:
        meta = Path(tmp) / "metadata.json"
        merged = merge_metadata(metadata(path), user_metadata or {})
        meta.write_text(json.dumps(merged, ensure_ascii=False, indent=2))
        args = datasette_args(path, meta, host=host, port=port, extra=extra, immutable=immutable)
        try:
            datasette_cli.main(
                args,
                prog_name="datasette",
            )
        except SystemExit as exc:  # uvicorn exits 3 when it cannot start
            if exc.code not in (None, 0):
                raise ServeError(
                    f"{host}:{port}: the server could not start (exit {exc.code})"
                ) from exc
            raise


__all__ = [
    "canned_queries",
    "check_address",
    "datasette_args",
    "merge_metadata",
    "metadata",
    "search_query_sql",
    "serve",
    "write_plugin_shim",
]
