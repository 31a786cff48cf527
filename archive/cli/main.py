"""The ``pressarchive`` command: one click group, one function per subcommand."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from crawler.errors import PressArchiveError

F = TypeVar("F", bound=Callable[..., Any])


class CLIError(click.ClickException):
    """A library error shown as one line, with the error's own exit code."""

    def __init__(self, error: PressArchiveError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]


def library_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PressArchiveError as exc:
            raise CLIError(exc) from exc

    return wrapper  # type: ignore[return-value]


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        default="archive.db",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="SQLite archive file.",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        default="config.toml",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="Configuration file.",
    )(func)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group()
@click.version_option(package_name="pressarchive")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "--log-json", is_flag=True, envvar="PRESSARCHIVE_LOG_JSON",
    help="Log JSON lines to stderr (also PRESSARCHIVE_LOG_JSON=1); at least INFO.",
)  # fmt: skip
def cli(verbose: int, log_json: bool) -> None:
    """Archive what cities publish: crawl press pages into a searchable SQLite archive.

    \b
    Try it offline on the bundled sample site:
        pressarchive demo
        pressarchive search Integrationslotsen
        pressarchive status
    """
    level = logging.WARNING - 10 * verbose
    if log_json:
        from archive.run.schedule import JsonLogFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonLogFormatter())
        logging.basicConfig(level=max(min(level, logging.INFO), logging.DEBUG), handlers=[handler])
        return
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s"
    )


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, str, str], None]]:
    """A progress bar on a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield lambda event, url, outcome: None
        return
    total = [0]
    with click.progressbar(length=1, label="crawling", file=sys.stderr, show_pos=True) as bar:

        def update(event: str, url: str, outcome: str) -> None:
            if event == "discovered":  # once per source: sources run side by side
                total[0] += int(outcome)
                bar.length = max(total[0], bar.pos + 1)
                bar.label = f"crawling {total[0]} pages"
            elif event == "page":
                if bar.pos >= (bar.length or 0):
                    bar.length = bar.pos + 1
                bar.update(1)

        yield update


def _run_crawl(
    db_path: str, config: Any, source: str | None, *, show_progress: bool = True
) -> list[dict[str, Any]]:
    from archive.run.crawl import crawl_sources
    from archive.store.locking import ArchiveLock, recover_runs
    from archive.store.schema import open_archive

    sources = config.selected(source)
    with ArchiveLock(db_path, "crawl"):
        db = open_archive(db_path)
        recover_runs(db)
        with _progress(show_progress) as progress:
            try:
                runs = crawl_sources(db, config, sources, progress=progress)
            except KeyboardInterrupt:
                names = ", ".join(src.name for src in sources)
                click.echo(f"\ninterrupted: the runs of {names} are recorded", err=True)
                sys.exit(130)
    return [stats.as_dict() for stats in runs]


SUMMARY_KEYS = ("fetched", "new", "changed", "unchanged", "not_modified", "removed", "errors")


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {k: sum(r[k] for r in results) for k in SUMMARY_KEYS}
    total["requests"] = sum(r["requests"] for r in results)
    total["bytes"] = sum(r["bytes"] for r in results)
    total["duration"] = round(sum(r["duration"] for r in results), 3)
    total["sources"] = results
    return total


def _print_summary(summary: dict[str, Any]) -> None:
    for r in summary["sources"]:
        click.echo(
            f"{r['source']}: {r['fetched']} fetched, {r['new']} new, {r['changed']} changed, "
            f"{r['unchanged']} unchanged, {r['not_modified']} not modified, "
            f"{r['removed']} removed, {r['errors']} errors "
            f"({r['requests']} requests, {r['bytes']:,} bytes, {r['duration']:.1f} s)"
        )
        for url in r["error_urls"][:10]:
            click.echo(f"  error: {url}")


@cli.command()
@config_option
@db_option
@click.option("--source", help="Crawl only this source (a [sources.NAME] in the config).")
@json_option
@library_errors
def crawl(config_path: str, db_path: str, source: str | None, as_json: bool) -> None:
    """Crawl every source (or one) into the archive.

    \b
    Example:
        pressarchive crawl --config config.toml --db archive.db --source ruesselsheim
    """
    from crawler.config.settings import load_config

    config = load_config(config_path)
    summary = _summary(_run_crawl(db_path, config, source))
    if as_json:
        echo_json(summary)
    else:
        _print_summary(summary)
    failed = [r["source"] for r in summary["sources"] if r["status"] == "failed"]
    if failed:
        raise click.ClickException(f"the run failed for: {', '.join(failed)} (see the log above)")


@cli.command()
@config_option
@db_option
@click.option("--once", is_flag=True, help="Run every due source once and exit (for cron).")
@json_option
@library_errors
def schedule(config_path: str, db_path: str, once: bool, as_json: bool) -> None:
    """Crawl every source on its own schedule until SIGTERM or Ctrl-C.

    Each source's `schedule` ("every 6h" or a crontab line, UTC) and `jitter` come
    from the config; a source never crawled or overdue runs at once, missed runs
    coalesce into one, next runs survive restarts (stored in the archive). SIGTERM or
    Ctrl-C: the pages in hand are written, the runs recorded as interrupted. Only one
    scheduler or crawl per archive (exit code 6 names the one holding it).

    \b
    Examples:
        pressarchive schedule --config config.toml --db archive.db
        pressarchive schedule --once --json     # from cron: due sources only
    """
    from archive.run.schedule import JsonLogFormatter, Scheduler
    from crawler.config.settings import load_config

    config = load_config(config_path)
    if not config.sources:
        raise click.ClickException(f"{config_path}: no [sources.NAME] to schedule")

    def echo(line: str) -> None:
        if any(isinstance(h.formatter, JsonLogFormatter) for h in logging.getLogger().handlers):
            logging.getLogger("archive.run.schedule").info(line)  # JSON lines like every record
        elif not as_json:
            click.echo(line, err=True)

    scheduler = Scheduler(config, db_path, echo=echo)
    if not once:
        scheduler.serve()
        return
    outcomes = [o.as_dict() for o in scheduler.run_once()]
    if as_json:
        echo_json(outcomes)
    else:
        for o in outcomes:
            click.echo(
                f"{o['source']}: {o['status']}, {o.get('new', 0)} new, "
                f"{o.get('changed', 0)} changed, {o.get('errors', 0)} errors; "
                f"next run {o['next_run_at']}"
            )
    if scheduler.stop.is_set():
        sys.exit(130)
    if any(o["status"] == "failed" for o in outcomes):
        sys.exit(1)


@cli.command()
@db_option
@click.option("--edition", default=1, show_default=True, type=click.IntRange(1, 3))
@click.option("--print-config", is_flag=True, help="Print the sample-site config and exit.")
@click.option("--port", default=8080, show_default=True, help="Port for --print-config.")
@json_option
@library_errors
def demo(db_path: str, edition: int, print_config: bool, port: int, as_json: bool) -> None:
    """Serve the bundled sample site on loopback and crawl it into the archive.

    \b
    Examples:
        pressarchive demo                      # edition 1 into ./archive.db
        pressarchive demo --edition 2          # a later state: new, edited, removed pages
        pressarchive demo --print-config --port 8080
    """
    from crawler.sample_site.demo import sample_config, sample_config_text

    if print_config:
        click.echo(sample_config_text(port), nl=False)
        return
    from crawler.sample_site import SampleSite

    with SampleSite(edition=edition, crawl_delay="0.05") as site:
        config = sample_config(site.port)
        summary = _summary(_run_crawl(db_path, config, None))
    if as_json:
        echo_json(summary)
        return
    click.echo(f"Crawled the sample site (edition {edition}) into {db_path}:")
    _print_summary(summary)
    click.echo(
        "\nNext, try:\n"
        f"  pressarchive search Integrationslotsen --db {db_path}\n"
        f"  pressarchive status --db {db_path}\n"
        f"  pressarchive demo --edition 2 --db {db_path}   # see changes and removals\n"
        f"  pressarchive history URL --db {db_path}           # every version of a page\n"
        f"  pressarchive serve --db {db_path}                 # Datasette: search in a browser"
    )


@cli.command()
@click.argument("query")
@db_option
@click.option("--source", help="Only pages of this source.")
@click.option("--since", help="Published on or after YYYY-MM-DD.")
@click.option("--until", help="Published on or before YYYY-MM-DD.")
@click.option("--type", "page_type", help="press_release, topic, notice, org_unit or other.")
@click.option("--label", help="Only pages with this label (e.g. 'Pressemitteilung').")
@click.option("--has-images", is_flag=True, default=None, help="Only pages with images.")
@click.option("--live-only", is_flag=True, help="Leave out pages removed from the site.")
@click.option("--removed", "removed_only", is_flag=True, help="Only pages removed from the site.")
@click.option("--exact", is_flag=True, help="The words as written: no stemming, no compound parts.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--count", "count_only", is_flag=True, help="Print only the number of matches.")
@click.option("--facets", "show_facets", is_flag=True, help="Counts by source, type, year, label.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (url, title, published, …).")
@json_option
@library_errors
def search(
    query: str,
    db_path: str,
    source: str | None,
    since: str | None,
    until: str | None,
    page_type: str | None,
    label: str | None,
    has_images: bool | None,
    live_only: bool,
    removed_only: bool,
    exact: bool,
    limit: int,
    count_only: bool,
    show_facets: bool,
    as_csv: bool,
    as_json: bool,
) -> None:
    """Search German-aware, best matches first (title and lead count most).

    Finds inflections and spellings (Förderung = Foerderung, Rüsselsheimer =
    ruesselsheim, Straße = Strasse) and compound parts (Lotsen finds Integrationslotsen,
    Haushalt finds Haushaltssicherungskonzept). "Exact phrases", prefix*, OR, NOT and
    =word (this word only, no compounds) work; --exact matches the words as written.

    \b
    Examples:
        pressarchive search Lotsen
        pressarchive search '"Vielfalt und Teilhabe"' --since 2025-01-01 --json
        pressarchive search Kita --type press_release --limit 5 --csv
        pressarchive search Haushalt --facets
        pressarchive search =Lotsen --count
    """
    from archive.search import engine as searching
    from archive.store.schema import open_archive

    if live_only and removed_only:
        raise click.UsageError("--live-only and --removed exclude each other")
    _require_db(db_path)
    db = open_archive(db_path)
    status = "live" if live_only else "removed" if removed_only else "all"
    filters: dict[str, Any] = {
        "source": source, "since": since, "until": until, "page_type": page_type,
        "label": label, "has_images": has_images, "status": status,
    }  # fmt: skip
    if count_only:
        n = searching.count(db, query, exact=exact, **filters)
        if as_json:
            echo_json({"count": n})
        else:
            click.echo(n)
        return
    if show_facets:
        found = searching.facets(db, query, exact=exact, **filters)
        if as_json:
            echo_json(found)
            return
        for name, values in found.items():
            click.echo(f"{name}:")
            for item in values:
                click.echo(f"  {item['count']:>6}  {item['value'] or '-'}")
        return
    hits = searching.search(db, query, limit=limit, exact=exact, **filters)
    if as_json:
        echo_json(hits)
        return
    if as_csv:
        from archive.export import write_csv

        write_csv(hits, sys.stdout, searching.HIT_FIELDS)
        return
    if not hits:
        click.echo(f"No pages match {query!r}.")
        return
    for i, hit in enumerate(hits, 1):
        removed = " [removed]" if hit.get("removed_at") else ""
        click.echo(f"{i}. {hit['title']}{removed}")
        click.echo(f"   {hit.get('published') or 'undated'} · {hit['url']}")
        if hit.get("snippet"):
            click.echo(f"   {hit['snippet']}")


@cli.command()
@db_option
@click.option(
    "--check", is_flag=True,
    help="Exit 1 when a source is failing, overdue or drifting, saying why (for monitoring).",
)  # fmt: skip
@json_option
@library_errors
def status(db_path: str, check: bool, as_json: bool) -> None:
    """Per source: pages, last run and its counts, errors, next run, health.

    Health: failing (last run failed or mostly errors), overdue (the scheduler's next
    run long past) and extraction drift (new pages suddenly without date, title or
    body: a redesign); the rules are in archive/health.py.

    \b
    Examples:
        pressarchive status --db archive.db --json
        pressarchive status --check || alert "pressarchive needs attention"
    """
    from archive.status import source_status
    from archive.store.schema import open_archive

    _require_db(db_path)
    rows = source_status(open_archive(db_path))
    problems = [(row["name"], p) for row in rows for p in row["health"]["problems"]]
    if check:
        if as_json:
            echo_json([{"source": name, **p} for name, p in problems])
        elif problems:
            for name, p in problems:
                click.echo(f"{name}: {p['kind']}: {p['message']}")
        else:
            click.echo(f"{len(rows)} source(s) healthy")
        if problems:
            sys.exit(1)
        return
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No sources yet: run `pressarchive crawl` or `pressarchive demo`.")
    for row in rows:
        run = row.get("last_run") or {}
        click.echo(
            f"{row['name']}: {row['pages']} pages ({row['live']} live, {row['removed']} removed), "
            f"newest {row.get('newest_published') or '-'}"
        )
        if run:
            click.echo(
                f"  last run {run.get('started_at')} → {run.get('status')}: "
                f"{run.get('new', 0)} new, {run.get('changed', 0)} changed, "
                f"{run.get('errors', 0)} errors"
            )
        click.echo(
            f"  runs: {row.get('runs', 0)}, errors in all runs: {row.get('errors_total', 0)}"
        )
        if row.get("revisions"):
            click.echo(
                f"  versions: {row['revisions']}, captured in {row['capture_files']} WARC "
                f"file(s), {row['capture_bytes']:,} bytes of records"
            )
        health = row["health"]
        if health.get("next_run_at") or health.get("running"):
            running = f" (run under way since {health['running']})" if health["running"] else ""
            click.echo(f"  next run: {health.get('next_run_at') or '-'}{running}")
        click.echo(f"  error rate of the last run: {health['error_rate']:.0%}")
        for p in health["problems"]:
            click.echo(f"  {p['kind'].upper()}: {p['message']}")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@library_errors
def serve(db_path: str, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only; fine during a crawl).

    Opens with facets by source, page type, year and label, and canned queries:
    search (German-aware, like `pressarchive search`), page, latest_releases and,
    once the archive has them, revisions.

    \b
    Example:
        pressarchive serve --db archive.db --port 8001
        open http://127.0.0.1:8001/archive/search?q=Lotsen
    """
    from archive.serve.server import serve as run_serve
    from archive.store.schema import open_archive

    _require_db(db_path)
    open_archive(db_path).close()  # apply pending migrations before read-only serving
    run_serve(db_path, host=host, port=port)


