"""Precision and recall of the entity rules (archive/indexes/topics/entities.py) per type,
against hand-written labels: ``bench/data/entity_labels.json`` (releases of the sample site,
the real seed release of Rüsselsheim; each with its text and the entities a reader finds).

Per release, the distinct values of each type are compared (people and money by value,
organisations and places by their stemmed words, so ``Interkulturellen Büro`` equals
``Interkulturelles Büro``; dates by ISO day). Roles are scored on the matched people
(office equal, case-folded) and amounts (the purpose shares a stemmed word with one of the
labelled purposes).

    .venv/bin/python bench/entities.py [--set sample|real|heldout] [--verbose] [--baseline]

``--baseline`` scores naive rules instead, in the same run, as the floor: people = two or
more capitalised words in a row that are no stopwords; organisations = any capitalised
word ending in an organisation head; places = the capitalised word after ``in``; money =
the rules' amounts without purpose; dates = the first German date of each sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.indexes.german import stem, words
from archive.indexes.topics import vocabulary as v
from archive.indexes.topics.entities import KINDS, Entity, extract
from archive.indexes.topics.text import page_text, sentences
from crawler.dates import parse_german_date

LABELS = Path(__file__).with_name("data") / "entity_labels.json"


def _key(kind: str, value: str) -> str:
    if kind in ("organisation", "place"):
        return " ".join(stem(w) for w in words(value))
    return value.casefold()


def _stems(text: str | None) -> set[str]:
    return {stem(w) for w in words(text)} - {"und", "der", "die", "das"}


def baseline(title: str, lead: str | None, body: str | None, **_: object) -> list[Entity]:
    """The naive rules of ``--baseline``."""
    out = [replace(e, role=None) for e in extract(title, lead, body) if e.kind == "amount"]
    for s in sentences(page_text(title, lead, body)):
        toks, run = s.tokens, []
        for i, t in enumerate([*toks, None]):
            if t is not None and t.capitalised and t.text.casefold() not in v.STOP_FOLDED:
                run.append(t)
                continue
            if len(run) >= 2:
                name = " ".join(x.text for x in run)
                out.append(Entity("person", name, name, None, s.text, run[0].start))
            run = []
            if t is None:
                break
            if t.capitalised and t.text.casefold().endswith(v.ORG_HEADS):
                out.append(Entity("organisation", t.text, t.text, None, s.text, t.start))
            if t.text == "in" and i + 1 < len(toks) and toks[i + 1].capitalised:
                n = toks[i + 1]
                out.append(Entity("place", n.text, n.text, None, s.text, n.start))
        day = parse_german_date(s.text)
        if day:
            out.append(Entity("date", day, day, None, s.text, s.start))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("sample", "real", "heldout"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--baseline", action="store_true", help="score the naive rules")
    args = parser.parse_args()
    items = [i for i in json.loads(LABELS.read_text()) if not args.set or i["set"] == args.set]
    tp = dict.fromkeys(KINDS, 0)
    fp = dict.fromkeys(KINDS, 0)
    fn = dict.fromkeys(KINDS, 0)
    roles = {"person": [0, 0], "amount": [0, 0]}
    for item in items:
        rules = baseline if args.baseline else extract
        found = rules(
            item["title"], item["lead"], item["body"], captions=item.get("captions"),
            city=item["city"],
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
                elif kind == "amount":
                    assert isinstance(label, dict)
                    roles["amount"][1] += 1
                    wanted = set().union(*(_stems(p) for p in label["purpose"]))
                    good = bool(_stems(getattr(got, "role", None)) & wanted)
                    roles["amount"][0] += good
                    if args.verbose and not good:
                        print(f"{item['id']} purpose of {key}: {getattr(got, 'role', None)!r}")
    rules_name = "baseline" if args.baseline else "rules"
    print(f"{len(items)} releases ({args.set or 'all'}), {rules_name}")
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
