"""Delivering the new matches of every watch to its targets, each delivery recorded.

Runs after each crawl (``crawl``, ``demo``) and scheduled run (``schedule``), under the
writer lock the run holds. A watch's targets are its own (``--webhook``, ``--email``) and
those of ``[alerts]`` in the config (``webhook``, ``smtp.to``), which get every watch's
matches. Target names in ``deliveries.target``: ``webhook:URL`` and ``email:ADDRESS``.

* **Webhook**: one HTTP POST per match, a JSON object (watch, query, url, title,
  published, page, snippet, source, label, version); a 2xx answer is success, anything
  else (another status, a timeout, a refused connection) a failure.
* **E-mail**: one plain-text message per run, watch and address, listing the matches
  (SMTP through ``[alerts.smtp]``); its failure fails each match it listed.

Each (watch, target, page) is sent once: a row in ``deliveries`` with status ``sent``
keeps it from being sent again. A failure leaves the row ``pending`` with ``attempts`` and
``last_error``: the next run retries it, until ``[alerts] max_attempts`` failures make it
``failed`` (given up, shown by ``watch list``). A failure never fails the crawl: it is
logged as a warning and recorded.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import httpx
import sqlite_utils

from archive.alerts.feeds import page_link
from archive.alerts.watches import Watch, list_watches, new_matches
from crawler.clock import now_iso
from crawler.config.alerts import AlertsConfig, SmtpConfig

log = logging.getLogger(__name__)

#: Statuses after which a (watch, target, page) is not tried again.
DONE = ("sent", "failed", "baseline")


@dataclass
class Summary:
    """What one delivery pass did (``crawl --json``'s ``deliveries``)."""

    sent: int = 0
    failed: int = 0  # attempts that failed in this pass (retried next run unless given up)
    given_up: int = 0  # of those, the ones that reached max_attempts
    targets: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "given_up": self.given_up,
                "targets": self.targets}  # fmt: skip


def targets_of(watch: Watch, alerts: AlertsConfig) -> list[str]:
    """The watch's targets then the config's, each once."""
    names = [f"webhook:{u}" for u in (*watch.webhooks, *alerts.webhooks)]
    smtp_to = alerts.smtp.to if alerts.smtp else ()
    names += [f"email:{a}" for a in (*watch.emails, *smtp_to)]
    return list(dict.fromkeys(names))


def _done(db: sqlite_utils.Database, watch: str, target: str) -> set[str]:
    marks = ", ".join("?" * len(DONE))
    return {
        r[0]
        for r in db.execute(
            f"SELECT page_url FROM deliveries WHERE watch = ? AND target = ? "
            f"AND status IN ({marks})",
            [watch, target, *DONE],
        )
    }


def _record(
    db: sqlite_utils.Database, watch: str, target: str, match: dict[str, Any],
    error: str | None, max_attempts: int,
) -> str:  # fmt: skip
    """Write the outcome of one attempt; the row's new status."""
    now = now_iso()
    row = db.execute(
        "SELECT id, attempts FROM deliveries WHERE watch = ? AND target = ? AND page_url = ? "
        "AND status = 'pending' ORDER BY id DESC LIMIT 1",
        [watch, target, match["url"]],
    ).fetchone()
    attempts = (row[1] if row else 0) + 1
    status = "sent" if error is None else ("failed" if attempts >= max_attempts else "pending")
    values = [match["version"], status, attempts, error, now, now if error is None else None]
    with db.conn:
        if row:
            db.conn.execute(
                "UPDATE deliveries SET version = ?, status = ?, attempts = ?, last_error = ?, "
                "last_attempt_at = ?, delivered_at = ? WHERE id = ?",
                [*values, row[0]],
            )
        else:
            db.conn.execute(
                "INSERT INTO deliveries (version, status, attempts, last_error, "
                "last_attempt_at, delivered_at, watch, target, page_url) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (watch, target, page_url, "
                "version) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, "
                "last_error = excluded.last_error, last_attempt_at = excluded.last_attempt_at, "
                "delivered_at = excluded.delivered_at",
                [*values, watch, target, match["url"]],
            )
    return status


def payload(watch: Watch, match: dict[str, Any], base: str) -> dict[str, Any]:
    """The JSON a webhook receives for one match."""
    return {
        "watch": watch.name, "query": watch.query, "url": match["url"],
        "title": match["title"], "published": match["published"],
        "page": page_link(base, match["url"]), "snippet": match["snippet"],
        "source": match["source"], "label": match["label"], "version": match["version"],
    }  # fmt: skip


