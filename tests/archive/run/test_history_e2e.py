"""End to end: sample-site editions 1 → 2 → 1 over real HTTP keep every version of a page.

One module-scoped crawl sequence; the tests read the archive through the CLI
(``history``, ``diff``, ``show``, ``status``) and the WARC files next to it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.run.crawl import CrawlStats
from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureRef
from crawler.sample_site import SampleSite, edition_changes, ground_truth, removed_urls
from tests.support.cli import invoke as cli_ok
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow

BASE = "http://www.ruesselsheim.test/presse/2025/"
BODY_EDIT = BASE + "2025-11-22-briefwahl-zur-bundestagswahl-unterlagen-jetzt-beantragen"
CAPTION_EDIT = BASE + "2025-07-23-mohammad-ghassan-arksousi-in-wiesbaden-geehrt"
RELATED_EDIT = BASE + "2025-03-19_stadtbuecherei-startet-lesesommer-anmeldung"
REMOVED = BASE + "2025-10-12_kita-gebuehren-magistrat-legt-neue-staffelung-vor"
ADDED_SENTENCE = (
    "Nach Redaktionsschluss teilte die Verwaltung mit, dass sich der Termin um eine Woche "
    "verschiebt."
)


@dataclass
class Run:
    db_path: Path
    after_edition2: Path
    stats: list[CrawlStats]


crawl = crawl_sample


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("history")
    db_path = tmp / "archive.db"
    stats = []
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        stats.append(crawl(db_path, site))
        site.edition = 2
        stats.append(crawl(db_path, site))
        after2 = tmp / "after2.db"
        shutil.copy(db_path, after2)
        site.edition = 1
        stats.append(crawl(db_path, site))
    yield Run(db_path, after2, stats)


def invoke(*args: str) -> Any:
    result = cli_ok(*args)
    return json.loads(result.output) if "--json" in args else result.output


def test_edited_releases_have_three_versions(run: Run) -> None:
    for url in (BODY_EDIT, CAPTION_EDIT, RELATED_EDIT):
        data = invoke("history", url, "--db", str(run.db_path), "--json")
        revs = data["revisions"]
        assert [r["revision"] for r in revs] == [1, 2, 3], url
        assert [r["event"] for r in revs] == ["new", "changed", "changed"]
        assert [r["version"] for r in revs] == [1, 2, 3]
        assert revs[0]["changed_fields"] == []
        assert revs[1]["changed_fields"] == revs[2]["changed_fields"] != []
        times = [r["fetched_at"] for r in revs]
        assert times == sorted(times)
        assert all(r["capture"] and r["capture"]["file"].endswith(".warc.gz") for r in revs)
    fields = invoke("history", BODY_EDIT, "--db", str(run.db_path), "--json")["revisions"]
    assert set(fields[1]["changed_fields"]) == {"body", "modified"}
    fields = invoke("history", CAPTION_EDIT, "--db", str(run.db_path), "--json")["revisions"]
    assert fields[1]["changed_fields"] == ["captions"]
    fields = invoke("history", RELATED_EDIT, "--db", str(run.db_path), "--json")["revisions"]
    assert fields[1]["changed_fields"] == ["related"]
    text = invoke("history", BODY_EDIT, "--db", str(run.db_path))
    assert "changed" in text and "body" in text


def test_unchanged_pages_keep_one_revision(run: Run) -> None:
    db = sqlite_utils.Database(run.db_path)
    changed = edition_changes(1, 2)["changed"] | removed_urls(2)
    for url in set(ground_truth(1)) - changed:
        count = db.execute("SELECT count(*) FROM revisions WHERE page_url = ?", [url]).fetchone()
        assert count[0] == 1, url
    assert run.stats[2].new == 0


def test_diff_shows_exactly_the_edited_sentence_and_caption(run: Run) -> None:
    db = str(run.db_path)
    changes = invoke("diff", BODY_EDIT, "--from", "1", "--to", "2", "--db", db, "--json")
    body = next(c for c in changes if c["field"] == "body")
    assert {c["field"] for c in changes} == {"body", "modified"}
    plus = [ln for ln in body["diff"].splitlines() if ln.startswith("+") and ln[:3] != "+++"]
    minus = [ln for ln in body["diff"].splitlines() if ln.startswith("-") and ln[:3] != "---"]
    assert plus == ["+" + ADDED_SENTENCE]
    assert minus == []
    assert body["to"].endswith(ADDED_SENTENCE + body["to"].split(ADDED_SENTENCE)[1])

    # default: previous → latest (edition 2 → edition 1 again: the sentence goes)
    changes = invoke("diff", BODY_EDIT, "--db", db, "--json")
    body = next(c for c in changes if c["field"] == "body")
    assert "-" + ADDED_SENTENCE in body["diff"].splitlines()

    (caption,) = invoke("diff", CAPTION_EDIT, "--from", "1", "--to", "2", "--db", db, "--json")
    assert caption["field"] == "captions"
    lines = caption["diff"].splitlines()
    new_caption = ground_truth(2)[CAPTION_EDIT]["images"][0]["caption"]
    assert [ln for ln in lines if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        "+" + new_caption
    ]
    text = invoke("diff", CAPTION_EDIT, "--from", "1", "--to", "2", "--db", db)
    assert "+" + new_caption in text


def test_removed_release_is_kept_then_restored(run: Run) -> None:
    gone = invoke("history", REMOVED, "--db", str(run.after_edition2), "--json")
    assert gone["removed_at"]
    assert [r["event"] for r in gone["revisions"]] == ["new"]
    assert gone["revisions"][0]["removed_at"] == gone["removed_at"]
    shown = invoke("show", REMOVED, "--db", str(run.after_edition2), "--json")
    assert shown["removed"] is True
    assert shown["body"] == ground_truth(1)[REMOVED]["body"]

    back = invoke("history", REMOVED, "--db", str(run.db_path), "--json")
    assert back["removed_at"] is None
    assert [r["event"] for r in back["revisions"]] == ["new", "restored"]
    assert back["revisions"][1]["version"] == 1  # same content: same version
    assert back["revisions"][0]["removed_at"]  # history keeps when it was gone
    db = sqlite_utils.Database(run.db_path)
    assert db.table("pages").get(REMOVED)["removed_at"] is None


def test_show_at_a_time_gives_that_version(run: Run) -> None:
    db = str(run.db_path)
    revs = invoke("history", BODY_EDIT, "--db", db, "--json")["revisions"]
    second = invoke("show", BODY_EDIT, "--at", revs[1]["fetched_at"], "--db", db, "--json")
    assert second["revision"] == 2
    assert second["body"] == ground_truth(2)[BODY_EDIT]["body"]
    first = invoke("show", BODY_EDIT, "--at", revs[0]["fetched_at"], "--db", db, "--json")
    assert first["body"] == ground_truth(1)[BODY_EDIT]["body"]
    assert first["images"] == ground_truth(1)[BODY_EDIT]["images"]
    latest = invoke("show", RELATED_EDIT, "--db", db, "--json")
    assert latest["related"] == [
        {k: v for k, v in link.items() if v} for link in ground_truth(1)[RELATED_EDIT]["related"]
    ]
    result = CliRunner().invoke(cli, ["show", BODY_EDIT, "--at", "2000-01-01", "--db", db])
    assert result.exit_code == 7 and "not archived yet" in result.output
    result = CliRunner().invoke(cli, ["history", BASE + "nope", "--db", db])
    assert result.exit_code == 7


def test_every_revision_points_at_its_warc_record(run: Run) -> None:
    db = sqlite_utils.Database(run.db_path)
    folder = run.db_path.with_suffix(".warc")
    rows = list(db.query("SELECT * FROM revisions"))
    assert len(rows) >= len(ground_truth(1))
    for row in rows:
        ref = CaptureRef(
            row["warc_file"], row["warc_offset"], row["warc_length"], row["warc_record_id"]
        )
        url, headers, body, when = read_capture(folder, ref)
        assert url == row["page_url"]
        assert when[:19] == row["fetched_at"][:19]
        assert row["title"].encode("utf-8")[:20] in body or "html" in headers["content-type"]


def test_status_reports_capture_storage(run: Run) -> None:
    (row,) = invoke("status", "--db", str(run.db_path), "--json")
    assert row["capture_files"] >= 1
    assert row["capture_bytes"] > 10_000
    assert row["revisions"] == len(
        list(sqlite_utils.Database(run.db_path).query("SELECT 1 FROM revisions"))
    )
