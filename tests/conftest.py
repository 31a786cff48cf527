"""Fixtures every test folder may use; the helpers behind them are in ``tests/support/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from archive.store.schema import open_archive
from crawler.sample_site import SampleSite


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """An empty archive (schema created) in ``tmp_path``; modules that need pages in it
    override this fixture with their own ``db``."""
    database = open_archive(tmp_path / "archive.db")
    yield database
    database.close()


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    """The sample site (edition 1) on loopback, one per test module; modules that change
    its edition or need a fresh one per test define their own ``site``."""
    with SampleSite(edition=1, crawl_delay="0.05") as running:
        yield running