@cli.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "parquet"]), default="csv",
    show_default=True,
)  # fmt: skip
@click.option("--query", help="Only pages matching this search (best first).")
@click.option("--since", help="Published on or after YYYY-MM-DD.")
@click.option("--source", help="Only pages of this source.")
@click.option(
    "-o",
    "--output",
    "--out",
    type=click.Path(dir_okay=False),
    help="Output file (default: stdout).",
)
@library_errors
def export(
    db_path: str,
    fmt: str,
    query: str | None,
    since: str | None,
    source: str | None,
    output: str | None,
) -> None:
    """Export pages as CSV, JSON, JSON Lines or Parquet (stable column names).

    \b
    Examples:
        pressarchive export --format csv -o pages.csv
        pressarchive export --format jsonl --query Haushalt --since 2024-01-01
        pressarchive export --format parquet --source ruesselsheim -o pages.parquet
    """
    from archive.export import export_pages
    from archive.store.schema import open_archive

    _require_db(db_path)
    db = open_archive(db_path)
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs -o FILE")
    n = export_pages(db, fmt, output or sys.stdout, query=query, since=since, source=source)
    if output:
        click.echo(f"{n} pages written to {output}", err=True)


@cli.command("sample-site")
@click.option("--port", default=8080, show_default=True, help="Port on 127.0.0.1.")
@click.option("--edition", default=1, show_default=True, type=click.IntRange(1, 3))
@click.option("--crawl-delay", default="1", show_default=True, help="Crawl-delay in robots.txt.")
@library_errors
def sample_site(port: int, edition: int, crawl_delay: str) -> None:
    """Serve the bundled sample city site on 127.0.0.1 until Ctrl-C.

    \b
    Example:
        pressarchive sample-site --port 8080 --edition 2
        pressarchive demo --print-config --port 8080 > sample.toml
        pressarchive crawl --config sample.toml
    """
    from crawler.sample_site import SampleSite

    site = SampleSite(edition=edition, port=port, crawl_delay=crawl_delay)
    click.echo(f"Sample site (edition {edition}) on {site.base_url} — Ctrl-C to stop.")
    click.echo("It answers for the hosts www.ruesselsheim.test and ruesselsheim.test.")
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")


