"""A small robots.txt parser (RFC 9309 plus the common ``Crawl-delay`` extension).

``urllib.robotparser`` drops decimal ``Crawl-delay`` values and uses first-match rather
than longest-match precedence, so we parse ourselves:

* groups start with one or more ``User-agent`` lines; the group(s) naming our product
  token (case-insensitive) apply, otherwise those for ``*``; matching groups are merged;
* ``Allow``/``Disallow`` with ``*`` (any run of characters) and ``$`` (end) wildcards;
  the longest matching pattern wins, and on a tie ``Allow`` wins; an empty ``Disallow``
  allows everything; ``/robots.txt`` itself is always allowed;
* ``Crawl-delay`` as a float (of the applicable group); ``Sitemap:`` lines anywhere.

Bounded and linear (a robots.txt is hostile input, and the check runs on the event loop
before every request): only the first :data:`MAX_ROBOTS_CHARS` characters are read (RFC 9309
asks parsers to handle at least 500 KiB; the rest is ignored with a warning), a rule longer
than :data:`MAX_RULE_CHARS` is ignored (it could only match a URL longer than any we fetch),
and no regular expression is built: a pattern is split at its ``*`` into literal segments
matched greedily left to right (the first at the start, each next one at its leftmost
place after the previous, the last at the end when the pattern ends in ``$``), which is
exact for ``*``-wildcards and costs one pass over path and pattern per rule. Rules are
indexed by their literal prefix (the text before the first ``*``), so a path is only
compared with rules whose prefix it starts with (worst case, every rule shares one prefix:
a 512 KiB file of ~28,000 such rules costs ~15 ms per check, bounded by the caps).

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


#: characters of a robots.txt read; RFC 9309 (2.5) asks for at least 500 KiB
MAX_ROBOTS_CHARS = 512 * 1024
#: longer Allow/Disallow patterns are ignored (longer than any URL we would fetch)
MAX_RULE_CHARS = 4096


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str
    #: the literal parts between the ``*`` (a trailing ``$`` removed), split once
    segments: tuple[str, ...] = field(init=False, repr=False, compare=False)
    anchored: bool = field(init=False, repr=False, compare=False)  # ends in "$"

    def __post_init__(self) -> None:
        anchored = self.pattern.endswith("$")
        body = self.pattern[:-1] if anchored else self.pattern
        object.__setattr__(self, "anchored", anchored)
        object.__setattr__(self, "segments", tuple(body.split("*")))

    @property
    def length(self) -> int:
        return len(self.pattern)

    def matches(self, path: str) -> bool:
        """Does the pattern match ``path`` (from its start)? Greedy, one pass, no regex."""
        return _matches(self.segments, self.anchored, path)


def _matches(segments: tuple[str, ...], anchored: bool, path: str) -> bool:
    first, *rest = segments
    if not path.startswith(first):
        return False
    if not rest:  # no "*": a prefix, or the whole path with "$"
        return len(path) == len(first) if anchored else True
    pos = len(first)
    *middle, last = rest
    for seg in middle:  # each at its leftmost place: leaves the most room for the rest
        found = path.find(seg, pos)
        if found < 0:
            return False
        pos = found + len(seg)
    if anchored:
        return len(path) - len(last) >= pos and path.endswith(last)
    return path.find(last, pos) >= 0


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
        skipped = 0
        if len(text) > MAX_ROBOTS_CHARS:
            log.warning(
                "robots.txt of %d characters: only the first %d read", len(text), MAX_ROBOTS_CHARS
            )
            text = text[:MAX_ROBOTS_CHARS]
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
                if len(pattern) > MAX_RULE_CHARS:
                    skipped += 1
                    continue
                current.rules.append(Rule(key == "allow", pattern))
            elif key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    log.debug("ignoring bad Crawl-delay %r", value)
                    continue
                if delay >= 0:
                    current.crawl_delay = delay

        if skipped:
            log.warning("robots.txt: %d rules over %d characters ignored", skipped, MAX_RULE_CHARS)

        def named(agent: str) -> bool:
            return agent != "*" and (agent == token or token.startswith(agent))

        chosen = [g for g in groups if any(named(a) for a in g.agents)]
        if not chosen:
            chosen = [g for g in groups if "*" in g.agents]
        rules = [r for g in chosen for r in g.rules]
        delays = [g.crawl_delay for g in chosen if g.crawl_delay is not None]
        return cls(rules=rules, crawl_delay=max(delays) if delays else None, sitemaps=sitemaps)

    def _index(self) -> list[tuple[int, dict[str, list[Rule]]]]:
        """Rules by the length of their literal prefix (the text before the first ``*``),
        then by that prefix, longest pattern first (``Allow`` first on a tie); built once."""
        index = self.__dict__.get("_rule_index")
        if index is None:
            by_len: dict[int, dict[str, list[Rule]]] = {}
            for rule in sorted(self.rules, key=lambda r: (-r.length, not r.allow)):
                head = rule.segments[0]
                by_len.setdefault(len(head), {}).setdefault(head, []).append(rule)
            index = sorted(by_len.items())
            self.__dict__["_rule_index"] = index
        return index

    def _best(self, path: str) -> Rule | None:
        """The longest rule matching ``path`` (``Allow`` on a tie), or None. Only rules
        whose literal prefix starts ``path`` are tried: one dict lookup per prefix length."""
        best: Rule | None = None
        for size, heads in self._index():
            if size > len(path):
                break
            for rule in heads.get(path[:size], ()):
                if best is not None and (
                    rule.length < best.length or (rule.length == best.length and not rule.allow)
                ):
                    break  # sorted: nothing further in this list can win
                if rule.matches(path):
                    best = rule
                    break
        return best

    @staticmethod
    def _target(path: str) -> str:
        return _norm(path if path.startswith("/") else "/" + path)

    def allowed(self, path: str) -> bool:
        """May ``path`` (path plus ``?query``, or a full URL's path part) be fetched?"""
        target = self._target(path)
        if target == "/robots.txt":
            return True
        best = self._best(target)
        return best is None or best.allow

    def disallowing_rule(self, path: str) -> str | None:
        """The ``Disallow`` pattern that blocks ``path``, or None when allowed."""
        target = self._target(path)
        if target == "/robots.txt":
            return None
        best = self._best(target)
        return best.pattern if best is not None and not best.allow else None


__all__ = ["MAX_ROBOTS_CHARS", "MAX_RULE_CHARS", "Robots", "Rule", "product_token"]
