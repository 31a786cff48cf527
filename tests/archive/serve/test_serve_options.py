"""``pressarchive serve`` options that are refused before Datasette starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.store.schema import open_archive


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json: [", "--metadata"), ("- a\n- list\n", "not a JSON/YAML object")],
)
def test_unreadable_metadata_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    db = tmp_path / "archive.db"
    open_archive(db).close()
    meta = tmp_path / "meta.yml"
    meta.write_text(text)
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(db), "--port", "0", "--metadata", str(meta)]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_help_shows_the_pass_through_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    for option in (
        "--setting NAME VALUE",
        "--metadata",
        "--plugins-dir",
        "--template-dir",
        "--cors",
    ):
        assert option in result.output
    assert "/-/search.json" in result.output
