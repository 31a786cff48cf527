"""``pressarchive crawl``, ``schedule``, ``demo`` and ``sample-site``: writing the archive."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from archive.cli.options import config_option, db_option
from archive.cli.output import Output, output_options
from crawler.errors import EXIT_INTERRUPTED, ConfigError, RunFailed


def _shard_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[int, int] | None:
    from crawler.config.shards import parse_shard

    return None if value is None else parse_shard(value)


def shard_option(func: Any) -> Any:
    return click.option(
        "--shard", "shard", metavar="K/N", callback=_shard_callback,
        help="Only the sources of shard K of N (K from 1): a stable share by a hash of "
        "the source name; each shard into its own --db (`pressarchive merge` joins them).",
    )(func)  # fmt: skip


def sharded(config: Any, shard: tuple[int, int] | None) -> tuple[Any, dict[str, Any] | None]:
    """``config`` with only the sources of ``--shard K/N`` (as given: no shard) and what
    the shard took (``{"shard", "of", "sources"}``), for the summary."""
    if shard is None:
        return config, None
    k, n = shard
    share = config.shard(k, n)
    return share, {"shard": k, "of": n, "sources": [s.name for s in share.sources]}


SUMMARY_KEYS = ("fetched", "new", "changed", "unchanged", "not_modified", "removed", "errors")


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


def run_crawl(
    db_path: str,
    config: Any,
    source: str | None,
    *,
    show_progress: bool = True,
    command: str = "crawl",
) -> dict[str, Any]:
    """Crawl the sources of ``config`` (or one) under the archive lock; the summary of the
    runs (:func:`summarize`) with ``deliveries``: what was sent to the watches' targets
    after the runs (:mod:`archive.alerts.deliver`; never fails the crawl).

    SIGTERM and SIGINT stop the crawl the way they stop the scheduler: the pages in hand
    are written and the runs recorded ``interrupted`` (then :func:`conclude` exits 130),
    and nothing is delivered (the next run does it)."""
    import threading

    from archive.alerts.deliver import deliver_safely
    from archive.run.crawl import crawl_sources
    from archive.run.signals import stop_on_signals
    from archive.store.locking import writer

    sources = config.selected(source)
    stop = threading.Event()

    def echo(line: str) -> None:
        click.echo(line, err=True)

    with writer(db_path, command) as db, stop_on_signals(stop, echo):
        with _progress(show_progress) as progress:
            try:
                runs = crawl_sources(
                    db,
                    config,
                    sources,
                    progress=progress,
                    stop=stop,
                    parallel=config.crawler.parallel_sources,
                )
            except KeyboardInterrupt:  # a signal before the handlers were in place
                names = ", ".join(src.name for src in sources)
                click.echo(f"\ninterrupted: the runs of {names} are recorded", err=True)
                sys.exit(EXIT_INTERRUPTED)
        summary = summarize([stats.as_dict() for stats in runs])
        summary["deliveries"] = {} if stop.is_set() else deliver_safely(db, config.alerts)
    return summary


def conclude(summary: dict[str, Any]) -> None:
    """After the summary is printed: exit 130 when a run was interrupted, raise
    :class:`RunFailed` (exit 1) when one failed."""
    interrupted = [r["source"] for r in summary["sources"] if r["status"] == "interrupted"]
    if interrupted:
        click.echo(f"interrupted: the runs of {', '.join(interrupted)} are recorded", err=True)
        sys.exit(EXIT_INTERRUPTED)
    failed = [r["source"] for r in summary["sources"] if r["status"] == "failed"]
    if failed:
        raise RunFailed(f"the run failed for: {', '.join(failed)} (see the log above)")


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {k: sum(r[k] for r in results) for k in SUMMARY_KEYS}
    total["requests"] = sum(r["requests"] for r in results)
    total["bytes"] = sum(r["bytes"] for r in results)
    total["duration"] = round(sum(r["duration"] for r in results), 3)
    total["sources"] = results
    return total


def summary_lines(summary: dict[str, Any]) -> Iterator[str]:
    for r in summary["sources"]:
        status = "" if r.get("status", "ok") == "ok" else f" ({r['status'].upper()})"
        yield (
            f"{r['source']}{status}: {r['fetched']} fetched, {r['new']} new, "
            f"{r['changed']} changed, "
            f"{r['unchanged']} unchanged, {r['not_modified']} not modified, "
            f"{r['removed']} removed, {r['errors']} errors "
            f"({r['requests']} requests, {r['bytes']:,} bytes, {r['duration']:.1f} s)"
        )
        if r.get("media_fetched") or r.get("media_errors") or r.get("media_skipped"):
            yield (
                f"  media: {r['media_fetched']} archived ({r['media_revisits']} identical to "
                f"an earlier file), {r['media_bytes']:,} bytes, {r['media_errors']} not "
                f"archived, {r['media_skipped']} over the run's budget"
            )
        for url in r["error_urls"][:10]:
            yield f"  error: {url}"
    sent = summary.get("deliveries") or {}
    if sent.get("targets") or sent.get("error"):
        yield (
            f"alerts: {sent['sent']} delivered, {sent['failed']} failed"
            + (f" ({sent['given_up']} given up)" if sent["given_up"] else "")
            + (f"; error: {sent['error']}" if sent.get("error") else "")
        )


@click.command()
@config_option
@db_option
@click.option("--source", help="Crawl only this source (a [sources.NAME] in the config).")
@shard_option
@click.option(
    "--dask", "dask", metavar="ADDRESS",
    help="Run each source as a task on the Dask cluster at ADDRESS (tcp://HOST:PORT); "
    "the shard archives (in DB.shards/ beside --db) are merged into --db.",
)  # fmt: skip
@output_options()
def crawl(
    config_path: str,
    db_path: str,
    source: str | None,
    shard: tuple[int, int] | None,
    dask: str | None,
    out: Output,
) -> None:
    """Crawl every source (or one) into the archive.

    Afterwards the new matches of saved searches (`pressarchive watch`) go to their
    targets; --json lists each source's new, changed and removed URLs and the deliveries.

    \b
    Example:
        pressarchive crawl --config config.toml --db archive.db --source ruesselsheim
        pressarchive crawl --config config.toml --shard 1/2 --db shard1.db
    """
    from crawler.config.settings import load_config
    from crawler.errors import InvalidRequest

    given = [o for o, v in (("--source", source), ("--shard", shard), ("--dask", dask)) if v]
    if len(given) > 1:
        raise InvalidRequest(f"{' and '.join(given)}: give one of them")
    if dask is not None:
        from archive.run.dask_crawl import crawl_on_dask

        summary = crawl_on_dask(dask, config_path, db_path)
        out.emit(summary, text=_dask_lines)
        if summary["failed"]:
            raise RunFailed(f"the run failed for: {', '.join(summary['failed'])}")
        return
    config, took = sharded(load_config(config_path), shard)
    summary = run_crawl(db_path, config, source)
    if took is not None:
        summary["shard"] = took
    out.emit(summary, text=lambda s: _shard_lines(took, summary_lines(s)))
    conclude(summary)


def _dask_lines(summary: dict[str, Any]) -> Iterator[str]:
    for r in summary["sources"]:
        if "error" in r:
            yield f"{r['source']} (FAILED on the cluster): {r['error']}"
    yield from summary_lines({"sources": [r for r in summary["sources"] if "error" not in r]})
    merged = summary["merge"]
    yield (
        f"merged {len(merged['merged_from'])} shard archives from {summary['shards']}: "
        f"{merged['added']['pages']} new pages, {merged['added']['revisions']} new revisions; "
        f"the archive holds {merged['pages']} pages"
    )


def _shard_lines(took: dict[str, Any] | None, lines: Iterator[str]) -> Iterator[str]:
    if took is not None:
        names = ", ".join(took["sources"]) or "no source"
        yield f"shard {took['shard']}/{took['of']}: {names}"
    yield from lines


def _outcome_lines(outcomes: list[dict[str, Any]]) -> Iterator[str]:
    for o in outcomes:
        yield (
            f"{o['source']}: {o['status']}, {o.get('new', 0)} new, "
            f"{o.get('changed', 0)} changed, {o.get('errors', 0)} errors; "
            f"next run {o['next_run_at']}"
        )


@click.command()
@config_option
@db_option
@click.option("--once", is_flag=True, help="Run every due source once and exit (for cron).")
@shard_option
@output_options()
def schedule(
    config_path: str, db_path: str, once: bool, shard: tuple[int, int] | None, out: Output
) -> None:
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
        pressarchive schedule --shard 2/4 --db shard2.db   # this machine's share
    """
    from archive.run.schedule import JsonLogFormatter, Scheduler
    from crawler.config.settings import load_config

    config, took = sharded(load_config(config_path), shard)
    if not config.sources:
        what = f" in shard {took['shard']}/{took['of']}" if took is not None else ""
        raise ConfigError(f"no [sources.NAME] to schedule{what}", path=config_path)

    def echo(line: str) -> None:
        if any(isinstance(h.formatter, JsonLogFormatter) for h in logging.getLogger().handlers):
            logging.getLogger("archive.run.schedule").info(line)  # JSON lines like every record
        elif out.text:
            click.echo(line, err=True)

    scheduler = Scheduler(config, db_path, echo=echo)
    if not once:
        scheduler.serve()
        return
    outcomes = [o.as_dict() for o in scheduler.run_once()]
    out.emit(outcomes, text=lambda o: _shard_lines(took, _outcome_lines(o)))
    if scheduler.stop.is_set():
        sys.exit(EXIT_INTERRUPTED)
    failed = [o["source"] for o in outcomes if o["status"] == "failed"]
    if failed:
        raise RunFailed(f"the run failed for: {', '.join(failed)} (see the log above)")


