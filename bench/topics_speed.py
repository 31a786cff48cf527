"""Speed of the per-page German text analysis of the topic index: key-phrase candidates
(:func:`archive.indexes.topics.phrases.candidates`) and entities
(:func:`archive.indexes.topics.entities.extract`), the two pure functions the crawl runs on
every saved page.

    .venv/bin/python bench/topics_speed.py [--sets bench,real,sample] [--repeat 3]
                                           [--dump FILE]

Page sets, each extracted first with :func:`crawler.extract.core.extract` (not timed):

- ``bench``: the 2,000 pages of ``bench/throughput.py hosts --hosts 100 --pages 20``
  (:func:`bench.throughput.page_body`: 180 capitalised German nouns in 4 paragraphs);
- ``real``: the 289 real German pages of ``/work/shared/benchmarks/german-web-dev``;
- ``sample``: the HTML pages of the sample site (Sitepark edition 1 with its profile, the
  other CMS families with theirs), with the sample source's city;
- ``fuzz`` (not by default): 3,000 random pages of tricky pieces (abbreviations, ordinals,
  quotes, empty and padded parts), for ``--dump``.

The inputs are what the topic index reads from a saved page: title, lead, body, captions
(image alt texts and captions joined as :mod:`archive.store.save` joins them), published and
the source's city. Per set and function (and both, page by page, as the topic index calls
them: the candidates, then the entities of a page): the best of ``--repeat`` runs, pages/s
and ms/page of CPU time (``time.process_time``: other processes on the machine disturb it
less than the wall clock, but still do).

``--dump FILE`` writes every output (repr of the candidates and the entities, one line per
page and function) so two versions of the code can be proven to give the same output:
dump with the old code, dump with the new, compare the files (``cmp``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.indexes.topics.entities import extract as entities  # noqa: E402
from archive.indexes.topics.phrases import candidates  # noqa: E402
from crawler.extract.core import extract  # noqa: E402
from crawler.records import Extracted  # noqa: E402

GERMAN_DIR = Path("/work/shared/benchmarks/german-web-dev")
SAMPLE_CITY = "Rüsselsheim am Main"

#: title, lead, body, captions, published, city
Inputs = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def _captions(page: Extracted) -> str | None:
    seen: list[str] = []
    for value in (t for img in page.images for t in (img.alt, img.caption)):
        value = (value or "").strip()
        if value and value not in seen:
            seen.append(value)
    return "\n".join(seen) or None


def _inputs(page: Extracted, city: str | None) -> Inputs:
    return page.title, page.lead, page.body, _captions(page), page.published, city


def bench_pages(hosts: int = 100, pages: int = 20) -> Iterator[tuple[str, Inputs]]:
    from bench.throughput import host_name, page_body

    headers = {"content-type": "text/html; charset=utf-8"}
    for h in range(hosts):
        host = host_name(h)
        for n in range(pages):
            url = f"http://{host}/presse/p{n}.html"
            yield url, _inputs(extract(url, page_body(host, n), headers), None)


def real_pages() -> Iterator[tuple[str, Inputs]]:
    from bench.german import HEADERS, available, load

    if not available(GERMAN_DIR):
        return
    for page in load(GERMAN_DIR):
        yield page.url, _inputs(extract(page.url, page.html, HEADERS), None)


def sample_pages() -> Iterator[tuple[str, Inputs]]:
    from crawler import sample_site
    from crawler.extract.profiles import BUILTIN_PROFILES
    from crawler.sample_site import families

    def html(response: Any) -> bool:
        return "html" in (getattr(response, "content_type", "") or "text/html")

    for path, response in sorted(sample_site.render_site(1).items()):
        if html(response):
            url = sample_site.CANONICAL_BASE + path
            headers = {"content-type": response.content_type}
            page = extract(url, response.body, headers, BUILTIN_PROFILES["sitepark"])
            yield url, _inputs(page, SAMPLE_CITY)
    for family in families.FAMILY_NAMES:
        host = families.family_module(family).HOSTS[0]
        for path, response in sorted(families.render_family(family).items()):
            if html(response):
                url = f"http://{host}{path}"
                headers = {"content-type": response.content_type}
                page = extract(url, response.body, headers, BUILTIN_PROFILES.get(family))
                yield url, _inputs(page, SAMPLE_CITY)


#: Pieces of the random pages of ``fuzz``: abbreviations, ordinals, quotes, line breaks, and
#: words each rule reads.
_PIECES = (
    'Dr. Prof. 12. 3. Str. z.B. ca. Nr. : „ " “ ! ? . , ( ) – Stadt Rathaus '
    "Oberbürgermeisterin Katrin Albers Jugendamt für Soziales und in Königstädten Waldstraße "
    "12 am Mainufer März 2026 um 18 Uhr 600.000 Euro € GmbH e.V. BfN das Bundesamt Naturschutz "
    "Hessen Hessens A6 Rüsselsheim Main Potsdam interkulturelle Öffnung Kitas Trotzdem Die der "
    "Amt Landrat Erste Stadträtin Sabine Kühn Ä Öl ÜBER x Frankfurter Straße Marktplatz Fest"
).split() + ["\n", "\n\n", " ", "  ", " \n "]


def fuzz_pages(count: int = 3000, seed: int = 1) -> Iterator[tuple[str, Inputs]]:
    """Random pages of :data:`_PIECES` (parts empty, padded, ending in an abbreviation…):
    only for ``--dump``, to compare two trees on cases the real pages seldom hold."""
    rng = random.Random(seed)

    def text(most: int) -> str:
        out = []
        for _ in range(rng.randrange(most)):
            out.append(rng.choice(_PIECES))
            if rng.random() < 0.6:
                out.append(" ")
        return "".join(out)

    for n in range(count):
        title, lead, captions = (
            text(12) if rng.random() < 0.9 else rng.choice([None, "", "  "]) for _ in range(3)
        )
        city = rng.choice([None, "Rüsselsheim am Main", "Potsdam"])
        yield f"fuzz/{n}", (title, lead, text(60), captions, "2026-03-01", city)


SETS: dict[str, Callable[[], Iterator[tuple[str, Inputs]]]] = {
    "bench": bench_pages,
    "real": real_pages,
    "sample": sample_pages,
    "fuzz": fuzz_pages,
}


def run_candidates(page: Inputs) -> list[Any]:
    title, lead, body, _captions, _published, _city = page
    return candidates(title, lead, body)


def run_entities(page: Inputs) -> list[Any]:
    title, lead, body, captions, published, city = page
    return entities(title, lead, body, captions=captions, city=city, published=published)


def run_both(page: Inputs) -> list[Any]:
    """What the topic index does per page: the candidates, then the entities."""
    return [run_candidates(page), run_entities(page)]


FUNCTIONS: dict[str, Callable[[Inputs], list[Any]]] = {
    "phrases.candidates": run_candidates,
    "entities.extract": run_entities,
    "both, per page": run_both,
}
#: what ``--dump`` writes (``both`` is the two together)
DUMPED = ("phrases.candidates", "entities.extract")


def _best(call: Callable[[Inputs], list[Any]], pages: list[Inputs], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for page in pages:
            call(page)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="bench,real,sample")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write every output to this file")
    args = parser.parse_args()
    names = [n for n in args.sets.split(",") if n]
    loaded = {name: list(SETS[name]()) for name in names}
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    print("| set | pages | function | pages/s | ms/page |")
    print("|---|---:|---|---:|---:|")
    for name in names:
        pages = [inputs for _url, inputs in loaded[name]]
        for label, call in FUNCTIONS.items():
            seconds = _best(call, pages, args.repeat)
            rate = len(pages) / seconds if seconds else 0.0
            ms = 1000 * seconds / len(pages) if pages else 0.0
            print(f"| {name} | {len(pages)} | {label} | {rate:,.0f} | {ms:.2f} |")
        if dump is not None:
            for url, inputs in loaded[name]:
                for label in DUMPED:
                    call = FUNCTIONS[label]
                    dump.write(f"{name}\t{url}\t{label}\t{call(inputs)!r}\n")
    if dump is not None:
        dump.close()


if __name__ == "__main__":
    main()
