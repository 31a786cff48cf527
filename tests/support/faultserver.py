"""A hostile HTTP server for tests: one route per fault, real sockets on 127.0.0.1.

Usage::

    with FaultServer() as srv:
        srv.url("/drip")              # http://127.0.0.1:PORT/drip
        srv.log                       # list[Logged] in arrival order (monotonic start times)
        srv.starts("hostile.test")    # request start times for one Host header

Routes (every response is ``Connection: close``, HTTP/1.0):

====================== =====================================================================
``/robots.txt``        allow everything
``/ok/N``              a small valid press release (UTF-8)
``/burst``             503 for the first ``burst`` requests (per server), then a page
``/burst-forever``     502 every time
``/retry-after``       429 with ``Retry-After: retry_after`` once, then a page
``/too-many``          429 with ``Retry-After: retry_after`` every time
``/stall``             reads the request, never answers (until the server closes)
``/drip``              headers, then one byte every ``drip_interval`` seconds, forever
``/truncated-hang``    ``Content-Length: 10000``, 500 bytes, then silence
``/truncated-close``   ``Content-Length: 10000``, 500 bytes, then the connection closes
``/huge``              ``huge_bytes`` of HTML with a Content-Length saying so
``/huge-stream``       the same without Content-Length (the body ends when the socket closes)
``/loop-a``, ``/loop-b`` redirect to each other
``/chain/N``           redirects to ``/chain/N+1`` forever
``/to-foreign``        redirects to ``foreign_url`` (another loopback server, say)
``/to-private``        redirects to ``http://10.0.0.1/x``
``/to-metadata``       redirects to ``http://169.254.169.254/latest/meta-data/``
``/to-private6``       redirects to ``http://[fd00::1]/x``
``/to-decimal``        redirects to ``http://167772161/x`` (10.0.0.1 written as one number)
``/binary``            256 × 40 bytes of binary data labelled ``text/html``
``/cp1252-as-utf8``    a windows-1252 page whose header says ``charset=utf-8``
``/utf8-as-latin1``    a UTF-8 page whose header says ``charset=iso-8859-1``
``/utf8-meta-latin1``  a UTF-8 page whose ``<meta>`` says windows-1252 (header: no charset)
====================== =====================================================================

Large bodies are written from one reused 64 KiB block, so the server allocates (almost)
nothing per byte served: ``tracemalloc`` in the test measures the client, not the server.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PRIVATE_REDIRECTS = {
    "/to-private": "http://10.0.0.1/x",
    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    "/to-private6": "http://[fd00::1]/x",
    "/to-decimal": "http://167772161/x",
}
#: the charset routes' pages: title ``UMLAUT_TITLE (1|2|3)`` (distinct pages), text below
UMLAUT_TITLE = "Grünflächenamt prüft Bäume an der Straße"
UMLAUT_TEXT = (
    "Das Grünflächenamt der Stadt Rüsselsheim prüft in dieser Woche die Bäume an der "
    "Mainstraße. Während der Arbeiten ist die Fahrbahn halbseitig gesperrt; Fußgänger "
    "werden über den Gehweg gegenüber geleitet. Die Stadt bittet um Verständnis."
)
_BLOCK = (b"<p>" + b"Lorem ipsum dolor sit amet. " * 64 + b"</p>\n") * 36  # ~64 KiB


def page_html(title: str, text: str, charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (
        f"<!DOCTYPE html><html lang='de'><head>{meta}<title>{title}</title>"
        '<meta name="date" content="2024-05-02"></head><body><main><article>'
        f"<h1>{title}</h1><p class='lead'>{text[:80]}</p><p>{text}</p><p>{text}</p>"
        "</article></main></body></html>"
    )


@dataclass(frozen=True)
class Logged:
    path: str
    host: str  # Host header without port
    started: float  # time.monotonic() when the request line was read


class FaultServer:
    __test__ = False

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        burst: int = 2,
        retry_after: int = 1,
        drip_interval: float = 0.1,
        huge_bytes: int = 50 * 1024 * 1024,
        foreign_url: str = "http://127.0.0.2:9/",
    ):
        self.burst = burst
        self.retry_after = retry_after
        self.drip_interval = drip_interval
        self.huge_bytes = huge_bytes
        self.foreign_url = foreign_url
        self.log: list[Logged] = []
        self.counts: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.address}{path}"

    def starts(self, host: str) -> list[float]:
        """Start times of the requests whose Host header names ``host``, in order."""
        with self._lock:
            return sorted(r.started for r in self.log if r.host == host)

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.log]

    # -- handling ---------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        host = h.headers.get("Host", "").rsplit(":", 1)[0] if h.headers.get("Host") else ""
        with self._lock:
            self.log.append(Logged(h.path, host, time.monotonic()))
            self.counts[h.path] += 1
            count = self.counts[h.path]
        try:
            self._respond(h, h.path, count)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: exactly what most of these routes are for

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        h.send_response(status)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        if length is None:
            length = len(body)
        if length >= 0:
            h.send_header("Content-Length", str(length))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        self.bytes_sent[h.path] += len(body)

    def _page(self, h: BaseHTTPRequestHandler, title: str) -> None:
        body = page_html(title, UMLAUT_TEXT).encode("utf-8")
        self._send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})

    def _respond(self, h: BaseHTTPRequestHandler, path: str, count: int) -> None:
        html = {"Content-Type": "text/html"}
        if path == "/robots.txt":
            self._send(h, 200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        elif path.startswith("/ok/"):
            self._page(h, f"Meldung {path.rsplit('/', 1)[1]}: {UMLAUT_TITLE}")
        elif path == "/burst":
            if count <= self.burst:
                self._send(h, 503, b"busy", html)
            else:
                self._page(h, f"Nach der Störung: {UMLAUT_TITLE}")
        elif path == "/burst-forever":
            self._send(h, 502, b"bad gateway", html)
        elif path in ("/retry-after", "/too-many"):
            if path == "/too-many" or count == 1:
                retry = {"Retry-After": str(self.retry_after), **html}
                self._send(h, 429, b"slow down", retry)
            else:
                self._page(h, f"Nach der Pause: {UMLAUT_TITLE}")
        elif path == "/stall":
            self._closing.wait(30)
        elif path == "/drip":
            self._send(h, 200, b"", html, length=100_000)
            while not self._closing.wait(self.drip_interval):
                h.wfile.write(b"x")
                h.wfile.flush()
        elif path in ("/truncated-hang", "/truncated-close"):
            self._send(h, 200, b"<html><body><p>" + b"a" * 485, html, length=10_000)
            if path == "/truncated-hang":
                self._closing.wait(30)
        elif path in ("/huge", "/huge-stream"):
            self._huge(h, declared=path == "/huge")
        elif path.startswith("/loop-"):
            other = "/loop-b" if path == "/loop-a" else "/loop-a"
            self._send(h, 302, b"", {"Location": other})
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1] or 0)
            self._send(h, 302, b"", {"Location": f"/chain/{n + 1}"})
        elif path == "/to-foreign":
            self._send(h, 302, b"", {"Location": self.foreign_url})
        elif path in PRIVATE_REDIRECTS:
            self._send(h, 302, b"", {"Location": PRIVATE_REDIRECTS[path]})
        elif path == "/binary":
            self._send(h, 200, bytes(range(256)) * 40, html)
        elif path == "/cp1252-as-utf8":
            body = page_html(f"{UMLAUT_TITLE} (1)", UMLAUT_TEXT).encode("cp1252")
            self._send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/utf8-as-latin1":
            body = page_html(f"{UMLAUT_TITLE} (2)", UMLAUT_TEXT).encode("utf-8")
            self._send(h, 200, body, {"Content-Type": "text/html; charset=iso-8859-1"})
        elif path == "/utf8-meta-latin1":
            body = page_html(f"{UMLAUT_TITLE} (3)", UMLAUT_TEXT, "windows-1252").encode("utf-8")
            self._send(h, 200, body, html)
        else:
            self._send(h, 404, b"<html><h1>Nicht gefunden</h1></html>", html)

    def _huge(self, h: BaseHTTPRequestHandler, *, declared: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            h.send_header("Content-Length", str(self.huge_bytes))
        h.end_headers()
        h.wfile.write(b"<!DOCTYPE html><html><body>")
        sent = 0
        view = memoryview(_BLOCK)
        while sent < self.huge_bytes and not self._closing.is_set():
            part = view[: min(len(view), self.huge_bytes - sent)]
            h.wfile.write(part)
            sent += len(part)
        h.wfile.flush()
        self.bytes_sent[h.path] += sent


__all__ = ["FaultServer", "Logged", "PRIVATE_REDIRECTS", "UMLAUT_TEXT", "UMLAUT_TITLE"]
