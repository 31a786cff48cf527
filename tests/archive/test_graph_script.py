"""The graph page's embedded JSON survives any title: ``</script>``, ``<!--<script>``,
``&``, U+2028 in a page title cannot end or re-mode the ``<script>`` element; the page is
parsed (no browser) and the element's text is exactly the JSON, which reads back the titles."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import sqlite_utils

from archive.graph.render import render
from tests.support.factories import archive_with, extracted

BASE = "https://www.stadt.test/presse/"
TITLES = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "Haushalt & Finanzen > 2024 <b>fett</b>",
    "Zeile\u2028Absatz\u2029Ende",
]


class _Scripts(HTMLParser):
    """Each <script> element's attributes and text, as an HTML parser splits them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def test_titles_cannot_break_the_embedded_json(tmp_path: Path) -> None:
    pages = [
        extracted(f"{BASE}{i}.html", title=title, label="Finanzen", body="Text",
                  related=[], published="2025-02-01")
        for i, title in enumerate(TITLES)
    ]  # fmt: skip
    path = archive_with(tmp_path / "a.db", [("stadt", p) for p in pages])
    out = tmp_path / "graph.html"
    db = sqlite_utils.Database(path)
    try:
        render(db, out)
    finally:
        db.close()
    page = out.read_text("utf-8")
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    data_scripts = [text for attrs, text in parser.scripts if attrs.get("id") == "graph-data"]
    assert len(data_scripts) == 1 and len(parser.scripts) == 2  # the data, then the code
    text = data_scripts[0]
    # nothing in the element can change how an HTML parser reads it
    assert not {"<", ">", "&", "\u2028", "\u2029"} & set(text)
    start = page.index('id="graph-data">') + len('id="graph-data">')
    assert page[start : start + len(text) + len("</script>")] == text + "</script>"
    titles = {node["title"] for node in json.loads(text)["nodes"]}
    assert set(TITLES) <= titles
