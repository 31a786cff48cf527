"""``pressarchive profile``: site templates learned from the archive's pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from archive.cli.options import db_option
from archive.cli.output import Output, output_options


@click.group()
def profile() -> None:
    """Site profiles learned from archived pages (see crawler/extract/learn.py).

    \b
    Example:
        pressarchive demo
        pressarchive profile learn --source sample > learned.toml
    """


@profile.command()
@click.option("--source", required=True, help="The source whose pages to learn from.")
@db_option
@output_options()
def learn(source: str, db_path: str, out: Output) -> None:
    """Learn a source's template from its stored pages, store it, print it as TOML.

    The generic extractor reads every stored capture of the source (the newest 20); for
    each field the CSS selector that gives the same value on most pages is kept, blocks
    repeated unchanged on every page (chrome) are left out. The template is stored as the
    source's next version: crawls use it when the config pins no profile for the source
    (unless it reads some field worse than the generic layer on its own pages: it says so),
    and `status --check` reports when it stops matching (template drift). The printed
    `[profiles.NAME]` table can be pasted into config.toml (then `profile = "NAME"` in the
    source pins it).

    \b
    Example:
        pressarchive profile learn --source sample --db archive.db >> config.toml
    """
    from archive.run.learn import learn_source
    from archive.store.checks import require_source
    from archive.store.locking import writer
    from crawler.extract.learn import profile_toml

    with writer(db_path, "profile learn", must_exist=True) as db:
        require_source(db, source)
        stored = learn_source(db, source)
    selectors = {k: v for k, v in vars(stored.profile).items() if v}
    data: dict[str, Any] = {
        "source": stored.source,
        "version": stored.version,
        "learned_at": stored.learned_at,
        "pages": stored.pages,
        "profile": selectors,
        "stats": stored.stats,
        "toml": profile_toml(stored.source, stored.profile),
    }

    def lines(data: dict[str, Any]) -> Iterator[str]:
        fields = data["stats"].get("fields", {})
        yield (
            f"# template of source {data['source']!r}, version {data['version']}, learned "
            f"{data['learned_at']} from {len(data['pages'])} pages"
        )
        for name, stat in fields.items():
            if stat.get("selector"):
                yield f"#   {name}: agrees on {stat['agree']:g} of {stat['pages']} pages"
        missing = [n for n, stat in fields.items() if not stat.get("selector")]
        if missing:
            yield f"#   not learned (generic extraction): {', '.join(missing)}"
        if not data["stats"].get("applies", True):
            worse = ", ".join(data["stats"].get("worse", []))
            yield (
                f"#   NOT used as the profile: with it the extractor reads {worse} worse "
                "than without on the pages it was learned from (kept to detect redesigns)"
            )
        yield f'# pin it with profile = "{data["source"]}" in [sources.{data["source"]}]'
        yield data["toml"].rstrip("\n")

    out.emit(data, text=lines)


__all__ = ["learn", "profile"]
