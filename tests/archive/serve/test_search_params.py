"""``/-/search`` pieces without a server: parameters and marked snippets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.search.engine import Highlighter
from archive.serve.search_page import BadParameter, SearchTimeout, mark, parse_params, run_search
from crawler.records import Extracted
from tests.support.factories import archive_with


def test_parameters_map_to_the_engine_filters() -> None:
    params = parse_params(
        {"q": " Kita ", "type": "notice", "since": "2025-01-01", "sort": "oldest", "page": "3"},
        fmt="json",
    )
    assert params["q"] == "Kita" and params["sort"] == "oldest" and params["page"] == 3
    assert params["size"] == 20
    assert params["filters"] == {
        "source": None, "label": None, "page_type": "notice", "status": "all",
        "since": "2025-01-01", "until": None,
    }  # fmt: skip
    assert parse_params({"q": "x"}, fmt="csv")["size"] == 1000


@pytest.mark.parametrize(
    ("args", "parameter"),
    [({"sort": "rank"}, "sort"), ({"since": "2025-02-30"}, "since"), ({"size": "1001"}, "size"),
     ({"page": "0"}, "page"), ({"status": "deleted"}, "status")],
)  # fmt: skip
def test_bad_parameters_are_named(args: dict[str, str], parameter: str) -> None:
    with pytest.raises(BadParameter) as info:
        parse_params({"q": "Kita", **args}, fmt="json")
    assert info.value.parameter == parameter


def test_marks_become_mark_elements_and_text_stays_escaped() -> None:
    highlight = Highlighter("Lotsen")
    html = mark("Die [Integrationslotsen] <b>helfen</b> [siehe Anlage] & [Lotsen]", highlight)
    assert str(html) == (
        "Die <mark>Integrationslotsen</mark> &lt;b&gt;helfen&lt;/b&gt; [siehe Anlage] &amp; "
        "<mark>Lotsen</mark>"
    )


def test_a_search_over_the_time_limit_is_stopped(tmp_path: Path) -> None:
    pages = [
        Extracted(url=f"https://www.stadt.de/presse/{i}.html", page_type="press_release",
                  title=f"Haushalt {i}", body="Der Haushalt der Stadt.")
        for i in range(30)
    ]  # fmt: skip
    path = archive_with(tmp_path / "archive.db", [("stadt", page) for page in pages])
    conn = sqlite3.connect(path)
    params = parse_params({"q": "Haushalt", "size": "5"}, fmt="json")
    found = run_search(conn, params, with_facets=True, limit_ms=5000)
    assert found["count"] == 30 and len(found["hits"]) == 5
    assert found["facets"]["source"] == [{"value": "stadt", "count": 30}]
    with pytest.raises(SearchTimeout, match="longer than 0 ms"):
        run_search(conn, params, with_facets=True, limit_ms=0)
    conn.close()
