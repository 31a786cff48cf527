"""Lookups by URL take any form the crawler canonicalises (issue 15, item 6): `history`,
`show`, `diff` and `graph` find a page given with `https`, without `www.`, with a trailing
`/` or with tracking parameters, as the browser shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.store.lookup import url_forms
from archive.store.runs import save_source
from archive.store.schema import open_archive
from crawler.config.settings import SourceConfig
from crawler.records import Link
from tests.support.factories import archive_with, extracted

STORED = "http://www.city.test/presse/2025/haushalt"
OTHER = "http://www.city.test/presse/2025/kita"
FORMS = [
    STORED,
    "https://www.city.test/presse/2025/haushalt",
    "http://city.test/presse/2025/haushalt",
    "http://www.city.test/presse/2025/haushalt/",
    "http://www.city.test/presse/2025/haushalt?utm_source=newsletter&utm_medium=mail",
    "HTTPS://City.Test/presse/2025/haushalt/?utm_source=x#oben",
]


@pytest.fixture()
def archive_path(tmp_path: Path) -> Path:
    page = extracted(STORED, title="Haushalt beschlossen")
    page.related = [Link(url=OTHER, title="Kita")]
    path = archive_with(
        tmp_path / "archive.db", [("city", page), ("city", extracted(OTHER, title="Kita"))]
    )
    db = open_archive(path)
    save_source(
        db,
        SourceConfig(
            name="city", hosts=("www.city.test", "city.test"), scheme="http",
            start_urls=("http://www.city.test/presse",),
        ),
    )  # fmt: skip
    db.close()
    return path


@pytest.mark.parametrize("form", FORMS)
def test_every_form_finds_the_page(archive_path: Path, form: str) -> None:
    runner = CliRunner()
    for args in (["history", form], ["show", form], ["diff", form], ["graph", "neighbors", form]):
        result = runner.invoke(cli, [*args, "--db", str(archive_path)])
        assert result.exit_code == 0, (args, result.output)
        found = "revisions 1 and 1" if args[0] == "diff" else "haushalt"  # diff names no URL
        assert found in result.output.casefold(), (args, result.output)


def test_another_page_or_host_is_still_not_archived(archive_path: Path) -> None:
    runner = CliRunner()
    for url in (
        "http://www.city.test/presse/2025/fehlt",
        "http://www.other.test/presse/2025/haushalt",
    ):
        result = runner.invoke(cli, ["history", url, "--db", str(archive_path)])
        assert result.exit_code == 7 and url in result.output, result.output


def test_url_forms_start_with_the_url_as_given(archive_path: Path) -> None:
    db = open_archive(archive_path)
    try:
        forms = url_forms(db, FORMS[-1])
    finally:
        db.close()
    assert forms[0] == FORMS[-1] and STORED in forms and len(forms) == len(set(forms))
