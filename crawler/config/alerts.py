"""The ``[alerts]`` table of ``config.toml``: where the matches of saved searches go.

Every key is optional; unknown keys are rejected with their name, as everywhere in the
config::

    [alerts]
    webhook = "https://hooks.example.org/press"   # or a list; every watch's matches go here
    max_attempts = 5          # a delivery failing this often is given up (status "failed")
    timeout = 10.0            # seconds per webhook POST / SMTP session
    base_url = "http://127.0.0.1:8001"   # where `pressarchive serve` runs: links to releases

    [alerts.smtp]             # e-mail: needed by `watch add --email` and by `to`
    host = "localhost"
    port = 25
    from = "archive@example.org"
    to = ["desk@example.org"] # every watch's matches go here too (or a string)
    starttls = false
    username = ""             # log in when set
    password = ""

Webhook URLs are the user's own targets, not crawled URLs: loopback and private addresses
are allowed (the crawler's address rules do not apply).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import ConfigError

#: Defaults of ``[alerts]``.
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_TIMEOUT = 10.0
DEFAULT_BASE_URL = "http://127.0.0.1:8001"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str
    port: int = 25
    to: tuple[str, ...] = ()
    starttls: bool = False
    username: str = ""
    password: str = ""


@dataclass(frozen=True)
class AlertsConfig:
    webhooks: tuple[str, ...] = ()
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    timeout: float = DEFAULT_TIMEOUT
    base_url: str = DEFAULT_BASE_URL
    smtp: SmtpConfig | None = field(default=None)


def webhook_problem(url: str) -> str | None:
    """What is wrong with a webhook URL (an http(s) URL with a host), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"not a usable URL {url!r}: {exc}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    return None


def address_problem(address: str) -> str | None:
    """What is wrong with an e-mail address (one ``@``, something on both sides), or None."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in address):
        return f"not an e-mail address: {address!r}"
    return None


def _strings(value: Any, key: str, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("expected a string or a list of strings", path=path, key=key)
    return tuple(value)


def _typed(value: Any, kind: type, key: str, path: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise ConfigError(f"expected {kind.__name__}, got {value!r}", path=path, key=key)
    return value


def _smtp(data: Any, path: str) -> SmtpConfig:
    prefix = "alerts.smtp"
    if not isinstance(data, dict):
        raise ConfigError("expected a table", path=path, key=prefix)
    kinds: dict[str, type] = {"host": str, "port": int, "from": str, "starttls": bool,
                              "username": str, "password": str}  # fmt: skip
    values: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}"
        if key == "to":
            values["to"] = _strings(value, dotted, path)
            for address in values["to"]:
                problem = address_problem(address)
                if problem:
                    raise ConfigError(problem, path=path, key=dotted)
        elif key in kinds:
            values[key] = _typed(value, kinds[key], dotted, path)
        else:
            allowed = ", ".join([*kinds, "to"])
            raise ConfigError(f"unknown key (allowed: {allowed})", path=path, key=dotted)
    for required in ("host", "from"):
        if not values.get(required):
            raise ConfigError("required", path=path, key=f"{prefix}.{required}")
    if not 1 <= values.get("port", 25) <= 65535:
        raise ConfigError("expected a port from 1 to 65535", path=path, key=f"{prefix}.port")
    problem = address_problem(values["from"])
    if problem:
        raise ConfigError(problem, path=path, key=f"{prefix}.from")
    values["sender"] = values.pop("from")
    return SmtpConfig(**values)


def parse_alerts(data: Any, path: str) -> AlertsConfig:
    """Build :class:`AlertsConfig` from the ``[alerts]`` table, checking every key."""
    if not isinstance(data, dict):
        raise ConfigError("expected a table", path=path, key="alerts")
    values: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"alerts.{key}"
        if key == "webhook":
            values["webhooks"] = _strings(value, dotted, path)
            for url in values["webhooks"]:
                problem = webhook_problem(url)
                if problem:
                    raise ConfigError(problem, path=path, key=dotted)
        elif key == "max_attempts":
            values[key] = _typed(value, int, dotted, path)
            if not 1 <= values[key] <= 1000:
                raise ConfigError("expected 1 to 1000", path=path, key=dotted)
        elif key == "timeout":
            values[key] = _typed(value, float, dotted, path)
            if not math.isfinite(values[key]) or not 0 < values[key] <= 3600:
                raise ConfigError("expected more than 0 and at most 3600", path=path, key=dotted)
        elif key == "base_url":
            values[key] = _typed(value, str, dotted, path).rstrip("/")
            problem = webhook_problem(values[key])
            if problem:
                raise ConfigError(problem, path=path, key=dotted)
        elif key == "smtp":
            values["smtp"] = _smtp(value, path)
        else:
            allowed = "webhook, max_attempts, timeout, base_url, smtp"
            raise ConfigError(f"unknown key (allowed: {allowed})", path=path, key=dotted)
    return AlertsConfig(**values)


__all__ = [
    "AlertsConfig",
    "DEFAULT_BASE_URL",
    "SmtpConfig",
    "address_problem",
    "parse_alerts",
    "webhook_problem",
]