@cli.command()
@click.argument("target")
@click.option("--url", help="Original URL of a local file (for resolving links and dates).")
@click.option(
    "--profile",
    type=click.Choice(["sitepark", "typo3"]),
    help="A built-in site profile (CSS selectors); default: generic extraction.",
)
@json_option
@library_errors
def extract(target: str, url: str | None, profile: str | None, as_json: bool) -> None:
    """Extract one page (a local HTML file or a URL) and print its fields.

    \b
    Examples:
        pressarchive extract page.html --url https://www.ruesselsheim.de/presse/2025/x --json
        pressarchive extract https://www.ruesselsheim.de/presse/2025/x
    """
    from crawler.extract.core import extract as run_extract

    path = Path(target)
    if path.exists():
        headers: dict[str, str] = {}
        body, page_url = path.read_bytes(), url or path.resolve().as_uri()
    elif target.startswith(("http://", "https://")):
        body, headers, page_url = _fetch_one(target)
    else:
        raise click.BadParameter(f"{target!r} is neither a file nor an http(s) URL")
    from crawler.extract.profiles import BUILTIN_PROFILES

    site_profile = BUILTIN_PROFILES[profile] if profile else None
    page = run_extract(page_url, body, headers, site_profile).to_dict()
    if as_json:
        echo_json(page)
        return
    for key in ("url", "page_type", "label", "title", "published", "published_source", "lead"):
        click.echo(f"{key}: {page[key]}")
    click.echo(f"images: {len(page['images'])}, related: {len(page['related'])}")
    click.echo("")
    click.echo(page["body"] or "")


