"""``pressarchive topics`` and ``entities``: key phrases and entities found in the text
(the ``topics`` index, archive/indexes/topic_index.py), of one page or with counts over a
selection of pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from archive.cli.options import db_option, open_db, since_option, source_option, until_option
from archive.cli.output import Output, output_options

#: ``archive.search.topics.KINDS``, copied so that ``--help`` imports no SQL (a test keeps
#: them equal).
KINDS = ("person", "organisation", "place", "amount", "date")


def _topic_lines(data: dict[str, Any]) -> Iterator[str]:
    yield "Key phrases (pages):"
    for item in data["phrases"]:
        yield f"  {item['pages']:>5}  {item['phrase']}"
    for kind, items in data["entities"].items():
        yield f"{kind} (pages):"
        for item in items:
            role = f"  [{item['role']}]" if item.get("role") else ""
            yield f"  {item['pages']:>5}  {item['value']}{role}"


@click.command()
@click.argument("url", required=False)
@db_option
@source_option()
@since_option
@until_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@output_options()
def topics(
    url: str | None,
    db_path: str,
    source: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    out: Output,
) -> None:
    """Key phrases found in the text: of one page (URL), or the top phrases and entities
    of the archive (or of --source, --since, --until) with the pages they are on.

    \b
    Examples:
        pressarchive topics
        pressarchive topics --source ruesselsheim --since 2025-01-01 --json
        pressarchive topics https://www.ruesselsheim.de/presse/2025/x --json
    """
    from archive.search import topics as found

    db = open_db(db_path, source=source)
    if url:
        if source or since or until:
            raise click.UsageError("URL and --source/--since/--until exclude each other")
        phrases = found.page_topics(db, url)
        out.emit(phrases, text=lambda rows: (f"{r['score']:>8.3f}  {r['phrase']}" for r in rows))
        return
    selection = {"source": source, "since": since, "until": until}
    data = {
        "phrases": found.top_phrases(db, limit=limit, **selection),
        "entities": {
            kind: found.top_entities(db, kind=kind, limit=limit, **selection) for kind in KINDS
        },
    }
    out.emit(data, text=_topic_lines)


def _entity_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    if not rows:
        yield "No entities."
    for r in rows:
        if "pages" in r:
            role = f"  [{r['role']}]" if r.get("role") else ""
            yield f"{r['pages']:>5}  {r['kind']:<12} {r['value']}{role}"
        else:
            role = f"  [{r['role']}]" if r.get("role") else ""
            yield f"{r['type']:<12} {r['text']}{role}"


@click.command()
@click.argument("url", required=False)
@click.option("--kind", type=click.Choice(KINDS), help="Only entities of this kind.")
@db_option
@source_option()
@since_option
@until_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@output_options()
def entities(
    url: str | None,
    kind: str | None,
    db_path: str,
    source: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    out: Output,
) -> None:
    """People (with office), organisations, places, amounts of money (with purpose) and
    dates found in the text: of one page (URL), or with the pages they are on.

    \b
    Examples:
        pressarchive entities --kind person
        pressarchive entities --kind amount --source ruesselsheim --json
        pressarchive entities https://www.ruesselsheim.de/presse/2025/x --json
    """
    from archive.search import topics as found

    db = open_db(db_path, source=source)
    if url:
        if source or since or until:
            raise click.UsageError("URL and --source/--since/--until exclude each other")
        out.emit(found.page_entities(db, url, kind), text=_entity_lines)
        return
    rows = found.top_entities(db, kind=kind, source=source, since=since, until=until, limit=limit)
    out.emit(rows, text=_entity_lines)


__all__ = ["KINDS", "entities", "topics"]
