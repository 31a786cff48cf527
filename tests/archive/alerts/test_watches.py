"""Watches on a small archive (real SQLite, real webhook receiver on 127.0.0.1): the CLI's
checks and exit codes, the baseline, delivery once per target, retries and giving up, the
``[alerts]`` config table, the edit summary."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.alerts.deliver import deliver_all, deliver_safely
from archive.alerts.feeds import edit_summary, word_changes
from archive.alerts.watches import get_watch, matches, new_matches
from archive.cli.main import cli
from archive.run.schedule import JsonLogFormatter
from archive.search.engine import matching_urls
from archive.store.locking import ArchiveLock
from archive.store.save import save_page
from archive.store.schema import open_archive
from crawler.config.alerts import AlertsConfig
from crawler.config.settings import loads_config
from crawler.errors import ConfigError
from tests.support.datasette_server import free_port
from tests.support.factories import archive_with, extracted, fetch_result
from tests.support.receivers import WebhookReceiver

BASE = "https://www.stadt.test/presse/"
PAGES = [
    ("stadt", extracted(BASE + "1", title="Neue Kitas im Westend", body="Zwei Kitas öffnen.",
                        label="Bildung", published="2025-01-02")),
    ("stadt", extracted(BASE + "2", title="Haushalt beschlossen", body="Der Etat steht.",
                        label="Finanzen", published="2025-01-03")),
    ("stadt", extracted(BASE + "3", title="Kita-Anmeldung", body="Die Kita nimmt an.",
                        label="Bildung", published="2025-01-04")),
]  # fmt: skip


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    return archive_with(tmp_path / "archive.db", PAGES)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def add_page(path: Path, url: str, title: str, body: str) -> None:
    db = open_archive(path)
    try:
        page = extracted(url, title=title, body=body, label="Bildung", published="2025-02-01")
        save_page(db, "stadt", page, fetch_result(url))
    finally:
        db.close()


def test_a_watch_matches_what_the_search_finds_and_starts_from_a_baseline(archive: Path) -> None:
    code, out = run("watch", "add", "kita", "Kita", "--db", str(archive), "--json")
    assert code == 0, out
    db = open_archive(archive)
    found = matching_urls(db, "Kita", status="live")
    assert BASE + "1" in found  # "Kita" finds "Kitas"
    assert json.loads(out)["matches"] == len(found)
    watch = get_watch(db, "kita")
    assert matches(db, watch) == found
    assert new_matches(db, watch) == []  # the current matches are the baseline
    db.close()
    add_page(archive, BASE + "4", "Kitas bekommen Solardächer", "Alle Kitas der Stadt.")
    add_page(archive, BASE + "5", "Sporthalle saniert", "Die Halle ist fertig.")
    db = open_archive(archive)
    assert [m["url"] for m in new_matches(db, watch)] == [BASE + "4"]
    db.close()
    code, out = run("watch", "list", "--db", str(archive), "--json")
    (listed,) = json.loads(out)
    assert listed["name"] == "kita" and listed["deliveries"] == {"baseline": len(found)}


def test_backfill_makes_every_current_match_new(archive: Path) -> None:
    assert run("watch", "add", "k", "Kita", "--backfill", "--db", str(archive))[0] == 0
    db = open_archive(archive)
    watch = get_watch(db, "k")
    assert {m["url"] for m in new_matches(db, watch)} == set(matches(db, watch))
    db.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--source", "nowhere"], 2, "--source 'nowhere'"),
        (["--label", "Sport"], 2, "--label"),
        (["--webhook", "ftp://x"], 2, "not an http(s) URL"),
        (["--email", "desk"], 2, "not an e-mail address"),
    ],
)
def test_bad_values_are_refused(archive: Path, args: list[str], code: int, message: str) -> None:
    got, out = run("watch", "add", "w", "Kita", *args, "--db", str(archive))
    assert (got, message in out) == (code, True), out
    assert run("watch", "list", "--db", str(archive), "--json")[1].strip() == "[]"


def test_names_and_missing_things(archive: Path, tmp_path: Path) -> None:
    assert run("watch", "add", "a b", "Kita", "--db", str(archive))[0] == 2
    assert run("watch", "add", "w", "Kita", "--db", str(archive))[0] == 0
    code, out = run("watch", "add", "w", "Haushalt", "--db", str(archive))
    assert code == 2 and "exists" in out
    code, out = run("watch", "remove", "nope", "--db", str(archive))
    assert code == 7 and "known: w" in out
    assert run("watch", "feed", "nope", "--db", str(archive))[0] == 7
    assert run("watch", "add", "x", "Kita", "--db", str(tmp_path / "none.db"))[0] == 3
    assert not (tmp_path / "none.db").exists()
    with ArchiveLock(archive, "crawl"):
        code, out = run("watch", "add", "y", "Kita", "--db", str(archive))
    assert code == 6 and "crawl" in out
    assert run("watch", "remove", "w", "--db", str(archive))[0] == 0
    db = sqlite_utils.Database(archive)
    assert db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
    db.close()


def test_each_match_is_posted_once_and_a_failing_target_is_retried(archive: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}/hook"
    with WebhookReceiver(status=204) as hook:
        args = ["--webhook", hook.url(), "--webhook", down, "--db", str(archive)]
        assert run("watch", "add", "kita", "Kita", "--backfill", *args)[0] == 0
        db = open_archive(archive)
        alerts = AlertsConfig(max_attempts=2, timeout=5.0)
        first = deliver_all(db, alerts)
        expected = set(matches(db, get_watch(db, "kita")))
        assert {b["url"] for b in hook.bodies()} == expected and len(hook.bodies()) == len(expected)
        assert (first.sent, first.failed, first.given_up) == (len(expected), len(expected), 0)
        second = deliver_all(db, alerts)  # nothing more to the hook; the last try to `down`
        assert len(hook.bodies()) == len(expected)
        assert (second.sent, second.failed, second.given_up) == (0, len(expected), len(expected))
        third = deliver_all(db, alerts)
        assert third.as_dict() == {"sent": 0, "failed": 0, "given_up": 0, "targets": []}
        statuses = dict(
            db.execute(
                "SELECT target, group_concat(DISTINCT status || ':' || attempts) FROM deliveries "
                "GROUP BY target"
            ).fetchall()
        )
        assert statuses == {f"webhook:{hook.url()}": "sent:1", f"webhook:{down}": "failed:2"}
        db.close()


def test_config_targets_get_every_watch_and_errors_never_escape(archive: Path) -> None:
    with WebhookReceiver() as hook:
        assert run("watch", "add", "a", "Kita", "--backfill", "--db", str(archive))[0] == 0
        assert run("watch", "add", "b", "Haushalt", "--backfill", "--db", str(archive))[0] == 0
        db = open_archive(archive)
        sent = deliver_safely(db, AlertsConfig(webhooks=(hook.url(),)))
        assert {b["watch"] for b in hook.bodies()} == {"a", "b"}
        assert sent["sent"] == len(hook.bodies())
        db.close()
        closed = open_archive(archive)
        closed.close()
        failed = deliver_safely(closed, AlertsConfig(webhooks=(hook.url(),)))
        assert failed["sent"] == 0 and failed["error"]


def test_alerts_config_is_checked_key_by_key() -> None:
    config = loads_config(
        '[alerts]\nwebhook = "http://127.0.0.1:9/h"\nmax_attempts = 3\n'
        '[alerts.smtp]\nhost = "localhost"\nfrom = "a@b.test"\nto = ["c@d.test"]\n'
    )
    assert config.alerts.webhooks == ("http://127.0.0.1:9/h",)
    assert config.alerts.smtp is not None and config.alerts.smtp.to == ("c@d.test",)
    assert config.alerts.max_attempts == 3
    for text, key in [
        ("[alerts]\nwebhok = 'http://x/'\n", "alerts.webhok"),
        ("[alerts]\nmax_attempts = 0\n", "alerts.max_attempts"),
        ("[alerts]\ntimeout = true\n", "alerts.timeout"),
        ("[alerts.smtp]\nhost = 'h'\n", "alerts.smtp.from"),
        ("[alerts.smtp]\nhost = 'h'\nfrom = 'a@b'\nport = 0\n", "alerts.smtp.port"),
        ("[alerts.smtp]\nhost = 'h'\nfrom = 'a@b'\nsender = 'x'\n", "alerts.smtp.sender"),
    ]:
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            loads_config(text)


def test_the_edit_summary_counts_inserted_and_deleted_words() -> None:
    before = "Die Sitzung beginnt um 18 Uhr im Rathaus."
    after = "Die öffentliche Sitzung beginnt um 19 Uhr im Rathaus, Saal 2."
    plus, minus = word_changes(before, after)
    words_before, words_after = len(before.split()), len(after.replace(",", " ").split())
    assert words_after - words_before == plus - minus
    assert (plus, minus) == (4, 1)  # öffentliche, 19, Saal, 2 / 18
    summary = edit_summary({"body": before, "title": "Alt"}, {"body": after}, ["title", "body"])
    assert summary == "title changed (was: Alt); +4 −1 words in body"


def test_json_log_lines_carry_a_runs_urls() -> None:
    record = logging.LogRecord("archive.run.schedule", logging.INFO, __file__, 1, "run", (), None)
    record.urls = {"new": ["https://x.test/1"], "changed": [], "removed": []}
    line = json.loads(JsonLogFormatter().format(record))
    assert line["urls"]["new"] == ["https://x.test/1"] and line["message"] == "run"
