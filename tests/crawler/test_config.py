from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config.settings import load_config, loads_config
from crawler.errors import ConfigError, SourceNotFound
from crawler.extract.profiles import BUILTIN_PROFILES
from crawler.sample_site.demo import sample_config
from tests.support import ROOT

MINIMAL = """
[sources.city]
start_urls = ["https://www.city.example/presse"]
"""


def test_shipped_config_loads_with_real_source() -> None:
    config = load_config(ROOT / "config.toml")
    src = config.source("ruesselsheim")
    assert src.canonical_host == "www.ruesselsheim.de"
    assert "ruesselsheim.de" in src.hosts
    assert src.start_urls[0].startswith("https://www.ruesselsheim.de/")
    assert src.url_aliases and src.canonical_scheme == "https"
    assert "@" in config.crawler.full_user_agent
    assert src.profile == "sitepark" and src.site_profile == BUILTIN_PROFILES["sitepark"]


def test_defaults_and_derived_hosts() -> None:
    config = loads_config(MINIMAL)
    src = config.source("city")
    assert src.hosts == ("www.city.example",)
    assert src.scheme == "https"
    assert config.crawler.delay == 1.0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[crawler]\ndelai = 1\n" + MINIMAL, "crawler.delai"),
        ("[crawler]\ndelay = 'slow'\n" + MINIMAL, "crawler.delay"),
        ("[crawler]\nretries = -1\n" + MINIMAL, "crawler.retries"),
        ("[crawler]\nrespect_robots = 1\n" + MINIMAL, "crawler.respect_robots"),
        (MINIMAL + "start_url = 'x'\n", "sources.city.start_url"),
        (MINIMAL + "hosts = ['other.example']\n", "sources.city.hosts"),
        (MINIMAL + "exclude = ['(']\n", "sources.city.exclude"),
        (MINIMAL + "url_aliases = [{pattern = 'a'}]\n", "sources.city.url_aliases[0]"),
        ("[sources.city]\ntitle = 'x'\n", "sources.city"),
        ("[sources.city]\nstart_urls = ['ftp://x.example/']\n", "sources.city.start_urls"),
        ("[source.city]\n", "source"),
        (MINIMAL + "profile = 'wordpres'\n", "sources.city.profile"),
        ("[profiles.mine]\nextends = 'sitepark'\nbdy = 'p'\n" + MINIMAL, "profiles.mine.bdy"),
    ],
)
def test_broken_config_names_the_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        loads_config(text, "broken.toml")
    assert info.value.key == key
    assert f"key '{key}'" in str(info.value)
    assert "broken.toml" in str(info.value)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        loads_config("[crawler\n", "x.toml")
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_unknown_source() -> None:
    with pytest.raises(SourceNotFound, match="known: city"):
        loads_config(MINIMAL).source("elsewhere")


def test_sample_config_identity_does_not_depend_on_port() -> None:
    a, b = sample_config(8080).source("sample"), sample_config(9999).source("sample")
    assert a.hosts == b.hosts == ("www.ruesselsheim.test", "ruesselsheim.test")
    assert a.connect_to["www.ruesselsheim.test"] == "127.0.0.1:8080"
    assert a.start_urls == b.start_urls
