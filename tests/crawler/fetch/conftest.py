"""Every fetch test runs on both connection layers under httpx (``crawler.http_client``):
aiohttp's (the default, ``crawler.fetch.aio``) and httpx's own (``crawler.fetch.transports``).
Tests that pass their own transport (``httpx.MockTransport``) run the same twice."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from crawler.fetch.fetcher import Fetcher


@pytest.fixture(autouse=True, params=["aiohttp", "httpx"])
def http_client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    original = Fetcher.__init__

    def init(self: Fetcher, crawler: Any, source: Any, **kwargs: Any) -> None:
        original(self, dataclasses.replace(crawler, http_client=request.param), source, **kwargs)

    monkeypatch.setattr(Fetcher, "__init__", init)
    yield request.param