def _fetch_one(url: str) -> tuple[bytes, dict[str, str], str]:
    """Fetch one page as the crawler would: User-Agent, robots.txt, size cap, no private
    addresses, redirects only on that host."""
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


def _require_db(db_path: str) -> None:
    if not Path(db_path).exists():
        raise click.ClickException(
            f"no archive at {db_path}: run `pressarchive demo` or `pressarchive crawl` first"
        )


# --------------------------------------------------------------------------- versions


@cli.command()
@click.argument("url")
@db_option
@json_option
@library_errors
def history(url: str, db_path: str, as_json: bool) -> None:
    """The versions of a page: when each was fetched and which fields changed.

    \b
    Example:
        pressarchive history https://www.ruesselsheim.de/presse/2025/x --json
    """
    from archive.store.revisions import history as page_history
    from archive.store.schema import open_archive

    _require_db(db_path)
    data = page_history(open_archive(db_path), url)
    if as_json:
        echo_json(data)
        return
    click.echo(data["url"])
    for rev in data["revisions"]:
        changed = ", ".join(rev["changed_fields"]) or "-"
        line = f"  {rev['revision']:>3}  {rev['fetched_at']}  {rev['event']:<9} {changed}"
        if rev["removed_at"]:
            line += f"  (removed {rev['removed_at']})"
        click.echo(line)
    for alias in data["aliases"]:
        click.echo(f"  alias ({alias['reason']}): {alias['url']}")


