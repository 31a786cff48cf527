"""Extraction: a pure function from (url, bytes, headers[, profile]) to an
:class:`~crawler.records.Extracted` record.

``from crawler.extract import extract`` is the stable entry point (evaluation scripts and
other tools call it); the cascade itself is :mod:`crawler.extract.core`.
"""

from __future__ import annotations

from crawler.extract.core import extract

__all__ = ["extract"]
