"""Configuration: ``config.toml`` read with tomllib into frozen dataclasses.

Defaults live on the dataclasses; the user's file overrides them; an unknown key is
rejected with its dotted name (``sources.ruesselsheim.start_url``), as is a value of the
wrong type. Every key is documented in the bundled ``config.toml``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config.alerts import AlertsConfig, parse_alerts
from crawler.config.checks import (
    CHOICES,
    HEADER_KEYS,
    MAX_INTERVAL,
    alias_problem,
    connect_to_problem,
    cron_problem,
    header_problem,
    host_problem,
    number_problem,
    url_problem,
)
from crawler.errors import ConfigError, SourceNotFound
from crawler.extract.profiles import BUILTIN_PROFILES, FIELDS, SiteProfile, selector_error

#: how often ``pressarchive schedule`` crawls a source without a ``schedule`` key
DEFAULT_SCHEDULE = "every 24h"
_EVERY = re.compile(r"every\s+((?:\d+\s*[smhd]\s*)+)", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Schedule:
    """A parsed ``schedule``: an interval in seconds, or a 5-field crontab expression."""

    interval: int | None = None
    cron: str | None = None


def parse_schedule(text: str) -> Schedule:
    """``"every 6h"`` / ``"every 1h30m"`` / ``"every 45s"`` → interval (1 s to 366 days);
    anything else is a crontab expression (minute hour day month weekday, in UTC).
    Raises ``ValueError`` saying what is wrong (whether a crontab expression ever fires is
    checked when the config is read: :func:`crawler.config.checks.cron_problem`)."""
    text = text.strip()
    match = _EVERY.fullmatch(text)
    if match:
        seconds = sum(
            int(n) * _UNIT[u.lower()]
            for n, u in re.findall(r"(\d+)\s*([smhdSMHD])", match.group(1))
        )
        if seconds < 1:
            raise ValueError("the interval must be at least 1 second")
        if seconds > MAX_INTERVAL:
            raise ValueError(f"the interval must be at most 366 days, got {text!r}")
        return Schedule(interval=seconds)
    if text.lower().startswith("every"):
        raise ValueError(f"expected 'every N' (units s, m, h, d; e.g. 'every 6h'), got {text!r}")
    if len(text.split()) != 5:
        raise ValueError(f"expected 'every 6h' or a crontab expression with 5 fields, got {text!r}")
    from apscheduler.triggers.cron import CronTrigger  # here: ~0.1 s import, only for cron

    try:
        CronTrigger.from_crontab(text)
    except ValueError as exc:
        raise ValueError(f"bad crontab expression {text!r}: {exc}") from exc
    return Schedule(cron=text)


@dataclass(frozen=True)
class CrawlerConfig:
    """Settings shared by every source (``[crawler]``)."""

    user_agent: str = "pressarchive/0.1 (+https://github.com/pressarchive/pressarchive)"
    contact: str = ""  # e-mail or URL appended to the User-Agent so site owners can reach you
    concurrency_per_host: int = 2
    #: sources ``pressarchive crawl`` runs side by side in one event loop (each politely:
    #: one host's delay never slows another's; more at once means more memory)
    parallel_sources: int = 8
    delay: float = 1.0  # minimum seconds between two requests to one host
    max_delay: float = 30.0  # upper bound for a robots.txt Crawl-delay
    timeout: float = 20.0  # seconds, connect and read
    retries: int = 3  # extra attempts on timeouts, 429, 5xx
    backoff: float = 1.0  # first retry waits this long, then doubles
    max_retry_after: float = 120.0  # cap for a server's Retry-After
    max_bytes: int = 10_000_000  # response size cap
    max_redirects: int = 5
    respect_robots: bool = True
    follow_related: bool = True  # fetch related-box targets one hop away
    max_pages: int = 0  # 0 = no limit, per source and run
    #: after a run, a source with this many stored pages and no learned template gets one
    #: (``crawler.extract.learn``; 0 = never)
    learn_after: int = 10
    #: archive the images and attachments of saved pages (``crawler.engine.media``); a
    #: source can opt out with its own ``media = false``
    media: bool = True
    media_max_file_bytes: int = 20_000_000  # larger media files are recorded as errors
    media_max_source_bytes: int = 200_000_000  # media bytes per source and run
    media_max_files: int = 500  # media fetches per source and run; 0 = no limit
    #: processes extracting and analysing pages (``crawler.engine.workers``): 0 = one per
    #: core once a crawl has enough pages to check to be worth it, 1 = none (threads)
    extract_processes: int = 0
    #: the HTTP/1.1 connections under httpx: ``"aiohttp"`` (its pool and C parser:
    #: ~0.2-0.3 ms less CPU a request, ``crawler.fetch.aio``) or ``"httpx"`` (its own)
    http_client: str = "aiohttp"

    @property
    def full_user_agent(self) -> str:
        if self.contact and self.contact not in self.user_agent:
            return f"{self.user_agent} ({self.contact})"
        return self.user_agent


@dataclass(frozen=True)
class UrlAlias:
    """A regex rewrite applied to URL paths: old-CMS aliases → one canonical path."""

    pattern: str
    replace: str


@dataclass(frozen=True)
class SourceConfig:
    """One city's press section (``[sources.NAME]``)."""

    name: str
    start_urls: tuple[str, ...] = ()  # listing pages (paginated)
    feeds: tuple[str, ...] = ()  # RSS / Atom
    sitemaps: tuple[str, ...] = ()  # sitemap.xml or sitemap index
    extra_urls: tuple[str, ...] = ()  # pages to fetch directly
    hosts: tuple[str, ...] = ()  # allowed hosts; the first is canonical for all of them
    scheme: str = ""  # canonical scheme; default: that of the first start URL
    include: tuple[str, ...] = ()  # regexes; if set, a page URL path must match one
    exclude: tuple[str, ...] = ()  # regexes; a matching URL path is never fetched
    url_aliases: tuple[UrlAlias, ...] = ()
    connect_to: dict[str, str] = field(default_factory=dict)  # host -> "ip:port" (like curl)
    title: str = ""
    city: str = ""
    profile: str = ""  # a built-in profile ("sitepark", "typo3") or a [profiles.NAME] table
    schedule: str = DEFAULT_SCHEDULE  # "every 6h" (interval) or a crontab "0 */6 * * *"
    jitter: int = 0  # seconds; each scheduled run starts up to this much later, at random
    media: bool = True  # archive this source's images and attachments (with [crawler] media)
    #: the resolved profile (set from ``profile`` when the config is read; not a config key)
    site_profile: SiteProfile | None = None

    @property
    def parsed_schedule(self) -> Schedule:
        return parse_schedule(self.schedule)

    @property
    def canonical_host(self) -> str:
        return self.hosts[0]

    @property
    def canonical_scheme(self) -> str:
        return self.scheme or "https"


