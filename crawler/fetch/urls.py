"""URL canonicalisation and scope rules for one source.

:class:`UrlPolicy` turns every variant of a page URL the sites emit (other host alias,
``/index.php`` suffix, fragments, tracking parameters, old-CMS alias paths, odd
percent-encoding) into one canonical string, and decides what the crawler may fetch.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from crawler.config.settings import SourceConfig
from crawler.fetch.addresses import ip_literal, non_public_address

log = logging.getLogger(__name__)

#: Query parameters that never change the page (tracking, cache busting, search highlights).
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "no_cache"})
TRACKING_PREFIXES = ("utm_", "sword_list", "relatedposts_")  # relatedposts_: Jetpack
DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
# characters left as they are in a path / a query component (everything else is %-encoded)
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/:@!$'()*+,;-._~%?"


def _normalise_pct(text: str, safe: str) -> str:
    """RFC 3986 normalisation: decode %XX of unreserved characters, upper-case the rest,
    and %-encode anything (spaces, non-ASCII) that is not allowed literally."""

    def fix(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    text = _PCT.sub(fix, text)
    # a lone "%" not followed by two hex digits must itself be encoded
    text = re.sub(r"%(?![0-9A-F]{2})", "%25", text)
    return quote(text, safe=safe)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def _query_key(pair: str) -> str:
    key = pair.split("=", 1)[0]
    return _PCT.sub(lambda m: chr(int(m.group(1), 16)), key)


def without_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` (never stored, logged or sent on: the crawler
    takes no credentials from URLs, see :mod:`crawler.config.checks`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _origin_port(scheme: str, port: int | None) -> int | None:
    """``port`` as part of an origin: None for no port or the scheme's default port.
    Raises ``ValueError`` for a bad port (``urlsplit(...).port`` does too)."""
    if port is None or port == DEFAULT_PORTS.get(scheme):
        return None
    return port


class UrlPolicy:
    """Canonical form and fetch scope of the URLs of one :class:`SourceConfig`."""

    def __init__(self, source: SourceConfig):
        self.source = source
        self.hosts = tuple(h.lower() for h in source.hosts)
        self._aliases = [(re.compile(a.pattern), a.replace) for a in source.url_aliases]
        self._include = [re.compile(p) for p in source.include]
        self._exclude = [re.compile(p) for p in source.exclude]
        #: The ports of the source's origins: those its configured URLs (start URLs,
        #: feeds, sitemaps, extra URLs) name, ``None`` standing for the default ports (80
        #: and 443, which count as no port, so http → https redirects stay on the site).
        #: They hold for all its hosts (which are aliases of one site); a link or redirect
        #: to another port of the same host is off-site: it may be another service. A
        #: source without URLs (made up for ``import-warc`` from a host) has no port limit:
        #: ``None``.
        urls = source.start_urls + source.feeds + source.sitemaps + source.extra_urls
        ports: set[int | None] = set()
        for configured in urls:
            parts = urlsplit(configured)
            ports.add(_origin_port(parts.scheme.lower(), parts.port))
        self.ports: frozenset[int | None] | None = frozenset(ports) if ports else None

    def canonical(self, url: str, base: str | None = None) -> str | None:
        """The canonical form of ``url`` (resolved against ``base``), or None if not http(s).

        Hosts of the source map to its first host and canonical scheme; other hosts keep
        theirs. Credentials (``user:password@``), default ports, fragments and tracking
        parameters go, a trailing ``/index.php`` goes, ``url_aliases`` rewrite the path
        (first matching rule), the remaining query parameters are sorted by name (stable),
        %-encoding normalised.
        """
        url = url.strip()
        if not url:
            return None
        try:
            if base:
                url = urljoin(base, url)
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme not in DEFAULT_PORTS or not parts.hostname:
                return None
            host = parts.hostname.lower().rstrip(".")
            port = parts.port
        except ValueError as exc:  # bad port, bad IPv6 literal
            log.debug("not a usable URL %r: %s", url, exc)
            return None
        if port == DEFAULT_PORTS[scheme]:
            port = None
        ours = host in self.hosts
        if ours:
            host = self.hosts[0]
            scheme = self.source.canonical_scheme
            if port == DEFAULT_PORTS[scheme]:
                port = None
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        netloc = host if port is None else f"{host}:{port}"

        path = _remove_dot_segments(_normalise_pct(parts.path or "/", _PATH_SAFE))
        if path.endswith("/index.php"):
            path = path[: -len("index.php")]
            if len(path) > 1:
                path = path.rstrip("/") or "/"
        if ours:
            for pattern, replace in self._aliases:
                if pattern.search(path):
                    path = pattern.sub(replace, path, count=1)
                    break

        pairs = [p for p in parts.query.split("&") if p]
        pairs = [p for p in pairs if not _is_tracking(_query_key(p))]
        pairs = [_normalise_pct(p, _QUERY_SAFE + "=&") for p in pairs]
        pairs.sort(key=lambda p: p.split("=", 1)[0])  # stable: repeated keys keep their order
        return urlunsplit((scheme, netloc, path, "&".join(pairs), ""))

    def allowed_host(self, url: str) -> bool:
        """http(s) on one of the source's hosts and ports (for listings, feeds, sitemaps,
        redirects): see :attr:`ports`."""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            host = (parts.hostname or "").lower().rstrip(".")
            port = _origin_port(scheme, parts.port)
        except ValueError:  # a bad port (or IPv6 literal)
            return False
        in_ports = self.ports is None or port in self.ports
        return scheme in DEFAULT_PORTS and host in self.hosts and in_ports

    def allowed(self, url: str) -> bool:
        """May ``url`` be fetched as a page? Host in scope, not excluded, included if
        ``include`` is set. The regexes are searched in the path plus ``?query``."""
        if not self.allowed_host(url):
            return False
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if any(p.search(target) for p in self._exclude):
            return False
        if self._include and not any(p.search(target) for p in self._include):
            return False
        return True


__all__ = ["TRACKING_PARAMS", "UrlPolicy", "ip_literal", "non_public_address", "without_userinfo"]
