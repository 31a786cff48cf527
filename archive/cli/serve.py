"""``pressarchive serve``: Datasette on the archive (Datasette loads only here)."""

from __future__ import annotations

import click

from archive.cli.options import db_option, open_db


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db_path: str, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only; fine during a crawl).

    Opens with facets by source, page type, year and label, and canned queries:
    search (German-aware, like `pressarchive search`), page, latest_releases and,
    once the archive has them, revisions. A port in use exits 8.

    \b
    Example:
        pressarchive serve --db archive.db --port 8001
        open http://127.0.0.1:8001/archive/search?q=Lotsen
    """
    from archive.serve.server import serve as run_serve

    open_db(db_path).close()  # exists, is ours and current; opened read-only, never changed
    run_serve(db_path, host=host, port=port)


__all__ = ["serve"]
