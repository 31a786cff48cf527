"""Per-field match table of the extractor on the sample site's other CMS families.

Run:  python bench/families.py

For every page of every family of ``FAMILY_NAMES`` (edition 1, rendered in
memory: no server), ``crawler.extract.core.extract`` with no profile is compared with the
family's ground truth field by field; a page counts for a field when the field equals the
ground truth exactly (images and related links compared on the fields the ground truth
gives). Prints one line per family with the share of pages matched per field. A report, not
a test: the extractor is generalised against these numbers (scores with the shipped
profiles, pinned in tests: ``bench/extraction.py`` and ``tests/crawler/extract/``).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract.core import extract  # noqa: E402
from crawler.sample_site import family_ground_truth, family_hosts, render_site  # noqa: E402
from crawler.sample_site.families import FAMILY_NAMES  # noqa: E402

FAMILIES = FAMILY_NAMES
FIELDS = (
    "page_type",
    "label",
    "title",
    "lead",
    "body",
    "published",
    "published_source",
    "modified",
    "images",
    "related",
    "credits",
    "attachments",
)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def match_rates(family: str) -> tuple[int, dict[str, float]]:
    """Number of ground-truth pages of ``family`` and the share matched per field."""
    resources = render_site(1, family_hosts(family)[0])
    truth = family_ground_truth(family)
    hits: Counter[str] = Counter()
    for url, expected in truth.items():
        resp = resources[_path(url)]
        got = extract(url, resp.body, {"content-type": resp.content_type}).to_dict()
        got["images"] = [
            {k: i[k] for k in ("src", "alt", "caption", "credit")} for i in got["images"]
        ]
        got["related"] = [
            {k: r[k] for k in ("url", "title", "kind", "label", "date")} for r in got["related"]
        ]
        got["attachments"] = [{k: a[k] for k in ("url", "title")} for a in got["attachments"]]
        for field in FIELDS:
            hits[field] += got[field] == expected[field]
    return len(truth), {f: hits[f] / len(truth) for f in FIELDS}


def main() -> None:
    print("extractor match rates per field (edition 1, no profile)")
    for family in FAMILIES:
        pages, rates = match_rates(family)
        cells = " ".join(f"{f}={rate:.0%}" for f, rate in rates.items())
        print(f"{family:10s} ({pages} pages): {cells}")


if __name__ == "__main__":
    main()
