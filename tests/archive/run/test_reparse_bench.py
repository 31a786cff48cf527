"""``bench/reparse.py --versions`` grows an imported archive in SQL: the copies reparse as
the imported pages do (nothing changes), and ``--changed`` makes every one a new revision."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.run.reparse import reparse
from archive.run.warc_import import import_warc
from archive.store.schema import open_archive
from bench import reparse as bench

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not bench.PAGES.is_dir(), reason=f"the German dev pages are not here ({bench.PAGES})"
    ),
]


def test_grown_copies_reparse_like_their_originals(tmp_path: Path) -> None:
    warc = tmp_path / "bench.warc.gz"
    bench.write_warc(warc, 3)
    db = open_archive(tmp_path / "archive.db")
    import_warc(db, [warc], source="bench", workers=1)
    assert bench.grow(db, 8) == 8
    urls = [r[0] for r in db.execute("SELECT url FROM pages ORDER BY url")]
    assert len(urls) == 8 and sum("-c" in u for u in urls) == 5
    first = reparse(db)
    assert (first["versions"], first["changed"], first["errors"]) == (8, 0, 0)
    bench.stale(db)
    second = reparse(db)
    assert (second["versions"], second["changed"]) == (8, 8)
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 16
