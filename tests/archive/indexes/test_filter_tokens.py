"""Filter tokens: every page has five, and the narrowing expression follows the filters."""

from __future__ import annotations

from archive.indexes import filter_tokens as filter_tokens


def test_every_page_has_five_tokens() -> None:
    full = filter_tokens.tokens(
        {"source": "rüsselsheim am main", "page_type": "press_release", "label": "Soziales",
         "published": "2024-05-01", "image_count": 2}
    )  # fmt: skip
    empty = filter_tokens.tokens({})
    assert len(full.split()) == len(empty.split()) == 5
    assert "fy2024" in full.split() and "fi1" in full.split()
    assert empty.split() == ["fsnone", "ftnone", "flnone", "fynone", "fi0"]
    # Any value is one token of letters and digits (the FTS tokenizer keeps it whole).
    assert all(t.isalnum() for t in full.split())


def test_narrowing_expressions() -> None:
    assert filter_tokens.narrowing() is None
    source = filter_tokens.narrowing(source="a b-c")
    assert source is not None and source.startswith('filters : "fs')
    years = filter_tokens.narrowing(since="2023-06-01", years=(2015, 2025))
    assert years == "filters : (fy2023 OR fy2024 OR fy2025)"
    assert filter_tokens.narrowing(until="2016-02-01", years=(2015, 2025)) == (
        "filters : (fy2015 OR fy2016)"
    )
    assert filter_tokens.narrowing(since="2030-01-01", years=(2015, 2025)) == 'filters : ""'
    assert filter_tokens.narrowing(since="2030-01-01") is None  # no pages with dates
    assert filter_tokens.narrowing(has_images=False) == "filters : fi0"
    wide = filter_tokens.narrowing(since="1000-01-01", years=(1000, 2025))
    assert wide is None  # too many years: left to SQL
