"""Headless Chromium for page tests (Debian's ``chromium``): one set of flags, loopback only."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def chromium_flags(profile: Path) -> list[str]:
    """Chromium headless with its own profile, resolving no host but 127.0.0.1 (a page
    that reached beyond loopback would fail, never touch the internet)."""
    return [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}",
    ]  # fmt: skip
