"""Alerts end to end: sample-site edition 1 crawl → ``watch add`` → edition 2 crawls with a
real webhook receiver (down for the first run) and a real SMTP server on 127.0.0.1.

One module-scoped sequence through the CLI (``crawl --json``, ``watch``, ``search``):

1. edition 1 crawl; ``watch add kita Kita --webhook HOOK`` (HOOK: nothing listens yet) and
   ``watch add haushalt Haushalt --webhook BROKEN`` (a receiver answering 500);
2. edition 2 crawl: HOOK is down, SMTP is up (``[alerts.smtp] to``);
3. the same crawl again with HOOK up: the missed deliveries arrive;
4. once more: nothing is sent.

Expected deliveries come from the CLI search (matches after edition 2 minus those after
edition 1), never from a list written here.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import feedparser
import httpx
import pytest
import sqlite_utils

from archive.alerts.feeds import ATOM_NS as ATOM
from archive.alerts.feeds import BUILTIN_FEEDS, LIMIT
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config_text
from tests.support.cli import invoke
from tests.support.datasette_server import (
    free_port,
    running_serve,
)
from tests.support.receivers import SmtpReceiver, WebhookReceiver

pytestmark = pytest.mark.slow

BASE_URL = "http://archive.example:8001"
DESK = "desk@example.org"


@dataclass
class Flow:
    db: Path
    config: Path
    tmp: Path
    runs: list[dict[str, Any]] = field(default_factory=list)
    baseline: list[str] = field(default_factory=list)  # kita matches after edition 1
    haushalt: list[str] = field(default_factory=list)  # haushalt matches after edition 1
    hook: list[dict[str, Any]] = field(default_factory=list)  # posts after each run
    hook_counts: list[int] = field(default_factory=list)
    broken_counts: list[int] = field(default_factory=list)
    broken: list[dict[str, Any]] = field(default_factory=list)
    mails: list[tuple[str, list[str], Any]] = field(default_factory=list)
    after_down: list[dict[str, Any]] = field(default_factory=list)  # deliveries after run 2


def live_matches(db: Path, query: str) -> list[str]:
    """The CLI search's live hits (its order)."""
    out = invoke("search", query, "--db", str(db), "--json", "--limit", "500").output
    return [h["url"] for h in json.loads(out) if h["removed_at"] is None]


def crawl_json(flow: Flow) -> dict[str, Any]:
    out = invoke("crawl", "--config", str(flow.config), "--db", str(flow.db), "--json").output
    return json.loads(out)


