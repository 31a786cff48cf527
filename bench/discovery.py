"""Discovery under hostile sizes: time and peak memory of discovery and of a small crawl.

Run (from the project root):
  python bench/discovery.py [--baseline PATH] [--timeout 180] [--only index,big]

One HTTP server on 127.0.0.1 serves four sites (host names mapped by ``connect_to``); on
each, only a ``Sitemap:`` line of robots.txt (or one listing page) points at the load:

- ``index``: a sitemap index of 4 gzipped children of 200,000 URLs each;
- ``big``: one gzipped sitemap of 1,000,000 URLs;
- ``children``: a gzipped sitemap index naming 300,000 children (all 404);
- ``listing``: a start page with 20,000 teaser links and 100,000 pager links (pages
  2 … 100,001 of the listing, all 404).

Every measurement runs in its own child process (``crawler`` imported from the tree named,
so ``--baseline`` runs the same against another checkout, e.g. a worktree of the base
commit): ``discover`` runs discovery of the site's source with ``max_pages = 50``;
``crawl`` runs ``crawl_source`` into a temporary archive with ``max_pages = 50`` (the
``index`` and ``big`` sites). Reported: wall seconds, candidates found, requests, and the
child's peak RSS (``VmHWM``: the whole process, interpreter included). A child that
does not finish within ``--timeout`` seconds is killed and reported as such. Prints a
Markdown table for BENCHMARKS.md. Timings are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITES = ("index", "big", "children", "listing")
CRAWLED = ("index", "big")
MAX_PAGES = 50


def host(site: str) -> str:
    return f"{site}.bench.test"


# -- the server -------------------------------------------------------------------------
def urlset(site: str, start: int, count: int) -> bytes:
    entries = "".join(
        f"<url><loc>http://{host(site)}/p/{i}</loc><lastmod>2025-06-01</lastmod></url>"
        for i in range(start, start + count)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">{entries}</urlset>'.encode()
    )


def sitemapindex(site: str, paths: list[str]) -> bytes:
    entries = "".join(f"<sitemap><loc>http://{host(site)}{p}</loc></sitemap>" for p in paths)
    return f'<?xml version="1.0"?>\n<sitemapindex xmlns="{NS}">{entries}</sitemapindex>'.encode()


def robots(site: str, sitemap: str) -> bytes:
    return f"User-agent: *\nDisallow: /intern/\nSitemap: http://{host(site)}{sitemap}\n".encode()


def build_resources(sites: list[str]) -> dict[tuple[str, str], bytes]:
    res: dict[tuple[str, str], bytes] = {}
    if "index" in sites:
        res[(host("index"), "/robots.txt")] = robots("index", "/sitemap-index.xml")
        res[(host("index"), "/sitemap-index.xml")] = sitemapindex(
            "index", [f"/sitemap-{n}.xml.gz" for n in range(4)]
        )
        for n in range(4):
            res[(host("index"), f"/sitemap-{n}.xml.gz")] = gzip.compress(
                urlset("index", n * 200_000, 200_000), 6
            )
    if "big" in sites:
        res[(host("big"), "/robots.txt")] = robots("big", "/sitemap.xml.gz")
        res[(host("big"), "/sitemap.xml.gz")] = gzip.compress(urlset("big", 0, 1_000_000), 6)
    if "children" in sites:
        res[(host("children"), "/robots.txt")] = robots("children", "/sitemap-index.xml.gz")
        res[(host("children"), "/sitemap-index.xml.gz")] = gzip.compress(
            sitemapindex("children", [f"/s/{n}.xml" for n in range(300_000)]), 6
        )
    if "listing" in sites:
        teasers = "".join(
            f'<div class="article"><h3><a href="/p/{i}">Meldung {i}</a></h3></div>'
            for i in range(20_000)
        )
        pager = "".join(f'<a href="/presse?page={n}">{n}</a>' for n in range(2, 100_002))
        res[(host("listing"), "/presse")] = (
            f"<html><head><title>Presse</title></head><body>{teasers}"
            f'<nav class="pagination">{pager}</nav></body></html>'
        ).encode()
    return res


def article(path: str) -> bytes:
    text = " ".join(["Die Stadt informiert über Baustellen, Sitzungen und Termine."] * 8)
    return (
        f"<html><head><title>Meldung {path}</title></head><body><main><article>"
        f"<h1>Meldung {path}</h1><p>{text}</p><p>{text}</p></article></main></body></html>"
    ).encode()


class Server:
    def __init__(self, resources: dict[tuple[str, str], bytes]):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                name = (self.headers.get("Host") or "").split(":")[0]
                body = resources.get((name, self.path))
                ctype = "application/xml"
                if body is None and self.path.startswith("/p/"):
                    body, ctype = article(self.path), "text/html; charset=utf-8"
                elif self.path == "/presse":
                    ctype = "text/html; charset=utf-8"
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def config_text(site: str, port: int) -> str:
    h = host(site)
    urls = (
        f'start_urls = ["http://{h}/presse"]'
        if site == "listing"
        else f'extra_urls = ["http://{h}/p/0"]'
    )
    return (
        "[crawler]\n"
        'contact = "bench@pressarchive.invalid"\n'
        "delay = 0.0\nmax_delay = 0.0\ntimeout = 60.0\nretries = 0\n"
        f"max_pages = {MAX_PAGES}\nfollow_related = false\n\n"
        f'[sources.{site}]\n{urls}\nhosts = ["{h}"]\n'
        f'[sources.{site}.connect_to]\n"{h}" = "127.0.0.1:{port}"\n'
    )


# -- the measured child ------------------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` (Linux: of this program only;
    ``ru_maxrss`` of a child started by fork and exec also counts the parent's pages at
    the fork, which here hold every generated sitemap), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(tree: str, mode: str, site: str, port: int) -> dict[str, Any]:
    sys.path.insert(0, tree)
    import asyncio

    from crawler.config.settings import loads_config
    from crawler.discover.core import discover
    from crawler.fetch.fetcher import Fetcher
    from crawler.fetch.urls import UrlPolicy

    config = loads_config(config_text(site, port))
    source = config.sources[0]
    started = time.perf_counter()
    if mode == "discover":

        async def run() -> tuple[int, int]:
            async with Fetcher(config.crawler, source) as fetcher:
                found = await discover(fetcher, source, UrlPolicy(source))
                return len(found.candidates), fetcher.requests

        candidates, requests = asyncio.run(run())
        out = {"candidates": candidates, "requests": requests}
    else:
        from archive.run.crawl import crawl_source
        from archive.store.schema import open_archive

        with tempfile.TemporaryDirectory() as tmp:
            db = open_archive(Path(tmp) / "archive.db")
            stats = crawl_source(db, config, source)
            db.close()
        out = {"candidates": stats.new, "requests": stats.requests}
    out["seconds"] = time.perf_counter() - started
    out["maxrss_mb"] = peak_rss_mb()
    out["module"] = sys.modules["crawler"].__file__
    return out


def measure(tree: Path, mode: str, site: str, port: int, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", json.dumps([str(tree), mode, site, port])]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=str(tree)
        )
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {timeout:.0f} s", "seconds": time.perf_counter() - started}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail[:80]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    if not str(result["module"]).startswith(str(tree)):
        raise SystemExit(f"child imported {result['module']}, not {tree}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another tree to measure the same way")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per child")
    parser.add_argument("--only", default=",".join(SITES), help="sites, comma-separated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*json.loads(args.child))))
        return
    sites = [s for s in args.only.split(",") if s]
    trees = [("HEAD", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    started = time.perf_counter()
    server = Server(build_resources(sites))
    print(f"resources built in {time.perf_counter() - started:.1f} s; server on {server.port}")
    rows = []
    try:
        for site in sites:
            for mode in ("discover", "crawl") if site in CRAWLED else ("discover",):
                for label, tree in trees:
                    r = measure(tree, mode, site, server.port, args.timeout)
                    rows.append((site, mode, label, r))
                    print(f"  {site} {mode} {label}: {r}", file=sys.stderr)
    finally:
        server.close()
    print(f"\n| site | run (max_pages = {MAX_PAGES}) | tree | seconds | candidates / pages "
          "| requests | peak RSS MB |")  # fmt: skip
    print("|---|---|---|---:|---:|---:|---:|")
    for site, mode, label, r in rows:
        if "error" in r:
            print(f"| {site} | {mode} | {label} | {r['error']} | – | – | – |")
            continue
        print(
            f"| {site} | {mode} | {label} | {r['seconds']:.1f} | {r['candidates']:,} | "
            f"{r['requests']:,} | {r['maxrss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
