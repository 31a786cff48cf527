"""``pressarchive watch``: saved searches, their Atom feeds and where their matches go.

The library is :mod:`archive.alerts` (watches, feeds, delivery); ``add`` and ``remove``
write under the archive's writer lock like every write command (exit 6 while a crawl or
scheduler holds it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import click

from archive.cli.options import db_option, open_db
from archive.cli.output import Output, output_options

DEFAULT_BASE_URL = "http://127.0.0.1:8001"


@click.group()
def watch() -> None:
    """Saved searches: an Atom feed each, new matches delivered after every crawl.

    A watch finds what `pressarchive search QUERY` finds (German-aware: "Kita" also finds
    "Kitas"). What it matches when added is its baseline: after each crawl, demo or
    scheduled run, releases that match later are sent once to its targets (--webhook,
    --email) and to those of [alerts] in config.toml; a target that is down is retried
    on the next run.

    \b
    Examples:
        pressarchive watch add kita Kita --webhook http://127.0.0.1:9000/hook
        pressarchive watch add haushalt Haushalt --source ruesselsheim --email desk@example.org
        pressarchive watch list
        pressarchive watch feed kita -o kita.atom
        pressarchive watch remove kita
    """


@watch.command("add")
@db_option
@click.argument("name")
@click.argument("query")
@click.option("--source", help="Only releases of this source.")
@click.option("--label", help="Only releases with this category label.")
@click.option("--webhook", "webhooks", multiple=True, help="POST each new match here (JSON).")
@click.option("--email", "emails", multiple=True, help="Mail new matches here ([alerts.smtp]).")
@click.option(
    "--backfill", is_flag=True,
    help="Deliver the current matches too on the next run (default: they are the baseline).",
)  # fmt: skip
@output_options()
def add(
    db_path: str, name: str, query: str, source: str | None, label: str | None,
    webhooks: tuple[str, ...], emails: tuple[str, ...], backfill: bool, out: Output,
) -> None:  # fmt: skip
    """Save the search QUERY as the watch NAME (unknown --source or --label: exit 2).

    \b
    Example:
        pressarchive watch add kita Kita --webhook http://127.0.0.1:9000/hook
    """
    from archive.alerts.watches import add_watch, matches
    from archive.store.locking import writer

    with writer(db_path, "watch add", must_exist=True) as db:
        saved = add_watch(
            db, name, query, source=source, label=label, webhooks=webhooks, emails=emails,
            backfill=backfill,
        )  # fmt: skip
        current = len(matches(db, saved))
    result = {**saved.as_dict(), "matches": current}

    def lines(r: dict[str, Any]) -> Iterator[str]:
        what = "delivered on the next run" if backfill else "the baseline, not delivered"
        yield f"watch {r['name']!r} added: {current} current matches ({what})"

    out.emit(result, text=lines)


@watch.command("list")
@db_option
@output_options()
def list_(db_path: str, out: Output) -> None:
    """The watches with their targets and deliveries by status (sent, pending: retried
    on the next run, failed: given up after [alerts] max_attempts, baseline).

    \b
    Example:
        pressarchive watch list --json
    """
    from archive.alerts.watches import list_watches

    rows = [w.as_dict() for w in list_watches(open_db(db_path))]

    def lines(rows: list[dict[str, Any]]) -> Iterator[str]:
        if not rows:
            yield "no watches (add one: pressarchive watch add NAME QUERY)"
        for r in rows:
            scope = "".join(f" --{k} {r[k]}" for k in ("source", "label") if r[k])
            yield f"{r['name']}: {r['query']!r}{scope} (since {r['created_at']})"
            for target in [*r["webhooks"], *r["emails"]]:
                yield f"  → {target}"
            counts = ", ".join(f"{n} {status}" for status, n in sorted(r["deliveries"].items()))
            if counts:
                yield f"  deliveries: {counts}"

    out.emit(rows, text=lines)


@watch.command("remove")
@db_option
@click.argument("name")
def remove(db_path: str, name: str) -> None:
    """Delete the watch NAME and its delivery records (no such watch: exit 7).

    \b
    Example:
        pressarchive watch remove kita
    """
    from archive.alerts.watches import remove_watch
    from archive.store.locking import writer

    with writer(db_path, "watch remove", must_exist=True) as db:
        remove_watch(db, name)
    click.echo(f"watch {name!r} removed")


@watch.command("feed")
@db_option
@click.argument("name")
@click.option(
    "--base-url", default=DEFAULT_BASE_URL, show_default=True,
    help="Where `pressarchive serve` runs: entries link to its release pages.",
)  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File (default: stdout).")
def feed(db_path: str, name: str, base_url: str, output: str | None) -> None:
    """Write the Atom feed of the watch NAME (its matching releases, newest first; at
    most 50). `pressarchive serve` serves the same feed at /-/watch/NAME.atom.

    \b
    Example:
        pressarchive watch feed kita -o kita.atom
    """
    from archive.alerts.feeds import watch_feed
    from archive.alerts.watches import get_watch
    from archive.outfile import check_output, replaced_on_success
    from crawler.errors import ExportError

    if output is not None:
        check_output(output, ExportError, archive=db_path)
    db = open_db(db_path)
    saved = get_watch(db, name)
    base = base_url.rstrip("/")
    text = watch_feed(db, saved, base=base, self_url=f"{base}/-/watch/{name}.atom")
    if output is None:
        sys.stdout.write(text)
        return
    with replaced_on_success(output, ExportError, archive=db_path) as path:
        path.write_text(text, encoding="utf-8")
    click.echo(f"feed of {name!r} written to {output}", err=True)


__all__ = ["watch"]
