"""The release page ``GET /-/page?url=URL`` of a real ``pressarchive serve`` subprocess, on
the sample site crawled in edition 1 and then edition 2 (edits, a removal).

The served copy gets a few rows no crawl writes yet: a ``media`` table (as the media
archiving adds it) holding the seed release's image and a PDF, and a failed fetch of the
Arksousi image; related links of that release in another URL form and to a page never
archived; a title and a body holding markup.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import lxml.html
import pytest

from archive.serve.server import write_plugin_shim
from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.render import CANONICAL_BASE, load_content
from tests.archive.serve.test_release_data import HEADING_BLOCKS
from tests.support.browser import CHROMIUM, chromium_flags
from tests.support.datasette_server import (
    running_datasette,
    running_serve,
)
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow

#: the seed release: the sample site's release of 2025-11-28
SEED = next(u for u in ground_truth(1) if "/presse/2025/2025-11-28-" in u)
CHANGES = load_content()["edition_changes"]
ARKSOUSI = CANONICAL_BASE + CHANGES["caption_edit"]["path"]
EDITED = CANONICAL_BASE + CHANGES["body_edit"]["path"]
REMOVED = CANONICAL_BASE + CHANGES["removed"]
LOTSEN = f"{CANONICAL_BASE}/presse/2024/2024-03-22-stadt-sucht-ehrenamtliche-lotsinnen-und-lotsen"
NEVER = f"{CANONICAL_BASE}/nie-archiviert"
PDF = f"{CANONICAL_BASE}/medien/dokumente/haushaltsentwurf.pdf"
MARKUP = f"{CANONICAL_BASE}/kultur/stadtbuecherei"
EVIL_TITLE = '<script>alert("x")</script> Bücherei & Co'


def _seed_image() -> str:
    return str(ground_truth(2)[SEED]["images"][0]["src"])


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("release")
    crawled = folder / "crawled.db"
    for edition in (1, 2):
        with SampleSite(edition=edition, crawl_delay="0.01") as site:
            crawl_sample(crawled, site)
    path = folder / "archive.db"
    shutil.copy(crawled, path)
    conn = sqlite3.connect(path)
    with conn:
        # the crawl archived the media; one image is made a failed fetch
        archived = conn.execute(
            "SELECT count(*) FROM media WHERE url IN (?, ?) AND digest IS NOT NULL",
            [_seed_image(), PDF],
        ).fetchone()[0]
        assert archived == 2
        conn.execute(
            "UPDATE media SET status = 404, digest = NULL, warc_file = NULL, "
            "warc_offset = NULL, error = '404' WHERE url = ?",
            [ground_truth(2)[ARKSOUSI]["images"][0]["src"]],
        )
        other_form = LOTSEN.replace("http://www.", "https://") + "/?utm_source=x"
        conn.execute(
            "UPDATE links SET url = ? WHERE page_url = ? AND rel = 'related' AND position = 0",
            [other_form, ARKSOUSI],
        )
        conn.execute(
            "UPDATE links SET url = ? WHERE page_url = ? AND rel = 'related' AND position = 1",
            [NEVER, ARKSOUSI],
        )
        conn.execute(
            "INSERT INTO links (page_url, rel, position, url, title) "
            "VALUES (?, 'related', 9, 'javascript:alert(1)', 'Skript')",
            [ARKSOUSI],
        )
        conn.execute(
            "UPDATE pages SET title = ?, body = '<b>fett</b> & mehr.\n\nZweiter <i>Absatz</i>.' "
            "WHERE url = ?",
            [EVIL_TITLE, MARKUP],
        )
    conn.close()
    return path


@pytest.fixture(scope="module")
def server(archive_path: Path) -> Iterator[str]:
    with running_serve(archive_path) as url:
        yield url


def get(base: str, url: str | None, status: int = 200, **params: str) -> lxml.html.HtmlElement:
    query = {"url": url, **params} if url is not None else params
    response = httpx.get(f"{base}/-/page", params=query, timeout=20.0)
    assert response.status_code == status, response.text[-2000:]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in doc.xpath(xpath)]


def page_link(url: str) -> str:
    return "/-/page?" + urlencode({"url": url})


def stored_pages(archive_path: Path) -> set[str]:
    conn = sqlite3.connect(archive_path)
    try:
        return {r[0] for r in conn.execute("SELECT url FROM pages")}
    finally:
        conn.close()


def test_seed_release_shows_text_image_and_related(server: str, archive_path: Path) -> None:
    truth = ground_truth(2)[SEED]
    doc = get(server, SEED)
    assert texts(doc, "//h1[@class='release-title']") == [truth["title"]]
    assert texts(doc, "//p[@class='lead']") == [truth["lead"]]
    assert truth["published"] in texts(doc, "//dd[@class='published']")[0]
    assert "metadata" in texts(doc, "//dd[@class='published']")[0]
    # every block of the body, in order: paragraphs and the one subheading
    blocks = truth["body"].split("\n\n")
    assert texts(doc, "//div[@class='body']/*") == [" ".join(b.split()) for b in blocks]
    # the subheading of the markup is one, the paragraphs are paragraphs
    markup = next(p["blocks"] for p in load_content()["pages"] if SEED.endswith(p["path"]))
    tags = ["h2" if tag in HEADING_BLOCKS else "p" for tag, _text in markup]
    assert [el.tag for el in doc.xpath("//div[@class='body']/*")] == tags
    assert "h2" in tags
    image = truth["images"][0]
    assert texts(doc, "//figure//span[@class='caption']") == [image["caption"]]
    assert texts(doc, "//figure//span[@class='credit']") == [image["credit"]]
    [img] = doc.xpath("//figure//img")
    assert img.get("src") == "/-/media?url=" + quote(image["src"], safe="")
    assert img.get("alt") == image["alt"]
    # related links: the archived ones to their release pages, in the page's order
    archived = [r["url"] for r in truth["related"] if r["url"] in stored_pages(archive_path)]
    assert archived
    hrefs = [a.get("href") for a in doc.xpath("//section[@class='related']//a[@class='archived']")]
    assert hrefs == [page_link(u) for u in archived]
    assert doc.xpath("//a[@class='original']/@href") == [SEED]
    assert not doc.xpath("//*[@class='removed-notice']")
    # edition 2 edited it silently: two versions, the word diff of the latest edit
    edit = CHANGES["seed_edit"]
    assert len(doc.xpath("//table[@class='versions']/tbody/tr")) == 2
    [body] = doc.xpath("//div[@data-field='body']")
    assert edit["added"] in texts(body, ".//ins")
    assert any(edit["new"].split()[-2] in t for t in texts(body, ".//ins"))
    assert any(edit["old"].split()[-2] in t for t in texts(body, ".//del"))


@pytest.mark.parametrize(
    "form",
    [
        SEED.replace("http://", "https://"),
        SEED.replace("www.", ""),
        SEED + "/",
        SEED + "?utm_source=x",
        SEED.replace("http://www.", "https://") + "/?utm_source=newsletter",
    ],
)
def test_any_url_form_finds_the_page(server: str, form: str) -> None:
    doc = get(server, form)
    assert texts(doc, "//h1[@class='release-title']") == [ground_truth(2)[SEED]["title"]]
    assert doc.xpath("//a[@class='original']/@href") == [SEED]


def test_edited_release_shows_versions_and_word_diff(server: str) -> None:
    added = " ".join(CHANGES["body_edit"]["added_sentence"].split())
    doc = get(server, EDITED.replace("http://www.", "https://"))
    rows = doc.xpath("//table[@class='versions']/tbody/tr")
    assert [r.xpath("string(td[1])") for r in rows] == ["1", "2"]
    assert "2 versions" in texts(doc, "//dd[@class='version-summary']")[0]
    assert "body" in rows[1].xpath("string(td[5])")
    [body] = doc.xpath("//div[@data-field='body']")
    assert texts(body, ".//ins") == [added]
    assert not body.xpath(".//del")
    # the rest of the body is shown unmarked around it
    plain = ground_truth(1)[EDITED]["body"].split("\n\n")[0]
    assert " ".join(plain.split()) in texts(body, ".//p")
    # reversed: the sentence is deleted
    back = get(server, EDITED, **{"from": "2", "to": "1"})
    [body] = back.xpath("//div[@data-field='body']")
    assert texts(body, ".//del") == [added] and not body.xpath(".//ins")
    assert back.xpath("//select[@name='from']/option[@selected]/@value") == ["2"]
    # the same version twice: nothing changed
    same = get(server, EDITED, **{"from": "2", "to": "2"})
    assert same.xpath("//p[@class='no-changes']")


def test_caption_edit_is_a_word_diff_of_the_image(server: str) -> None:
    edit = CHANGES["caption_edit"]
    doc = get(server, ARKSOUSI)
    [part] = doc.xpath("//div[@class='diff-image']//li[@data-part='caption']")
    assert part.xpath(".//ins") and part.xpath(".//del")
    for gone, kept in (("ins", edit["old"]), ("del", edit["new"])):
        copy = lxml.html.fromstring(lxml.html.tostring(part))
        for el in copy.xpath(f".//{gone}"):
            el.drop_tree()
        assert " ".join(copy.text_content().split()) == "caption: " + kept
    # words both captions share are not marked
    unchanged = "Katrin Hechler, Mohammad Ghassan Arksousi"
    assert unchanged in part.text_content()
    assert all(unchanged not in t for t in texts(part, ".//ins | .//del"))


def test_media_not_archived_is_never_hotlinked(server: str) -> None:
    doc = get(server, ARKSOUSI)
    assert not doc.xpath("//img")
    [marker] = doc.xpath("//figure//*[@class='not-archived']")
    assert "not archived" in marker.text_content()
    src = ground_truth(2)[ARKSOUSI]["images"][0]["src"]
    assert marker.xpath(".//a/@href") == [src]
    for url in (SEED, EDITED, REMOVED):
        for img in get(server, url).xpath("//img"):
            assert img.get("src").startswith("/-/media?url=")


def test_attachments_link_to_archived_copies(server: str, archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    pages = [r[0] for r in conn.execute("SELECT page_url FROM links WHERE url = ?", [PDF])]
    conn.close()
    assert pages
    doc = get(server, pages[0])
    assert doc.xpath("//section[@class='attachments']//a[@class='archived']/@href") == [
        "/-/media?url=" + quote(PDF, safe="")
    ]


def test_related_links_compare_canonically(server: str) -> None:
    doc = get(server, ARKSOUSI)
    archived = doc.xpath("//section[@class='related']//a[@class='archived']/@href")
    assert archived == [page_link(LOTSEN)]
    assert doc.xpath("//section[@class='related']//a[@class='live']/@href") == [NEVER]
    # a link that is no web address is shown, never linked
    assert "Skript" in texts(doc, "//section[@class='related']//li")[-1]
    assert not [h for h in doc.xpath("//a/@href") if not h.startswith(("/", "#", "http"))]


def test_removed_page_is_marked(server: str, archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    [(removed_at,)] = conn.execute("SELECT removed_at FROM pages WHERE url = ?", [REMOVED])
    conn.close()
    doc = get(server, REMOVED)
    [notice] = texts(doc, "//*[@class='removed-notice']")
    assert f"Removed from the site on {removed_at[:10]}" in notice
    assert texts(doc, "//h1[@class='release-title']") == [ground_truth(1)[REMOVED]["title"]]


def test_markup_in_fields_is_escaped(server: str) -> None:
    response = httpx.get(f"{server}/-/page", params={"url": MARKUP}, timeout=20.0)
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<b>fett" not in response.text
    assert "&lt;script&gt;alert(" in response.text
    doc = lxml.html.fromstring(response.text)
    assert texts(doc, "//h1[@class='release-title']") == [EVIL_TITLE]
    assert texts(doc, "//div[@class='body']/p") == ["<b>fett</b> & mehr.", "Zweiter <i>Absatz</i>."]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({}, 400, "page's original address"),
        ({"url": "  "}, 400, "page's original address"),
        ({"url": f"{CANONICAL_BASE}/gibt-es-nicht"}, 404, "holds no page at"),
        ({"url": "http://elsewhere.test/x"}, 404, "holds no page at"),
        ({"url": EDITED, "from": "abc"}, 400, "not a version number"),
        ({"url": EDITED, "to": "9"}, 400, "no version 9"),
        ({"url": SEED, "from": "1", "to": "3"}, 400, "no version 3"),
    ],
)
def test_errors_are_pages_saying_why(
    server: str, params: dict[str, str], status: int, message: str
) -> None:
    response = httpx.get(f"{server}/-/page", params=params, timeout=20.0)
    assert response.status_code == status
    assert message in response.text.replace("&#39;", "'")


@pytest.mark.browser
def test_headless_chromium_renders_release_page(server: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install -y chromium)")
    url = f"{server}{page_link(EDITED)}"
    dom = subprocess.run(
        [*chromium_flags(tmp_path / "profile"), "--dump-dom", url],
        capture_output=True, timeout=120,
    )  # fmt: skip
    html = dom.stdout.decode("utf-8", errors="replace")
    doc = lxml.html.fromstring(html or "<html></html>")
    assert texts(doc, "//h1[@class='release-title']") == [ground_truth(2)[EDITED]["title"]], (
        dom.stderr.decode(errors="replace")[-2000:]
    )
    added = " ".join(CHANGES["body_edit"]["added_sentence"].split())
    assert texts(doc, "//div[@data-field='body']//ins") == [added]
    assert len(doc.xpath("//table[@class='versions']/tbody/tr")) == 2


def test_plain_datasette_with_plugins_dir_serves_the_page(
    archive_path: Path, tmp_path: Path
) -> None:
    """The ``--plugins-dir`` shims alone (no ``pressarchive serve``) give the same page:
    the templates are found although the plugins are modules, not packages."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    write_plugin_shim(plugins)
    with running_datasette(archive_path, "--plugins-dir", str(plugins)) as url:
        doc = get(url, SEED.replace("http://www.", "https://"))
        assert texts(doc, "//h1[@class='release-title']") == [ground_truth(2)[SEED]["title"]]
        assert get(url, None, status=400).xpath("//*[@data-status='400']")


def test_datasette_links_both_ways(server: str) -> None:
    """The url cells of pages_view and of a page's row lead to the release page; the
    release page to its rows."""
    row_path = f"/archive/pages/{quote(SEED, safe='')}"
    for path, params in (("/archive/pages_view", {"url": SEED}), (row_path, {})):
        response = httpx.get(server + path, params=params, timeout=20.0, follow_redirects=True)
        assert response.status_code == 200, path
        doc = lxml.html.fromstring(response.text)
        assert doc.xpath("//a[@class='release-link']/@href") == [page_link(SEED)], path
    links = get(server, SEED).xpath("//dd[@class='data-links']/a/@href")
    revisions = [h for h in links if h.startswith("/archive/revisions.json?")]
    assert revisions
    rows = httpx.get(server + revisions[0] + "&_shape=array", timeout=20.0).json()
    assert rows and {r["page_url"] for r in rows} == {SEED}
