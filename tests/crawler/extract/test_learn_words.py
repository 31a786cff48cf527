"""The fast paths of learning site templates give exactly what the plain computation gives:
token F1 from remembered word counts (crawler/extract/learn_words.py, ``Doc.f1``) equals
the F1 of two fresh counters, and a template learned with every memo of
crawler/extract/learn_select.py is the one learned without them."""

from __future__ import annotations

import dataclasses
import random
import re
import sys
from typing import Any

import pytest
from lxml import etree

from bench.scoring import sample_cases
from crawler.dates import parse_any_date, parse_german_date
from crawler.extract import learn as learn_module
from crawler.extract import learn_select, learn_targets
from crawler.extract.body import body_blocks
from crawler.extract.core import extract, extract_parsed, parse_markup
from crawler.extract.index import PageIndex
from crawler.extract.learn import learn_template
from crawler.extract.learn_select import Doc
from crawler.extract.learn_words import token_f1, tokens, word_count, words, words_f1
from crawler.extract.profiles import select
from crawler.extract.text import element_text

#: words with upper case, umlauts, digits, an ``İ`` (two characters lower-cased),
#: punctuation, underscores, a no-break space (whitespace), a zero-width space (not
#: whitespace, not a word character), superscripts and Roman numerals (numeric), so that
#: counts, case and splitting all matter
VOCABULARY = (
    "Stadt stadt STADT Rathaus rathaus Bürger BÜRGER bürger Straße 2024 12,5 İstanbul "
    "a A _x x_ a_b - – , . ; ! Ölpreis ölpreis e-mail E-Mail „Zitat“ m² Ⅻ x\u00a0y "
    "x\u200by (Klammer) 3½"
).split()


def _random_text(rng: random.Random) -> str:
    n = rng.choice((0, 0, 1, 2, 5, 20, 80))
    return rng.choice((" ", "\n", "")).join(rng.choice(VOCABULARY) for _ in range(n))


def _bodies() -> list[str]:
    cases = sorted(sample_cases(["sitepark", "typo3"]), key=lambda c: c.url)[:40]
    return [extract(c.url, c.body, c.headers).body or "" for c in cases]


def test_f1_from_word_counts_is_the_plain_token_f1_on_random_texts() -> None:
    rng = random.Random(17)
    for _ in range(3000):
        a, b = _random_text(rng), _random_text(rng)
        assert words_f1(words(a), words(b)) == token_f1(a, b), (a, b)
        assert words(a).total == sum(tokens(a).values())


def test_f1_from_word_counts_is_the_plain_token_f1_on_real_bodies() -> None:
    bodies = _bodies()
    assert len(set(bodies)) > 10
    doc = Doc("http://example.test/", None, None)  # type: ignore[arg-type]
    for want in bodies:
        for got in bodies:
            plain = token_f1(want, got)
            assert doc.f1(want, got) == plain
            assert words_f1(words(want), words(got)) == plain
    assert doc.f1(None, bodies[0]) == token_f1(None, bodies[0]) == 0.0


def test_no_whitespace_is_a_word_character_and_word_characters_are_alphanumeric() -> None:
    """What :func:`crawler.extract.learn_words._runs` rests on, for every code point."""
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        is_word = word.match(char) is not None
        assert is_word == (char.isalnum() or char == "_"), hex(code)
        if is_word:
            assert len(f"a{char}a".split()) == 1, hex(code)


def test_words_and_word_count_are_the_regex_matches() -> None:
    rng = random.Random(27)
    texts = [_random_text(rng) for _ in range(3000)] + _bodies()
    for text in texts:
        assert word_count(text) == len(re.findall(r"\w+", text)), text
        assert words(text).counts == tokens(text), text
        assert words(text).total == sum(tokens(text).values())


def test_word_count_counts_the_words_as_written() -> None:
    assert word_count("İstanbul") == 1
    assert sum(tokens("İstanbul").values()) == 2  # lower-cased: i, combining dot, stanbul


