"""A snapshot of what ``extract()`` returns, to guard behaviour while the extractor is reworked.

Run:  python bench/extraction_snapshot.py --write /tmp/snapshot.json   (on the unchanged code)
      python bench/extraction_snapshot.py --check /tmp/snapshot.json   (after every change)

Pages: every rendered HTML page of the sample site (Sitepark editions 1-3, the other families'
one content state), each extracted with the family's builtin profile and without a profile;
the test fixtures (``tests/support/fixtures/*.html``); the public benchmark pages under
``/work/shared/benchmarks`` (article-extraction-benchmark, german-web-dev) when present, without
a profile. Every record is stored as ``dataclasses.asdict``; ``--check`` prints the differing
cases (first differing field of each) and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import sample_site  # noqa: E402
from crawler.extract.core import extract  # noqa: E402
from crawler.extract.profiles import BUILTIN_PROFILES, SiteProfile  # noqa: E402
from crawler.sample_site import families  # noqa: E402

BENCHMARKS = Path("/work/shared/benchmarks")
FIXTURES = ROOT / "tests" / "support" / "fixtures"

#: key, url, body, headers, profile
Page = tuple[str, str, bytes, dict[str, str], SiteProfile | None]


def _html(response: Any) -> bool:
    return "html" in (getattr(response, "content_type", "") or "text/html")


def pages() -> Iterator[Page]:
    for edition in (1, 2, 3):
        for path, response in sorted(sample_site.render_site(edition).items()):
            if not _html(response):
                continue
            url = sample_site.CANONICAL_BASE + path
            headers = {"content-type": response.content_type}
            for name, profile in (("sitepark", BUILTIN_PROFILES["sitepark"]), ("none", None)):
                yield f"sitepark/{edition}{path}#{name}", url, response.body, headers, profile
    for family in families.FAMILY_NAMES:
        host = families.family_module(family).HOSTS[0]
        builtin = BUILTIN_PROFILES.get(family)
        for path, response in sorted(families.render_family(family).items()):
            if not _html(response):
                continue
            url = f"http://{host}{path}"
            headers = {"content-type": response.content_type}
            options = [("none", None)] if builtin is None else [(family, builtin), ("none", None)]
            for name, profile in options:
                yield f"{family}{path}#{name}", url, response.body, headers, profile
    for fixture in sorted(FIXTURES.glob("*.html")):
        url = "https://www.ruesselsheim.de/presse/fixture.html"
        body = fixture.read_bytes()
        headers = {"content-type": "text/html; charset=utf-8"}
        for name, profile in (("sitepark", BUILTIN_PROFILES["sitepark"]), ("none", None)):
            yield f"fixture/{fixture.name}#{name}", url, body, headers, profile
    public = BENCHMARKS / "article-extraction-benchmark"
    if (public / "ground-truth.json").exists():
        truth = json.loads((public / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(truth.items()):
            body = gzip.decompress((public / "html" / f"{key}.html.gz").read_bytes())
            yield f"public/{key}", item["url"], body, {"content-type": "text/html"}, None
    german = BENCHMARKS / "german-web-dev"
    if (german / "evaldata.json").exists():
        data = json.loads((german / "evaldata.json").read_text(encoding="utf-8"))
        urls = {}
        if isinstance(data, dict):
            for url, item in data.items():
                if isinstance(item, dict) and item.get("file"):
                    urls[Path(item["file"]).name] = url
        for page in sorted((german / "pages").glob("*.html")):
            url = urls.get(page.name, f"https://example.de/{page.stem}")
            yield f"german/{page.name}", url, page.read_bytes(), {}, None


def snapshot() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, url, body, headers, profile in pages():
        out[key] = asdict(extract(url, body, headers, profile))
    return out


def _first_difference(old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                return f"{name}: {str(old.get(name))[:200]!r} -> {str(new.get(name))[:200]!r}"
    return f"{str(old)[:200]!r} -> {str(new)[:200]!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the snapshot to this file")
    group.add_argument("--check", type=Path, help="compare with the snapshot in this file")
    args = parser.parse_args()
    current = snapshot()
    if args.write:
        args.write.write_text(json.dumps(current, ensure_ascii=False, sort_keys=True, indent=0))
        print(f"{len(current)} records written to {args.write}")
        return
    # (a round trip through JSON: tuples become lists, as in the stored file)
    current = json.loads(json.dumps(current, ensure_ascii=False, sort_keys=True))
    stored = json.loads(args.check.read_text(encoding="utf-8"))
    differences = 0
    for key in sorted(set(stored) | set(current)):
        if key not in current or key not in stored:
            differences += 1
            print(f"{key}: {'missing now' if key not in current else 'new'}")
        elif stored[key] != current[key]:
            differences += 1
            print(f"{key}: {_first_difference(stored[key], current[key])}")
    print(f"{len(current)} records checked, {differences} differences")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