def deliveries(db: Path) -> list[dict[str, Any]]:
    conn = sqlite_utils.Database(db)
    try:
        return list(conn.query("SELECT * FROM deliveries ORDER BY id"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    tmp = tmp_path_factory.mktemp("alerts")
    hook_port, smtp_port = free_port(), free_port()
    with (
        SampleSite(edition=1, crawl_delay="0.01") as site,
        SmtpReceiver(smtp_port) as smtp,
        WebhookReceiver(status=500) as broken,
    ):
        config = tmp / "config.toml"
        config.write_text(
            sample_config_text(site.port, delay=0.0, max_delay=0.01)
            + f'\n[alerts]\nmax_attempts = 2\nbase_url = "{BASE_URL}"\n'
            f'[alerts.smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\n'
            f'from = "archive@example.org"\nto = "{DESK}"\n',
            encoding="utf-8",
        )
        flow = Flow(db=tmp / "archive.db", config=config, tmp=tmp)
        flow.runs.append(crawl_json(flow))
        flow.baseline = live_matches(flow.db, "Kita")
        flow.haushalt = live_matches(flow.db, "Haushalt")
        hook = f"http://127.0.0.1:{hook_port}/hook"
        invoke("watch", "add", "kita", "Kita", "--webhook", hook, "--db", str(flow.db))
        invoke("watch", "add", "haushalt", "Haushalt", "--webhook", broken.url(),
               "--db", str(flow.db))  # fmt: skip
        site.edition = 2
        flow.runs.append(crawl_json(flow))  # the hook is down
        flow.after_down = deliveries(flow.db)
        flow.broken_counts.append(len(broken.bodies()))
        with WebhookReceiver(port=hook_port) as receiver:
            for _ in range(2):
                flow.runs.append(crawl_json(flow))
                flow.hook_counts.append(len(receiver.bodies()))
                flow.broken_counts.append(len(broken.bodies()))
            flow.hook = receiver.bodies()
        flow.broken = broken.bodies()
        flow.mails = smtp.messages
    yield flow


def expected_new(flow: Flow, query: str = "Kita") -> list[str]:
    before = flow.baseline if query == "Kita" else flow.haushalt
    new = [u for u in live_matches(flow.db, query) if u not in before]
    assert new, f"edition 2 adds no release matching {query}: the test would prove nothing"
    return new


def test_each_new_match_reaches_the_webhook_exactly_once(flow: Flow) -> None:
    expected = expected_new(flow)
    assert sorted(p["url"] for p in flow.hook) == sorted(expected)  # once each
    assert flow.hook_counts == [len(expected), len(expected)]  # the last run sent nothing
    hits = {h["url"]: h for h in json.loads(invoke(
        "search", "Kita", "--db", str(flow.db), "--json", "--limit", "500").output)}  # fmt: skip
    for post in flow.hook:
        assert post["watch"] == "kita" and post["query"] == "Kita"
        assert post["title"] == hits[post["url"]]["title"]
        assert post["published"] == hits[post["url"]]["published"]
        assert post["page"] == f"{BASE_URL}/-/page?{urlencode({'url': post['url']})}"
        assert "[" in post["snippet"]  # the matched word marked, as in the CLI


def test_a_target_that_is_down_is_retried_on_the_next_run(flow: Flow) -> None:
    expected = expected_new(flow)
    down = [r for r in flow.after_down if r["target"].startswith("webhook:http://127.0.0.1")
            and r["watch"] == "kita"]  # fmt: skip
    assert sorted(r["page_url"] for r in down) == sorted(expected)
    assert {(r["status"], r["attempts"]) for r in down} == {("pending", 1)}
    assert all("Connect" in r["last_error"] for r in down)
    run2, run3, run4 = flow.runs[1:]
    kita_target = next(t for t in run2["deliveries"]["targets"] if t["target"] == down[0]["target"])
    assert (kita_target["sent"], kita_target["failed"]) == (0, len(expected))
    now = {r["page_url"]: r for r in deliveries(flow.db) if r["target"] == down[0]["target"]}
    assert {(r["status"], r["attempts"]) for r in now.values()} == {("sent", 2)}
    assert all(r["delivered_at"] and r["last_error"] is None for r in now.values())
    assert run4["deliveries"] == {"sent": 0, "failed": 0, "given_up": 0, "targets": []}


def test_a_failing_target_is_given_up_after_max_attempts(flow: Flow) -> None:
    new = expected_new(flow, "Haushalt")
    rows = [r for r in deliveries(flow.db) if r["watch"] == "haushalt"
            and r["target"].startswith("webhook:")]  # fmt: skip
    assert rows and {(r["status"], r["attempts"], r["last_error"]) for r in rows} == {
        ("failed", 2, "HTTP 500")
    }
    assert sorted(r["page_url"] for r in rows) == sorted(new)
    per_run = len(new)
    assert flow.broken_counts == [per_run, 2 * per_run, 2 * per_run]  # not after giving up
    assert flow.runs[2]["deliveries"]["given_up"] == per_run
    assert sorted(p["url"] for p in flow.broken) == sorted(new + new)


def test_one_mail_per_watch_lists_its_new_matches(flow: Flow) -> None:
    kita = [m for m in flow.mails if "kita" in m[2]["Subject"]]
    assert len(kita) == 1  # one message in the run that found them, none after
    sender, recipients, message = kita[0]
    assert sender == "archive@example.org" and recipients == [DESK]
    text = message.get_payload(decode=True).decode("utf-8")
    for url in expected_new(flow):
        assert url in text
    others = [u for u in flow.baseline if u not in expected_new(flow)]
    assert not any(u in text.split() for u in others)  # the baseline is not mailed


def test_crawl_json_lists_urls_and_deliveries(flow: Flow) -> None:
    first, second = flow.runs[0], flow.runs[1]
    assert first["deliveries"]["targets"] == []  # no watch yet
    (source,) = second["sources"]
    assert set(source["urls"]) == {"new", "changed", "removed"}
    assert len(source["urls"]["new"]) == source["new"]
    mailed = len(expected_new(flow)) + len(expected_new(flow, "Haushalt"))
    assert second["deliveries"]["sent"] == mailed  # the hooks failed; the mails went out
    assert second["deliveries"]["failed"] == mailed  # the same matches, to the two hooks


# --------------------------------------------------------------------------- feeds


def atom_entries(text: str) -> list[dict[str, Any]]:
    """The entries of a valid Atom 1.0 document (feedparser and the required elements)."""
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{ATOM}}}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{{{ATOM}}}{tag}") is not None, tag
    assert [link for link in root.findall(f"{{{ATOM}}}link") if link.get("rel") == "self"], (
        "no rel=self link"
    )
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids))
    out = []
    for entry in parsed.entries:
        links = {link["rel"]: link["href"] for link in entry.links}
        assert entry.title and entry.updated and entry.summary is not None
        out.append({"id": entry.id, "via": links["via"], "page": links["alternate"],
                    "published": entry.get("published"), "summary": entry.summary,
                    "tags": [t.term for t in entry.get("tags", [])]})  # fmt: skip
    return out