@dataclass(frozen=True)
class Config:
    crawler: CrawlerConfig = field(default_factory=CrawlerConfig)
    sources: tuple[SourceConfig, ...] = ()
    path: str = "<defaults>"
    #: built-in and user-defined site profiles, resolved (``extends`` applied)
    profiles: dict[str, SiteProfile] = field(default_factory=lambda: dict(BUILTIN_PROFILES))
    #: ``[alerts]``: delivery targets of saved searches (:mod:`crawler.config.alerts`)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)

    @functools.cached_property
    def by_name(self) -> dict[str, SourceConfig]:
        """Every source by its name (a lookup, not a scan: configs have 50,000 sources)."""
        return {src.name: src for src in self.sources}

    @functools.cached_property
    def by_host(self) -> dict[str, SourceConfig]:
        """The first source (in config order) whose ``hosts`` include each host."""
        out: dict[str, SourceConfig] = {}
        for src in self.sources:
            for host in src.hosts:
                out.setdefault(host, src)
        return out

    def source(self, name: str) -> SourceConfig:
        src = self.by_name.get(name)
        if src is not None:
            return src
        names = [s.name for s in self.sources[:20]] + (["…"] if len(self.sources) > 20 else [])
        known = ", ".join(names) or "none"
        raise SourceNotFound(f"no source named '{name}' in {self.path} (known: {known})")

    def selected(self, name: str | None) -> tuple[SourceConfig, ...]:
        return (self.source(name),) if name else self.sources

    def shard(self, k: int, n: int) -> Config:
        """This config with only the sources of shard ``k`` of ``n``
        (:mod:`crawler.config.shards`: a stable share by a hash of the source name)."""
        from crawler.config.shards import shard_share

        share = shard_share(self.sources, (s.name for s in self.sources), k, n)
        return dataclasses.replace(self, sources=share)