@cli.command()
@click.argument("url")
@click.option("--from", "from_rev", type=int, help="Revision to compare from [previous].")
@click.option("--to", "to_rev", type=int, help="Revision to compare to [latest].")
@db_option
@json_option
@library_errors
def diff(url: str, from_rev: int | None, to_rev: int | None, db_path: str, as_json: bool) -> None:
    """Field by field unified diff between two versions of a page.

    \b
    Example:
        pressarchive diff https://www.ruesselsheim.de/presse/2025/x --from 1 --to 2
    """
    from archive.store.revisions import diff as page_diff
    from archive.store.schema import open_archive

    _require_db(db_path)
    data = page_diff(open_archive(db_path), url, from_rev, to_rev)
    if as_json:
        echo_json(data["changes"])
        return
    if not data["changes"]:
        click.echo(f"No changes between revisions {data['from']} and {data['to']}.")
    for change in data["changes"]:
        click.echo(change["diff"])


@cli.command()
@click.argument("url")
@click.option("--at", "at", help="Date (YYYY-MM-DD) or ISO time [now].")
@db_option
@json_option
@library_errors
def show(url: str, at: str | None, db_path: str, as_json: bool) -> None:
    """The page as it was at a date (from its stored versions).

    \b
    Example:
        pressarchive show https://www.ruesselsheim.de/presse/2025/x --at 2025-11-30
    """
    from archive.store.revisions import show as page_show
    from archive.store.schema import open_archive

    _require_db(db_path)
    page = page_show(open_archive(db_path), url, at)
    if as_json:
        echo_json(page)
        return
    gone = " [removed]" if page["removed"] else ""
    click.echo(f"{page['title']}{gone}")
    click.echo(f"{page.get('published') or 'undated'} · {page['url']}")
    click.echo(f"revision {page['revision']} of {page['fetched_at']}")
    if page.get("lead"):
        click.echo(f"\n{page['lead']}")
    click.echo(f"\n{page.get('body') or ''}")
    for image in page["images"]:
        click.echo(f"\n[image] {image['src']}: {image.get('caption') or image.get('alt') or ''}")
    for link in page["related"]:
        click.echo(f"[related] {link.get('title')} <{link['url']}>")


