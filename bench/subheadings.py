"""How well the release page tells subheadings from paragraphs in a stored body.

A body is stored as text blocks joined by blank lines, without saying which block was a
heading; :func:`archive.serve.release_data.body_blocks` guesses it (short, no sentence
mark, followed by text, not in a run of such blocks). This script extracts every page of
the German dev set (``bench/german.py``) as the crawler would, marks each body block that
is the whole text of an ``h2``–``h6`` element or of a bold-only paragraph of the page as a
heading, and counts the guesses per block: precision and recall of "subheading".

    .venv/bin/python bench/subheadings.py [--list 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.serve.release_data import body_blocks
from bench.german import HEADERS, available, load
from crawler.extract.core import extract

HEADINGS = "//h2 | //h3 | //h4 | //h5 | //h6 | //p[count(*) = 1][b or strong]"


def _norm(text: str) -> str:
    return " ".join(text.split())


def heading_texts(html: bytes) -> set[str]:
    """The texts of the page's headings and bold-only paragraphs (whitespace collapsed)."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return set()
    out = set()
    for el in doc.xpath(HEADINGS):
        text = _norm(el.text_content())
        if el.tag == "p" and _norm("".join(el[0].itertext())) != text:
            continue  # bold words in a paragraph, not a bold paragraph
        if text:
            out.add(text)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=int, default=0, help="print N misses of each kind")
    args = parser.parse_args()
    if not available():
        print("German dev set missing", file=sys.stderr)
        return 2
    found = missed = wrong = paragraphs = 0
    misses: list[str] = []
    wrongs: list[str] = []
    for page in load():
        body = extract(page.url, page.html, HEADERS).body
        heads = heading_texts(page.html)
        for block in body_blocks(body):
            text = _norm(" ".join(block["lines"]))
            truth, guess = text in heads, block["kind"] == "h"
            found += truth and guess
            missed += truth and not guess
            wrong += guess and not truth
            paragraphs += not truth and not guess
            if truth and not guess:
                misses.append(text)
            elif guess and not truth:
                wrongs.append(text)
    precision = found / max(found + wrong, 1)
    recall = found / max(found + missed, 1)
    total = found + missed + wrong + paragraphs
    print(f"blocks: {total}, headings in the markup: {found + missed}")
    print(f"subheadings found {found}, missed {missed}, wrong {wrong}")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    for label, items in (("missed", misses), ("wrong", wrongs)):
        for text in items[: args.list]:
            print(f"  {label}: {text[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
