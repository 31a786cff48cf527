"""What the tests share; no tests here.

- ``httpserver``: a threaded HTTP server with routes (``TestServer``)
- ``faultserver``: a server that misbehaves in every way a crawl must survive
- ``datasette_server``: Datasette in a subprocess, and waiting for it
- ``sample_crawl``: crawls of the bundled sample site into an archive
- ``processes``: the CLI in a subprocess, polling a database, schedule configs
- ``factories``: records, sources and small archives built in one call
- ``memory_store``: the crawl engine's ``Store`` in dicts and lists (no ``archive`` import)
- ``pages``: hand-written pages for extractor tests (``sitepark_page``)
- ``fixtures/``: saved pages, and archives written by older schema versions
  (``schema_versions/``, read by tests/archive/store/test_migrations.py)
"""

from __future__ import annotations

from pathlib import Path

#: the repository root (README.md, config.toml, .ci/)
ROOT = Path(__file__).resolve().parents[2]
#: saved pages the tests read
FIXTURES = Path(__file__).resolve().with_name("fixtures")