@cli.command()
@click.option("--source", help="Only pages of this source.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Config whose URL rules to use [the sources stored in the archive].",
)
@db_option
@json_option
@library_errors
def reparse(source: str | None, config_path: str | None, db_path: str, as_json: bool) -> None:
    """Re-extract every stored version from its WARC record (no network).

    \b
    Example:
        pressarchive reparse --db archive.db --json
    """
    from archive.run.reparse import reparse as run_reparse
    from archive.store.schema import open_archive
    from crawler.config.settings import load_config

    _require_db(db_path)
    config = load_config(config_path) if config_path else None
    report = run_reparse(open_archive(db_path), source=source, config=config)
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{report['pages']} pages, {report['versions']} versions re-extracted: "
        f"{report['changed']} pages changed, {report['missing']} versions without a record"
    )


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", help="Source name for the pages [the host of the first page].")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Config whose URL rules to use [the sources stored in the archive].",
)
@db_option
@json_option
@library_errors
def import_warc(
    files: tuple[str, ...], source: str | None, config_path: str | None, db_path: str,
    as_json: bool,
) -> None:  # fmt: skip
    """Import pages from WARC files of other tools (wget, Webrecorder, web archives).

    \b
    Example:
        pressarchive import-warc crawl.warc.gz --source ruesselsheim --db archive.db
    """
    from archive.run.reparse import import_warc as run_import
    from archive.store.schema import open_archive
    from crawler.config.settings import load_config

    config = load_config(config_path) if config_path else None
    report = run_import(open_archive(db_path), list(files), source=source, config=config)
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{report['records']} responses read: {report['new']} new, {report['changed']} changed, "
        f"{report['unchanged']} unchanged, {report['skipped']} skipped"
    )