def test_watch_feed_lists_the_watch_matches_newest_first(flow: Flow) -> None:
    out = flow.tmp / "kita.atom"
    invoke("watch", "feed", "kita", "-o", str(out), "--db", str(flow.db),
           "--base-url", BASE_URL)  # fmt: skip
    entries = atom_entries(out.read_text(encoding="utf-8"))
    matches = live_matches(flow.db, "Kita")
    assert len(matches) <= LIMIT
    assert sorted(e["via"] for e in entries) == sorted(matches)
    dated = [e["published"] for e in entries if e["published"]]
    assert dated == sorted(dated, reverse=True)  # newest first, undated pages after them
    assert [e["published"] for e in entries] == dated + [None] * (len(entries) - len(dated))
    assert all(e["page"] == f"{BASE_URL}/-/page?{urlencode({'url': e['via']})}" for e in entries)
    stdout = invoke("watch", "feed", "kita", "--db", str(flow.db), "--base-url", BASE_URL)
    assert [e["id"] for e in atom_entries(stdout.output)] == [e["id"] for e in entries]


def built_in(flow: Flow, name: str, source: str | None = None) -> list[dict[str, Any]]:
    db = sqlite_utils.Database(flow.db)
    try:
        text = BUILTIN_FEEDS[name](db, base=BASE_URL, self_url=f"{BASE_URL}/x", source=source)
    finally:
        db.close()
    return atom_entries(text)


def test_builtin_feeds_list_the_new_edited_and_removed_releases(flow: Flow) -> None:
    urls = flow.runs[1]["sources"][0]["urls"]
    assert urls["new"] and urls["changed"] and urls["removed"]
    new = built_in(flow, "new")
    assert len(new) == LIMIT  # the archive holds more pages than a feed lists
    assert {e["via"] for e in new[: len(urls["new"])]} == set(urls["new"])  # newest first
    edits = built_in(flow, "edits")
    assert sorted(e["via"] for e in edits) == sorted(urls["changed"])
    for entry in edits:
        history = json.loads(invoke("history", entry["via"], "--db", str(flow.db),
                                    "--json").output)  # fmt: skip
        latest = history["revisions"][-1]
        assert entry["id"].endswith(f"#r{latest['revision']}")
        assert entry["tags"] == latest["changed_fields"]
        for name in ("body", "lead"):
            if name in latest["changed_fields"]:
                assert re.search(rf"\+\d+ −\d+ words in {name}", entry["summary"])
    removed = built_in(flow, "removed")
    assert sorted(e["via"] for e in removed) == sorted(urls["removed"])
    for name in BUILTIN_FEEDS:
        assert built_in(flow, name, "sample") == built_in(flow, name)
        assert built_in(flow, name, "elsewhere") == []


# --------------------------------------------------------------------------- serve


