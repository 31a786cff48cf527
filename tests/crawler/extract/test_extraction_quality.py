"""Sample-site extraction quality must not regress (the scores of ``bench/extraction.py``).

Each configuration × family is scored with ``bench/scoring.py`` (no trafilatura, no public
benchmark) and every field must stay at or above the level pinned here, which is the level
measured when the pin was set. Exact fields at 100% stay at 100%. Issue 3's targets are in
the comments; where a pinned level is below its target, the pin is the measured level, not
the target. Metrics and figures: BENCHMARKS.md, "Extraction quality and speed".
"""

from __future__ import annotations

import pytest

from bench.scoring import (
    Tally,
    available_families,
    extracted_fields,
    extractor_configs,
    sample_cases,
    score_config,
)

# issue 3 targets with the shipped family profiles: title, published, label exact on 100% of
# pages; body token F1 >= 0.97; captions, credits, related set F1 >= 0.95.
# Generic only: body F1 >= 0.93, published >= 95%.
PERFECT = {
    "page_type": 1.0,
    "title": 1.0,
    "label": 1.0,
    "lead": 1.0,
    "modified": 1.0,
    "published": 1.0,
    "body": 1.0,
    "images": 1.0,
    "captions": 1.0,
    "credits": 1.0,
    "related": 1.0,
    "attachments": 1.0,
}
#: the TYPO3 family without its profile: the only h1 is the plugin header, so title and label
#: fail (no target for that case); body 0.945 >= the generic target 0.93
TYPO3_GENERIC = dict(PERFECT, page_type=0.944, title=0.166, label=0.166, body=0.945)
#: the table-layout family: body 0.987 (target 0.97), sidebar fragments cost the rest
TABLESITE = dict(PERFECT, body=0.987)
#: the families from real CMS templates, no profile shipped (measured 2026-12-04, issue 13):
#: what is below 1 is theirs to improve — the block theme's download blocks in the body;
#: page types of the block theme and Mercury (an election notice: no signal on the page)
CMS_FAMILIES = {
    "typo3news": dict(PERFECT, attachments=1.0),
    "contao": dict(PERFECT, attachments=1.0),
    "drupal": dict(PERFECT, attachments=1.0),
    "gsb": dict(PERFECT, attachments=1.0),
    "wpblock": dict(PERFECT, page_type=0.857, body=0.994),
    "joomla": PERFECT,
    "plone": PERFECT,
    "opencms": dict(PERFECT, page_type=0.857),
    "presseportal": PERFECT,
}
#: configuration -> family -> field -> minimum score (measured 2026-11-26, see BENCHMARKS.md)
PINNED: dict[str, dict[str, dict[str, float]]] = {
    # extract(url, body, headers): no profile
    "default": {
        "sitepark": PERFECT,
        "typo3": TYPO3_GENERIC,
        "wordpress": PERFECT,
        "tablesite": TABLESITE,
        **CMS_FAMILIES,
    },
    # the family's builtin profile (sitepark, typo3); the others have none
    "profiles": {
        "sitepark": PERFECT,
        "typo3": PERFECT,
        "wordpress": PERFECT,
        "tablesite": TABLESITE,
        **CMS_FAMILIES,
    },
    # profile=None (targets: body >= 0.93, published >= 95%)
    "generic": {
        "sitepark": PERFECT,
        "typo3": TYPO3_GENERIC,
        "wordpress": PERFECT,
        "tablesite": TABLESITE,
        **CMS_FAMILIES,
    },
}

CONFIGS, _NOTES = extractor_configs()
CASES = sample_cases(available_families())
PAIRS = [
    (config, family)
    for config, families in PINNED.items()
    for family in families
    if config in CONFIGS and family in {c.family for c in CASES}
]
_TALLIES: dict[str, dict[str, Tally]] = {}


def _tallies(config: str) -> dict[str, Tally]:
    if config not in _TALLIES:
        _TALLIES[config] = score_config(CONFIGS[config], CASES, extracted_fields)
    return _TALLIES[config]


@pytest.mark.parametrize(("config", "family"), PAIRS)
def test_scores_do_not_regress(config: str, family: str) -> None:
    scores = _tallies(config)[family].scores()
    below = {
        name: (round(scores[name] or 0.0, 4), minimum)
        for name, minimum in PINNED[config][family].items()
        if scores.get(name) is None or scores[name] < minimum  # type: ignore[operator]
    }
    assert not below, f"{config}/{family}: field: (measured, pinned) {below}"


def test_every_family_is_scored() -> None:
    """Every family in the tree yields pages, and each has a pin for the default rules
    (a new family needs its measured level pinned here: run ``python bench/extraction.py``)."""
    families = {c.family for c in CASES}
    assert families >= {"sitepark"}
    assert all(_tallies("default")[f].pages > 0 for f in families)
    unpinned = sorted(families - set(PINNED["default"]))
    assert not unpinned, f"families without a pinned level: {unpinned}"
