"""Learned site templates end to end, with the sample site on 127.0.0.1 and real archives:
learned after a crawl, printed by ``profile learn`` as TOML the config loader and ``crawl
--config`` accept, used when the config pins no profile (also by reparse), and a redesign
(edition 3) reported by ``status --check`` as template drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.run.crawl import crawl_source
from archive.run.reparse import reparse
from archive.store.schema import open_archive
from archive.store.templates import latest_template, save_template
from crawler.config.settings import load_config, loads_config
from crawler.engine.crawl import crawl_source as engine_crawl
from crawler.engine.store import LearnedTemplate
from crawler.extract.learn import Learned
from crawler.extract.profiles import SiteProfile
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config_text
from tests.support.memory_store import MemoryStore
from tests.support.sample_crawl import crawl_sample

PINNED = 'profile = "sitepark"'


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _unpinned(port: int) -> str:
    text = sample_config_text(port, delay=0.0, max_delay=0.01)
    assert PINNED in text
    return text.replace(PINNED, "")


@pytest.mark.slow
def test_crawl_learns_a_template_and_profile_learn_prints_toml_crawl_accepts(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        stats = crawl_sample(db_path, site)
        assert stats.new >= 10
        db = open_archive(db_path)
        first = latest_template(db, "sample")  # learned at the end of the run
        db.close()
        assert first is not None and first.version == 1
        assert first.profile.title and first.profile.body and len(first.pages) >= 10
        code, output = _cli("profile", "learn", "--source", "sample", "--db", str(db_path))
        assert code == 0, output
        assert "[profiles.sample]" in output and "agrees on" in output
        config_path = tmp_path / "config.toml"
        pinned = sample_config_text(site.port, delay=0.0, max_delay=0.01).replace(
            PINNED, 'profile = "sample"'
        )
        config_path.write_text(pinned + "\n" + output, encoding="utf-8")
        config = load_config(str(config_path))
        db = open_archive(db_path)
        second = latest_template(db, "sample")
        db.close()
        assert second is not None and second.version == 2
        assert config.source("sample").site_profile == second.profile
        fresh = tmp_path / "fresh.db"  # a new archive: every page extracted with the profile
        code, output = _cli("crawl", "--config", str(config_path), "--db", str(fresh), "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["errors"] == 0 and summary["new"] == stats.new


@pytest.mark.slow
def test_profile_learn_json_and_unknown_source(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        crawl_sample(db_path, site)
    code, output = _cli("profile", "learn", "--source", "sample", "--db", str(db_path), "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["version"] == 2 and data["profile"]["title"]
    assert data["stats"]["fields"]["title"]["agree"] == data["stats"]["fields"]["title"]["pages"]
    assert loads_config(data["toml"]).profiles["sample"] == SiteProfile(**data["profile"])
    code, output = _cli("profile", "learn", "--source", "nope", "--db", str(db_path))
    assert code == 2 and "nope" in output


@pytest.mark.slow
def test_redesign_is_reported_as_template_drift_until_learned_again(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        crawl_sample(db_path, site)
        code, output = _cli("status", "--check", "--db", str(db_path))
        assert code == 0, output
        site.edition = 3  # a redesign: SP- classes become rs-
        crawl_sample(db_path, site)
    code, output = _cli("status", "--check", "--db", str(db_path))
    assert code == 1
    line = next(x for x in output.splitlines() if "template_drift" in x)
    assert line.startswith("sample: template_drift: run 2: the learned template (version 1")
    assert "found no title or no body on 4 of" in line
    assert "pressarchive profile learn --source sample" in line
    code, output = _cli("status", "--db", str(db_path))
    assert "learned template v1: run 2 checked" in output and "4 missed" in output
    code, output = _cli("status", "--json", "--db", str(db_path))
    template = json.loads(output)[0]["health"]["template"]
    assert template["misses"] == 4 and template["drifting"] and template["baseline"] == 0.0
    code, output = _cli("profile", "learn", "--source", "sample", "--db", str(db_path))
    assert code == 0, output
    code, output = _cli("status", "--check", "--db", str(db_path))
    assert "template_drift" not in output


def _label_is_title_template() -> SiteProfile:
    """A template no real page has: the headline read as the label (easy to see applied)."""
    return SiteProfile(title="#SP-Content h1", label="#SP-Content h1")


def test_learned_template_is_the_profile_unless_the_config_pins_one(tmp_path: Path) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        pinned = sample_config_text(site.port, delay=0.0, max_delay=0.01)
        for text, applied in ((_unpinned(site.port), True), (pinned, False)):
            config = loads_config(text)
            store = MemoryStore()
            store.templates["sample"] = LearnedTemplate(3, _label_is_title_template())
            stats = engine_crawl(store, config, config.source("sample"))
            pages = [p for p in store.live("sample").values() if "/presse/" in p.url]
            assert pages
            same = [p for p in pages if p.title and p.label == p.title]
            assert (len(same) == len(pages)) if applied else not same
            counts = store.template_runs[stats.run_id]
            assert counts.version == 3 and counts.pages >= len(pages)
            # the old-CMS pages have no #SP-Content: misses, extracted generically
            old = [p for p in store.live("sample").values() if "pressemeldungen" in p.url]
            assert old and counts.misses == len(old)
            assert all(p.title and p.label != p.title for p in old)


@pytest.mark.slow
def test_a_template_that_reads_worse_is_only_checked(tmp_path: Path) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = loads_config(_unpinned(site.port))
        store = MemoryStore()
        store.templates["sample"] = LearnedTemplate(1, _label_is_title_template(), applies=False)
        stats = engine_crawl(store, config, config.source("sample"))
    pages = list(store.live("sample").values())
    assert pages and not [p for p in pages if p.title and p.label == p.title]
    assert store.template_runs[stats.run_id].pages >= len(pages)


@pytest.mark.slow
def test_reparse_uses_the_learned_template(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = loads_config(_unpinned(site.port))
        db = open_archive(db_path)
        try:
            crawl_source(db, config, config.source("sample"))
        finally:
            db.close()
    db = open_archive(db_path)
    try:
        learned = Learned(_label_is_title_template(), {}, ("x",), matched=1.0)
        save_template(db, "sample", learned)
        report = reparse(db, source="sample")
        assert report["changed"] > 0 and report["errors"] == 0
        rows = db.execute("SELECT title, label FROM pages WHERE url LIKE '%/presse/20%'").fetchall()
        assert rows and all(label == title for title, label in rows)
    finally:
        db.close()


@pytest.mark.parametrize(
    ("learn_after", "learned_from"),
    [(0, None), (1000, None), pytest.param(60, 20, marks=pytest.mark.slow)],
)
def test_learn_after(tmp_path: Path, learn_after: int, learned_from: int | None) -> None:
    """No template below ``learn_after`` pages (0: never); above it, one learned from the
    newest 20 captures (also when ``learn_after`` is larger than that)."""
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        text = sample_config_text(site.port, delay=0.0, max_delay=0.01)
        text = text.replace("[crawler]\n", f"[crawler]\nlearn_after = {learn_after}\n")
        config = loads_config(text)
        db = open_archive(db_path)
        try:
            stats = crawl_source(db, config, config.source("sample"))
            assert stats.new > 60
            found = latest_template(db, "sample")
            assert (found and len(found.pages)) == learned_from
        finally:
            db.close()


@pytest.mark.slow
def test_the_issue_check_demo_learn_and_redesign(tmp_path: Path) -> None:
    """``pressarchive demo``; ``profile learn --source sample`` prints a profile that
    ``crawl --config`` accepts; ``demo --edition 3`` (a redesign) fails ``status --check``."""
    db = str(tmp_path / "archive.db")
    code, output = _cli("demo", "--db", db)
    assert code == 0, output
    code, toml = _cli("profile", "learn", "--source", "sample", "--db", db)
    assert code == 0 and "[profiles.sample]" in toml, toml
    config = tmp_path / "sample.toml"
    _, text = _cli("demo", "--print-config", "--port", "8080")
    config.write_text(text.replace(PINNED, 'profile = "sample"') + toml, encoding="utf-8")
    assert load_config(str(config)).source("sample").site_profile is not None
    code, output = _cli("demo", "--edition", "3", "--db", db)
    assert code == 0, output
    code, output = _cli("status", "--check", "--db", db)
    assert code == 1 and "sample: template_drift: run 2: the learned template (version 2" in output
