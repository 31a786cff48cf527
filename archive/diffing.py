"""Word-level differences between two texts, as a tracked-changes view shows them.

Pure functions, no database: :func:`word_diff` splits both texts into words, punctuation
marks and the whitespace between them (whitespace is kept, so the pieces joined give the
texts back), aligns them with :class:`difflib.SequenceMatcher` and returns *segments*
``(op, text)`` with ``op`` one of ``"equal"``, ``"delete"``, ``"insert"``. Joining the
``equal`` and ``delete`` segments gives the old text, ``equal`` and ``insert`` the new one.

A lone space (or punctuation mark) left equal between two changes is folded into them: a
rewritten sentence reads as one deletion and one insertion, not as a word salad.

:func:`paragraphs` cuts segments at blank lines (``"\\n\\n"``, how a body stores its
paragraphs and subheadings) for display; :func:`counts` sums the inserted and deleted words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
Segment = tuple[str, str]

#: a word (letters/digits, joined by hyphens or apostrophes: "WIR-Koordination", "geht's"),
#: a run of whitespace, or any other single character
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|\s+|[^\w\s]")
_WORD = re.compile(r"\w")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
#: an equal stretch this short and without a word is folded into the changes around it
_GLUE = 3
_SENTENCE_END = re.compile(r"[.!?:;…\"“”»)]$")


def tokens(text: str | None) -> list[str]:
    """``text`` as words, whitespace runs and other characters (joined: ``text``)."""
    return _TOKEN.findall(text or "")


def _merge(segments: Iterable[Segment]) -> list[Segment]:
    """Adjacent segments of one kind joined; empty ones dropped."""
    out: list[Segment] = []
    for op, text in segments:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def _glued(segments: list[Segment]) -> list[Segment]:
    """Fold short word-less equal stretches lying between two changes into the changes."""
    out: list[Segment] = []
    for i, (op, text) in enumerate(segments):
        between = 0 < i < len(segments) - 1
        if op == EQUAL and between and len(text) <= _GLUE and not _WORD.search(text):
            if "\n\n" not in text:  # a paragraph break stays a break
                out.extend([(DELETE, text), (INSERT, text)])
                continue
        out.append((op, text))
    # deletions before insertions inside each run of changes
    result: list[Segment] = []
    run: list[Segment] = []
    for seg in [*out, (EQUAL, "")]:
        if seg[0] == EQUAL:
            result.extend(s for s in run if s[0] == DELETE)
            result.extend(s for s in run if s[0] == INSERT)
            run = []
            result.append(seg)
        else:
            run.append(seg)
    return _merge(result)


def _boundary(left: str, right: str) -> int:
    """How natural a cut between ``left`` and ``right`` is (higher: better)."""
    if not left or not right:
        return 6
    if left.endswith("\n\n") or right.startswith("\n\n"):
        return 5
    if left.endswith("\n") or right.startswith("\n"):
        return 4
    if _SENTENCE_END.search(left) and right[0].isspace():
        return 3
    if left[-1].isspace() or right[0].isspace():
        return 2
    if not _WORD.match(left[-1]) or not _WORD.match(right[0]):
        return 1
    return 0


def _slide(left: list[str], change: list[str], right: list[str]) -> int:
    """How far to move ``change`` (an insertion or deletion between two equal stretches)
    to the right (negative: left) so that it starts and ends at the most natural cuts."""
    lo = 0
    while lo < len(left) and lo < len(change) and left[-1 - lo] == change[-1 - lo]:
        lo += 1
    hi = 0
    while hi < len(right) and hi < len(change) and right[hi] == change[hi]:
        hi += 1
    best, best_score = 0, -1
    for shift in range(-lo, hi + 1):
        new_left, new_change, new_right = _shifted(left, change, right, shift)
        cut = "".join(new_change)
        score = _boundary("".join(new_left[-3:]), cut) + _boundary(cut, "".join(new_right[:3]))
        if score > best_score or (score == best_score and abs(shift) < abs(best)):
            best, best_score = shift, score
    return best


def _shifted(
    left: list[str], change: list[str], right: list[str], shift: int
) -> tuple[list[str], list[str], list[str]]:
    """The three stretches after moving ``change`` by ``shift`` tokens (see :func:`_slide`)."""
    if shift < 0:
        return left[:shift], change[shift:] + change[:shift], change[shift:] + right
    if shift > 0:
        return left + change[:shift], change[shift:] + change[:shift], right[shift:]
    return left, change, right


def _aligned(ops: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Each lone insertion or deletion between two equal stretches moved to natural cuts."""
    for i in range(1, len(ops) - 1):
        (lop, left), (op, change), (rop, right) = ops[i - 1], ops[i], ops[i + 1]
        if lop != EQUAL or rop != EQUAL or op == EQUAL or not change:
            continue
        shift = _slide(left, change, right)
        if shift:
            new_left, new_change, new_right = _shifted(left, change, right, shift)
            ops[i - 1], ops[i], ops[i + 1] = (EQUAL, new_left), (op, new_change), (EQUAL, new_right)
    return ops


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """The segments turning ``old`` into ``new`` (module docstring); ``None`` is ``""``."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops: list[tuple[str, list[str]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((EQUAL, a[i1:i2]))
            continue
        if i2 > i1:
            ops.append((DELETE, a[i1:i2]))
        if j2 > j1:
            ops.append((INSERT, b[j1:j2]))
    raw = [(op, "".join(toks)) for op, toks in _aligned(ops)]
    return _glued(_merge(raw))


def changed(segments: Iterable[Segment]) -> bool:
    """Whether any segment inserts or deletes more than whitespace."""
    return any(op != EQUAL and text.strip() for op, text in segments)


def paragraphs(segments: Iterable[Segment]) -> list[list[Segment]]:
    """The segments cut into paragraphs at blank lines (a break inside an insertion or
    deletion cuts it too); paragraphs with no visible text are dropped."""
    out: list[list[Segment]] = [[]]
    for op, text in segments:
        pieces = _PARAGRAPH_BREAK.split(text)
        for n, piece in enumerate(pieces):
            if n:
                out.append([])
            if piece:
                out[-1].append((op, piece))
    return [p for p in out if any(text.strip() for _op, text in p)]


def counts(segments: Iterable[Segment]) -> dict[str, int]:
    """``{"inserted": N, "deleted": M}``: the words inserted and deleted."""
    total = {"inserted": 0, "deleted": 0}
    for op, text in segments:
        words = sum(1 for t in tokens(text) if _WORD.search(t))
        if op == INSERT:
            total["inserted"] += words
        elif op == DELETE:
            total["deleted"] += words
    return total


def inline(segments: Iterable[Segment]) -> str:
    """The segments as plain text, ``[-deleted-]`` and ``{+inserted+}`` (as ``git diff
    --word-diff`` marks them)."""
    marks = {EQUAL: "{}", DELETE: "[-{}-]", INSERT: "{{+{}+}}"}
    return "".join(marks[op].format(text) for op, text in segments)


def old_text(segments: Iterable[Segment]) -> str:
    return "".join(text for op, text in segments if op != INSERT)


def new_text(segments: Iterable[Segment]) -> str:
    return "".join(text for op, text in segments if op != DELETE)


__all__ = [
    "DELETE",
    "EQUAL",
    "INSERT",
    "Segment",
    "changed",
    "counts",
    "inline",
    "new_text",
    "old_text",
    "paragraphs",
    "tokens",
    "word_diff",
]
