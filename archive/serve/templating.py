"""The archive's page templates (``archive/serve/templates``) for Datasette: a plugin.

Datasette looks for a plugin's ``templates`` folder only next to a plugin *package*; the
archive's plugins are modules (``archive.serve.search_page``, ``archive.serve.release``,
…), so this module's ``prepare_jinja2_environment`` hook puts the folder on the search
path itself: after ``--template-dir`` (the user's templates win) and before Datasette's
defaults (which the archive's templates extend: ``{% extends "base.html" %}``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader

TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    """Put :data:`TEMPLATES` between ``--template-dir`` and Datasette's own (once)."""
    if getattr(env, "pressarchive_templates", False):
        return
    user = [FileSystemLoader(datasette.template_dir)] if datasette.template_dir else []
    env.loader = ChoiceLoader([*user, FileSystemLoader(str(TEMPLATES)), env.loader])
    env.pressarchive_templates = True


__all__ = ["TEMPLATES", "prepare_jinja2_environment"]
