"""The archive's page templates (``archive/serve/templates``) for Datasette.

Datasette looks for a plugin's ``templates`` folder only next to a plugin *package*; the
archive's plugins are modules (``archive.serve.plugin``, ``archive.serve.release``, …), so
:func:`use_templates` adds the folder to Datasette's template search path itself, after a
``--template-dir`` (which may still override a template) and before Datasette's defaults
(which the archive's templates extend: ``{% extends "base.html" %}``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"


def use_templates(datasette: Any) -> None:
    """Put :data:`TEMPLATES` on ``datasette``'s template search path (once)."""
    loader = datasette.jinja_env.loader
    for choice in getattr(loader, "loaders", [loader]):
        paths = getattr(choice, "searchpath", None)
        if isinstance(paths, list):
            if str(TEMPLATES) not in paths:
                paths.insert(max(len(paths) - 1, 0), str(TEMPLATES))
            return


__all__ = ["TEMPLATES", "use_templates"]
