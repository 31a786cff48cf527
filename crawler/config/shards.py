"""Sources as the unit of work: a stable share of the configured sources per shard.

``--shard K/N`` (K from 1 to N) takes the sources whose name hashes to K: source ``name``
belongs to shard ``int(sha1(name.encode("utf-8")).hexdigest(), 16) % N + 1``. The hash is
SHA-1 of the name alone (not Python's ``hash()``, which changes per process, nor the
position in the config): a source stays in its shard when others are added or removed, on
every machine and in every process; every source is in exactly one shard of a layout ``N``.
A shard may be empty (few sources, many shards): then it crawls nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TypeVar

from crawler.errors import InvalidValue

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
#: More shards than this is a typo, not a layout
MAX_SHARDS = 100_000

T = TypeVar("T")


def parse_shard(spec: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)``; :class:`InvalidValue` (exit 2) naming the value unless
    ``1 <= K <= N <= MAX_SHARDS``."""
    match = _SPEC.match(spec or "")
    if match is None:
        raise InvalidValue(f"--shard {spec!r}: expected K/N, e.g. 1/2 (shard K of N, K from 1)")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or n > MAX_SHARDS:
        raise InvalidValue(f"--shard {spec!r}: N must be from 1 to {MAX_SHARDS}")
    if not 1 <= k <= n:
        raise InvalidValue(f"--shard {spec!r}: K must be from 1 to N ({n}); shards count from 1")
    return k, n


def shard_of(name: str, n: int) -> int:
    """The shard (1 … ``n``) of the source called ``name``."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    return int(digest, 16) % n + 1


def shard_share(items: Iterable[T], names: Iterable[str], k: int, n: int) -> tuple[T, ...]:
    """The ``items`` (in their order) whose name (``names``, same order) is in shard ``k``."""
    return tuple(item for item, name in zip(items, names, strict=True) if shard_of(name, n) == k)


__all__ = ["MAX_SHARDS", "parse_shard", "shard_of", "shard_share"]
