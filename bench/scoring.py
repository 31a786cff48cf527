"""Extraction quality scoring: metrics, the sample-site corpus, and one scoring pass.

Shared by ``bench/extraction.py`` (which adds timing, trafilatura and the public benchmark)
and ``tests/crawler/extract/test_extraction_quality.py`` (which pins the sample-site scores).

Metrics (see BENCHMARKS.md, "Extraction quality and speed"):

* exact fields (page type, title, label, lead, modified, published): share of pages where
  the extracted value equals the ground truth exactly (``None`` and ``""`` are equal);
  ``published`` only on pages whose ground-truth date comes from the page itself
  (``published_source`` metadata/url/text): feed and teaser dates are filled in by the
  crawler, the extractor cannot know them;
* body: token F1 per page (multiset of ``\\w+`` tokens, case kept; both empty = 1.0),
  averaged over pages;
* images, captions, credits, related, attachments: set F1 pooled over all pages (true
  positives, false positives and false negatives summed over pages, then one F1; no items
  anywhere = 1.0). Related links and attachments compare every field the ground truth
  gives (url, title, kind, label, date), URLs canonicalised with the source's UrlPolicy;
* public benchmark body: the article-extraction-benchmark's own metric (4-token shingles,
  per-page counts normalised to sum 1, precision and recall averaged over pages, F1 of the
  two means) — :func:`shingle_counts` and :func:`shingle_prf`.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.fetch.urls import UrlPolicy

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"\w+")
PAGE_DATE_SOURCES = ("metadata", "url", "text")
EXACT_FIELDS = ("page_type", "title", "label", "lead", "modified", "published")
SET_FIELDS = ("images", "captions", "credits", "related", "attachments")
#: every score column, in table order
SCORE_FIELDS = (*EXACT_FIELDS[:5], "published", "body", *SET_FIELDS)

# --- metrics ------------------------------------------------------------------------------------


def tokens(text: str | None) -> list[str]:
    return TOKEN_RE.findall(text or "")


def token_f1(expected: str | None, got: str | None) -> float:
    """F1 of the two token multisets; 1.0 when both are empty, 0.0 when only one is."""
    want, have = Counter(tokens(expected)), Counter(tokens(got))
    if not want and not have:
        return 1.0
    tp = sum((want & have).values())
    if tp == 0:
        return 0.0
    precision, recall = tp / sum(have.values()), tp / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def set_counts(expected: Iterable[Any], got: Iterable[Any]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of two sets."""
    want, have = set(expected), set(got)
    tp = len(want & have)
    return tp, len(have) - tp, len(want) - tp


def f1_from_counts(tp: float, fp: float, fn: float) -> float:
    if tp == fp == fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def shingle_counts(expected: str | None, got: str | None, n: int = 4) -> tuple[float, ...]:
    """Per-page (tp, fp, fn) over multisets of ``n``-token shingles, normalised to sum 1.

    A text shorter than ``n`` tokens is one shorter shingle (the benchmark's definition).
    """
    want, have = _shingles(expected, n), _shingles(got, n)
    tp = sum((want & have).values())
    fp = sum(have.values()) - tp
    fn = sum(want.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _shingles(text: str | None, n: int) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words)


