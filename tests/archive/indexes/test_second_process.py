"""A second interpreter of the project (archive/indexes/second_process.py): it imports the
project, reads its request from its arguments or stdin, and a failure names its exit code
and the last line it wrote to stderr."""

from __future__ import annotations

import pytest

from archive.indexes import second_process

ECHO = (
    "import sys, archive.indexes.second_process as p; "
    "sys.stdout.write(p.__name__ + ' ' + ' '.join(sys.argv[1:]) + ' ' + sys.stdin.read())"
)


def test_the_request_goes_in_by_arguments_and_stdin_and_the_answer_comes_back() -> None:
    proc = second_process.start(ECHO, ["a", "b"], request="über stdin".encode())
    assert second_process.output(proc).decode() == ("archive.indexes.second_process a b über stdin")
    without = second_process.start(ECHO, ["c"])  # no request: an empty stdin
    assert second_process.output(without).decode() == "archive.indexes.second_process c "


def test_a_failure_names_its_exit_code_and_last_line() -> None:
    proc = second_process.start("import sys; print('one', file=sys.stderr); sys.exit('two')")
    with pytest.raises(OSError, match="exit code 1: two"):
        second_process.output(proc)


def test_stop_ends_a_process_still_running() -> None:
    proc = second_process.start("import time; time.sleep(60)")
    second_process.stop(proc)
    assert proc.returncode is not None
    second_process.stop(proc)  # again: nothing to do
