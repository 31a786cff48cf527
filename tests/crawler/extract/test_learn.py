"""Learned site templates (crawler/extract/learn.py) on the sample-site families: a template
learned from some pages of a family extracts the family's *other* pages as the ground truth
says, and what repeats on every page (chrome) never becomes a field."""

from __future__ import annotations

import tomllib

import pytest

from bench.scoring import sample_cases
from crawler.config.settings import parse_config
from crawler.extract.core import extract
from crawler.extract.learn import learn_template, profile_toml, template_matches

FAMILIES = ("sitepark", "typo3", "wordpress", "tablesite")


def _split(family: str, n: int = 10) -> tuple[list, list]:
    cases = sorted((c for c in sample_cases([family]) if c.edition == 1), key=lambda c: c.url)
    return cases[:n], cases[n:]


@pytest.mark.parametrize("family", FAMILIES)
def test_template_learned_from_ten_pages_extracts_the_others(family: str) -> None:
    learning, others = _split(family)
    learned = learn_template([(c.url, c.body, c.headers) for c in learning])
    assert learned.profile.title and learned.profile.body
    assert learned.matched == 1.0
    # it reads no field worse than the generic layer (the table site's pages without a
    # picture: the template's images selector finds none there, so none, not the banner)
    assert learned.worse == ()
    assert others
    misses = []
    for case in others:
        got = extract(case.url, case.body, case.headers, learned.profile)
        assert got.title == case.expected["title"], case.url
        assert (got.label or None) == (case.expected.get("label") or None), case.url
        if not template_matches(learned.profile, case.body, case.headers):
            misses.append(case.url)  # another template: the generic layer extracted it
    # pages of another template (Sitepark's old CMS, TYPO3's topic pages) miss: a minority
    assert len(misses) <= len(others) / 2, misses


def test_a_heading_repeated_on_every_page_is_chrome_not_the_title() -> None:
    learning, _ = _split("typo3")
    generic = {extract(c.url, c.body, c.headers).title for c in learning}
    assert generic == {"Pressemitteilungen"}  # the generic layer reads the page heading
    learned = learn_template([(c.url, c.body, c.headers) for c in learning])
    assert learned.profile.title is not None and "page-title" not in learned.profile.title
    assert any("h1" in s for s in learned.chrome)
    for case in learning:
        got = extract(case.url, case.body, case.headers, learned.profile)
        assert got.title == case.expected["title"]
        assert got.label == case.expected["label"]


def test_printed_profile_is_accepted_by_the_config_loader() -> None:
    learning, _ = _split("tablesite")  # attribute selectors with quotes and commas
    learned = learn_template([(c.url, c.body, c.headers) for c in learning])
    text = profile_toml("kelsterbach", learned.profile)
    config = parse_config(tomllib.loads(text))
    assert config.profiles["kelsterbach"] == learned.profile


def test_a_redesigned_page_does_not_match_the_template() -> None:
    learning, _ = _split("sitepark")
    learned = learn_template([(c.url, c.body, c.headers) for c in learning])
    page = learning[0]
    redesigned = page.body.replace(b"SP-", b"rs-")
    assert template_matches(learned.profile, page.body, page.headers)
    assert not template_matches(learned.profile, redesigned, page.headers)


_LEARN_ONE = """
import json, sys
from bench.scoring import sample_cases
from crawler.extract.learn import learn_template
out = {}
for family in sys.argv[1:]:
    cases = sorted((c for c in sample_cases([family]) if c.edition == 1), key=lambda c: c.url)
    learned = learn_template([(c.url, c.body, c.headers) for c in cases[:10]])
    out[family] = [repr(learned.profile), learned.stats_json(), list(learned.chrome)]
print(json.dumps(out, sort_keys=True))
"""


@pytest.mark.slow
def test_the_same_pages_teach_the_same_template_in_every_process() -> None:
    """Tied candidate selectors rank in one order whatever the process's string hashing
    (``PYTHONHASHSEED``): set order once decided the template of 6 of the 13 families."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    families = ["wordpress", "drupal", "joomla", "sitepark"]
    found = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _LEARN_ONE, *families],
            cwd=root, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        found.append(done.stdout)
    assert found[0] == found[1] == found[2]
