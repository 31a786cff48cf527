"""``pressarchive sample-site`` on a port it cannot use: one line and exit 5 for a busy
port, a usage error (exit 2) for a port out of range (it used to end in a traceback:
``OverflowError: bind(): port must be 0-65535``, exit 70)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.errors import SampleSiteError
from crawler.sample_site import SampleSite


def test_busy_port_one_line_exit_5() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["sample-site", "--port", str(port)])
    assert result.exit_code == 5, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}: cannot serve the sample site" in lines[0]


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_port_out_of_range_is_a_usage_error(port: str) -> None:
    for args in (["sample-site", "--port", port], ["demo", "--print-config", "--port", port]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--port'" in result.output


@pytest.mark.parametrize("port", [99999, -1])
def test_sample_site_object_refuses_such_ports_as_sample_site_errors(port: int) -> None:
    with pytest.raises(SampleSiteError, match=f"127.0.0.1:{port}: cannot serve"):
        SampleSite(port=port)
