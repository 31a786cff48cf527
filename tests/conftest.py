"""Fixtures every test folder may use; the helpers behind them are in ``tests/support/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from archive.store.schema import open_archive


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """An empty archive (schema created) in ``tmp_path``; modules that need pages in it
    override this fixture with their own ``db``."""
    database = open_archive(tmp_path / "archive.db")
    yield database
    database.close()
