"""A small robots.txt parser (RFC 9309 plus the common ``Crawl-delay`` extension).

``urllib.robotparser`` drops decimal ``Crawl-delay`` values and uses first-match rather
than longest-match precedence, so we parse ourselves:

* groups start with one or more ``User-agent`` lines; the group(s) naming our product
  token (case-insensitive) apply, otherwise those for ``*``; matching groups are merged;
* ``Allow``/``Disallow`` with ``*`` (any run of characters) and ``$`` (end) wildcards;
  the longest matching pattern wins, and on a tie ``Allow`` wins; an empty ``Disallow``
  allows everything; ``/robots.txt`` itself is always allowed;
* ``Crawl-delay`` as a float (of the applicable group); ``Sitemap:`` lines anywhere.

How the fetcher treats an unavailable file: a 4xx answer (e.g. 404) means "allow all";
a 5xx answer or an unreachable host also means "allow all", but a warning is logged
(RFC 9309 would say "disallow all"; we prefer to keep crawling politely with our own
delay). See :meth:`Robots.allow_all`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]

    @property
    def length(self) -> int:
        return len(self.pattern)


def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


def _norm(path: str) -> str:
    """Compare paths %-decoded (except an encoded '/'), so /a%7Eb and /a~b are equal."""
    return unquote(path.replace("%2F", "%252F").replace("%2f", "%252F"))


def product_token(user_agent: str) -> str:
    """``"pressarchive/0.1 (+https://…)"`` → ``"pressarchive"``."""
    token = re.split(r"[/\s(]", user_agent.strip(), maxsplit=1)[0]
    return token.lower()


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None


@dataclass
class Robots:
    """The rules of one robots.txt that apply to our user agent."""

    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def allow_all(cls) -> Robots:
        return cls()

    @classmethod
    def parse(cls, text: str, user_agent: str = "pressarchive") -> Robots:
        """Parse robots.txt ``text`` for ``user_agent`` (a product token or a full UA)."""
        token = product_token(user_agent)
        groups: list[_Group] = []
        current: _Group | None = None
        last_was_agent = False
        sitemaps: list[str] = []
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            key, value = line.split(":", 1)
            key = key.strip().lower()
            value = value.strip()
            if key in ("user-agent", "useragent"):
                if current is None or not last_was_agent:
                    current = _Group()
                    groups.append(current)
                current.agents.append(value.lower())
                last_was_agent = True
                continue
            last_was_agent = False
            if key == "sitemap":
                if value:
                    sitemaps.append(value)
                continue
            if current is None:
                continue
            if key in ("allow", "disallow"):
                if not value:
                    continue  # "Disallow:" with nothing = allow everything
                pattern = _norm(value)
                current.rules.append(Rule(key == "allow", pattern, _compile(pattern)))
            elif key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    log.debug("ignoring bad Crawl-delay %r", value)
                    continue
                if delay >= 0:
                    current.crawl_delay = delay

        def named(agent: str) -> bool:
            return agent != "*" and (agent == token or token.startswith(agent))

        chosen = [g for g in groups if any(named(a) for a in g.agents)]
        if not chosen:
            chosen = [g for g in groups if "*" in g.agents]
        rules = [r for g in chosen for r in g.rules]
        delays = [g.crawl_delay for g in chosen if g.crawl_delay is not None]
        return cls(rules=rules, crawl_delay=max(delays) if delays else None, sitemaps=sitemaps)

    def allowed(self, path: str) -> bool:
        """May ``path`` (path plus ``?query``, or a full URL's path part) be fetched?"""
        if not path.startswith("/"):
            path = "/" + path
        if path == "/robots.txt":
            return True
        target = _norm(path)
        best: Rule | None = None
        for rule in self.rules:
            if rule.regex.match(target):
                if (
                    best is None
                    or rule.length > best.length
                    or (rule.length == best.length and rule.allow and not best.allow)
                ):
                    best = rule
        return best is None or best.allow

    def disallowing_rule(self, path: str) -> str | None:
        """The ``Disallow`` pattern that blocks ``path``, or None when allowed."""
        if self.allowed(path):
            return None
        target = _norm(path if path.startswith("/") else "/" + path)
        matching = [r for r in self.rules if not r.allow and r.regex.match(target)]
        return max(matching, key=lambda r: r.length).pattern if matching else None


__all__ = ["Robots", "Rule", "product_token"]
