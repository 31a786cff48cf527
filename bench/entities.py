"""Precision and recall of the entity rules (archive/indexes/topics/entities.py) per type,
against hand-written labels: ``bench/data/entity_labels.json`` (releases of the sample site,
the real seed release of Rüsselsheim; each with its text and the entities a reader finds).

Per release, the distinct values of each type are compared (people and money by value,
organisations and places by their stemmed words, so ``Interkulturellen Büro`` equals
``Interkulturelles Büro``; dates by ISO day). Roles are scored on the matched people
(office equal, case-folded) and amounts (the purpose shares a stemmed word with one of the
labelled purposes).

    .venv/bin/python bench/entities.py [--set sample|real] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.indexes.german import stem, words
from archive.indexes.topics.entities import KINDS, extract

LABELS = Path(__file__).with_name("data") / "entity_labels.json"


def _key(kind: str, value: str) -> str:
    if kind in ("organisation", "place"):
        return " ".join(stem(w) for w in words(value))
    return value.casefold()


def _stems(text: str | None) -> set[str]:
    return {stem(w) for w in words(text)} - {"und", "der", "die", "das"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("sample", "real"))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    items = [i for i in json.loads(LABELS.read_text()) if not args.set or i["set"] == args.set]
    tp = dict.fromkeys(KINDS, 0)
    fp = dict.fromkeys(KINDS, 0)
    fn = dict.fromkeys(KINDS, 0)
    roles = {"person": [0, 0], "money": [0, 0]}
    for item in items:
        found = extract(
            item["title"], item["lead"], item["body"], city=item["city"],
            published=item["published"],
        )  # fmt: skip
        for kind in KINDS:
            expected_raw = item["expected"][kind]
            expected: dict[str, object] = {}
            for e in expected_raw:
                value = e if isinstance(e, str) else e["value"]
                expected[_key(kind, value)] = e
            predicted: dict[str, object] = {}
            for e in found:
                if e.kind == kind:
                    predicted.setdefault(_key(kind, e.value), e)
            hits = expected.keys() & predicted.keys()
            tp[kind] += len(hits)
            fp[kind] += len(predicted.keys() - hits)
            fn[kind] += len(expected.keys() - hits)
            if args.verbose and (predicted.keys() != expected.keys()):
                print(f"{item['id']} {kind}: extra {sorted(predicted.keys() - hits)} "
                      f"missed {sorted(expected.keys() - hits)}")  # fmt: skip
            for key in hits:
                label, got = expected[key], predicted[key]
                if kind == "person":
                    assert isinstance(label, dict)
                    roles["person"][1] += 1
                    ok = (getattr(got, "role", None) or "").casefold() == label["role"].casefold()
                    roles["person"][0] += ok
                elif kind == "money":
                    assert isinstance(label, dict)
                    roles["money"][1] += 1
                    wanted = set().union(*(_stems(p) for p in label["purpose"]))
                    good = bool(_stems(getattr(got, "role", None)) & wanted)
                    roles["money"][0] += good
                    if args.verbose and not good:
                        print(f"{item['id']} purpose of {key}: {getattr(got, 'role', None)!r}")
    print(f"{len(items)} releases ({args.set or 'all'})")
    print(f"{'type':<14}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for kind in KINDS:
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 1.0
        print(f"{kind:<14}{p:>10.2f}{r:>8.2f}{tp[kind]:>5}{fp[kind]:>5}{fn[kind]:>5}")
    for kind, (ok, n) in roles.items():
        name = "office" if kind == "person" else "purpose"
        print(f"{kind} {name} correct: {ok}/{n}")


if __name__ == "__main__":
    main()
