"""The German dev set (``/work/shared/benchmarks/german-web-dev``): 289 real German pages with
text segments a good extraction holds (``with``) and boilerplate it must not hold
(``without``), scored as the set's own ``score.py`` scores them (trafilatura's evaluation
method): per page, each ``with`` segment found in the output (whitespace collapsed, a
substring test) is a true positive, else a false negative; each ``without`` segment found is
a false positive; the counts are summed over pages, then precision, recall and F1.

Our output is what the set's script reads: title, lead and body joined by newlines.
trafilatura's is ``extract(html, include_comments=False, include_tables=True)``, as there.
Shared by ``bench/extraction.py`` (a section of its report) and
``tests/crawler/extract/test_german_dev.py`` (which pins our F1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

GERMAN_DIR = Path("/work/shared/benchmarks/german-web-dev")
HEADERS = {"content-type": "text/html"}


@dataclass(frozen=True)
class DevPage:
    url: str
    html: bytes
    with_: tuple[str, ...]
    without: tuple[str, ...]


def available(root: Path = GERMAN_DIR) -> bool:
    return (root / "evaldata.json").is_file() and (root / "pages").is_dir()


def load(root: Path = GERMAN_DIR) -> list[DevPage]:
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    return [
        DevPage(
            url.strip(),
            (root / "pages" / item["file"]).read_bytes(),
            tuple(item.get("with") or ()),
            tuple(item.get("without") or ()),
        )
        for url, item in data.items()
    ]


def _squeeze(text: str | None) -> str:
    return " ".join((text or "").split())


def segment_counts(page: DevPage, output: str | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page's output: ``with`` segments found, ``without`` segments found,
    ``with`` segments missing (an empty output finds nothing)."""
    text = _squeeze(output)
    if not text:
        return 0, 0, len(page.with_)
    found = sum(1 for segment in page.with_ if _squeeze(segment) in text)
    leaked = sum(1 for segment in page.without if _squeeze(segment) in text)
    return found, leaked, len(page.with_) - found


def segment_prf(counts: Iterable[tuple[int, int, int]]) -> dict[str, float]:
    """Precision, recall and F1 of the counts summed over pages."""
    tp = fp = fn = 0
    for a, b, c in counts:
        tp, fp, fn = tp + a, fp + b, fn + c
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
    }


def ours(page: DevPage) -> str:
    """Our extraction as the set's script reads it: title, lead and body (no profile)."""
    from crawler.extract.core import extract

    result = extract(page.url, page.html, HEADERS)
    return "\n".join(t for t in (result.title, result.lead, result.body) if t)


def theirs(page: DevPage) -> str | None:
    import trafilatura

    return trafilatura.extract(page.html, include_comments=False, include_tables=True)


def score(pages: list[DevPage], run: Callable[[DevPage], str | None]) -> dict[str, float]:
    return segment_prf(segment_counts(page, run(page)) for page in pages)


__all__ = ["DevPage", "available", "load", "ours", "score", "segment_counts", "theirs"]
