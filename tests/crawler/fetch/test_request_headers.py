"""crawler.fetch.fetcher builds its requests without an ``httpx.AsyncClient`` (one fewer
object per source, ~20 µs less a request): the requests must be the ones such a client
builds, header for header, in the same order, with the same timeouts."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from crawler.config.settings import loads_config
from crawler.fetch.fetcher import Fetcher, request_headers

UA = "pressarchive/0.1 (+mailto:t@example.invalid)"


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"If-None-Match": '"abc"'},
        {"If-Modified-Since": "Mon, 01 Dec 2025 10:00:00 GMT", "If-None-Match": "x"},
        {"accept-encoding": "identity"},  # replaces the default, as the client's update does
        {"User-Agent": "other"},
    ],
)
def test_the_headers_are_an_async_clients(extra: dict[str, str]) -> None:
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(30.0), follow_redirects=False, trust_env=False,
        headers={"User-Agent": UA, "Accept-Encoding": "gzip"},
    )  # fmt: skip
    url = "http://h001.example.test/presse/p1.html?a=1"
    want = client.build_request("GET", url, headers=extra)
    merged = request_headers(UA)
    merged.update(extra)
    got = httpx.Request(
        "GET", url, headers=merged, extensions={"timeout": client.timeout.as_dict()}
    )
    assert list(got.headers.raw) == list(want.headers.raw)
    assert got.extensions == want.extensions and got.url == want.url
    asyncio.run(client.aclose())


def test_the_fetcher_sends_those_headers_and_timeouts() -> None:
    config = loads_config(
        '[crawler]\ncontact = "t@example.invalid"\ntimeout = 7.5\n'
        '[sources.a]\nstart_urls = ["http://a.example.test/"]\n',
        "<test>",
    )
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    async def fetch() -> None:
        transport = httpx.MockTransport(answer)
        async with Fetcher(config.crawler, config.sources[0], transport=transport) as f:
            await f.fetch("http://a.example.test/x", etag='"e"')

    asyncio.run(fetch())
    page = [r for r in seen if r.url.path == "/x"][0]
    names = [k.decode().lower() for k, _v in page.headers.raw]
    assert names[:5] == ["host", "accept", "connection", "user-agent", "accept-encoding"]
    assert page.headers["user-agent"] == config.crawler.full_user_agent
    assert page.headers["if-none-match"] == '"e"'
    assert page.extensions["timeout"] == httpx.Timeout(7.5).as_dict()
