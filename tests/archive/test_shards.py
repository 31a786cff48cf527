"""``--shard K/N``: a stable share of the sources; ``merge`` refusing what it cannot merge;
the all-families demo config. Fast: no crawl (the crawls are in run/test_merge.py)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.store.schema import open_archive
from crawler.config.settings import loads_config
from crawler.config.shards import parse_shard, shard_of
from crawler.errors import InvalidValue
from crawler.sample_site import FAMILIES
from crawler.sample_site.demo import all_families_config_text

NAMES = [*FAMILIES, *(f"stadt-{i}" for i in range(200))]


def test_all_families_config_has_one_source_per_family() -> None:
    config = loads_config(all_families_config_text(8080), "<test>")
    assert [s.name for s in config.sources] == list(FAMILIES)
    assert all(s.connect_to for s in config.sources)
    assert len(FAMILIES) >= 4


def test_demo_prints_the_all_families_config() -> None:
    result = CliRunner().invoke(cli, ["demo", "--print-config", "--all-families", "--port", "8123"])
    assert result.exit_code == 0, result.output
    config = loads_config(result.output, "<printed>")
    assert {s.name for s in config.sources} == set(FAMILIES)
    assert all(set(s.connect_to.values()) == {"127.0.0.1:8123"} for s in config.sources)
    plain = CliRunner().invoke(cli, ["demo", "--print-config", "--port", "8123"])
    assert [s.name for s in loads_config(plain.output, "<plain>").sources] == ["sample"]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 16])
def test_every_source_lands_in_exactly_one_shard(n: int) -> None:
    config = loads_config(all_families_config_text(8080), "<test>")
    shares = [[s.name for s in config.shard(k, n).sources] for k in range(1, n + 1)]
    taken = [name for share in shares for name in share]
    assert sorted(taken) == sorted(s.name for s in config.sources)  # union, no overlap
    assert len(set(taken)) == len(taken)
    counts = [sum(shard_of(name, n) == k for name in NAMES) for k in range(1, n + 1)]
    assert sum(counts) == len(NAMES)
    if n > 1:  # a hash spreads 213 names: no shard gets almost all of them
        assert max(counts) < len(NAMES) * 0.8


def test_shards_are_the_same_in_another_python_process() -> None:
    code = (
        "import json, sys; from crawler.config.shards import shard_of; "
        "names = json.loads(sys.stdin.read()); "
        "print(json.dumps([[shard_of(x, n) for n in (2, 3, 7)] for x in names]))"
    )
    env_seeds = ["1", "2"]
    outputs = []
    for seed in env_seeds:  # PYTHONHASHSEED changes hash(): the shards must not change
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(NAMES),
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            cwd=Path(__file__).resolve().parents[2],
        )
        outputs.append(json.loads(done.stdout))
    here = [[shard_of(x, n) for n in (2, 3, 7)] for x in NAMES]
    assert outputs[0] == outputs[1] == here


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "a/b", "2", "-1/2", "1/2/3", ""])
def test_bad_shard_values_exit_2_naming_the_value(tmp_path: Path, spec: str) -> None:
    with pytest.raises(InvalidValue):
        parse_shard(spec)
    config = tmp_path / "c.toml"
    config.write_text(all_families_config_text(8080), encoding="utf-8")
    for command in ("crawl", "schedule"):
        result = CliRunner().invoke(
            cli, [command, "--config", str(config), "--shard", spec, "--db", str(tmp_path / "a.db")]
        )
        assert result.exit_code == 2, result.output
        assert f"--shard {spec!r}" in result.output
    assert not (tmp_path / "a.db").exists()


def test_good_shard_values() -> None:
    assert parse_shard("1/1") == (1, 1)
    assert parse_shard(" 3 / 4 ") == (3, 4)


def test_shard_and_source_together_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(all_families_config_text(8080), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["crawl", "--config", str(config), "--shard", "1/2", "--source", "typo3",
         "--db", str(tmp_path / "a.db")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--source and --shard" in result.output


def test_merge_refuses_the_output_as_an_input(tmp_path: Path) -> None:
    shard = tmp_path / "shard.db"
    open_archive(shard).close()
    before = shard.read_bytes()
    link = tmp_path / "link.db"
    link.symlink_to(shard)
    for given in (shard, link):
        result = CliRunner().invoke(cli, ["merge", str(given), "--db", str(shard)])
        assert result.exit_code == 2, result.output
        assert f"{given}: is the output archive" in result.output
    assert shard.read_bytes() == before


def test_merge_refuses_what_is_not_an_archive(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not sqlite", encoding="utf-8")
    out = tmp_path / "out.db"
    for given, code in ((bogus, 3), (tmp_path / "missing.db", 3)):
        result = CliRunner().invoke(cli, ["merge", str(given), "--db", str(out)])
        assert result.exit_code == code, result.output
        assert str(given) in result.output
    assert not out.exists()
    result = CliRunner().invoke(cli, ["merge", "--db", str(out)])
    assert result.exit_code == 2


def test_merge_refuses_an_archive_of_a_newer_pressarchive(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    db = open_archive(newer)
    db.execute("INSERT INTO migrations (id, name, applied_at) VALUES (999, 'future', 'x')")
    db.conn.commit()
    db.close()
    out = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["merge", str(newer), "--db", str(out)])
    assert result.exit_code == 3, result.output
    assert "unknown to this version" in result.output and str(newer) in result.output
    assert not out.exists()


def test_merge_upgrades_an_input_of_an_older_pressarchive(tmp_path: Path) -> None:
    """Its derived indexes built by another version: upgraded (as read commands do)."""
    older = tmp_path / "older.db"
    db = open_archive(older)
    db.execute(
        "INSERT INTO sources (name, title, added_at) VALUES ('alt', 'Alt', '2025-01-01T00:00Z')"
    )
    db.execute("DELETE FROM index_state")
    db.conn.commit()
    db.close()
    out = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["merge", str(older), "--db", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["added"]["new_sources"] == 1
    assert summary["pages"] == 0 and summary["merged_from"] == [str(older)]
    conn = sqlite3.connect(out)
    assert conn.execute("SELECT name, title FROM sources").fetchall() == [("alt", "Alt")]
    conn.close()
