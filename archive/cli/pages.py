"""``pressarchive history``, ``diff``, ``show`` (a page's versions) and ``extract`` (one
page from a file or URL, without the archive)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from archive.cli.options import at_option, db_option, open_db
from archive.cli.output import Output, output_options

REVISION_FIELDS = ("revision", "fetched_at", "event", "changed_fields", "removed_at")
#: ``extract --profile``: the names of ``crawler.extract.profiles.BUILTIN_PROFILES``, copied
#: so that ``--help`` does not import lxml (tests/archive/test_cli.py keeps them equal).
PROFILES = ("sitepark", "typo3")


def _history_lines(data: dict[str, Any]) -> Iterator[str]:
    yield data["url"]
    for rev in data["revisions"]:
        changed = ", ".join(rev["changed_fields"]) or "-"
        line = f"  {rev['revision']:>3}  {rev['fetched_at']}  {rev['event']:<9} {changed}"
        if rev["removed_at"]:
            line += f"  (removed {rev['removed_at']})"
        yield line
    for alias in data["aliases"]:
        yield f"  alias ({alias['reason']}): {alias['url']}"


@click.command()
@click.argument("url")
@db_option
@output_options(csv=True, csv_help="Print CSV: one line per revision.")
def history(url: str, db_path: str, out: Output) -> None:
    """The versions of a page: when each was fetched and which fields changed.

    \b
    Example:
        pressarchive history https://www.ruesselsheim.de/presse/2025/x --json
    """
    from archive.store.revisions import history as page_history

    data = page_history(open_db(db_path), url)
    out.emit(data, text=_history_lines, rows=lambda d: d["revisions"], fields=REVISION_FIELDS)


@click.command()
@click.argument("url")
@click.option("--from", "from_rev", type=int, help="Revision to compare from [previous].")
@click.option("--to", "to_rev", type=int, help="Revision to compare to [latest].")
@click.option(
    "--words",
    is_flag=True,
    help="Word diff: changed words inline as [-deleted-]{+inserted+} "
    "(JSON: a 'words' list of [op, text] per field).",
)
@db_option
@output_options()
def diff(
    url: str, from_rev: int | None, to_rev: int | None, words: bool, db_path: str, out: Output
) -> None:
    """Field by field unified diff between two versions of a page.

    \b
    Example:
        pressarchive diff https://www.ruesselsheim.de/presse/2025/x --from 1 --to 2
        pressarchive diff https://www.ruesselsheim.de/presse/2025/x --words
    """
    from archive.store.revisions import diff as page_diff

    data = page_diff(open_db(db_path), url, from_rev, to_rev)
    if words:
        from archive.diffing import inline, word_diff

        for change in data["changes"]:
            change["words"] = word_diff(change["from"], change["to"])
            change["diff"] = f"{change['field']} ({data['from']} → {data['to']}):\n" + inline(
                change["words"]
            )

    def lines(changes: list[dict[str, Any]]) -> Iterator[str]:
        if not changes:
            yield f"No changes between revisions {data['from']} and {data['to']}."
        for change in changes:
            yield change["diff"]

    out.emit(data["changes"], text=lines)


def _page_lines(page: dict[str, Any]) -> Iterator[str]:
    gone = " [removed]" if page["removed"] else ""
    yield f"{page['title']}{gone}"
    yield f"{page.get('published') or 'undated'} · {page['url']}"
    yield f"revision {page['revision']} of {page['fetched_at']}"
    if page.get("lead"):
        yield f"\n{page['lead']}"
    yield f"\n{page.get('body') or ''}"
    for image in page["images"]:
        yield f"\n[image] {image['src']}: {image.get('caption') or image.get('alt') or ''}"
    for link in page["related"]:
        yield f"[related] {link.get('title')} <{link['url']}>"


@click.command()
@click.argument("url")
@at_option
@db_option
@output_options()
def show(url: str, at: str | None, db_path: str, out: Output) -> None:
    """The page as it was at a date (from its stored versions).

    \b
    Example:
        pressarchive show https://www.ruesselsheim.de/presse/2025/x --at 2025-11-30
    """
    from archive.store.revisions import show as page_show

    out.emit(page_show(open_db(db_path), url, at), text=_page_lines)


def _extract_lines(page: dict[str, Any]) -> Iterator[str]:
    for key in ("url", "page_type", "label", "title", "published", "published_source", "lead"):
        yield f"{key}: {page[key]}"
    yield f"images: {len(page['images'])}, related: {len(page['related'])}"
    yield ""
    yield page["body"] or ""


@click.command()
@click.argument("target")
@click.option("--url", help="Original URL of a local file (for resolving links and dates).")
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    help="A built-in site profile (CSS selectors); default: generic extraction.",
)
@output_options()
def extract(target: str, url: str | None, profile: str | None, out: Output) -> None:
    """Extract one page (a local HTML file or a URL) and print its fields.

    \b
    Examples:
        pressarchive extract page.html --url https://www.ruesselsheim.de/presse/2025/x --json
        pressarchive extract https://www.ruesselsheim.de/presse/2025/x
    """
    path = Path(target)
    if path.exists():
        headers: dict[str, str] = {}
        body, page_url = _read_file(path), url or path.resolve().as_uri()
    elif target.startswith(("http://", "https://")):
        body, headers, page_url = _fetch_one(target)
    else:
        raise click.BadParameter(
            f"{target!r} is neither a file nor an http(s) URL", param_hint="TARGET"
        )
    from crawler.extract.core import extract as run_extract
    from crawler.extract.profiles import BUILTIN_PROFILES

    site_profile = BUILTIN_PROFILES[profile] if profile else None
    page = run_extract(page_url, body, headers, site_profile).to_dict()
    out.emit(page, text=_extract_lines)


def _read_file(path: Path) -> bytes:
    """The bytes of the HTML file ``path``; a directory or an unreadable file is a bad
    TARGET (exit 2) naming it."""
    if not path.is_file():
        raise click.BadParameter(f"{str(path)!r} is not a file (a directory?)", param_hint="TARGET")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.BadParameter(
            f"{str(path)!r} cannot be read: {exc.strerror or exc}", param_hint="TARGET"
        ) from exc


def _fetch_one(url: str) -> tuple[bytes, dict[str, str], str]:
    """Fetch one page as the crawler would: User-Agent, robots.txt, size cap, no private
    addresses, redirects only on that host. A failure exits 1 (the work failed)."""
    import asyncio
    from urllib.parse import urlsplit

    from crawler.config.settings import CrawlerConfig, SourceConfig
    from crawler.fetch.fetcher import Fetcher

    host = (urlsplit(url).hostname or "").lower()
    source = SourceConfig(name="extract", extra_urls=(url,), hosts=(host,))
    crawler = CrawlerConfig(retries=1)

    async def fetch() -> Any:
        async with Fetcher(crawler, source) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(fetch())
    if not result.ok:
        raise click.ClickException(f"{url}: {result.error or f'HTTP {result.status}'}")
    return result.body, dict(result.headers), result.final_url or url


__all__ = ["PROFILES", "diff", "extract", "history", "show"]