# --------------------------------------------------------------------------- graph


@cli.group()
def graph() -> None:
    """The related-topic graph: pages, labels and their links, at any date.

    \b
    Examples:
        pressarchive graph neighbors Migration --depth 2
        pressarchive graph export --format gexf -o archive.gexf   # open in Gephi
        pressarchive graph render --out graph.html
    """


def at_option(func: F) -> F:
    return click.option("--at", "at", help="Date (YYYY-MM-DD) or ISO time [now].")(func)


def source_option(func: F) -> F:
    return click.option("--source", help="Only pages of this source.")(func)


def _load_graph(db_path: str, at: str | None, source: str | None) -> tuple[Any, Any]:
    from archive.graph.model import build_graph
    from archive.store.schema import open_archive

    _require_db(db_path)
    db = open_archive(db_path)
    return db, build_graph(db, at, source)


def _node_line(item: dict[str, Any]) -> str:
    extra = ", ".join(str(item[k]) for k in ("kind", "label", "date") if item.get(k))
    return f"{item['title']} <{item['id']}>" + (f" ({extra})" if extra else "")


@graph.command("neighbors")
@click.argument("node")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 10))
@at_option
@source_option
@db_option
@json_option
@library_errors
def graph_neighbors(
    node: str, depth: int, at: str | None, source: str | None, db_path: str, as_json: bool
) -> None:
    """What a release, topic or label (URL, label or title) is linked to and from.

    \b
    Example:
        pressarchive graph neighbors Migration --depth 2 --at 2025-12-01
    """
    from archive.graph.model import find_node, neighbors, node_info

    db, g = _load_graph(db_path, at, source)
    found = find_node(g, node, db)
    items = neighbors(g, found, depth)
    if as_json:
        echo_json({"node": node_info(g, found), "at": g.graph["at"], "neighbors": items})
        return
    info = node_info(g, found)
    click.echo(f"{info['title']} <{found}> [{info['kind']}]")
    for item in items:
        arrow = "→" if item["direction"] == "out" else "←"
        indent = "  " * item["distance"]
        extra = ", ".join(str(item[k]) for k in ("kind", "label", "date") if item.get(k))
        click.echo(
            f"{indent}{arrow} {item['rel']}{f' ({extra})' if extra else ''}: {item['title']} "
            f"<{item['id']}> [{item['node_kind']}]"
        )


@graph.command("topics")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@at_option
@source_option
@db_option
@json_option
@library_errors
def graph_topics(by: str, at: str | None, source: str | None, db_path: str, as_json: bool) -> None:
    """Pages per topic (label) and year or month of publication.

    \b
    Example:
        pressarchive graph topics --by month --source ruesselsheim
    """
    from archive.graph.model import topics

    _db, g = _load_graph(db_path, at, source)
    data = topics(g, by)
    if as_json:
        echo_json(data)
        return
    periods = data["periods"]
    click.echo("total  " + " ".join(f"{p:>7}" for p in periods) + "  label")
    for row in data["topics"]:
        cells = " ".join(f"{row['counts'].get(p, ''):>7}" for p in periods)
        generic = " (generic)" if row["generic"] else ""
        click.echo(f"{row['total']:>5}  {cells}  {row['label']}{generic}")


@graph.command("central")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 100_000))
@at_option
@source_option
@db_option
@json_option
@library_errors
def graph_central(
    top: int, at: str | None, source: str | None, db_path: str, as_json: bool
) -> None:
    """The most central pages and labels: PageRank and degree.

    \b
    Example:
        pressarchive graph central --top 10 --at 2025-06-30
    """
    from archive.graph.model import central

    _db, g = _load_graph(db_path, at, source)
    rows = central(g, top)
    if as_json:
        echo_json(rows)
        return
    click.echo("pagerank   in  out  kind    title")
    for r in rows:
        click.echo(
            f"{r['pagerank']:.5f} {r['in_degree']:>4} {r['out_degree']:>4}  {r['kind']:<7} "
            f"{r['title']} <{r['id']}>"
        )


