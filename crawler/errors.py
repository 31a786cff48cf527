"""Every error pressarchive raises on purpose.

Hierarchy::

    PressArchiveError              base; the CLI turns it into a message and exit code
    ├── ConfigError                config.toml unreadable, invalid, unknown key (names file and key)
    ├── SourceNotFound             --source NAME not in the config
    ├── ArchiveError               the SQLite archive cannot be opened or is not ours
    ├── SearchError                a query that cannot be run even after sanitising
    └── SampleSiteError            the bundled sample site cannot be built or served

Network and HTTP failures are *not* exceptions: the fetcher returns them as
``FetchResult(status=..., error=...)`` and the crawl records a row per failed URL.
"""

from __future__ import annotations


class PressArchiveError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class ConfigError(PressArchiveError):
    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        self.path = path
        self.key = key
        where = ""
        if path:
            where += f"{path}: "
        if key:
            where += f"key '{key}': "
        super().__init__(where + message)


class SourceNotFound(PressArchiveError):
    exit_code = 2


class ArchiveError(PressArchiveError):
    exit_code = 3


class SearchError(PressArchiveError):
    exit_code = 4


class SampleSiteError(PressArchiveError):
    exit_code = 5
