"""archive.diffing: word-level segments that give both texts back and mark only what changed."""

from __future__ import annotations

import pytest

from archive.diffing import (
    DELETE,
    EQUAL,
    INSERT,
    changed,
    counts,
    new_text,
    old_text,
    paragraphs,
    tokens,
    word_diff,
)

PAIRS = [
    ("Die Stadt lädt ein.", "Die Stadt lädt herzlich ein."),
    ("Die Stadt lädt herzlich ein.", "Die Stadt lädt ein."),
    ("Termin am Montag.", "Termin am Dienstag."),
    ("Erster Absatz.\n\nZweiter Absatz.", "Erster Absatz.\n\nNeuer Absatz.\n\nZweiter Absatz."),
    ("", "Alles neu."),
    ("Alles weg.", ""),
    ("WIR-Koordination, 600.000 Euro", "WIR-Koordinierung, 650.000 Euro"),
    ("same", "same"),
]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_segments_give_both_texts_back(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert old_text(segments) == old
    assert new_text(segments) == new
    assert all(text for _op, text in segments)
    # no two neighbours of one kind
    assert all(a[0] != b[0] for a, b in zip(segments, segments[1:], strict=False))


def test_tokens_keep_whitespace_and_hyphenated_words() -> None:
    text = "Die WIR-Koordination  hilft.\n\nNeu"
    assert "".join(tokens(text)) == text
    assert "WIR-Koordination" in tokens(text)
    assert tokens(None) == []


def test_inserted_sentence_is_one_insertion() -> None:
    old = "Die Unterlagen kommen per Post. Bitte beachten Sie die Fristen."
    added = " Nach Redaktionsschluss verschiebt sich der Termin."
    new = old.replace("Post.", "Post." + added)
    segments = word_diff(old, new)
    inserts = [text for op, text in segments if op == INSERT]
    assert inserts == [added]
    assert not [text for op, text in segments if op == DELETE]
    assert counts(segments) == {"inserted": 6, "deleted": 0}


def test_replaced_word_is_a_deletion_then_an_insertion() -> None:
    segments = word_diff("Termin am Montag um 10 Uhr.", "Termin am Dienstag um 10 Uhr.")
    assert segments == [
        (EQUAL, "Termin am "),
        (DELETE, "Montag"),
        (INSERT, "Dienstag"),
        (EQUAL, " um 10 Uhr."),
    ]


def test_lone_space_between_changes_is_folded_in() -> None:
    segments = word_diff("alte Worte hier", "neue Begriffe hier")
    assert segments == [(DELETE, "alte Worte"), (INSERT, "neue Begriffe"), (EQUAL, " hier")]


def test_paragraphs_cut_at_blank_lines_inside_changes() -> None:
    old = "Eins.\n\nDrei."
    new = "Eins.\n\nZwei.\n\nDrei."
    paras = paragraphs(word_diff(old, new))
    assert [new_text(p) for p in paras] == ["Eins.", "Zwei.", "Drei."]
    assert paras[1] == [(INSERT, "Zwei.")]
    assert all(op == EQUAL for op, _ in paras[0] + paras[2])


def test_unchanged_and_whitespace_only_changes() -> None:
    assert not changed(word_diff("Gleicher Text", "Gleicher Text"))
    assert not changed(word_diff("Gleicher  Text", "Gleicher Text"))
    assert changed(word_diff("Gleicher Text", "Anderer Text"))
    assert word_diff(None, None) == []
