"""``pressarchive serve``: Datasette on the archive (Datasette loads only here)."""

from __future__ import annotations

from typing import Any

import click

from archive.cli.options import db_option, open_db


def _user_metadata(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    from datasette.utils import BadMetadataError, parse_metadata

    try:
        with open(path, encoding="utf-8") as fh:
            data = parse_metadata(fh.read())
    except (OSError, BadMetadataError) as exc:
        raise click.BadParameter(str(exc), param_hint="--metadata") from exc
    if not isinstance(data, dict):
        raise click.BadParameter("not a JSON/YAML object", param_hint="--metadata")
    return data


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--setting", "settings", nargs=2, multiple=True, metavar="NAME VALUE",
    help="A Datasette setting (repeatable), e.g. --setting default_page_size 20.",
)  # fmt: skip
@click.option(
    "--metadata", "metadata_file", type=click.Path(exists=True, dir_okay=False),
    help="Datasette metadata (JSON or YAML) merged over the archive's: your keys win.",
)  # fmt: skip
@click.option(
    "--plugins-dir", type=click.Path(exists=True, file_okay=False),
    help="A directory of more Datasette plugins (.py files).",
)  # fmt: skip
@click.option(
    "--template-dir", type=click.Path(exists=True, file_okay=False),
    help="Datasette templates that override the archive's and Datasette's own.",
)  # fmt: skip
@click.option("--cors", is_flag=True, help="Allow other sites' scripts to read the JSON API.")
def serve(
    db_path: str,
    host: str,
    port: int,
    settings: tuple[tuple[str, str], ...],
    metadata_file: str | None,
    plugins_dir: str | None,
    template_dir: str | None,
    cors: bool,
) -> None:
    """Browse and search the archive in Datasette (read-only; fine during a crawl).

    The first page has the search box: German-aware, the same hits in the same order
    as `pressarchive search`, with facets, sorting, paging and CSV/JSON (/-/search,
    /-/search.json). The pages table's search box leads there too. Tables are
    described, internal ones hidden; canned queries: search, page, latest_releases
    and page_versions. Datasette options pass through. A port in use exits 8.

    \b
    Examples:
        pressarchive serve --db archive.db --port 8001
        open http://127.0.0.1:8001/-/search?q=Lotsen
        curl 'http://127.0.0.1:8001/-/search.json?q=Haushalt&sort=newest'
        pressarchive serve --setting default_page_size 20 --setting sql_time_limit_ms 10000
        pressarchive serve --metadata my-metadata.yml --template-dir templates/ --cors
    """
    from archive.serve.server import serve as run_serve

    open_db(db_path).close()  # exists, is ours and current; opened read-only, never changed
    extra: list[str] = []
    for name, value in settings:
        extra += ["--setting", name, value]
    if plugins_dir:
        extra += ["--plugins-dir", plugins_dir]
    if template_dir:
        extra += ["--template-dir", template_dir]
    if cors:
        extra.append("--cors")
    run_serve(
        db_path, host=host, port=port, extra=tuple(extra),
        user_metadata=_user_metadata(metadata_file),
    )  # fmt: skip


__all__ = ["serve"]