@graph.command("communities")
@click.option("--seed", default=42, show_default=True, help="Seed of the Louvain method.")
@click.option("--resolution", default=1.0, show_default=True, help="Higher: smaller clusters.")
@at_option
@source_option
@db_option
@json_option
@library_errors
def graph_communities(
    seed: int, resolution: float, at: str | None, source: str | None, db_path: str,
    as_json: bool,
) -> None:  # fmt: skip
    """Clusters of topics and releases (Louvain community detection).

    \b
    Example:
        pressarchive graph communities --json
    """
    from archive.graph.model import communities

    _db, g = _load_graph(db_path, at, source)
    found = communities(g, seed=seed, resolution=resolution)
    if as_json:
        echo_json(found)
        return
    for c in found:
        kinds = ", ".join(f"{n} {k}" for k, n in c["kinds"].items())
        click.echo(f"{c['id']}. {c['size']} nodes ({kinds}); labels: {', '.join(c['labels'])}")
        for item in c["top"][:3]:
            click.echo(f"     {item['title']} <{item['id']}>")


@graph.command("path")
@click.argument("a")
@click.argument("b")
@at_option
@source_option
@db_option
@json_option
@library_errors
def graph_path(
    a: str, b: str, at: str | None, source: str | None, db_path: str, as_json: bool
) -> None:
    """How two releases, topics or labels are connected (a shortest chain of links).

    \b
    Example:
        pressarchive graph path Migration Wahlen
    """
    from archive.graph.model import find_node, path

    db, g = _load_graph(db_path, at, source)
    steps = path(g, find_node(g, a, db), find_node(g, b, db))
    if as_json:
        echo_json(steps)
        return
    for i, step in enumerate(steps):
        if i:
            arrow = "→" if step["direction"] == "out" else "←"
            extra = ", ".join(x for x in (step["link_kind"], step["link_label"]) if x)
            click.echo(f"  {arrow} {step['rel']}{f' ({extra})' if extra else ''}")
        click.echo(f"{step['title']} <{step['id']}> [{step['kind']}]")


@graph.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), default="gexf",
    show_default=True,
)  # fmt: skip
@click.option("-o", "--output", "--out", type=click.Path(dir_okay=False), help="File [stdout].")
@at_option
@source_option
@db_option
@library_errors
def graph_export(
    fmt: str, output: str | None, at: str | None, source: str | None, db_path: str
) -> None:
    """Write the graph as GEXF 1.3 / GraphML (Gephi) or node-link JSON (D3, networkx).

    \b
    Example:
        pressarchive graph export --format gexf --at 2025-12-01 -o archive.gexf
    """
    from archive.graph.model import export_graph

    _db, g = _load_graph(db_path, at, source)
    export_graph(g, fmt, output or sys.stdout.buffer)
    if output:
        n, m = g.number_of_nodes(), g.number_of_edges()
        click.echo(f"{n} nodes, {m} edges written to {output}", err=True)


@graph.command("render")
@click.option(
    "--out", "output", default="graph.html", show_default=True,
    type=click.Path(dir_okay=False), help="FILE.html (interactive) or FILE.png.",
)  # fmt: skip
@click.option("--max-nodes", default=400, show_default=True, type=click.IntRange(10, 20_000))
@at_option
@source_option
@db_option
@library_errors
def graph_render(
    output: str, max_nodes: int, at: str | None, source: str | None, db_path: str
) -> None:
    """Draw the graph: a self-contained HTML page (time slider, hover) or a PNG.

    \b
    Example:
        pressarchive graph render --out graph.html && xdg-open graph.html
    """
    from archive.graph.render import render
    from archive.store.schema import open_archive

    _require_db(db_path)
    info = render(open_archive(db_path), output, at=at, source=source, max_nodes=max_nodes)
    click.echo(f"{info['nodes']} nodes, {info['edges']} edges drawn to {output}", err=True)


from archive.cli.reindex import reindex  # noqa: E402 - commands in their own modules

cli.add_command(reindex)

if __name__ == "__main__":  # pragma: no cover
    cli()
