"""A small programmable HTTP server for tests (real sockets, 127.0.0.1 only).

Usage::

    with TestServer() as srv:
        srv.route("/a", Response(200, body=b"hi", headers={"ETag": '"1"'}))
        srv.route("/flaky", [Response(503), Response(503), Response(200, body=b"ok")])
        srv.route("/dyn", lambda req: Response(200, body=req.headers.get("host", "").encode()))
        url = srv.url("/a")            # http://127.0.0.1:PORT/a
        srv.requests                   # list[Request] in arrival order (monotonic times)
        srv.max_in_flight              # highest number of concurrently handled requests

Routes match the full path with query first, then the path alone; unknown paths get 404.
A list of responses is played in order, the last one repeating. ``Response(stall=True)``
blocks the handler until the server closes (or :meth:`TestServer.release` is called): use it
for client timeouts. ``Response(hold_for_peers=N)`` keeps a request open until N requests
for the same Host are in flight (or ``hold_timeout`` passes): use it to measure concurrency.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall: bool = False
    hold_for_peers: int = 0
    hold_timeout: float = 2.0
    #: announce this Content-Length (None: the body's length; -1: none, body ends at close);
    #: announcing more than is sent makes the handler stall after the body (a truncated body)
    content_length: int | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # path with query
    headers: dict[str, str]  # lower-case keys
    started: float  # time.monotonic() when the request line was read
    host: str


Handler = Callable[[Request], Response]
RouteValue = Response | Sequence[Response] | Handler


class TestServer:
    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._routes: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._release = threading.Event()
        self.requests: list[Request] = []
        self.in_flight: dict[str, int] = {}
        self.max_in_flight_by_host: dict[str, int] = {}
        self.max_in_flight = 0
        self._total_in_flight = 0
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server._handle(self)

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle --------------------------------------------------------------------
    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def release(self) -> None:
        """Let stalled handlers finish."""
        self._release.set()

    # -- configuration ----------------------------------------------------------------
    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.address}{path}"

    def route(self, path: str, value: RouteValue) -> None:
        if isinstance(value, Response) or callable(value):
            self._routes[path] = [value]
        else:
            self._routes[path] = list(value)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- handling ---------------------------------------------------------------------
    def _pick(self, req: Request) -> Response:
        with self._lock:
            queue = self._routes.get(req.path) or self._routes.get(req.path.split("?", 1)[0])
            if not queue:
                return Response(404, body=b"not found")
            value = queue.pop(0) if len(queue) > 1 else queue[0]
        return value if isinstance(value, Response) else value(req)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in h.headers.items()}
        host = headers.get("host", "").split(":")[0]
        req = Request(h.command, h.path, headers, time.monotonic(), host)
        with self._cond:
            self.requests.append(req)
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self._total_in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._total_in_flight)
            self.max_in_flight_by_host[host] = max(
                self.max_in_flight_by_host.get(host, 0), self.in_flight[host]
            )
            self._cond.notify_all()
        try:
            resp = self._pick(req)
            if resp.hold_for_peers:
                with self._cond:
                    self._cond.wait_for(
                        lambda: self.in_flight[host] >= resp.hold_for_peers, resp.hold_timeout
                    )
            if resp.stall:
                self._release.wait(30)
                return
            h.send_response(resp.status)
            for key, value in resp.headers.items():
                h.send_header(key, value)
            length = resp.content_length if resp.content_length is not None else len(resp.body)
            if length >= 0:
                h.send_header("Content-Length", str(length))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(resp.body)
                h.wfile.flush()
                if resp.content_length is not None and resp.content_length > len(resp.body):
                    self._release.wait(30)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._cond:
                self.in_flight[host] -= 1
                self._total_in_flight -= 1
                self._cond.notify_all()


__all__ = ["Request", "Response", "TestServer"]
