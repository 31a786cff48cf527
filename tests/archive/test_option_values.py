"""Date options are checked where they are parsed (issue 14): garbage, impossible days and
an explicitly empty value are InvalidValue, exit 2, one line naming the option and the
value — never "no bound" (``--since ''``) nor the latest version (``show --at garbage``) —
and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from tests.support.factories import archive_with, extracted

URL = "https://www.ruesselsheim.de/presse/lotsen.html"

CASES = [
    ["show", URL, "--at", "garbage"],
    ["show", URL, "--at", ""],
    ["show", URL, "--at", "2025-02-30"],
    ["search", "Lotsen", "--until", "2025-02-30"],
    ["search", "Lotsen", "--since", ""],
    ["search", "Lotsen", "--until", "  "],
    ["export", "--since", ""],
    ["export", "-o", "{out}", "--since", "2025-02-30"],
    ["graph", "central", "--at", ""],
    ["graph", "export", "-o", "{out}", "--at", "garbage"],
    ["graph", "render", "--out", "{out}.html", "--at", "2025-02-30"],
]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("values") / "archive.db"
    page = extracted(URL, title="Integrationslotsen", body="Lotsen", published="2025-02-01")
    return archive_with(path, [("ruesselsheim", page)])


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a[:1] + a[-2:]) or "empty")
def test_bad_or_empty_dates_exit_2_naming_option_and_value(
    archive_path: Path, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out"
    argv = [a.replace("{out}", str(out)) for a in args]
    result = CliRunner().invoke(cli, [*argv, "--db", str(archive_path)])
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert "\n" not in text and "Traceback" not in text, text
    option, value = args[-2], args[-1]
    assert f"{option} {value!r}" in text, text
    assert "Integrationslotsen" not in text  # the page is not shown
    assert list(tmp_path.iterdir()) == []
