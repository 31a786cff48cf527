"""``pressarchive`` in this process (click's runner); ``processes`` runs it in a subprocess."""

from __future__ import annotations

from click.testing import CliRunner, Result

from archive.cli.main import cli


def invoke(*args: str) -> Result:
    """Run ``pressarchive ARGS...``; it must exit 0 (exceptions propagate)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result
