"""Snippets: about twenty words of a hit with the query's matches marked ``[`` like ``this`` ``]``.

:class:`Highlighter` decides which words match a query the way ``pages_search`` does
(the word itself or an inflection scores 2, a compound that starts or ends with it 1);
:func:`make_snippet` picks the best window of the first text that scores highest.
"""

from __future__ import annotations

from itertools import accumulate
from operator import sub

from archive.indexes import german as german
from archive.search.query import parse_query

SNIPPET_TOKENS = 20
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "[", "]", "…"

# --------------------------------------------------------------------------- snippets


class Highlighter:
    """Decides which words of a text match a query (for snippets)."""

    #: Words remembered per highlighter (a page's words repeat across the hits).
    MEMO_SIZE = 50_000

    def __init__(self, text: str, *, exact: bool = False) -> None:
        self.exact = exact
        self._memo: dict[str, int] = {}
        self.stems: set[str] = set()
        self.parts: set[str] = set()
        self.prefixes: list[str] = []
        for op, term in parse_query(text):
            if op == "NOT":
                continue
            if term.prefix:
                self.prefixes.append(german.prefix(term.words[-1]))
                words = term.words[:-1]
            else:
                words = term.words
            for w in words:
                if exact:
                    self.stems.add(german.fold(w))
                    continue
                s = german.stem(w)
                self.stems.add(s)
                if len(term.words) == 1 and not term.exact and german.is_part_candidate(s):
                    self.parts.add(s)

    def __call__(self, word: str) -> int:
        """2 for the word itself (or a prefix match), 1 for a compound part, else 0."""
        hit = self._memo.get(word)
        if hit is None:
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[word] = self._score(word)
        return hit

    def _score(self, word: str) -> int:
        folded = german.fold(word)
        if any(folded.startswith(p) for p in self.prefixes):
            return 2
        if self.exact:
            return 2 if folded in self.stems else 0
        s = german.stem(word)
        if s in self.stems:
            return 2
        return int(any(german.matches_part(p, s) for p in self.parts))


def make_snippet(
    highlight: Highlighter, texts: list[str | None], tokens: int = SNIPPET_TOKENS
) -> str:
    """About ``tokens`` words with the matches in ``[…]``, from the text whose best window
    scores highest (the word itself 2, a compound part 1; earlier texts win ties)."""
    best: tuple[int, int, str, list[int]] | None = None
    memo = highlight._memo
    for text in texts:
        if not text:
            continue
        # Scores first (most words were seen in earlier hits); positions only for the
        # text that wins.
        words = german.WORD.findall(text)
        if not words:
            continue
        hits = [memo.get(w, -1) for w in words]
        if -1 in hits:
            hits = [highlight(w) if h < 0 else h for h, w in zip(hits, words, strict=True)]
        start, score = _best_start(hits, tokens)
        if best is None or score > best[0]:
            best = (score, start, text, hits)
    if best is None:
        return ""
    _score, start, text, hits = best
    spans = [(m.start(), m.end(), h) for m, h in zip(german.WORD.finditer(text), hits, strict=True)]
    return _window(text, spans, start, tokens)


def _best_start(hits: list[int], tokens: int) -> tuple[int, int]:
    """Start index and score of the best window of ``tokens`` words."""
    sums = [0, *accumulate(hits)]
    n = len(hits)
    if n <= tokens:
        return 0, sums[-1]
    window = list(map(sub, sums[tokens:], sums))
    best_score = max(window)
    return window.index(best_score), best_score


def _window(text: str, spans: list[tuple[int, int, int]], best: int, tokens: int) -> str:
    # Start a little before the first match so it is not the very first word.
    chosen = spans[best : best + tokens]
    first_hit = next((i for i, span in enumerate(chosen) if span[2]), 0)
    shift = max(0, min(first_hit - 3, len(spans) - best - tokens))
    chosen = spans[best + shift : best + shift + tokens]
    out = [ELLIPSIS if chosen[0][0] > 0 else ""]
    pos = chosen[0][0]
    for start, end, hit in chosen:
        out.append(text[pos:start])
        out.append(MARK_OPEN + text[start:end] + MARK_CLOSE if hit else text[start:end])
        pos = end
    if chosen[-1][1] < len(text.rstrip()):
        out.append(ELLIPSIS)
    return " ".join("".join(out).split())
