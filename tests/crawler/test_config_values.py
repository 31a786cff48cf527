"""Config values of the right type that cannot work are refused when the config is read,
naming the file and the key (exit 2), instead of failing inside a crawl or a scheduler:
numbers that are not finite or out of range, url_aliases that are not strings or whose
replacement the pattern cannot fill, connect_to targets without a usable port, crontab
expressions that never fire, intervals too long to compute with, URLs with credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.config.settings import loads_config
from crawler.errors import ConfigError

SOURCE = '[sources.city]\nstart_urls = ["https://www.city.example/presse"]\n'
CRAWLER_KEYS = [
    # (key = value, words the message must contain)
    ("timeout = nan", "finite"),
    ("timeout = inf", "finite"),
    ("timeout = 0", "more than 0"),
    ("delay = -inf", "finite"),
    ("delay = nan", "finite"),
    ("max_delay = inf", "finite"),
    ("backoff = nan", "finite"),
    ("max_retry_after = inf", "finite"),
    ("retries = 100000", "at most 20"),
    ("concurrency_per_host = 0", "at least 1"),
    ("concurrency_per_host = 1000000000", "at most 64"),
    ("parallel_sources = 0", "at least 1"),
    ("max_bytes = 0", "at least 1"),
    ("max_redirects = 1000000", "at most 100"),
    ("timeout = 1e300", "at most 3600"),
    ('user_agent = "x\\r\\nX-Evil: 1"', "printable ASCII"),
    ('user_agent = "Stadtb\u00fcro-Archiv"', "printable ASCII"),
    ('contact = "a@b.example\\n"', "printable ASCII"),
    ('http_client = "requests"', "expected one of 'aiohttp', 'httpx'"),
    ("media_max_file_bytes = 0", "at least 1"),
    ("media_max_source_bytes = -1", "must not be negative"),
    ("media_max_files = -5", "must not be negative"),
    ('media = "yes"', "true or false"),
]
SOURCE_KEYS = [
    ("url_aliases = [{pattern = 5, replace = 'x'}]", "url_aliases[0]", "must be strings"),
    ("url_aliases = [{pattern = 'a', replace = 5}]", "url_aliases[0]", "must be strings"),
    ("url_aliases = [{pattern = '^/(a)$', replace = '\\9'}]", "url_aliases[0]", "group"),
    ("url_aliases = [{pattern = '^/a$', replace = '\\g<id>'}]", "url_aliases[0]", "group"),
    ("url_aliases = [{pattern = '^/a$', replace = 'x\\'}]", "url_aliases[0]", "bad escape"),
    ("connect_to = {'www.city.example' = 'abc:def'}", "connect_to", "port from 1 to 65535"),
    ("connect_to = {'www.city.example' = '127.0.0.1:99999'}", "connect_to", "1 to 65535"),
    ("connect_to = {'www.city.example' = '127.0.0.1:0'}", "connect_to", "1 to 65535"),
    ("connect_to = {'www.city.example' = ':8080'}", "connect_to", "'ip:port'"),
    ("connect_to = {'www.city.example' = '::1:8080'}", "connect_to", "brackets"),
    ("hosts = ['www.city.example', 'www.city.example:8080']", "hosts", "without scheme, port"),
    ("hosts = ['www.city.example', 'https://city.example']", "hosts", "without scheme, port"),
    ("schedule = '0 0 31 2 *'", "schedule", "never fires"),
    ("schedule = '0 0 30 2 *'", "schedule", "never fires"),
    ("schedule = '0 0 31 4,6,9,11 *'", "schedule", "never fires"),
    ("schedule = 'every 99999999999d'", "schedule", "at most 366 days"),
    ("schedule = 'every 367d'", "schedule", "at most 366 days"),
    ("schedule = '0 3 * * *'\njitter = 99999999999", "jitter", "at most"),
    ("media = 1", "media", "true or false"),
]


@pytest.mark.parametrize(("line", "words"), CRAWLER_KEYS)
def test_crawler_numbers_finite_and_in_range(line: str, words: str) -> None:
    key = "crawler." + line.split(" = ")[0]
    with pytest.raises(ConfigError) as info:
        loads_config(f"[crawler]\n{line}\n{SOURCE}", "bad.toml")
    assert info.value.key == key
    assert str(info.value).startswith(f"bad.toml: key '{key}': ") and words in str(info.value)


@pytest.mark.parametrize(("line", "key", "words"), SOURCE_KEYS)
def test_source_values_that_cannot_work(line: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        loads_config(f"{SOURCE}{line}\n", "bad.toml")
    assert info.value.key == f"sources.city.{key}", str(info.value)
    assert words in str(info.value)


def test_values_that_work_still_load() -> None:
    config = loads_config(
        "[crawler]\ntimeout = 0.5\ndelay = 0\nretries = 0\nmax_pages = 0\n"
        + SOURCE
        + "url_aliases = [{pattern = '^/(?P<id>a)$', replace = '/\\g<id>/\\1'}]\n"
        + "schedule = '0 0 29 2 *'\njitter = 60\n"
        + "connect_to = {'www.city.example' = '[::1]:8080'}\n"
    )
    src = config.source("city")
    assert config.crawler.timeout == 0.5 and src.connect_to["www.city.example"] == "[::1]:8080"
    assert loads_config(SOURCE + "schedule = 'every 366d'\n").source("city").schedule
    media = loads_config("[crawler]\nmedia_max_files = 0\n" + SOURCE + "media = false\n")
    assert media.crawler.media and media.crawler.media_max_files == 0
    assert not media.source("city").media


@pytest.mark.parametrize("key", ["start_urls", "feeds", "sitemaps", "extra_urls"])
def test_credentials_in_urls_are_refused_without_repeating_them(key: str) -> None:
    text = f'[sources.city]\n{key} = ["https://presse:geheim123@www.city.example/x"]\n'
    with pytest.raises(ConfigError) as info:
        loads_config(text, "bad.toml")
    assert info.value.key == f"sources.city.{key}"
    assert "credentials" in str(info.value) and "geheim123" not in str(info.value)
    assert "www.city.example/x" in str(info.value)


def test_cli_names_file_and_key_in_one_line(tmp_path: Path) -> None:
    """Through ``pressarchive crawl``: exit 2, one line, nothing crawled. (The URLs are on
    a closed loopback port: on code without these checks the crawl fails there.)"""
    local = '[sources.city]\nstart_urls = ["http://127.0.0.1:1/presse"]\n'
    bad = {
        "crawler.timeout": "[crawler]\ntimeout = nan\n" + local,
        "sources.city.connect_to": local + "connect_to = {'127.0.0.1' = 'abc:def'}\n",
        "sources.city.schedule": local + "schedule = '0 0 31 2 *'\n",
        "sources.city.start_urls": (
            '[sources.city]\nstart_urls = ["http://presse:geheim123@127.0.0.1:1/"]\n'
        ),
    }
    for i, (key, text) in enumerate(bad.items()):
        path = tmp_path / f"bad{i}.toml"
        path.write_text(text, encoding="utf-8")
        db = tmp_path / f"a{i}.db"
        result = CliRunner().invoke(cli, ["crawl", "--config", str(path), "--db", str(db)])
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and f"{path}: key '{key}': " in lines[0], result.output
        assert "geheim123" not in result.output
        assert not db.exists()
