from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.config.settings import loads_config
from crawler.sample_site import edition_changes
from tests.support import ROOT


def test_readme_gives_two_setup_commands_and_ci_runs_the_test_one_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", setup)
    assert len(commands) == 2
    assert commands[0].endswith("pressarchive demo")
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_help_lists_commands_with_examples() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("crawl", "demo", "search", "status", "sample-site", "extract"):
        assert name in result.output
    result = CliRunner().invoke(cli, ["crawl", "--help"])
    assert "Example" in result.output and "--db" in result.output


def test_print_config_is_a_valid_config_for_that_port() -> None:
    result = CliRunner().invoke(cli, ["demo", "--print-config", "--port", "8123"])
    assert result.exit_code == 0
    config = loads_config(result.output)
    assert config.source("sample").connect_to["www.ruesselsheim.test"] == "127.0.0.1:8123"


def test_broken_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[crawler]\ntimeuot = 3\n[sources.x]\nstart_urls = ["https://x.example/"]\n')
    result = CliRunner().invoke(
        cli, ["crawl", "--config", str(bad), "--db", str(tmp_path / "a.db")]
    )
    assert result.exit_code == 2
    assert "bad.toml" in result.output and "crawler.timeuot" in result.output


def test_unknown_source_and_missing_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["crawl", "--config", str(ROOT / "config.toml"), "--source", "atlantis"]
    )
    assert result.exit_code == 2 and "atlantis" in result.output
    result = CliRunner().invoke(cli, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0 and "none.db" in result.output


def test_not_an_archive_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not sqlite")
    result = CliRunner().invoke(cli, ["status", "--db", str(bogus)])
    assert result.exit_code == 3, result.output
    assert "notes.db" in result.output


@pytest.mark.slow
def test_demo_twice_recognises_the_same_pages(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    first = CliRunner().invoke(cli, ["demo", "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    one = json.loads(first.output)
    assert one["new"] > 60 and one["errors"] == 0
    second = CliRunner().invoke(cli, ["demo", "--db", db, "--json"])  # another free port
    assert second.exit_code == 0, second.output
    two = json.loads(second.output)
    assert (two["new"], two["changed"], two["errors"]) == (0, 0, 0)
    assert two["not_modified"] >= one["new"]
    third = CliRunner().invoke(cli, ["demo", "--db", db, "--edition", "2", "--json"])
    assert third.exit_code == 0, third.output
    changes = edition_changes(1, 2)
    three = json.loads(third.output)
    assert (three["new"], three["changed"], three["removed"]) == (
        len(changes["new"]),
        len(changes["changed"]),
        len(changes["removed"]),
    )


EXTRACT_KEYS = {
    "url",
    "page_type",
    "title",
    "label",
    "lead",
    "body",
    "published",
    "published_source",
    "modified",
    "images",
    "related",
    "attachments",
    "links",
    "date_candidates",
}
SEED_PATH = (
    "/presse/2025/2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-"
    "langfristig"
)


def test_extract_a_directory_or_an_unreadable_file_exits_2_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = CliRunner().invoke(cli, ["extract", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert repr(str(tmp_path)) in result.output and "not a file" in result.output
    page = tmp_path / "page.html"
    page.write_text("<html></html>")

    def unreadable(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    result = CliRunner().invoke(cli, ["extract", str(page)])
    assert result.exit_code == 2, result.output
    assert "page.html" in result.output and "Permission denied" in result.output


@pytest.mark.slow
def test_extract_a_file_and_a_url_as_json(tmp_path: Path) -> None:
    from crawler.sample_site import CANONICAL_BASE, SampleSite, ground_truth, render_site

    truth = ground_truth(1)[CANONICAL_BASE + SEED_PATH]
    page = tmp_path / "seed.html"
    page.write_bytes(render_site(1)[SEED_PATH].body)
    result = CliRunner().invoke(
        cli, ["extract", str(page), "--url", CANONICAL_BASE + SEED_PATH, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= EXTRACT_KEYS
    assert (data["title"], data["published"]) == (truth["title"], "2025-11-28")
    assert set(data["images"][0]) == {"src", "alt", "caption", "credit"}
    assert set(data["related"][0]) == {"url", "title", "kind", "label", "date"}
    assert all(link.startswith("http") for link in data["links"])
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        result = CliRunner().invoke(cli, ["extract", site.base_url + SEED_PATH, "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["title"] == truth["title"]
        result = CliRunner().invoke(cli, ["extract", site.base_url + "/intern/redaktion"])
    assert result.exit_code == 1 and "robots.txt" in result.output


def _option(command: click.Command, flag: str) -> click.Option:
    (found,) = [p for p in command.params if isinstance(p, click.Option) and flag in p.opts]
    return found


def test_choices_copied_for_start_up_time_equal_their_source() -> None:
    """The CLI modules copy these lists so that --help imports no heavy library."""
    from archive.cli.graph import GRAPH_FORMATS, graph
    from archive.cli.pages import PROFILES, extract
    from archive.cli.search import EXPORT_FORMATS, export
    from archive.export import FORMATS
    from archive.graph.model import EXPORT_FORMATS as GRAPH_EXPORT_FORMATS
    from crawler.extract.profiles import BUILTIN_PROFILES

    assert EXPORT_FORMATS == FORMATS
    assert GRAPH_FORMATS == GRAPH_EXPORT_FORMATS
    assert set(PROFILES) == set(BUILTIN_PROFILES)
    for command, flag, truth in (
        (export, "--format", FORMATS),
        (graph.commands["export"], "--format", GRAPH_EXPORT_FORMATS),
        (extract, "--profile", tuple(BUILTIN_PROFILES)),
    ):
        choice = _option(command, flag).type
        assert isinstance(choice, click.Choice)
        assert set(choice.choices) == set(truth), (command.name, flag)


def test_type_is_checked_and_described_from_the_stored_page_types(tmp_path: Path) -> None:
    from archive.cli.search import search
    from archive.store.schema import open_archive
    from crawler.records import PAGE_TYPES, STORED_PAGE_TYPES

    assert set(PAGE_TYPES) - set(STORED_PAGE_TYPES) == {"listing"}
    help_text = _option(search, "--type").help or ""
    assert all(t in help_text for t in STORED_PAGE_TYPES) and "listing" not in help_text
    db = tmp_path / "a.db"
    open_archive(db).close()
    result = CliRunner().invoke(cli, ["search", "x", "--type", "listing", "--db", str(db)])
    assert result.exit_code == 2 and "'listing'" in result.output, result.output
    assert "listing" not in result.output.split("one of", 1)[1]
    result = CliRunner().invoke(cli, ["search", "x", "--type", "other", "--db", str(db)])
    assert result.exit_code == 0, result.output
