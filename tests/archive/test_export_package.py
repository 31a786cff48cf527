"""``pressarchive export --out DIR``: the data package of a real archive (the sample site
crawled in edition 1, then 2: new, edited and removed pages), in every format, under
every filter, read back with pyarrow, csv, json, DuckDB and frictionless."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.package_fields import TABLE_NAMES, TABLES
from crawler.errors import InvalidValue, SourceNotFound
from crawler.sample_site import SampleSite
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

FORMATS = ("parquet", "csv", "jsonl")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pkg") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0") as site:
        crawl_sample(path, site)
        site.edition = 2
        crawl_sample(path, site)
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["export", *args])


def package(archive: Path, target: Path, fmt: str, *filters: str) -> Path:
    result = run("--db", str(archive), "--format", fmt, "--out", str(target), *filters)
    assert result.exit_code == 0, result.output
    return target


def sql(archive: Path, query: str, params: Any = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(archive)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def read_rows(folder: Path, table: str, fmt: str) -> list[dict[str, Any]]:
    path = folder / f"{table}.{fmt}"
    if fmt == "parquet":
        return list(pq.read_table(path).to_pylist())
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def header(folder: Path, table: str, fmt: str) -> list[str]:
    path = folder / f"{table}.{fmt}"
    if fmt == "parquet":
        return list(pq.read_schema(path).names)
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))
    rows = read_rows(folder, table, fmt)
    return list(rows[0]) if rows else []


#: The pages each filter chooses, as SQL on the archive (written here, not taken from the
#: code under test); ``None``: the search decides (checked against ``search --count``).
FILTERS: list[tuple[tuple[str, ...], str]] = [
    ((), "1"),
    (("--source", "sample"), "source = 'sample'"),
    (("--since", "2025-01-01", "--until", "2025-06-30"),
     "published BETWEEN '2025-01-01' AND '2025-06-30'"),
    (("--label", "Pressemitteilung", "--live-only"),
     "label = 'Pressemitteilung' AND removed_at IS NULL"),
    (("--type", "topic"), "page_type = 'topic'"),
    (("--live-only",), "removed_at IS NULL"),
]  # fmt: skip


def expected_counts(archive: Path, where: str) -> dict[str, int]:
    pages = f"SELECT url FROM pages WHERE {where}"
    counts = {
        "pages": f"SELECT count(*) FROM pages WHERE {where}",
        "versions": f"SELECT count(*) FROM revisions WHERE page_url IN ({pages})",
        "images": f"SELECT count(*) FROM images WHERE page_url IN ({pages})",
        "links": f"SELECT count(*) FROM links WHERE rel != 'attachment' AND page_url IN ({pages})",
        "attachments": f"SELECT count(*) FROM links WHERE rel = 'attachment' "
        f"AND page_url IN ({pages})",
        "sources": "SELECT count(*) FROM sources",
        "topics": f"SELECT count(*) FROM page_topics WHERE page_url IN ({pages})",
        "entities": f"SELECT count(*) FROM page_entities WHERE page_url IN ({pages})",
    }  # fmt: skip
    return {table: sql(archive, q)[0][0] for table, q in counts.items()}


def test_the_archive_has_what_the_package_must_show(archive: Path) -> None:
    """Versions, removed pages, images, every kind of link: else the tests below prove little."""
    assert sql(archive, "SELECT count(*) FROM revisions WHERE revision > 1")[0][0] > 0
    assert sql(archive, "SELECT count(*) FROM pages WHERE removed_at IS NOT NULL")[0][0] > 0
    rels = {r[0] for r in sql(archive, "SELECT DISTINCT rel FROM links")}
    assert rels == {"related", "body", "attachment"}
    assert sql(archive, "SELECT count(*) FROM images WHERE credit IS NOT NULL")[0][0] > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_file_every_format_row_counts_under_each_filter(
    archive: Path, tmp_path: Path, fmt: str
) -> None:
    for i, (options, where) in enumerate(FILTERS):
        folder = package(archive, tmp_path / f"p{i}", fmt, *options)
        names = {p.name for p in folder.iterdir()}
        assert names == {f"{t}.{fmt}" for t in TABLE_NAMES} | {"datapackage.json"}
        counts = {t: len(read_rows(folder, t, fmt)) for t in TABLE_NAMES}
        assert counts == expected_counts(archive, where), options
        assert counts["pages"] > 0, options
        described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert {r["name"]: r["rows"] for r in described["resources"]} == counts


def test_query_chooses_the_pages_search_finds(archive: Path, tmp_path: Path) -> None:
    folder = package(archive, tmp_path / "kita", "jsonl", "--query", "Kita")
    urls = {r["url"] for r in read_rows(folder, "pages", "jsonl")}
    found = CliRunner().invoke(
        cli, ["search", "Kita", "--db", str(archive), "--json", "--limit", "10000"]
    )
    assert found.exit_code == 0, found.output
    assert urls == {hit["url"] for hit in json.loads(found.output)}
    assert urls
    assert {r["page_url"] for r in read_rows(folder, "versions", "jsonl")} == urls


def test_parquet_types_and_values(archive: Path, tmp_path: Path) -> None:
    folder = package(archive, tmp_path / "pq", "parquet")
    ms_utc = pa.timestamp("ms", tz="UTC")
    pages = pq.read_table(folder / "pages.parquet")
    assert pages.schema.field("published").type == pa.date32()
    assert pages.schema.field("modified").type == pa.date32()
    assert pages.schema.field("first_seen").type == ms_utc
    assert pages.schema.field("removed_at").type == ms_utc
    assert pages.schema.field("image_count").type == pa.int64()
    assert pages.schema.field("live").type == pa.bool_()
    versions = pq.read_table(folder / "versions.parquet")
    assert versions.schema.field("fetched_at").type == ms_utc
    assert versions.schema.field("revision").type == pa.int64()
    assert pq.read_schema(folder / "links.parquet").field("date").type == pa.date32()
    # values: the archive's, typed
    stored = dict(sql(archive, "SELECT url, published FROM pages"))
    for row in pages.select(["url", "published"]).to_pylist():
        day = row["published"]
        assert (day.isoformat() if day else None) == stored[row["url"]]
    stored_times = dict(sql(archive, "SELECT url, first_seen FROM pages"))
    for row in pages.select(["url", "first_seen"]).to_pylist():
        assert (
            row["first_seen"].isoformat(timespec="milliseconds").replace("+00:00", "Z")
            == stored_times[row["url"]]
        )
    removed = {r[0] for r in sql(archive, "SELECT url FROM pages WHERE removed_at IS NOT NULL")}
    live = dict(zip(pages.column("url").to_pylist(), pages.column("live").to_pylist(), strict=True))
    assert {u for u, is_live in live.items() if not is_live} == removed
    changed = dict(
        ((u, r), json.loads(c))
        for u, r, c in sql(archive, "SELECT page_url, revision, changed_fields FROM revisions")
    )
    for row in versions.select(["page_url", "revision", "changed_fields"]).to_pylist():
        assert json.loads(row["changed_fields"]) == changed[(row["page_url"], row["revision"])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_keys_join(archive: Path, tmp_path: Path, fmt: str) -> None:
    folder = package(archive, tmp_path / "keys", fmt)
    rows = {t: read_rows(folder, t, fmt) for t in TABLE_NAMES}

    def keys(table: str, *cols: str) -> list[tuple[str, ...]]:
        return [tuple(str(r[c]) for c in cols) for r in rows[table]]

    urls = set(keys("pages", "url"))
    versions = set(keys("versions", "page_url", "revision"))
    assert len(urls) == len(rows["pages"]) and len(versions) == len(rows["versions"])
    assert {(u,) for u, _ in versions} == urls  # every page has versions, every version a page
    assert set(keys("pages", "url", "revision")) <= versions
    for table in ("images", "links", "attachments"):
        assert set(keys(table, "page_url", "revision")) <= versions, table
    assert set(keys("pages", "source")) <= set(keys("sources", "name"))
    for table in TABLES:  # primary keys are unique
        pk = keys(table.name, *table.primary_key)
        assert len(pk) == len(set(pk)), table.name


ARROW_TYPES = {
    "string": "string", "integer": "int64", "number": "double", "boolean": "bool",
    "date": "date32[day]", "datetime": "timestamp[ms, tz=UTC]", "array": "string",
}  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_datapackage_describes_every_column_of_every_file(
    archive: Path, tmp_path: Path, fmt: str
) -> None:
    folder = package(archive, tmp_path / "dp", fmt)
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in described["resources"]}
    assert set(resources) == set(TABLE_NAMES)
    for name, resource in resources.items():
        assert resource["path"] == f"{name}.{fmt}" and resource["format"] == fmt
        fields = resource["schema"]["fields"]
        if name not in ("topics", "entities") or fmt != "jsonl":  # empty JSONL: no keys
            assert [f["name"] for f in fields] == header(folder, name, fmt), name
        for f in fields:
            assert f["description"].strip() and f["type"] in ARROW_TYPES, (name, f)
        if fmt == "parquet":
            schema = pq.read_schema(folder / resource["path"])
            for f in fields:
                assert str(schema.field(f["name"]).type) == ARROW_TYPES[f["type"]], (name, f)
        columns = {f["name"] for f in fields}
        assert set(resource["schema"]["primaryKey"]) <= columns
        for fk in resource["schema"].get("foreignKeys", []):
            assert set(fk["fields"]) <= columns
            other = resources[fk["reference"]["resource"]]["schema"]["fields"]
            assert set(fk["reference"]["fields"]) <= {f["name"] for f in other}
        # coded columns: every value in the file is listed, and explained
        for f in fields:
            if "constraints" not in f:
                continue
            enum = f["constraints"]["enum"]
            present = {r[f["name"]] for r in read_rows(folder, name, fmt)} - {None, ""}
            assert present <= set(enum), (name, f["name"], present - set(enum))
            assert all(f"{value} = " in f["description"] for value in enum)
    coded = {(n, f["name"]) for n, r in resources.items() for f in r["schema"]["fields"]
             if "constraints" in f}  # fmt: skip
    assert {("pages", "published_source"), ("pages", "page_type"), ("versions", "event"),
            ("links", "rel"), ("links", "kind"), ("entities", "kind")} <= coded  # fmt: skip


@pytest.mark.parametrize("fmt", ("csv", "parquet"))
def test_frictionless_validates_the_package(archive: Path, tmp_path: Path, fmt: str) -> None:
    frictionless = pytest.importorskip("frictionless")
    folder = package(archive, tmp_path / "fl", fmt)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]


def test_duckdb_answers_the_readme_questions_as_sql_on_the_archive(
    archive: Path, tmp_path: Path
) -> None:
    duckdb = pytest.importorskip("duckdb")
    folder = package(archive, tmp_path / "duck", "parquet")
    con = duckdb.connect()
    con.execute(f"SET file_search_path = '{folder}'")
    per_month = con.execute(
        "SELECT strftime(published, '%Y-%m') AS month, label, count(*) AS releases "
        "FROM 'pages.parquet' WHERE published IS NOT NULL GROUP BY ALL ORDER BY month, label"
    ).fetchall()
    expected = sql(
        archive,
        "SELECT strftime('%Y-%m', published) AS month, label, count(*) FROM pages "
        "WHERE published IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert per_month == expected and len(per_month) > 3
    edited = con.execute(
        "SELECT page_url, revision, from_json(changed_fields, '[\"VARCHAR\"]') AS fields "
        "FROM 'versions.parquet' WHERE event = 'changed' ORDER BY page_url, revision"
    ).fetchall()
    expected_edits = sql(
        archive,
        "SELECT page_url, revision, changed_fields FROM revisions WHERE event = 'changed' "
        "ORDER BY 1, 2",
    )
    assert [(u, r, f) for u, r, f in edited] == [
        (u, r, json.loads(f)) for u, r, f in expected_edits
    ]
    assert edited
    # every release mentioning "Kita" in 2025, with its dates and city
    kita = con.execute(
        "SELECT p.url, p.published, p.modified, s.city FROM 'pages.parquet' p "
        "JOIN 'sources.parquet' s ON s.name = p.source WHERE year(p.published) = 2025 AND "
        "(p.title ILIKE '%kita%' OR p.body ILIKE '%kita%') ORDER BY p.url"
    ).fetchall()
    expected_kita = sql(
        archive,
        "SELECT p.url, p.published, p.modified, s.city FROM pages p JOIN sources s "
        "ON s.name = p.source WHERE p.published LIKE '2025-%' AND (p.title LIKE '%kita%' "
        "OR p.body LIKE '%kita%') ORDER BY p.url",
    )
    assert [(u, str(d), m and str(m), c) for u, d, m, c in kita] == expected_kita and kita
    # which topics co-occur with "Haushalt" (the topic index's own rows)
    with_haushalt = con.execute(
        "SELECT o.phrase, count(DISTINCT o.page_url) FROM 'topics.parquet' h "
        "JOIN 'topics.parquet' o ON o.page_url = h.page_url AND o.phrase <> h.phrase "
        "WHERE h.phrase = 'Haushalt' GROUP BY ALL ORDER BY 2 DESC, 1"
    ).fetchall()
    expected_topics = sql(
        archive,
        "SELECT o.phrase, count(DISTINCT o.page_url) FROM page_topics h JOIN page_topics o "
        "ON o.page_url = h.page_url AND o.phrase <> h.phrase WHERE h.phrase = 'Haushalt' "
        "GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    assert with_haushalt == expected_topics and with_haushalt
    # which people are quoted most per city and year
    people = con.execute(
        "SELECT s.city, year(p.published), e.value, count(DISTINCT e.page_url) "
        "FROM 'entities.parquet' e JOIN 'pages.parquet' p ON p.url = e.page_url "
        "JOIN 'sources.parquet' s ON s.name = p.source WHERE e.kind = 'person' "
        "GROUP BY ALL ORDER BY 1, 2, 4 DESC, 3"
    ).fetchall()
    expected_people = sql(
        archive,
        "SELECT s.city, CAST(substr(p.published, 1, 4) AS INTEGER), e.value, "
        "count(DISTINCT e.page_url) FROM page_entities e JOIN pages p ON p.url = e.page_url "
        "JOIN sources s ON s.name = p.source WHERE e.kind = 'person' AND p.published "
        "IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC, 3",
    )
    assert [r for r in people if r[1] is not None] == expected_people and expected_people
    # the folder as one database: every file reads
    for table in TABLE_NAMES:
        con.execute(f"SELECT count(*) FROM '{table}.parquet'").fetchone()


def _expect_error(archive: Path, target: Path, *args: str) -> Any:
    result = run("--db", str(archive), "--format", "csv", "--out", str(target), *args)
    assert not target.exists()
    return result


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [("--source", "nowhere", SourceNotFound), ("--label", "Unbekannt", InvalidValue),
     ("--type", "listing", InvalidValue), ("--since", "2025-13-01", InvalidValue),
     ("--until", "gestern", InvalidValue)],
)  # fmt: skip
def test_unknown_filter_values_are_errors_naming_them(
    archive: Path, tmp_path: Path, option: str, value: str, error: type[Exception]
) -> None:
    for target in (tmp_path / "pkg", tmp_path / "pages.csv"):
        result = _expect_error(archive, target, option, value)
        assert result.exit_code == error.exit_code, result.output  # type: ignore[attr-defined]
        assert value in result.output and option in result.output


def test_out_tells_a_package_from_a_file(archive: Path, tmp_path: Path) -> None:
    db = ("--db", str(archive))
    one = tmp_path / "pages.csv"
    assert run(*db, "--format", "csv", "--out", str(one)).exit_code == 0
    assert one.is_file() and next(csv.reader(one.open(encoding="utf-8")))[0] == "url"
    existing = tmp_path / "data.v1"
    existing.mkdir()
    for target in (existing, tmp_path / "data"):
        assert run(*db, "--format", "csv", "--out", str(target)).exit_code == 0
        assert (target / "datapackage.json").is_file()
    result = run(*db, "--format", "json", "--out", str(tmp_path / "other"))
    assert result.exit_code != 0 and "json" in result.output
    assert not (tmp_path / "other").exists()
    result = run(*db, "--format", "csv", "--out", str(archive))  # the archive: a file, refused
    assert result.exit_code != 0
    # -o stays one file, even without a suffix; --out an existing file: that file again
    plain = tmp_path / "pages"
    assert run(*db, "--format", "csv", "-o", str(plain)).exit_code == 0 and plain.is_file()
    plain.write_text("old", encoding="utf-8")
    assert run(*db, "--format", "csv", "--out", str(plain)).exit_code == 0 and plain.is_file()
    assert plain.read_text(encoding="utf-8").startswith("url,")


def test_single_file_export_takes_the_new_filters(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "live.csv"
    args = ("--label", "Pressemitteilung", "--live-only", "--until", "2025-12-31")
    assert run("--db", str(archive), "--format", "csv", "-o", str(target), *args).exit_code == 0
    urls = {r["url"] for r in csv.DictReader(target.open(encoding="utf-8"))}
    expected = sql(
        archive,
        "SELECT url FROM pages WHERE label = 'Pressemitteilung' AND removed_at IS NULL "
        "AND published <= '2025-12-31'",
    )
    assert urls == {r[0] for r in expected} and urls


@pytest.fixture()
def enriched(archive: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the archive with one media row made by hand (the crawl's own rows are
    there too); its topics and entities are the topic index's."""
    copy = tmp_path / "enriched.db"
    src = sqlite3.connect(archive)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    src_url, page = dst.execute("SELECT src, page_url FROM images ORDER BY 1 LIMIT 1").fetchone()
    dst.execute(  # replaces the crawl's own row where the crawl archives media
        "INSERT OR REPLACE INTO media (url, status, content_type, length, digest, warc_file, "
        "warc_offset, fetched_at) VALUES (?, 200, 'image/jpeg', 1234, 'sha1:X', 'a.warc.gz', "
        "77, '2026-12-04T10:00:00.000Z')",
        [src_url],
    )
    dst.commit()
    dst.close()
    yield copy