@click.command()
@db_option
@click.option("--edition", default=1, show_default=True, type=click.IntRange(1, 3))
@click.option("--print-config", is_flag=True, help="Print the sample-site config and exit.")
@click.option(
    "--all-families", is_flag=True,
    help="With --print-config: one source per sample-site family (for shards).",
)  # fmt: skip
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535),
    help="Port for --print-config.",
)  # fmt: skip
@output_options()
def demo(
    db_path: str, edition: int, print_config: bool, all_families: bool, port: int, out: Output
) -> None:
    """Serve the bundled sample site on loopback and crawl it into the archive.

    \b
    Examples:
        pressarchive demo                      # edition 1 into ./archive.db
        pressarchive demo --edition 2          # a later state: new, edited, removed pages
        pressarchive demo --print-config --port 8080
        pressarchive demo --print-config --all-families --port 8080 > families.toml
    """
    from crawler.sample_site.demo import (
        all_families_config_text,
        sample_config,
        sample_config_text,
    )

    if print_config:
        text = all_families_config_text(port) if all_families else sample_config_text(port)
        click.echo(text, nl=False)
        return
    if all_families:
        from crawler.errors import InvalidRequest

        raise InvalidRequest("--all-families goes with --print-config")
    from crawler.sample_site import SampleSite

    with SampleSite(edition=edition, crawl_delay="0.05") as site:
        config = sample_config(site.port)
        summary = run_crawl(db_path, config, None, command="demo")
    ok = all(r["status"] == "ok" for r in summary["sources"])

    def lines(summary: dict[str, Any]) -> Iterator[str]:
        if not ok:
            yield f"The crawl of the sample site (edition {edition}) into {db_path} did not finish:"
            yield from summary_lines(summary)
            return
        yield f"Crawled the sample site (edition {edition}) into {db_path}:"
        yield from summary_lines(summary)
        yield (
            "\nNext, try:\n"
            f"  pressarchive search Integrationslotsen --db {db_path}\n"
            f"  pressarchive status --db {db_path}\n"
            f"  pressarchive demo --edition 2 --db {db_path}   # see changes and removals\n"
            f"  pressarchive history URL --db {db_path}           # every version of a page\n"
            f"  pressarchive serve --db {db_path}                 # Datasette: search in a browser"
        )

    out.emit(summary, text=lines)
    conclude(summary)


@click.command("sample-site")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: any free port).",
)  # fmt: skip
@click.option("--edition", default=1, show_default=True, type=click.IntRange(1, 3))
@click.option("--crawl-delay", default="1", show_default=True, help="Crawl-delay in robots.txt.")
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


__all__ = ["conclude", "crawl", "demo", "run_crawl", "sample_site", "schedule", "summarize"]
