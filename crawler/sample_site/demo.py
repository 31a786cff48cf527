"""The demo: the bundled sample site, and the config that points a source at it.

The sample site answers for the host names ``www.ruesselsheim.test`` and
``ruesselsheim.test``; ``connect_to`` sends those names to the loopback port the site
happens to run on. Pages are archived under the host names, so a second demo on
another port recognises the same pages.
"""

from __future__ import annotations

from crawler.config.settings import Config, loads_config

SAMPLE_SOURCE = "sample"

_TEMPLATE = """\
# pressarchive config for the bundled sample site (a replica of a Sitepark IES press section).
# Start the site with `pressarchive sample-site --port {port}`, then
#   pressarchive crawl --config THIS_FILE --db archive.db
# Every key is documented in the project's config.toml.

[crawler]
user_agent = "pressarchive-demo/0.1"
contact = "demo@pressarchive.invalid"
concurrency_per_host = 2
delay = {delay}            # seconds between two requests to one host (robots.txt may ask for more)
max_delay = {max_delay}    # cap on the site's Crawl-delay
timeout = 10.0
retries = 2
backoff = 0.5

[sources.{name}]
title = "Stadt Rüsselsheim am Main (sample site)"
city = "Rüsselsheim am Main"
start_urls = ["http://www.ruesselsheim.test/presse"]
feeds = ["http://www.ruesselsheim.test/presse?sp:out=rss"]
sitemaps = ["http://www.ruesselsheim.test/sitemap.xml"]
# the first host is canonical; pages on the others are stored under it
hosts = ["www.ruesselsheim.test", "ruesselsheim.test"]
profile = "sitepark"   # CSS selectors for the Sitepark IES family (crawler/extract/profiles.py)
# the old CMS served one release under three paths; keep one
url_aliases = [
  {{ pattern = '^/presseinformation(?:-anzeige|en-daten)/pressemeldungen/(\\d+)\\.html$', replace = '/presseinformationen/pressemeldungen/\\1.html' }},
]

# where to connect for each host (like curl --connect-to): the sample site on loopback
[sources.{name}.connect_to]
"www.ruesselsheim.test" = "127.0.0.1:{port}"
"ruesselsheim.test" = "127.0.0.1:{port}"
"""


def sample_config_text(port: int, *, delay: float = 0.05, max_delay: float = 0.2) -> str:
    """The TOML of a config whose one source is the sample site on ``127.0.0.1:port``."""
    return _TEMPLATE.format(port=port, delay=delay, max_delay=max_delay, name=SAMPLE_SOURCE)


def all_families_config_text(port: int, *, delay: float = 0.05, max_delay: float = 0.2) -> str:
    """A config with one source per sample-site family (``sitepark`` and every module of
    :mod:`crawler.sample_site.families`), all on ``127.0.0.1:port``: sources for shards."""
    from crawler.sample_site import FAMILIES, family_config_text

    text = sample_config_text(port, delay=delay, max_delay=max_delay)
    head = text[: text.index("[sources.")]
    head = (
        "# pressarchive config: one source per family of the bundled sample site.\n"
        + (head[head.index("\n") + 1 :])
    )
    return head + "\n".join(family_config_text(family, port) for family in FAMILIES)


def sample_config(port: int, *, delay: float = 0.05, max_delay: float = 0.2) -> Config:
    text = sample_config_text(port, delay=delay, max_delay=max_delay)
    return loads_config(text, f"<sample site config, port {port}>")
