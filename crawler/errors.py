"""Every error pressarchive raises on purpose, and the exit code each one means.

Hierarchy (exit code in brackets)::

    PressArchiveError                base [1]; the CLI turns it into one line and its exit code
    ├── RunFailed                [1] a crawl run failed (raised after every run is recorded)
    ├── InvalidRequest           [2] what was asked for cannot be asked: a bad value or config
    │   ├── ConfigError              config.toml unreadable, invalid, unknown key (file and key)
    │   ├── SourceNotFound           --source NAME neither in the config nor in the archive
    │   ├── InvalidValue             a --since/--until/--at date, --type or --label value
    │   ├── GraphError               a graph request that cannot be answered as asked
    │   ├── ExportError              an export that cannot be written as asked (format, file)
    │   └── MergeConflict            merge: one URL of two sources, or two histories of it
    ├── ArchiveError             [3] the archive cannot be used: missing, unreadable, foreign
    │   ├── ArchiveMissing           no archive file at the path (a command that only reads)
    │   ├── ArchiveOutdated          an older archive a read command could not upgrade here
    │   └── CaptureError             a WARC record cannot be written or read back
    ├── SearchError              [4] a query that cannot be run even after sanitising
    ├── SampleSiteError          [5] the bundled sample site cannot be built or served
    ├── ArchiveLocked            [6] another crawl or scheduler writes to this archive
    ├── NotArchived              [7] a URL, revision or date that is not in the archive
    │   └── NodeNotFound             no page or label in the graph matches (or no path)
    ├── ServeError               [8] Datasette cannot start: address in use, bad host
    └── MissingDependency        [9] an optional package is not installed (pyarrow, matplotlib)

Exit codes of ``pressarchive``: each means one thing (:data:`EXIT_CODES`, also in the
README and in ``pressarchive --help``)::

    0    done
    1    the work failed: a run failed, `status --check` found a problem, a fetch failed
    2    bad request: usage, option value (date, --source, --type, --label) or config
    3    archive missing, unreadable or not a pressarchive archive (or its WARC captures)
    4    the search query cannot be run
    5    the sample site cannot be built or served
    6    the archive is locked by another crawl or scheduler (the message names it)
    7    not in the archive: URL, revision, date, graph node or path
    8    serve: the address is in use or the server cannot start
    9    an optional package is missing (pyarrow for Parquet, matplotlib for PNG)
    70   internal error: a bug (the traceback is printed)
    130  interrupted (Ctrl-C or SIGTERM); the runs in hand are recorded

Network and HTTP failures are *not* exceptions: the fetcher returns them as
``FetchResult(status=..., error=...)`` and the crawl records a row per failed URL. Two
exceptions stay private to the fetcher because they never leave it:
``crawler.fetch.fetcher._TooLarge`` (a body over the size cap, turned into a result) and
``crawler.fetch.transports.AddressRefused`` (an ``httpx.TransportError`` for a private
address, likewise).
"""

from __future__ import annotations

#: The exit codes of ``pressarchive`` and what each one means (one meaning per code).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "done"),
    (1, "the work failed: a run failed, `status --check` found a problem, a fetch failed"),
    (2, "bad request: usage, option value (date, --source, --type, --label) or config"),
    (3, "archive missing, unreadable or not a pressarchive archive (or its WARC captures)"),
    (4, "the search query cannot be run"),
    (5, "the sample site cannot be built or served"),
    (6, "the archive is locked by another crawl or scheduler (the message names it)"),
    (7, "not in the archive: URL, revision, date, graph node or path"),
    (8, "serve: the address is in use or the server cannot start"),
    (9, "an optional package is missing (pyarrow for Parquet, matplotlib for PNG)"),
    (70, "internal error: a bug (the traceback is printed)"),
    (130, "interrupted (Ctrl-C or SIGTERM); the runs in hand are recorded"),
)
EXIT_FAILED = 1
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class PressArchiveError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


# --------------------------------------------------------------------------- 1: work failed


class RunFailed(PressArchiveError):
    """One or more crawl runs failed; raised once every run is recorded (and the summary
    printed). The message names the sources; their errors are in the log above."""

    exit_code = EXIT_FAILED


# --------------------------------------------------------------------------- 2: bad request


class InvalidRequest(PressArchiveError):
    """What was asked for cannot be asked: usage, an option value, the config."""

    exit_code = 2


class ConfigError(InvalidRequest):
    """config.toml unreadable or invalid; the message names the file and key."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        self.path = path
        self.key = key
        where = ""
        if path:
            where += f"{path}: "
        if key:
            where += f"key '{key}': "
        super().__init__(where + message)


class SourceNotFound(InvalidRequest):
    """``--source NAME`` is not a source of the config (or of the archive); the message
    lists the known ones."""


class InvalidValue(InvalidRequest):
    """An option value that is malformed (a date) or matches nothing known (a --type or
    --label the archive does not have); the message names the value and what exists."""


class GraphError(InvalidRequest):
    """A graph request that cannot be answered as asked (bad date, format, an export file
    that cannot be written)."""


class ExportError(InvalidRequest):
    """An export that cannot be written as asked (unknown format, Parquet to stdout, an
    output file that cannot be written: no such directory, no permission)."""


class MergeConflict(InvalidRequest):
    """``pressarchive merge``: the output and a shard hold one URL for two sources or with
    two different histories; the message names the URL (nothing is written)."""


# --------------------------------------------------------------------------- 3: archive


class ArchiveError(PressArchiveError):
    """The SQLite archive cannot be opened, or is not a pressarchive archive."""

    exit_code = 3


class ArchiveMissing(ArchiveError):
    """No archive at the path, for a command that only reads (nothing is created)."""


class ArchiveOutdated(ArchiveError):
    """An archive written by an older pressarchive that a read command could not upgrade
    (read-only medium, or another writer holds it)."""


class CaptureError(ArchiveError):
    """A WARC record cannot be written or read back."""


# --------------------------------------------------------------------------- 4 and up


class SearchError(PressArchiveError):
    """A query that cannot be run even after sanitising."""

    exit_code = 4


class SampleSiteError(PressArchiveError):
    """The bundled sample site cannot be built or served."""

    exit_code = 5


class ArchiveLocked(PressArchiveError):
    """Another process writes to this archive; the message names it."""

    exit_code = 6


class NotArchived(PressArchiveError):
    """The URL (or the revision / date asked for) is not in the archive."""

    exit_code = 7


class NodeNotFound(NotArchived):
    """No page or label in the graph matches what was asked for (or no path joins two)."""


class ServeError(PressArchiveError):
    """Datasette cannot start: the address is in use or cannot be bound."""

    exit_code = 8


class MissingDependency(PressArchiveError):
    """An optional package a request needs is not installed; the message says which."""

    exit_code = 9


__all__ = [
    "EXIT_CODES",
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "ArchiveError",
    "ArchiveLocked",
    "ArchiveMissing",
    "ArchiveOutdated",
    "CaptureError",
    "ConfigError",
    "ExportError",
    "GraphError",
    "InvalidRequest",
    "InvalidValue",
    "MergeConflict",
    "MissingDependency",
    "NodeNotFound",
    "NotArchived",
    "PressArchiveError",
    "RunFailed",
    "SampleSiteError",
    "SearchError",
    "ServeError",
    "SourceNotFound",
]