def post_webhook(
    client: httpx.Client, url: str, watch: Watch, matches: list[dict[str, Any]], base: str
) -> list[str | None]:
    """POST each match; per match ``None`` (2xx) or the error. A target that cannot be
    reached (refused, timeout) is not tried again in this pass: the matches left get the
    same error (a hook that is down costs one timeout per run, not one per match)."""
    out: list[str | None] = []
    for match in matches:
        try:
            response = client.post(url, json=payload(watch, match, base))
        except httpx.TransportError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return out + [error] * (len(matches) - len(out))
        except httpx.HTTPError as exc:
            out.append(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            continue
        out.append(None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}")
    return out


def message_text(watch: Watch, matches: list[dict[str, Any]], base: str) -> str:
    lines = [f"{len(matches)} new release(s) match the watch {watch.name!r} ({watch.query}):", ""]
    for m in matches:
        lines += [
            f"* {m['title'] or m['url']}" + (f" ({m['published']})" if m["published"] else "")
        ]
        lines += [f"  {m['url']}", f"  archived: {page_link(base, m['url'])}"]
        if m["snippet"]:
            lines.append(f"  {m['snippet']}")
        lines.append("")
    return "\n".join(lines)


def send_email(
    smtp: SmtpConfig | None, address: str, watch: Watch, matches: list[dict[str, Any]],
    base: str, timeout: float,
) -> str | None:  # fmt: skip
    """One message listing ``matches``; ``None`` or the error."""
    if smtp is None:
        return "no [alerts.smtp] in the config: cannot send e-mail"
    msg = EmailMessage()
    msg["Subject"] = f"[pressarchive] {watch.name}: {len(matches)} new release(s)"
    msg["From"] = smtp.sender
    msg["To"] = address
    msg.set_content(message_text(watch, matches, base))
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, smtp.password)
            client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


Sender = Callable[[str, Watch, list[dict[str, Any]]], list[str | None]]


def deliver_all(db: sqlite_utils.Database, alerts: AlertsConfig) -> Summary:
    """Deliver the new matches of every watch to its targets (see the module doc)."""
    summary = Summary()
    watches = list_watches(db)
    if not watches:
        return summary
    with httpx.Client(timeout=alerts.timeout, follow_redirects=False) as client:

        def send(target: str, watch: Watch, todo: list[dict[str, Any]]) -> list[str | None]:
            kind, _, where = target.partition(":")
            if kind == "webhook":
                return post_webhook(client, where, watch, todo, alerts.base_url)
            error = send_email(alerts.smtp, where, watch, todo, alerts.base_url, alerts.timeout)
            return [error] * len(todo)

        for watch in watches:
            _deliver_watch(db, watch, alerts, send, summary)
    return summary


def _deliver_watch(
    db: sqlite_utils.Database, watch: Watch, alerts: AlertsConfig, send: Sender,
    summary: Summary,
) -> None:  # fmt: skip
    targets = targets_of(watch, alerts)
    if not targets:
        return
    try:
        found = new_matches(db, watch)
    except Exception as exc:  # a watch that cannot run must not stop the others
        log.warning("watch %s: cannot search %r: %s", watch.name, watch.query, exc)
        return
    for target in targets:
        done = _done(db, watch.name, target)
        todo = [m for m in found if m["url"] not in done]
        if not todo:
            continue
        errors = send(target, watch, todo)
        sent = failed = 0
        for match, error in zip(todo, errors, strict=True):
            status = _record(db, watch.name, target, match, error, alerts.max_attempts)
            if error is None:
                sent += 1
                continue
            failed += 1
            summary.given_up += status == "failed"
            log.warning("watch %s: delivery of %s to %s failed (%s)%s", watch.name,
                        match["url"], target, error,
                        "; given up" if status == "failed" else "; retried next run")  # fmt: skip
        summary.sent += sent
        summary.failed += failed
        summary.targets.append({"watch": watch.name, "target": target, "sent": sent,
                                "failed": failed})  # fmt: skip


def deliver_safely(db: sqlite_utils.Database, alerts: AlertsConfig) -> dict[str, Any]:
    """:func:`deliver_all`, never raising: a bug or a broken archive table is logged and
    reported as ``{"error": …}``, the crawl's outcome stays as it was."""
    try:
        return deliver_all(db, alerts).as_dict()
    except Exception as exc:
        log.warning("delivering the watches' matches failed: %s", exc, exc_info=True)
        return {"sent": 0, "failed": 0, "given_up": 0, "targets": [], "error": str(exc)}


__all__ = [
    "DONE",
    "Summary",
    "deliver_all",
    "deliver_safely",
    "message_text",
    "payload",
    "post_webhook",
    "send_email",
    "targets_of",
]
