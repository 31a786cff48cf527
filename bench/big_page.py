"""Time and memory of extracting one very large page (issue 14, finding 7).

Run:  python bench/big_page.py [--mb 9] [--kind tables|paragraphs]

Builds a page of about ``--mb`` MB: a press release (a long text in nested layout tables,
plain paragraphs with a link and an inline image each, or ``div`` soup without ``<main>``), or
a listing of teasers, then in a fresh subprocess extracts it
once and prints the wall time and the peak resident memory of that subprocess (the
interpreter with the extractor imported, before extracting, is printed as the baseline).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

SENTENCE = (
    "Die Stadtverordnetenversammlung hat in ihrer Sitzung am Donnerstag den Haushalt "
    "für das kommende Jahr beschlossen, nachdem die Fraktionen lange beraten hatten. "
)


def page(mb: float, kind: str) -> bytes:
    """A press release of about ``mb`` MB."""
    wrap = "<div id='content'>" if kind == "divs" else "<main><article>"
    head = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Haushalt beschlossen | Stadt"
        "</title></head><body><nav><a href='/'>Start</a></nav>"
        + wrap
        + "<h1>Haushalt beschlossen</h1><p class='date'>04.12.2026</p>"
    )
    parts = [head]
    size, i = len(head), 0
    while size < mb * 1_000_000:
        text = f"<p>{SENTENCE * 3}<a href='/presse/{i}.html'>Mehr</a> <img src='/b/{i}.jpg'></p>"
        if kind == "divs":  # no <main>/<article>: the block scorer and trafilatura decide
            text = f"<div class='c{i % 7}'><div><span>{SENTENCE * 3}</span><br></div></div>"
        if kind == "listing":  # an overview of teasers, each a link and a date
            text = (
                f"<li><a href='/presse/{i}.html'>Meldung {i}: {SENTENCE[:60]}</a> 04.12.2026</li>"
            )
        if kind == "tables":
            text = f"<table><tr><td><table><tr><td>{text}</td></tr></table></td></tr></table>"
        parts.append(text)
        size += len(text)
        i += 1
    parts.append("<p>Ende der Mitteilung.</p></body></html>")
    return "".join(parts).encode("utf-8")


CHILD = """
import json, resource, sys, time
from crawler.extract.core import extract
body = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = extract("https://www.stadt.test/presse/haushalt.html", body, {"content-type": "text/html"})
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": round(took, 2), "rss_before_mb": before // 1024,
                  "rss_peak_mb": peak // 1024, "body_chars": len(result.body or ""),
                  "ends": (result.body or "").endswith("Ende der Mitteilung."),
                  "type": result.page_type}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=9.0)
    parser.add_argument(
        "--kind", choices=("tables", "paragraphs", "divs", "listing"), default="tables"
    )
    args = parser.parse_args()
    body = page(args.mb, args.kind)
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=body, capture_output=True, check=True
    )
    out = json.loads(done.stdout)
    print(json.dumps({"bytes": len(body), "kind": args.kind, **out}))


if __name__ == "__main__":
    main()
