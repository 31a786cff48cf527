"""archive.serve.release_data without a server: body blocks and the media lookup."""

from __future__ import annotations

import sqlite3

from archive.serve.release_data import HEADING_MAX, archived_media, body_blocks, reader
from crawler.sample_site import ground_truth
from crawler.sample_site.render import CANONICAL_BASE, load_content

#: the ``media`` table of the media archiving (issue 15, item 3)
MEDIA_SQL = """CREATE TABLE media (url TEXT PRIMARY KEY, source TEXT, kind TEXT, status INTEGER,
  content_type TEXT, length INTEGER, digest TEXT, warc_file TEXT, warc_offset INTEGER,
  fetched_at TEXT, error TEXT)"""
#: sample-site blocks a reader sees as subheadings: headings and bold-only paragraphs
HEADING_BLOCKS = {"h2", "h3", "strong"}


def kinds(text: str) -> list[str]:
    return [b["kind"] for b in body_blocks(text)]


def test_short_unpunctuated_block_before_text_is_a_subheading() -> None:
    text = "Erster Absatz mit Text.\n\nHintergrund: das Programm\n\nDer Text dazu folgt hier."
    assert kinds(text) == ["p", "h", "p"]
    assert body_blocks(text)[1]["lines"] == ["Hintergrund: das Programm"]


def test_subheadings_of_the_whole_sample_site() -> None:
    """Every sample page whose stored body has its markup's blocks: no paragraph or list
    item is shown as a subheading, and most subheadings are found."""
    truth = ground_truth(1)
    found = missed = wrong = 0
    for spec in load_content()["pages"]:
        expected = truth.get(CANONICAL_BASE + spec["path"])
        blocks = body_blocks(expected["body"]) if expected else []
        if not spec.get("blocks") or len(blocks) != len(spec["blocks"]):
            continue
        for block, (tag, _text) in zip(blocks, spec["blocks"], strict=True):
            heading = tag in HEADING_BLOCKS
            found += heading and block["kind"] == "h"
            missed += heading and block["kind"] != "h"
            wrong += not heading and block["kind"] == "h"
    assert wrong == 0
    assert found >= 0.85 * (found + missed) and found > 30


def test_sentences_lists_and_last_blocks_stay_paragraphs() -> None:
    assert kinds("Kurz.\n\nMehr Text folgt.") == ["p", "p"]  # ends with a sentence mark
    assert kinds("Eins\n\nZwei\n\nDrei\n\nDanach kommt Text.") == ["p", "p", "p", "p"]  # a list
    assert kinds("Text davor.\n\nSchluss ohne Punkt") == ["p", "p"]  # nothing follows
    long_line = "Wort " * (HEADING_MAX // 5 + 1)
    assert kinds(f"{long_line.strip()}\n\nText.") == ["p", "p"]


def test_single_line_breaks_are_kept_as_lines() -> None:
    [block] = body_blocks("Adresse:\nMarktplatz 4\n65428 Rüsselsheim")
    assert block == {"kind": "p", "lines": ["Adresse:", "Marktplatz 4", "65428 Rüsselsheim"]}
    assert body_blocks(None) == [] and body_blocks("\n\n  \n\n") == []


def test_media_counts_only_captured_rows() -> None:
    conn = sqlite3.connect(":memory:")
    db = reader(conn)
    assert archived_media(db, ["http://x.test/a.jpg"]) == set()  # no media table yet
    conn.execute(MEDIA_SQL)
    conn.executemany(
        "INSERT INTO media (url, warc_file) VALUES (?, ?)",
        [("http://x.test/a.jpg", "m.warc.gz"), ("http://x.test/b.jpg", None)],
    )
    urls = ["http://x.test/a.jpg", "http://x.test/b.jpg", "http://x.test/c.jpg"]
    assert archived_media(db, urls) == {"http://x.test/a.jpg"}
    assert archived_media(db, []) == set()