def _coerce(value: Any, typ: Any, key: str, path: str) -> Any:
    """Check ``value`` against the annotation string ``typ``; convert lists to tuples."""
    text = typ if isinstance(typ, str) else getattr(typ, "__name__", str(typ))
    if text.startswith("tuple[str"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError("expected a list of strings", path=path, key=key)
        return tuple(value)
    if text.startswith("dict[str, str]"):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError("expected a table of strings", path=path, key=key)
        return dict(value)
    if text == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"expected true or false, got {value!r}", path=path, key=key)
        return value
    if text == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"expected an integer, got {value!r}", path=path, key=key)
        _check_number(value, key, path)
        return value
    if text == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"expected a number, got {value!r}", path=path, key=key)
        _check_number(value, key, path)
        return float(value)
    if text == "str":
        if not isinstance(value, str):
            raise ConfigError(f"expected a string, got {value!r}", path=path, key=key)
        name = key.split(".")[-1]
        problem = header_problem(value) if name in HEADER_KEYS else None
        if name in CHOICES and value not in CHOICES[name]:
            problem = f"expected one of {', '.join(map(repr, CHOICES[name]))}, got {value!r}"
        if problem:
            raise ConfigError(problem, path=path, key=key)
        return value
    raise ConfigError(f"unsupported type {text}", path=path, key=key)  # pragma: no cover


def _check_number(value: float, key: str, path: str) -> None:
    """Finite and in its range (:data:`crawler.config.checks.RANGES`)."""
    parts = key.split(".")
    name = parts[-1] if parts[0] == "crawler" else f"source.{parts[-1]}"
    problem = number_problem(name, value)
    if problem:
        raise ConfigError(problem, path=path, key=key)


