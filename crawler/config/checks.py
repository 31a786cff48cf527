"""Checks of config values that have the right type but cannot work, run when the config
is read (:mod:`crawler.config.settings`), so a mistake stops ``pressarchive`` at once with
the file and key named instead of failing deep inside a crawl or a scheduler.

Each check returns what is wrong as a sentence, or None; the caller raises
:class:`~crawler.errors.ConfigError` with the file and the key.

* Numbers (:data:`RANGES`): finite (``nan`` and ``inf``, which TOML allows, are refused)
  and within a range that makes sense (a ``timeout`` of 0 would fail every request, 10⁹
  retries would overflow the backoff).
* ``url_aliases``: a pattern and a replacement that are strings, the pattern a valid
  regular expression, the replacement valid for it (``\\9`` with one group is refused).
* ``connect_to``: ``host:port`` (``[v6]:port``) with a port from 1 to 65535.
* ``hosts``: names (or IP addresses) only; a port there (``www.city.de:8080``) would
  never match: the ports of a site are those its URLs name
  (:attr:`crawler.fetch.urls.UrlPolicy.ports`).
* URLs: no credentials (``user:password@``): the crawler has no secret store, and a URL
  is stored in the archive, logged and shown by ``serve``; such a URL is refused (the
  message does not repeat the password). Sites behind a login are not supported.
* ``schedule``: an interval of at most :data:`MAX_INTERVAL` (366 days), a crontab
  expression that fires at least once (``0 0 31 2 *``, February 31st, never does; the
  search for the next time is APScheduler's, bounded by the year 9999).
"""

from __future__ import annotations

import ipaddress
import math
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

#: The longest ``every`` interval and ``jitter``: a year (a leap one).
MAX_INTERVAL = 366 * 86400

#: Numeric keys: (lowest, highest, lowest allowed itself?). A ``[crawler]`` key unless
#: named ``source.KEY``.
RANGES: dict[str, tuple[float, float, bool]] = {
    "concurrency_per_host": (1, 64, True),
    "parallel_sources": (1, 100_000, True),
    "delay": (0, 3600, True),
    "max_delay": (0, 86400, True),
    "timeout": (0, 3600, False),
    "retries": (0, 20, True),
    "backoff": (0, 3600, True),
    "max_retry_after": (0, 86400, True),
    "max_bytes": (1, 2**40, True),
    "max_redirects": (0, 100, True),
    "max_pages": (0, 2**53, True),
    "learn_after": (0, 2**53, True),
    "extract_processes": (0, 64, True),
    "media_max_file_bytes": (1, 2**40, True),
    "media_max_source_bytes": (1, 2**50, True),
    "media_max_files": (0, 2**53, True),
    "source.jitter": (0, MAX_INTERVAL, True),
}


def number_problem(name: str, value: float) -> str | None:
    """What is wrong with ``value`` for the numeric key ``name`` (see :data:`RANGES`)."""
    if not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    low, high, low_ok = RANGES.get(name, (0, math.inf, True))
    if value < 0 <= low:
        return f"must not be negative, got {value!r}"
    if value < low or (value == low and not low_ok) or value > high:
        lower = f"at least {low:g}" if low_ok else f"more than {low:g}"
        return f"must be {lower} and at most {high:g}, got {value!r}"
    return None


#: string keys with a fixed set of values (``[crawler]`` keys)
CHOICES: dict[str, tuple[str, ...]] = {"http_client": ("aiohttp", "httpx")}

#: keys whose value is sent in an HTTP request header (``User-Agent``)
HEADER_KEYS = frozenset({"user_agent", "contact"})


def header_problem(value: str) -> str | None:
    """What keeps ``value`` from being an HTTP header value: only printable ASCII (and
    tab) can be sent; CR/LF would end the header, and httpx refuses both control and
    non-ASCII characters, which would fail every request of the crawl."""
    bad = sorted({c for c in value if not (" " <= c <= "~" or c == "\t")})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return f"must be printable ASCII for the User-Agent header, has {shown}"
    return None


def alias_problem(pattern: object, replace: object) -> str | None:
    """What is wrong with a ``url_aliases`` entry, or None."""
    if not isinstance(pattern, str) or not isinstance(replace, str):
        return f"pattern and replace must be strings, got {pattern!r} and {replace!r}"
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"bad regular expression {pattern!r}: {exc}"
    try:
        compiled.sub(replace, "")  # checks the template (group references) even unmatched
    except (re.error, IndexError) as exc:
        return f"bad replacement {replace!r} for {pattern!r}: {exc}"
    return None


def connect_to_problem(target: str) -> str | None:
    """What is wrong with a ``connect_to`` target (``ip:port``), or None."""
    host, sep, port = target.rpartition(":")
    if not sep or not host.strip("[]") or not port.isdigit() or not 1 <= int(port) <= 65535:
        return f"expected 'ip:port' with a port from 1 to 65535, got {target!r}"
    if host.startswith("[") != host.endswith("]") or (":" in host and not host.startswith("[")):
        return f"write an IPv6 address in brackets ('[::1]:8080'), got {target!r}"
    return None


def host_problem(host: str) -> str | None:
    """What is wrong with an entry of ``hosts`` (a name or an IP address, nothing else)."""
    try:
        ipaddress.IPv6Address(host)
        return None  # "::1": an IPv6 literal as urlsplit gives it
    except ValueError:
        pass
    if not host or any(c in host for c in ":/@[] "):
        return (
            f"expected a host name without scheme, port or path, got {host!r} (the ports "
            "the site uses are those of its URLs)"
        )
    return None


def url_problem(url: str) -> str | None:
    """What is wrong with a configured URL (no credentials; http(s) with a host), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"not a usable URL {url!r}: {exc}"
    if "@" in parts.netloc:
        shown = parts._replace(netloc="…@" + parts.netloc.rpartition("@")[2]).geturl()
        return (
            f"credentials (user:password@) in URL {shown!r} are not supported: URLs are "
            "stored in the archive and shown; remove them"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    return None


def cron_problem(text: str, now: datetime | None = None) -> str | None:
    """What is wrong with the crontab expression ``text``, or None (APScheduler reads it)."""
    from apscheduler.triggers.cron import CronTrigger  # here: ~0.1 s import, only for cron

    try:
        trigger = CronTrigger.from_crontab(text, timezone=UTC)
    except ValueError as exc:
        return f"bad crontab expression {text!r}: {exc}"
    if trigger.get_next_fire_time(None, now or datetime.now(UTC)) is None:
        return f"crontab expression {text!r} never fires (no date matches it)"
    return None


__all__ = [
    "MAX_INTERVAL",
    "HEADER_KEYS",
    "RANGES",
    "CHOICES",
    "header_problem",
    "alias_problem",
    "connect_to_problem",
    "cron_problem",
    "host_problem",
    "number_problem",
    "url_problem",
]