def test_media_topics_entities_are_joined_when_the_archive_has_them(
    enriched: Path, tmp_path: Path
) -> None:
    folder = package(enriched, tmp_path / "rich", "parquet")
    images = pq.read_table(folder / "images.parquet")
    assert images.schema.field("media_fetched_at").type == pa.timestamp("ms", tz="UTC")
    media = {
        url: (status, length, offset)
        for url, status, length, offset in sql(
            enriched, "SELECT url, status, length, warc_offset FROM media"
        )
    }
    rows = images.to_pylist()
    for row in rows:  # every image with the archive's media row of its src, else nulls
        got = (row["media_status"], row["media_length"], row["media_warc_offset"])
        assert got == media.get(row["src"], (None, None, None)), row["src"]
    assert (200, 1234, 77) in [(r["media_status"], r["media_length"], r["media_warc_offset"])
                               for r in rows]  # fmt: skip
    topics = {
        (t["page_url"], t["rank"], t["phrase"]) for t in read_rows(folder, "topics", "parquet")
    }
    assert topics == set(sql(enriched, "SELECT page_url, rank, phrase FROM page_topics"))
    entities = read_rows(folder, "entities", "parquet")
    got = {(e["page_url"], e["kind"], e["text"], e["role"]) for e in entities}
    assert got == set(sql(enriched, "SELECT page_url, kind, text, role FROM page_entities"))
    assert ("amount", "600.000 Euro") in {(e["kind"], e["text"]) for e in entities}


def test_pandas_images_per_photographer_as_sql_on_the_archive(
    archive: Path, tmp_path: Path
) -> None:
    """The README's pandas answer: images per credited name, as SQL counts them."""
    pd = pytest.importorskip("pandas")
    folder = package(archive, tmp_path / "pd", "parquet")
    images = pd.read_parquet(folder / "images.parquet")
    name = images.credit.str.extract(r"(?:Foto|Fotograf|Fotografin|Grafik): (.+)$")[0]
    counted = name.fillna(images.credit).value_counts().to_dict()
    stored = [r[0] for r in sql(archive, "SELECT credit FROM images WHERE credit IS NOT NULL")]
    expected: dict[str, int] = {}
    for credit in stored:
        for marker in ("Fotografin: ", "Fotograf: ", "Foto: ", "Grafik: "):
            if marker in credit:
                credit = credit.rsplit(marker, 1)[1]
                break
        expected[credit] = expected.get(credit, 0) + 1
    assert counted == expected and max(expected.values()) > 1