def _build(cls: Any, data: dict[str, Any], prefix: str, path: str, **fixed: Any) -> Any:
    hints = {f.name: f.type for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = dict(fixed)
    for key, value in data.items():
        dotted = f"{prefix}.{key}"
        if key not in hints or key in fixed:
            allowed = ", ".join(k for k in hints if k not in fixed)
            raise ConfigError(f"unknown key (allowed: {allowed})", path=path, key=dotted)
        if key == "url_aliases":
            kwargs[key] = _aliases(value, dotted, path)
        else:
            kwargs[key] = _coerce(value, hints[key], dotted, path)
    return cls(**kwargs)


def _aliases(value: Any, key: str, path: str) -> tuple[UrlAlias, ...]:
    if not isinstance(value, list):
        raise ConfigError("expected a list of {pattern, replace} tables", path=path, key=key)
    out = []
    for i, item in enumerate(value):
        item_key = f"{key}[{i}]"
        if not isinstance(item, dict) or set(item) != {"pattern", "replace"}:
            raise ConfigError(
                "expected exactly the keys pattern and replace", path=path, key=item_key
            )
        problem = alias_problem(item["pattern"], item["replace"])
        if problem:
            raise ConfigError(problem, path=path, key=item_key)
        out.append(UrlAlias(item["pattern"], item["replace"]))
    return tuple(out)


def _check_source(src: SourceConfig, path: str) -> SourceConfig:
    key = f"sources.{src.name}"
    urls = src.start_urls + src.feeds + src.sitemaps + src.extra_urls
    if not urls:
        raise ConfigError(
            "a source needs at least one of start_urls, feeds, sitemaps, extra_urls",
            path=path,
            key=key,
        )
    for url_key in ("start_urls", "feeds", "sitemaps", "extra_urls"):
        for url in getattr(src, url_key):
            problem = url_problem(url)
            if problem:
                raise ConfigError(problem, path=path, key=f"{key}.{url_key}")
    for regex_key in ("include", "exclude"):
        for pattern in getattr(src, regex_key):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(
                    f"bad regular expression {pattern!r}: {exc}",
                    path=path,
                    key=f"{key}.{regex_key}",
                ) from exc
    hosts = src.hosts or (urlsplit(urls[0]).hostname or "",)
    hosts = tuple(h.lower() for h in hosts)
    for host in hosts:
        problem = host_problem(host)
        if problem:
            raise ConfigError(problem, path=path, key=f"{key}.hosts")
    for url in urls:
        host = (urlsplit(url).hostname or "").lower()
        if host not in hosts:
            raise ConfigError(
                f"URL {url!r} is on host {host!r}, which is not in hosts",
                path=path,
                key=f"{key}.hosts",
            )
    try:
        parsed = parse_schedule(src.schedule)
    except ValueError as exc:
        raise ConfigError(str(exc), path=path, key=f"{key}.schedule") from exc
    never = cron_problem(parsed.cron) if parsed.cron is not None else None
    if never:
        raise ConfigError(never, path=path, key=f"{key}.schedule")
    if parsed.interval is not None and src.jitter >= parsed.interval:
        raise ConfigError(
            f"must be less than the schedule's interval ({parsed.interval} s)",
            path=path,
            key=f"{key}.jitter",
        )
    scheme = src.scheme or urlsplit(urls[0]).scheme
    if scheme not in ("http", "https"):
        raise ConfigError("scheme must be http or https", path=path, key=f"{key}.scheme")
    for host, target in src.connect_to.items():
        problem = connect_to_problem(target)
        if problem:
            raise ConfigError(f"{host!r}: {problem}", path=path, key=f"{key}.connect_to")
    return dataclasses.replace(src, hosts=hosts, scheme=scheme)


def _profiles(data: Any, path: str) -> dict[str, SiteProfile]:
    """Built-in profiles plus the ``[profiles.NAME]`` tables, ``extends`` resolved."""
    if not isinstance(data, dict):
        raise ConfigError("expected tables [profiles.NAME]", path=path, key="profiles")
    raw: dict[str, tuple[str | None, SiteProfile]] = {}
    for name, body in data.items():
        key = f"profiles.{name}"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ConfigError("profile names use letters, digits, - and _", path=path, key=key)
        if not isinstance(body, dict):
            raise ConfigError("expected a table", path=path, key=key)
        selectors: dict[str, str] = {}
        parent: str | None = None
        for field_name, value in body.items():
            dotted = f"{key}.{field_name}"
            if field_name != "extends" and field_name not in FIELDS:
                allowed = ", ".join(("extends", *FIELDS))
                raise ConfigError(f"unknown key (allowed: {allowed})", path=path, key=dotted)
            text = _coerce(value, "str", dotted, path)
            if field_name == "extends":
                parent = text
                continue
            problem = selector_error(text)
            if problem:
                raise ConfigError(problem, path=path, key=dotted)
            selectors[field_name] = text
        raw[name] = (parent, SiteProfile(**selectors))
    resolved: dict[str, SiteProfile] = dict(BUILTIN_PROFILES)

    def resolve(name: str, chain: tuple[str, ...]) -> SiteProfile:
        if name in chain:
            cycle = " → ".join((*chain, name))
            raise ConfigError(
                f"profiles extend each other in a cycle: {cycle}",
                path=path,
                key=f"profiles.{chain[-1]}.extends",
            )
        parent, own = raw[name]
        if parent is None:
            return own
        if parent not in raw and parent not in BUILTIN_PROFILES:
            known = ", ".join(sorted({*BUILTIN_PROFILES, *raw}))
            raise ConfigError(
                f"unknown profile {parent!r} (known: {known})",
                path=path,
                key=f"profiles.{name}.extends",
            )
        base = resolve(parent, (*chain, name)) if parent in raw else BUILTIN_PROFILES[parent]
        return base.merged(own)

    for name in raw:
        resolved[name] = resolve(name, ())
    return resolved


def parse_config(data: dict[str, Any], path: str = "<string>") -> Config:
    """Build a :class:`Config` from parsed TOML, checking every key."""
    for key in data:
        if key not in ("crawler", "sources", "profiles", "alerts"):
            raise ConfigError(
                "unknown top-level key (allowed: crawler, sources, profiles, alerts)",
                path=path,
                key=key,
            )
    profiles = _profiles(data.get("profiles", {}), path)
    crawler_data = data.get("crawler", {})
    if not isinstance(crawler_data, dict):
        raise ConfigError("expected a table", path=path, key="crawler")
    crawler = _build(CrawlerConfig, crawler_data, "crawler", path)
    sources_data = data.get("sources", {})
    if not isinstance(sources_data, dict):
        raise ConfigError("expected tables [sources.NAME]", path=path, key="sources")
    sources = []
    for name, body in sources_data.items():
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ConfigError(
                "source names use letters, digits, - and _", path=path, key=f"sources.{name}"
            )
        if not isinstance(body, dict):
            raise ConfigError("expected a table", path=path, key=f"sources.{name}")
        src = _build(SourceConfig, body, f"sources.{name}", path, name=name, site_profile=None)
        if src.profile:
            if src.profile not in profiles:
                known = ", ".join(sorted(profiles))
                raise ConfigError(
                    f"unknown profile {src.profile!r} (known: {known})",
                    path=path,
                    key=f"sources.{name}.profile",
                )
            src = dataclasses.replace(src, site_profile=profiles[src.profile])
        sources.append(_check_source(src, path))
    alerts = parse_alerts(data.get("alerts", {}), path)
    return Config(
        crawler=crawler, sources=tuple(sources), path=path, profiles=profiles, alerts=alerts
    )


def load_config(path: str | Path) -> Config:
    """Read and check ``path``; raise :class:`ConfigError` naming file and key."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError("file not found", path=str(p)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=str(p)) from exc
    return loads_config(text, str(p))


def loads_config(text: str, path: str = "<string>") -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from exc
    return parse_config(data, path)


__all__ = [
    "Config",
    "CrawlerConfig",
    "DEFAULT_SCHEDULE",
    "Schedule",
    "SiteProfile",
    "SourceConfig",
    "UrlAlias",
    "load_config",
    "loads_config",
    "parse_config",
    "parse_schedule",
]
