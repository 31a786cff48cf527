"""Speed of the topic rules (key-phrase candidates and entities) on real German pages.

Run:  python bench/topic_rules.py [--pages 120]

Extracts the first N pages of the German dev set (/work/shared/benchmarks/german-web-dev)
with pressarchive's extractor, then times ``candidates`` + ``extract`` per page, once with
the sentence-end rule as it is and once with the former rule (the whole prefix read at
every boundary), in one run, and checks that both give the same result.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import archive.indexes.topics.text as text_rules  # noqa: E402
from archive.indexes.topics.entities import extract  # noqa: E402
from archive.indexes.topics.phrases import candidates  # noqa: E402
from crawler.extract.core import extract as extract_page  # noqa: E402

DEV = Path("/work/shared/benchmarks/german-web-dev/pages")


def former_ends_sentence(text: str, end: int) -> bool:
    """The rule before the 64-character window (the whole prefix at every boundary)."""
    head = text[:end]
    if not head.endswith("."):
        return True
    last = head.rsplit(None, 1)[-1] if head.split() else ""
    ordinal = text_rules._ORDINAL.search(head) is not None
    return last not in text_rules.ABBREVIATIONS and not ordinal and len(last) > 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    args = parser.parse_args()
    texts = []
    for name in sorted(glob.glob(str(DEV / "**" / "*.html*"), recursive=True))[: args.pages]:
        raw = gzip.open(name).read() if name.endswith(".gz") else Path(name).read_bytes()
        record = extract_page("https://example.de/x", raw, {})
        texts.append((record.title, record.lead, record.body))
    results = {}
    current = text_rules._ends_sentence
    for label, rule in (("former rule", former_ends_sentence), ("64-char window", current)):
        text_rules._ends_sentence = rule
        times, out = [], []
        for title, lead, body in texts:
            started = time.perf_counter()
            out.append((candidates(title, lead, body), extract(title, lead, body)))
            times.append(time.perf_counter() - started)
        results[label] = out
        print(f"| {label} | {len(texts)} | {sum(times) / len(times) * 1000:.1f} | "
              f"{max(times) * 1000:.0f} |")  # fmt: skip
    text_rules._ends_sentence = current
    print("same candidates and entities:", results["former rule"] == results["64-char window"])


if __name__ == "__main__":
    main()
