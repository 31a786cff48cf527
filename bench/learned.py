"""Learned site templates against hand-written profiles and the generic layer.

Run:  python bench/learned.py [--pages 10] [--families sitepark,...]

For every sample-site family present in this tree (``bench.scoring.available_families``):
a template is learned (``crawler.extract.learn.learn_template``) from the first ``--pages``
ground-truth pages of edition 1 (in URL order, as a crawl would store them), then every
ground-truth page of the family (every edition) is extracted three ways and scored with the
same metrics as ``bench/extraction.py`` (``bench/scoring.py``):

- ``profile``: the family's hand-written built-in profile (``—`` rows when it has none: the
  family is then extracted without a profile, as ``generic``);
- ``generic``: no profile;
- ``learned``: the learned template as the profile;
- ``as crawled``: what a crawl uses — the learned template if it applies (it reads no field
  worse than the generic layer on its learning pages), else no profile.

Prints Markdown for BENCHMARKS.md: per family the scores, the learned selectors, and the
largest shortfall of ``learned`` against ``profile`` (target: within 0.01).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extraction import COLUMNS, fmt_score
from bench.scoring import (
    SCORE_FIELDS,
    Case,
    Tally,
    available_families,
    extracted_fields,
    sample_cases,
    score_page,
)
from crawler.extract.core import extract
from crawler.extract.learn import DEFAULT_MIN_PAGES, learn_template
from crawler.extract.profiles import BUILTIN_PROFILES, SiteProfile

TARGET = 0.01


def _score(cases: list[Case], profile: SiteProfile | None) -> dict[str, float | None]:
    tally = Tally()
    for case in cases:
        got = extract(case.url, case.body, case.headers, profile)
        score_page(tally, case, extracted_fields(got))
    return tally.scores()


def family_result(family: str, pages: int) -> dict[str, Any]:
    cases = sample_cases([family])
    first = sorted((c for c in cases if c.edition == 1), key=lambda c: c.url)[:pages]
    started = time.perf_counter()
    learned = learn_template([(c.url, c.body, c.headers) for c in first])
    seconds = time.perf_counter() - started
    hand = BUILTIN_PROFILES.get(family)
    scores = {
        "profile": _score(cases, hand),
        "generic": _score(cases, None),
        "learned": _score(cases, learned.profile),
        "as crawled": _score(cases, learned.profile if learned.applies else None),
    }
    gaps = {
        f: scores["profile"][f] - scores["learned"][f]  # type: ignore[operator]
        for f in SCORE_FIELDS
        if scores["profile"][f] is not None and scores["learned"][f] is not None
    }
    return {
        "family": family,
        "cases": len(cases),
        "learned_from": len(learned.pages),
        "seconds": seconds,
        "hand": hand is not None,
        "scores": scores,
        "learned": learned,
        "worst": max(gaps.items(), key=lambda kv: kv[1]) if gaps else None,
    }


def print_family(result: dict[str, Any]) -> None:
    fields = list(SCORE_FIELDS)
    print()
    print(
        f"Family `{result['family']}`: {result['cases']} ground-truth pages; template learned "
        f"from {result['learned_from']} pages in {result['seconds']:.2f} s"
        + ("" if result["hand"] else " (no hand-written profile: `profile` = no profile)")
    )
    print()
    print("| configuration | " + " | ".join(COLUMNS[f] for f in fields) + " |")
    print("|---|" + "---|" * len(fields))
    for name, scores in result["scores"].items():
        print(f"| {name} | " + " | ".join(fmt_score(f, scores[f]) for f in fields) + " |")
    print()
    for name, stats in result["learned"].stats.items():
        chosen = f"`{stats.selector}`" if stats.selector else "(none)"
        print(f"- {name}: {chosen}, agrees on {stats.agree:.1f} of {stats.pages} pages")
    if not result["learned"].applies:
        worse = ", ".join(result["learned"].worse)
        print(f"- not applied by a crawl: reads {worse} worse than no profile on its pages")
    worst = result["worst"]
    if worst is not None:
        verdict = "met" if worst[1] <= TARGET else "NOT met"
        print(
            f"- largest shortfall of learned against profile: {worst[0]} {worst[1]:+.3f} "
            f"(target ≤ {TARGET}) — {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_MIN_PAGES)
    parser.add_argument("--families", default="", help="comma-separated (default: all)")
    args = parser.parse_args()
    families = [f for f in args.families.split(",") if f] or available_families()
    print("```")
    print(f"python bench/learned.py --pages {args.pages}")
    print("```")
    for family in families:
        print_family(family_result(family, args.pages))


if __name__ == "__main__":
    main()
