"""Datasette plugin: the archive's German-aware search as SQL functions.

Registered on every Datasette connection (``prepare_connection``):

* ``pressarchive_query(text)`` → the ``pages_search`` MATCH expression for any user
  text (``'""'``, which matches nothing, for empty text); never an FTS syntax error.
  Compound parts come from the connection's own ``search_terms`` vocabulary
  (:class:`archive.indexes.compounds.Expander`), as in ``pressarchive search``.
* ``pressarchive_rank_query(text)`` → the expression that scores the hits
  (:func:`archive.search.engine.rank_expression`: the words themselves, no compound parts).
* ``pressarchive_snippet(text, body, lead, captions, credits, title)`` → the snippet
  :func:`archive.search.engine.search` shows, matches in ``[…]``.

It also installs an SQLite authorizer: delivery targets (webhook URLs, addresses,
:data:`archive.serve.catalog.SECRET_COLUMNS`) read as NULL in any query.

``pressarchive serve`` registers this module in-process; plain Datasette loads it from a
``--plugins-dir`` holding a one-line shim (:func:`archive.serve.server.write_plugin_shim`).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from datasette import hookimpl

from archive.indexes.compounds import Expander
from archive.search.engine import Highlighter, make_snippet, match_expression, rank_expression
from archive.serve.catalog import SECRET_COLUMNS


@lru_cache(maxsize=256)
def _highlighter(text: str) -> Highlighter:
    return Highlighter(text)


def pressarchive_rank_query(text: str | None) -> str:
    return rank_expression(text or "")


def pressarchive_snippet(
    text: str | None,
    body: str | None,
    lead: str | None,
    captions: str | None,
    credits: str | None,
    title: str | None,
) -> str:
    return make_snippet(_highlighter(text or ""), [body, lead, captions, credits, title])


def _authorize(action: int, table: str | None, column: str | None, *_: object) -> int:
    """Read :data:`~archive.serve.catalog.SECRET_COLUMNS` as NULL, whatever the SQL."""
    if action == sqlite3.SQLITE_READ and (table, column) in SECRET_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(_authorize)
    expand = Expander(conn)

    def pressarchive_query(text: str | None) -> str:
        return match_expression(text or "", expand=expand)

    conn.create_function("pressarchive_query", 1, pressarchive_query, deterministic=True)
    conn.create_function("pressarchive_rank_query", 1, pressarchive_rank_query, deterministic=True)
    conn.create_function("pressarchive_snippet", 6, pressarchive_snippet, deterministic=True)