def _without_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every selector matched by cssselect's XPath (no page index), every element's text
    read afresh (not the index's memo, which the page's extractions filled), every value read
    afresh, every F1 from fresh counters, every link resolved again."""
    monkeypatch.setattr(Doc, "select", lambda self, selector: select(self.root, selector))
    monkeypatch.setattr(Doc, "text", lambda self, el: element_text(el))
    monkeypatch.setattr(
        learn_select,
        "_value",
        lambda name, doc, selector, ref: learn_select._read(name, doc, doc.select(selector), ref),
    )
    monkeypatch.setattr(Doc, "f1", lambda self, want, got: token_f1(want, got))
    monkeypatch.setattr(Doc, "blocks", lambda self, el: body_blocks(el, set(), self.resolve)[0])
    monkeypatch.setattr(Doc, "words", lambda self, text: words(text))
    monkeypatch.setattr(Doc, "date", _plain_date)
    monkeypatch.setattr(
        Doc,
        "resolve",
        lambda self, href: learn_select.urljoin(self.url, href.strip()) if href else None,
    )


def _plain_date(doc: Doc, el: Any, attribute: bool) -> str | None:
    """``Doc.date`` read afresh: every element at or under ``el`` asked for its attributes."""
    if not attribute:
        return parse_german_date(element_text(el))
    for node in el.iter():
        raw = node.get("datetime") or node.get("content")
        value = parse_any_date(raw) if raw else None
        if value:
            return value
    return None


def _learned(family: str) -> dict[str, Any]:
    cases = sorted((c for c in sample_cases([family]) if c.edition == 1), key=lambda c: c.url)
    learned = learn_template([(c.url, c.body, c.headers) for c in cases[:10]])
    return {"profile": dataclasses.asdict(learned.profile), **learned.stats_json()}


@pytest.mark.parametrize("family", ["typo3", "wordpress", "drupal"])
def test_a_template_learned_with_the_memos_is_the_one_learned_without(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _learned(family)
    with monkeypatch.context() as patched:
        _without_memos(patched)
        plain = _learned(family)
    assert fast == plain


@pytest.mark.parametrize("family", ["typo3", "tablesite", "contao"])
def test_the_page_index_matches_what_xpath_matches_for_every_selector_learning_reads(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed = Doc.select
    asked: list[str] = []

    def both(self: Doc, selector: str) -> list[Any]:
        found = indexed(self, selector)
        assert found == select(self.root, selector), selector
        asked.append(selector)
        return found

    monkeypatch.setattr(Doc, "select", both)
    _learned(family)
    assert len(set(asked)) > 30
    assert any("," in s for s in asked) and any("[" in s for s in asked)


def test_extracting_a_parsed_page_leaves_its_tree_as_it_was() -> None:
    """The learner extracts each page's one tree twice (generically, then with the learned
    profile) with one index, and reads both between: extraction must change neither, and
    give what a fresh extraction of the bytes gives."""
    learning = sorted(sample_cases(["typo3"]), key=lambda c: c.url)[:10]
    profile = learn_template([(c.url, c.body, c.headers) for c in learning]).profile
    assert profile.title and profile.body
    cases = sample_cases(["sitepark", "typo3", "wordpress", "tablesite"])
    for case in cases:
        parsed = parse_markup(case.body, case.headers)
        assert parsed is not None
        before = etree.tostring(parsed[1])
        index = PageIndex(parsed[1])
        for with_profile in (None, profile, None):
            got = extract_parsed(case.url, *parsed, with_profile, index)
            assert got == extract(case.url, case.body, case.headers, with_profile), case.url
            assert etree.tostring(parsed[1]) == before, case.url


def _plain_targets(name: str, doc: Doc, ref: Any) -> list[Any]:
    """The body's and the date's target elements, computed as first written."""
    elements = [el for el in doc.root.iter() if isinstance(el.tag, str)]
    if name == "body":
        size = sum(tokens(ref).values())
        return [
            el
            for el in elements
            if el.tag not in ("html", "body")
            and size / 2 <= len(re.findall(r"\w+", element_text(el))) <= size * 2
            and token_f1(ref, element_text(el)) >= learn_select.BODY_AGREES
        ]
    return [
        el
        for el in elements
        if parse_any_date(el.get("datetime") or el.get("content") or "") == ref
        or (len(element_text(el)) < 60 and parse_german_date(element_text(el)) == ref)
    ]


@pytest.mark.parametrize("family", ["sitepark", "typo3", "wordpress", "tablesite", "gsb"])
def test_body_and_date_targets_are_the_plain_ones(family: str) -> None:
    cases = sorted((c for c in sample_cases([family]) if c.edition == 1), key=lambda c: c.url)
    docs = learn_module._docs([(c.url, c.body, c.headers) for c in cases[:10]])
    refs = learn_module._references(docs)
    found = 0
    for name in ("body", "date"):
        for doc, ref in zip(docs, refs[name], strict=True):
            if ref:
                targets = learn_targets.targets(name, doc, ref)
                assert targets == _plain_targets(name, doc, ref), (name, doc.url)
                found += len(targets)
    assert found >= len(docs)


TRICKY = (
    "<html><body><div class='a'>Ein<!-- c -->s <b>zwei</b>\u00ad drei<br>vier"
    "<script>x()</script><style>p{}</style><p>f\u00fcnf\u00a0 sechs</p>tail"
    "<ul><li>sie<i>ben</i></li><li> acht </li></ul><?pi x?>neun</div>"
    "<h1>Titel <span class='label'>Pressemitteilung</span></h1></body></html>"
)


def _roots() -> list[Any]:
    cases = [c for c in sample_cases(["typo3", "wordpress", "tablesite"]) if c.edition == 1]
    roots = [parse_markup(c.body, c.headers)[1] for c in cases[:12]]
    return [etree.HTML(TRICKY), *roots]


def test_every_text_read_at_once_is_the_elements_own() -> None:
    """``PageIndex.texts`` (one walk of the page, as learning reads it) gives every
    element the text ``element_text`` reads from it alone, also after some were read one
    by one."""
    for root in _roots():
        index = PageIndex(root)
        elements = [el for el in root.iter() if isinstance(el.tag, str)]
        for el in elements[::7]:
            index.text(el)
        texts = index.texts()
        for el in elements:
            assert texts[el] == element_text(el), etree.tostring(el)[:80]


def _plain_title_value(doc: Doc, els: list[Any], ref: str | None) -> str | None:
    """``learn_select.title_value`` without its length test: every child taken out."""
    for el in els:
        text = element_text(el)
        if not text:
            continue
        if ref and text != ref:
            for child in el.iterdescendants():
                inner = element_text(child)
                if inner and learn_select.norm(text.replace(inner, "", 1)) == ref:
                    return ref
        return text
    return None


def test_a_title_read_with_the_length_test_is_the_plain_one() -> None:
    """The title's reading skips a child whose text is not of the one length that could
    leave the reference: the same value as taking every child out, for every element of
    the pages as the title and every reference a child leaves (and some it does not)."""
    rng = random.Random(7)
    checked = hits = 0
    for root in _roots():
        doc = Doc("http://example.test/", root, None)  # type: ignore[arg-type]
        elements = [el for el in root.iter() if isinstance(el.tag, str)]
        for el in elements:
            text = element_text(el)
            refs = {None, "", text, text[:-1], text + " x"}
            for child in list(el.iterdescendants())[:6]:
                inner = element_text(child)
                if inner:
                    left = learn_select.norm(text.replace(inner, "", 1))
                    refs |= {left, left + " ", left[1:], f"{left}{rng.choice('ab ')}"}
            for ref in refs:
                plain = _plain_title_value(doc, [el], ref)
                assert learn_select.title_value(doc, [el], ref) == plain, (text, ref)
                checked += 1
                hits += plain == ref and text != ref
    assert checked > 1000 and hits > 20


DATED = (
    "<html><head><meta name='date' content='2024-03-08'><meta name='x' content='kein Datum'>"
    "</head><body><div class='a'><span content=''>leer</span><p>am 3. Mai 2023</p>"
    "<time datetime='2023-05-04T10:00'>4. Mai</time><i content='2022-01-02'>x</i></div>"
    "<div><b datetime='nie'>Stand: 12.10.2021</b></div></body></html>"
)


def test_the_dates_read_once_per_element_are_the_plain_ones() -> None:
    """``Doc.date`` (libxml2 finds the attributes, each element read once) gives what asking
    every element at or under it gives, for every element of the pages, both ways, asked
    twice (the second from the memo)."""
    found = 0
    for root in [etree.HTML(DATED), *_roots()]:
        doc = Doc("http://example.test/", root, None)  # type: ignore[arg-type]
        for el in [el for el in root.iter() if isinstance(el.tag, str)] * 2:
            for attribute in (True, False):
                plain = _plain_date(doc, el, attribute)
                assert doc.date(el, attribute) == plain, (etree.tostring(el)[:80], attribute)
                found += plain is not None
    assert found > 50