@pytest.fixture(scope="module")
def server(flow: Flow) -> Iterator[str]:
    with running_serve(flow.db) as url:
        yield url


def served(url: str) -> list[dict[str, Any]]:
    response = httpx.get(url, timeout=20.0)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return atom_entries(response.text)


def test_served_feeds_are_the_cli_feeds(server: str, flow: Flow) -> None:
    cli_feed = atom_entries(invoke("watch", "feed", "kita", "--db", str(flow.db)).output)
    entries = served(f"{server}/-/watch/kita.atom")
    assert [e["id"] for e in entries] == [e["id"] for e in cli_feed]
    assert all(e["page"].startswith(f"{server}/-/page?url=") for e in entries)
    assert [e["id"] for e in served(f"{server}/-/watch/kita.atom?source=sample")] == [
        e["id"] for e in cli_feed
    ]
    for name in BUILTIN_FEEDS:
        expected = [e["id"] for e in built_in(flow, name)]
        assert [e["id"] for e in served(f"{server}/-/feeds/{name}.atom")] == expected
        assert [e["id"] for e in served(f"{server}/-/feeds/{name}.atom?source=sample")] == expected


def test_unknown_watch_or_source_is_404(server: str) -> None:
    assert httpx.get(f"{server}/-/watch/nope.atom", timeout=20.0).status_code == 404
    assert httpx.get(f"{server}/-/feeds/new.atom?source=zzz", timeout=20.0).status_code == 404
    assert httpx.get(f"{server}/-/feeds/other.atom", timeout=20.0).status_code == 404


def test_served_archive_never_shows_delivery_targets(server: str, flow: Flow) -> None:
    """Webhook URLs and addresses may carry tokens: any SQL on `serve` reads them as NULL
    (the watches and their deliveries are still there)."""
    sql = (
        "SELECT w.name, w.query, w.webhooks AS webhooks, w.emails AS emails, d.target AS "
        "target, d.last_error AS last_error, d.status "
        "FROM watches w JOIN deliveries d ON d.watch = w.name"
    )
    rows = httpx.get(f"{server}/archive.json", params={"sql": sql, "_shape": "array"},
                     timeout=20.0).json()  # fmt: skip
    assert {r["name"] for r in rows} == {"kita", "haushalt"}
    assert {r["status"] for r in rows} >= {"sent", "failed"}
    secret = [(r["webhooks"], r["emails"], r["target"], r["last_error"]) for r in rows]
    assert set(secret) == {(None, None, None, None)}
    stored = sqlite3.connect(flow.db).execute(sql).fetchall()
    assert len(stored) == len(rows)  # the archive keeps them; only serve hides them
    assert all(row[2].startswith('["http://127.0.0.1:') for row in stored)


# --------------------------------------------------------------------------- schedule


def test_schedule_lists_urls_and_delivers(tmp_path: Path) -> None:
    """``schedule --once --json`` and ``--log-json`` carry each run's URLs and deliveries;
    a watch added with ``--backfill`` before the first run gets every match once."""
    db_path = tmp_path / "archive.db"
    open_archive(db_path).close()
    with SampleSite(edition=1, crawl_delay="0.01") as site, WebhookReceiver() as hook:
        config = tmp_path / "config.toml"
        config.write_text(sample_config_text(site.port, delay=0.0, max_delay=0.01))
        invoke("watch", "add", "lotsen", "Lotsen", "--backfill", "--webhook", hook.url(),
               "--db", str(db_path))  # fmt: skip
        cmd = [sys.executable, "-m", "archive.cli", "--log-json", "schedule", "--once",
               "--json", "--config", str(config), "--db", str(db_path)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        posted = sorted(b["url"] for b in hook.bodies())
    (outcome,) = json.loads(done.stdout)
    assert outcome["status"] == "ok"
    assert len(outcome["urls"]["new"]) == outcome["new"] > 0
    assert posted == sorted(live_matches(db_path, "Lotsen")) and posted
    assert outcome["deliveries"]["sent"] == len(posted)
    logged = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    (run_line,) = [line for line in logged if "urls" in line]
    assert run_line["urls"] == outcome["urls"] and run_line["deliveries"] == outcome["deliveries"]
