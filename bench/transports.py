"""CPU per request of httpx's transports against aiohttp-based ones, at the crawl's
concurrency (one small AsyncClient per host, two requests in flight per host).

Run:  python bench/transports.py [--hosts 100] [--pages 20] [--repeat 2]

Issue 17 asked whether the default transport limits a crawl at the politeness bound
(encode/httpx#3215 describes its slowdown under concurrency). Two threaded HTTP/1.1
servers on 127.0.0.1 (processes of their own: the CPU reported is the client's) answer
``--hosts`` × ``--pages`` requests of 1.6 KB. Rows: httpx's default transport, the crawl's
transport on httpx's pool (one shared TLS context), the crawl's transport on aiohttp's
pool (``crawler/fetch/aio.py``, the default since stop 25) and, when installed (``pip
install httpx-aiohttp``, not a dependency), that package's transport.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

BODY = b"<p>" + b"x" * 1600 + b"</p>"


def _serve(ready: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024
        daemon_threads = True

    httpd = Server(("127.0.0.1", 0), Handler)
    ready.put(httpd.server_address[1])
    httpd.serve_forever()


#: the crawl's own transport (``crawler.http_client = "aiohttp"``, the default)
CRAWL_ROW = "pressarchive's aiohttp transport (crawler/fetch/aio.py)"
#: the crawl's transport on httpx's own pool (``crawler.http_client = "httpx"``): one
#: shared TLS context, where httpx's default transport builds one per client (~20 ms)
HTTPX_ROW = "pressarchive's httpx transport (crawler/fetch/transports.py)"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _client(kind: str) -> httpx.AsyncClient:
    if kind == CRAWL_ROW:
        from crawler.fetch.aio import AiohttpTransport as Ours

        return httpx.AsyncClient(transport=Ours(), trust_env=False)
    if kind == HTTPX_ROW:
        from crawler.fetch.transports import CheckedHTTPTransport

        return httpx.AsyncClient(transport=CheckedHTTPTransport(), trust_env=False)
    if kind == "httpx-aiohttp":
        from httpx_aiohttp import AiohttpTransport  # type: ignore[import-not-found]

        return httpx.AsyncClient(transport=AiohttpTransport(), trust_env=False)
    return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(retries=0), trust_env=False)


async def _crawl(kind: str, ports: list[int], hosts: int, pages: int) -> None:
    async def host(h: int) -> None:
        port = ports[h % len(ports)]
        async with _client(kind) as client:
            todo = iter(range(pages))

            async def worker() -> None:
                for i in todo:
                    response = await client.get(
                        f"http://127.0.0.1:{port}/h{h}/p{i}", headers={"host": f"h{h}.bench.test"}
                    )
                    response.raise_for_status()

            await asyncio.gather(worker(), worker())

    await asyncio.gather(*(host(h) for h in range(hosts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    kinds = ["httpx (default transport)", HTTPX_ROW, CRAWL_ROW]
    try:
        import httpx_aiohttp  # type: ignore[import-not-found]  # noqa: F401

        kinds.append("httpx-aiohttp")
    except ImportError:
        print("(httpx-aiohttp is not installed: its row is left out)")
    ctx = mp.get_context("fork")
    ready = ctx.Queue()
    servers = [ctx.Process(target=_serve, args=(ready,), daemon=True) for _ in range(2)]
    for server in servers:
        server.start()
    ports = [ready.get(timeout=10) for _ in servers]
    try:
        asyncio.run(_crawl(kinds[0], ports, 10, 5))  # warm-up
        n = args.hosts * args.pages
        print(f"{args.hosts} hosts × {args.pages} requests, 2 in flight per host")
        print("| transport | run | requests/s | CPU ms/request |")
        print("|---|---|---|---|")
        for run in range(1, args.repeat + 1):
            for kind in kinds:
                wall, cpu = time.perf_counter(), _cpu()
                asyncio.run(_crawl(kind, ports, args.hosts, args.pages))
                seconds, used = time.perf_counter() - wall, _cpu() - cpu
                print(f"| {kind} | {run} | {n / seconds:,.0f} | {1000 * used / n:.2f} |")
    finally:
        for server in servers:
            server.terminate()


if __name__ == "__main__":
    main()