def shingle_prf(counts: list[tuple[float, ...]]) -> dict[str, float]:
    """Precision and recall averaged over pages (pages with nothing predicted / nothing
    expected left out of that mean), F1 of the two means."""

    def ratio(tp: float, other: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return tp / (tp + other) if tp + other else 0.0

    precisions = [ratio(tp, fp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [ratio(tp, fn, fp, fn) for tp, fp, fn in counts if tp + fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# --- the sample-site corpus ---------------------------------------------------------------------


@dataclass
class Case:
    """One ground-truth page: the bytes to extract and what should come out."""

    family: str
    edition: int
    url: str  # canonical URL
    body: bytes
    headers: dict[str, str]
    expected: dict[str, Any]
    policy: UrlPolicy


def _families_api() -> Any:
    """``crawler.sample_site.families`` (the other CMS families), or None in an older tree."""
    try:
        from crawler.sample_site import families
    except ImportError:
        return None
    return families


def available_families() -> list[str]:
    """Site families of the sample site present in this tree: Sitepark always, then every
    other family whose module imports."""
    from crawler import sample_site

    api = _families_api()
    names = list(getattr(sample_site, "FAMILIES", None) or getattr(api, "FAMILY_NAMES", None) or ())
    usable = ["sitepark"]
    for name in names:
        if name == "sitepark" or name in usable:
            continue
        try:
            if api is not None and hasattr(api, "family_module"):
                api.family_module(name)
        except ImportError as exc:  # a family still being written
            logger.warning("sample-site family %s not importable: %s", name, exc)
            continue
        usable.append(name)
    return usable


def sample_cases(families: Iterable[str] | None = None) -> list[Case]:
    """Every ground-truth page of the given families (default: all), every edition of
    Sitepark, the one content state of the other families."""
    cases: list[Case] = []
    for family in families or available_families():
        cases.extend(_sitepark_cases() if family == "sitepark" else _family_cases(family))
    return cases


def _sitepark_cases() -> list[Case]:
    from crawler import sample_site
    from crawler.sample_site.demo import sample_config

    policy = UrlPolicy(sample_config(8080).source("sample"))
    cases = []
    for edition in (1, 2):
        truth, site = sample_site.ground_truth(edition), sample_site.render_site(edition)
        for url, expected in truth.items():
            key = url[len(sample_site.CANONICAL_BASE) :] or "/"
            cases.append(_case("sitepark", edition, url, site, key, expected, policy, None))
    return cases


def _family_cases(family: str) -> list[Case]:
    from crawler import sample_site as module

    sample_site: Any = module  # which family API this tree has is only known at run time
    api = _families_api()
    if api is not None and hasattr(api, "render_family"):
        site, truth = api.render_family(family), api.family_truth(family)
        mod = api.family_module(family)
        hosts, config_text = tuple(mod.HOSTS), mod.config_text(8080)

        def resolve(target: str) -> str:
            return str(api.family_resolve(family, target))
    else:
        hosts = tuple(sample_site.family_hosts(family))
        site = sample_site.render_site(1, host=hosts[0])
        truth = sample_site.family_ground_truth(family)
        text_of = getattr(sample_site, "family_config_text", None)
        config_text = text_of(family, 8080) if text_of else None
        resolve = sample_site.resolve
    policy = _family_policy(family, hosts, config_text)
    cases = []
    for url, expected in truth.items():
        parts = urlsplit(url)
        key = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        cases.append(_case(family, 1, url, site, key, expected, policy, resolve))
    return cases


def _family_policy(family: str, hosts: tuple[str, ...], config_text: str | None) -> UrlPolicy:
    from crawler.config.settings import SourceConfig, loads_config

    if config_text is None:
        return UrlPolicy(SourceConfig(name=family, hosts=hosts, scheme="http"))
    config = loads_config(config_text, f"<{family} family config>")
    return UrlPolicy(config.selected(None)[0])


def _case(
    family: str,
    edition: int,
    url: str,
    site: Mapping[str, Any],
    key: str,
    expected: dict[str, Any],
    policy: UrlPolicy,
    resolve: Callable[[str], str] | None,
) -> Case:
    response = site.get(key)
    if response is None and resolve is not None:
        response = site.get(resolve(key))
    if response is None:
        raise LookupError(f"{family}: no page for ground-truth URL {url}")
    headers = {"content-type": response.content_type}
    return Case(family, edition, url, response.body, headers, expected, policy)


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Running counts of one configuration over one family."""

    pages: int = 0
    exact: Counter[str] = field(default_factory=Counter)  # field -> pages right
    exact_n: Counter[str] = field(default_factory=Counter)  # field -> pages scored
    body_f1_sum: float = 0.0
    body_n: int = 0
    sets: dict[str, list[int]] = field(default_factory=dict)  # field -> [tp, fp, fn]
    scored: set[str] = field(default_factory=set)  # fields this configuration produces

    def scores(self) -> dict[str, float | None]:
        """Field -> score in [0, 1] (None: not scored for this configuration/family)."""
        out: dict[str, float | None] = {}
        for name in SCORE_FIELDS:
            if name not in self.scored:
                out[name] = None
            elif name == "body":
                out[name] = self.body_f1_sum / self.body_n if self.body_n else None
            elif name in SET_FIELDS:
                counts = self.sets.get(name)
                out[name] = f1_from_counts(*counts) if counts else None
            else:
                n = self.exact_n[name]
                out[name] = self.exact[name] / n if n else None
        return out


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def _norm(value: Any) -> Any:
    return value if value not in ("", []) else None


def _keyed(items: Iterable[Any], names: tuple[str, ...], policy: UrlPolicy) -> set[Any]:
    keys = set()
    for item in items or ():
        item = _plain(item)
        if not isinstance(item, Mapping):
            keys.add(item)
            continue
        row = []
        for name in names:
            value = _norm(item.get(name))
            if name in ("url", "src") and isinstance(value, str):
                value = policy.canonical(value) or value
            row.append(value)
        keys.add(tuple(row))
    return keys


def _fields_of(items: Iterable[Any]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for item in items or ():
        if isinstance(item, Mapping):
            names.update(dict.fromkeys(item))
    return tuple(names)


_DEFAULT_ITEM_FIELDS = {
    "images": ("src", "alt"),
    "related": ("url", "title", "kind", "label", "date"),
    "attachments": ("url", "title"),
}


def score_page(tally: Tally, case: Case, got: Mapping[str, Any]) -> None:
    """Add one page: ``got`` maps field names to extracted values; fields absent from ``got``
    are not produced by this configuration and stay unscored."""
    want = case.expected
    tally.pages += 1
    for name in EXACT_FIELDS:
        if name not in want or name not in got:
            continue
        if name == "published" and want.get("published_source") not in PAGE_DATE_SOURCES:
            continue
        tally.scored.add(name)
        tally.exact_n[name] += 1
        tally.exact[name] += _norm(want[name]) == _norm(got[name])
    if "body" in want and "body" in got:
        tally.scored.add("body")
        tally.body_n += 1
        tally.body_f1_sum += token_f1(want["body"], got["body"])
    for name in SET_FIELDS:
        source = "images" if name == "captions" else name
        if source not in want or source not in got:
            continue
        tally.scored.add(name)
        if name == "captions":
            expected = {_norm(i.get("caption")) for i in want["images"]} - {None}
            extracted = {_norm(_plain(i).get("caption")) for i in got["images"]} - {None}
        elif name == "credits":
            expected, extracted = set(want["credits"] or ()), set(got["credits"] or ())
        else:
            names = _fields_of(want[name]) or _DEFAULT_ITEM_FIELDS[name]
            expected = _keyed(want[name], names, case.policy)
            extracted = _keyed(got[name], names, case.policy)
        counts = tally.sets.setdefault(name, [0, 0, 0])
        for i, value in enumerate(set_counts(expected, extracted)):
            counts[i] += value


def extracted_fields(result: Any) -> dict[str, Any]:
    """Our ``Extracted`` record → the field mapping :func:`score_page` reads."""
    return {
        "page_type": result.page_type,
        "title": result.title,
        "label": result.label,
        "lead": result.lead,
        "modified": result.modified,
        "published": result.published,
        "body": result.body,
        "images": result.images,
        "credits": result.credits,
        "related": result.related,
        "attachments": result.attachments,
    }


# --- our extractor's configurations -------------------------------------------------------------

#: keyword arguments of ``extract`` that could switch the built-in Sitepark rules off
_GENERIC_SWITCHES = {
    "builtin_rules": False,
    "builtin": False,
    "sitepark": False,
    "sitepark_rules": False,
    "generic_only": True,
    "generic": True,
}


def extractor_configs() -> tuple[dict[str, Callable[[Case], Any]], dict[str, str]]:
    """Name -> function(case) -> ``Extracted`` for every configuration this tree supports,
    and name -> one-line description.

    ``default`` is always there (``extract(url, body, headers)``, what the crawler calls
    today). With a ``profile`` parameter on ``extract`` there are also ``profiles`` (the
    family's builtin profile, if one is shipped) and ``generic`` (no profile, and the
    built-in Sitepark rules off if ``extract`` offers a switch for it).
    """
    from crawler.extract.core import extract as ours

    extract: Callable[..., Any] = ours  # the profile parameter may not exist in this tree yet
    configs: dict[str, Callable[[Case], Any]] = {
        "default": lambda c: extract(c.url, c.body, c.headers),
    }
    notes = {"default": "extract(url, body, headers), no profile argument (the crawler today)"}
    params = inspect.signature(extract).parameters
    if "profile" not in params:
        return configs, notes
    try:
        from crawler.extract.profiles import BUILTIN_PROFILES
    except ImportError:
        builtin: Mapping[str, Any] = {}
    else:
        builtin = BUILTIN_PROFILES
    switch = {k: v for k, v in _GENERIC_SWITCHES.items() if k in params}
    configs["profiles"] = lambda c: extract(c.url, c.body, c.headers, profile=builtin.get(c.family))
    notes["profiles"] = (
        "profile = the family's builtin profile (" + ", ".join(sorted(builtin)) + "), else None"
    )
    configs["generic"] = lambda c: extract(c.url, c.body, c.headers, profile=None, **switch)
    notes["generic"] = (
        "profile=None, " + ", ".join(f"{k}={v}" for k, v in switch.items())
        if switch
        else "profile=None; extract() has no switch for the built-in Sitepark rules, "
        "so generic = default rules"
    )
    return configs, notes


def score_config(
    run: Callable[[Case], Any], cases: Iterable[Case], fields: Callable[[Any], Mapping[str, Any]]
) -> dict[str, Tally]:
    """Run one configuration over ``cases``; family -> tally."""
    tallies: dict[str, Tally] = {}
    for case in cases:
        score_page(tallies.setdefault(case.family, Tally()), case, fields(run(case)))
    return tallies
