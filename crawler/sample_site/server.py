"""The sample site over real HTTP: a threaded server on 127.0.0.1 serving ``render_site``.

Conditional requests (strong ETag, Last-Modified), HEAD, gzip on ``Accept-Encoding: gzip``,
HTML 404 pages, and a log of every request (:class:`RequestRecord`). The server answers for any
``Host`` header: the hosts of a CMS family (``crawler.sample_site.families``) get that family's
site, every other host the Sitepark one; the edition can be switched while it runs.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from crawler.errors import SampleSiteError
from crawler.sample_site import families
from crawler.sample_site.render import (
    CANONICAL_BASE,
    HOSTS,
    Response,
    not_found_page,
    resolve,
    robots_txt,
)
from crawler.sample_site.sites import render_site

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    host: str  # Host header without port
    path: str  # path with query, as requested
    status: int
    nbytes: int  # body bytes sent
    time: float  # time.monotonic() when the response was sent


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    bare = etag.strip('"')
    return "*" in tags or any(
        t.removeprefix("W/").strip('"').removesuffix("-gzip") == bare for t in tags
    )


def _not_modified_since(header: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "SiteparkIES/sample"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write: with small separate writes, Nagle's algorithm
    # and delayed ACKs cost about 40 ms per keep-alive response.
    wbufsize = -1
    site: SampleSite  # set on the subclass made per SampleSite

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        site = self.site
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        family = families.family_of_host(host)
        resp: Response | None
        if family is not None:
            key = families.family_resolve(family, self.path)
            if key == "/robots.txt":
                resp = families.family_robots(family, site.crawl_delay)
            else:
                resp = render_site(site.edition, host).get(key)
        else:
            key = resolve(self.path)
            if key == "/robots.txt":
                resp = robots_txt(site.crawl_delay)
            else:
                resp = render_site(site.edition).get(key)
        if resp is None:
            body = not_found_page()
            self._send(404, body, {"Content-Type": "text/html; charset=utf-8"}, head, host)
            return
        use_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        etag = resp.etag[:-1] + '-gzip"' if use_gzip else resp.etag
        headers = {
            "ETag": etag,
            "Last-Modified": resp.last_modified,
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm is not None and _matches(inm, resp.etag)) or (
            inm is None and ims is not None and _not_modified_since(ims, resp.last_modified)
        ):
            self._send(304, b"", headers, True, host)
            return
        body = resp.body
        headers["Content-Type"] = resp.content_type
        if use_gzip:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self._send(200, body, headers, head, host)

    def _send(
        self, status: int, body: bytes, headers: dict[str, str], head: bool, host: str
    ) -> None:
        send_body = not head and status != 304
        # recorded before anything reaches the client, so a client that has its answer
        # always finds the request in ``site.requests``
        self.site._record(
            RequestRecord(
                self.command,
                host,
                self.path,
                status,
                len(body) if send_body else 0,
                time.monotonic(),
            )
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class SampleSite:
    """The bundled sample site on ``host:port`` (port 0: any free port). A context manager."""

    def __init__(
        self, edition: int = 1, port: int = 0, host: str = "127.0.0.1", crawl_delay: str = "1"
    ) -> None:
        render_site(edition)  # fail early on an unknown edition; warms the cache
        self.edition = edition
        self.crawl_delay = crawl_delay
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        handler = type("SampleSiteHandler", (_Handler,), {"site": self})
        try:
            self._httpd = ThreadingHTTPServer((host, port), handler)
        except (OSError, OverflowError) as exc:  # in use, not allowed; no such port
            raise SampleSiteError(f"{host}:{port}: cannot serve the sample site: {exc}") from exc
        self._httpd.daemon_threads = True
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def edition(self) -> int:
        return self._edition

    @edition.setter
    def edition(self, value: int) -> None:
        render_site(value)
        self._edition = value

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def connect_to(self, family: str | None = None) -> dict[str, str]:
        """Host name → ``ip:port`` of this server. Default: the Sitepark hosts (as before);
        a family name (``"typo3"`` …): that family's hosts; ``"all"``: every family's hosts."""
        if family is None or family == "sitepark":
            names: tuple[str, ...] = HOSTS
        elif family == "all":
            names = HOSTS + tuple(
                h for f in families.FAMILY_NAMES for h in families.family_module(f).HOSTS
            )
        else:
            names = families.family_module(family).HOSTS
        return {name: f"{self.host}:{self.port}" for name in names}

    def url(self, path: str) -> str:
        """Canonical URL of a path (what pages link to; connect via :meth:`connect_to`)."""
        return CANONICAL_BASE + path

    def start(self) -> SampleSite:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name=f"sample-site-{self.port}", daemon=True
            )
            self._thread.start()
            logger.info("sample site (edition %d) on %s", self.edition, self.base_url)
        return self

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
