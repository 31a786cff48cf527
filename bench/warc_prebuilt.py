"""What a page's WARC records cost the crawling process: written there, or built in the
extraction worker and only appended there (stop 25).

Run:  python bench/warc_prebuilt.py [--pages 2000] [--repeat 3]

For ``--pages`` pages of ``bench/throughput.py``'s generated sites (its page bodies, each
made distinct so no record is a revisit), prints the CPU milliseconds a page of

* ``WarcWriter.write`` (the crawling process before: request and response records built,
  digested, gzipped and written);
* ``build_records`` and pickling its result (now in the worker process, which sends it);
* unpickling and ``WarcWriter.write_prebuilt`` (now in the crawling process),

with ``sync_each=False`` and one ``sync`` at the end, as a crawl's batches do.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import host_name, page_body
from crawler.capture.warc import WarcWriter, build_records
from crawler.records import FetchResult


def fetches(pages: int) -> list[FetchResult]:
    out = []
    for i in range(pages):
        host = host_name(i % 100)
        url = f"http://{host}/presse/p{i // 100}.html"
        body = page_body(host, i // 100) + str(i).encode()
        headers = {"content-type": "text/html; charset=utf-8", "content-length": str(len(body))}
        out.append(
            FetchResult(
                url=url,
                final_url=url,
                status=200,
                headers={**headers, "etag": '"x"', "date": "Sat, 05 Dec 2026 03:00:00 GMT"},
                body=body,
                fetched_at="2026-12-05T03:00:00.000Z",
                request_headers={"user-agent": "pressarchive/1.0", "accept-encoding": "gzip"},
            )
        )
    return out


def per_page(seconds: float, pages: int) -> str:
    return f"{1000 * seconds / pages:.3f}"


def one(results: list[FetchResult]) -> tuple[str, str, str]:
    pages = len(results)
    with tempfile.TemporaryDirectory() as folder:
        writer = WarcWriter(folder, sync_each=False)
        start = time.process_time()
        for result in results:
            writer.write(result)
        writer.sync()
        writer.close()
        written = time.process_time() - start
    start = time.process_time()
    sent = [pickle.dumps(build_records(result)) for result in results]
    built = time.process_time() - start
    with tempfile.TemporaryDirectory() as folder:
        writer = WarcWriter(folder, sync_each=False)
        start = time.process_time()
        for result, data in zip(results, sent, strict=True):
            writer.write_prebuilt(result, pickle.loads(data))
        writer.sync()
        writer.close()
        appended = time.process_time() - start
    return per_page(written, pages), per_page(built, pages), per_page(appended, pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = fetches(args.pages)
    size = sum(len(r.body) for r in results) // len(results)
    print(f"{args.pages} pages of {size} bytes; CPU ms a page")
    print("| write (loop, before) | build_records + pickle (worker) | ", end="")
    print("unpickle + write_prebuilt (loop) |")
    print("|---|---|---|")
    for _ in range(args.repeat):
        print("| {} | {} | {} |".format(*one(results)))


if __name__ == "__main__":
    main()
