"""The generic caption and credit layer (crawler.extract.media): caption and credit class words,
credits beside or inside a caption, captions that belong to other images, icons, download
sizes."""

from __future__ import annotations

import pytest

from crawler.extract.core import extract, split_caption

URL = "http://www.example.test/presse/meldung"


def _page(article: str) -> bytes:
    return (
        "<!DOCTYPE html><html lang='de'><head><title>Meldung</title></head><body>"
        "<header><a href='/'><img src='/logo.png' alt='Logo'></a></header>"
        f"<main><article><h1>Neue Meldung</h1>{article}"
        "<p>Erster Absatz der Meldung mit genug Text, damit er Text ist.</p>"
        "<p>Zweiter Absatz der Meldung mit weiterem Text für den Leser.</p>"
        "</article></main></body></html>"
    ).encode()


def _images(article: str) -> list[tuple[str, str | None, str | None]]:
    result = extract(URL, _page(article), {"content-type": "text/html; charset=utf-8"})
    return [(i.src.rsplit("/", 1)[-1], i.caption, i.credit) for i in result.images]


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Der Lesesaal. Foto: Stadt / Anna Berg", ("Der Lesesaal.", "Stadt / Anna Berg")),
        ("Der Lesesaal (Foto: Anna Berg)", ("Der Lesesaal", "Anna Berg")),
        ("Der Lesesaal. Fotos: Anna Berg, Jan Ott", ("Der Lesesaal.", "Anna Berg, Jan Ott")),
        ("Der Lesesaal. Bild: Anna Berg", ("Der Lesesaal.", "Anna Berg")),
        ("Der Lesesaal © Stadt Hanau", ("Der Lesesaal", "© Stadt Hanau")),
        ("Die Grafik. Quelle: Statistikamt", ("Die Grafik.", "Quelle: Statistikamt")),
        ("Segelboot, Bildquelle: G. Warnke", ("Segelboot", "Bildquelle: G. Warnke")),
        ("Segelboot (Bildquelle: G. Warnke)", ("Segelboot", "Bildquelle: G. Warnke")),
        ("© Stadt Hanau", (None, "© Stadt Hanau")),
        ("Ein Bildband über die Stadt", ("Ein Bildband über die Stadt", None)),
    ],
)
def test_split_caption_forms(caption: str, expected: tuple[str | None, str | None]) -> None:
    assert split_caption(caption) == expected


def test_caption_and_copyright_paragraphs_beside_the_image() -> None:
    """TYPO3 EXT:news: ``p.news-img-caption`` and ``p.news-img-copyright`` next to the
    ``div.mediaelement`` holding the linked image, one ``div.outer`` per image."""
    html = (
        '<div class="news-img-wrap">'
        '<div class="outer"><div class="mediaelement mediaelement-image">'
        '<a href="/u/a.jpg" class="lightbox"><img src="/p/a.jpg" alt="A"></a></div>'
        '<p class="news-img-caption">Der Lesesaal.</p>'
        '<p class="news-img-copyright">© Stadt Friedberg / Anna Berg</p></div>'
        '<div class="outer"><div class="mediaelement mediaelement-image">'
        '<a href="/u/b.jpg" class="lightbox"><img src="/p/b.jpg" alt="B"></a></div>'
        '<p class="news-img-caption">Der Makerspace (Foto: Jan Ott)</p></div></div>'
    )
    assert _images(html) == [
        ("a.jpg", "Der Lesesaal.", "© Stadt Friedberg / Anna Berg"),
        ("b.jpg", "Der Makerspace", "Jan Ott"),
    ]


def test_credit_element_inside_the_caption() -> None:
    """A credit span inside the caption is the credit, its text not part of the caption
    (taz ``p.caption > span.credit``; GSB ``figcaption > span.caption + span.source``)."""
    html = (
        '<a href="/full/a.jpg"><img src="/p/a.jpg" alt="A"></a>'
        '<p class="caption">Nach dem Gespräch <span class="credit">Foto: Anna Berg/dpa</span></p>'
        '<figure class="picture"><img src="/p/b.jpg" alt="B"><figcaption>'
        '<span class="caption">Das Amt.</span> <span class="source">© <cite>BKI / N. N.</cite>'
        "</span></figcaption></figure>"
        '<figure><img src="/p/c.jpg" alt="C"><figcaption><span class="photographer">'
        "Jan Ott</span> Die Halle</figcaption></figure>"
    )
    assert _images(html) == [
        ("a.jpg", "Nach dem Gespräch", "Anna Berg/dpa"),
        ("b.jpg", "Das Amt.", "© BKI / N. N."),
        ("c.jpg", "Die Halle", "Jan Ott"),
    ]


def test_a_caption_of_another_figure_is_not_taken() -> None:
    """Drupal: the field image has no caption; the CKEditor figure below has one."""
    html = (
        '<div class="node__content"><div class="field field--name-field-image">'
        '<img src="/f/field.jpg" alt="F"></div>'
        '<div class="field field--name-body"><p>Text</p>'
        '<figure role="group" class="caption caption-img"><img src="/f/inline.jpg" alt="I">'
        "<figcaption>Die Halle (Foto: Jan Ott)</figcaption></figure></div></div>"
    )
    assert _images(html) == [("field.jpg", None, None), ("inline.jpg", "Die Halle", "Jan Ott")]


def test_icons_are_no_images_and_credit_labels_drop() -> None:
    html = (
        '<figure class="picture withLoupe"><span class="wrapper"><img src="/b/a.jpg" alt="A">'
        '</span><a class="loupe" href="/b/a.jpg?__blob=poster"><img '
        'src="/SiteGlobals/Images/icons/loupe.svg" alt="Zoom"></a><figcaption>'
        '<span class="caption">Ein Bild.</span></figcaption>'
        '<p class="image-credit">(Photo: Anna Berg)</p></figure>'
    )
    assert _images(html) == [("a.jpg", "Ein Bild.", "Anna Berg")]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ('Haushaltsplan <span class="size">(184,2 KiB)</span>', "Haushaltsplan"),
        ("Haushaltsplan (PDF, 38 KB)", "Haushaltsplan"),
        ("Download (PDF, 7MB, Datei ist barrierefrei)", "Download"),
        ("Plan [PDF 1,2 MB]", "Plan"),
        ("Plan für 2025 (Entwurf)", "Plan für 2025 (Entwurf)"),
    ],
)
def test_attachment_titles_without_size(text: str, title: str) -> None:
    html = f'<p>Die Unterlagen: <a href="/files/plan.pdf">{text}</a></p>'
    result = extract(URL, _page(html), {"content-type": "text/html; charset=utf-8"})
    assert [(a.url, a.title) for a in result.attachments] == [
        ("http://www.example.test/files/plan.pdf", title)
    ]


def test_standalone_credit_lines_are_credits_not_body() -> None:
    """ "Bildnachweis: …" / "Fotos: …" as a short paragraph or list item of its own: a credit
    (its label the heading), left out of the (structural) body; a credit box keeps its items'
    labels."""
    html = (
        '<div itemprop="articleBody"><p>Erster Absatz mit Text.</p>'
        '<figure><img src="/p/a.jpg" alt="A"><figcaption>Der Saal.</figcaption></figure>'
        "<p><strong>Bildnachweis:</strong> Stadt Langen / Anna Berg</p>"
        "<ul><li>Fotos: Jan Ott, Eva Lenz</li></ul>"
        "<p>Fotos: Die Ausstellung zeigt Bilder aus hundert Jahren Stadtgeschichte, "
        "gesammelt von Bürgerinnen und Bürgern aus allen Stadtteilen der Stadt, sortiert "
        "nach Jahrzehnten und Orten, mit Texten der Stadtarchivarin und vielen Hinweisen auf "
        "weitere Quellen im Archiv, in den Bibliotheken und in privaten Sammlungen der "
        "Region, die den Besuch lohnen und zum Wiederkommen einladen.</p>"
        '<div class="box"><h3>Bildnachweise</h3><ul><li>Titelbild: Jan Ott</li></ul></div>'
        "</div>"
    )
    result = extract(URL, _page(html), {"content-type": "text/html; charset=utf-8"})
    assert result.credits == ["Stadt Langen / Anna Berg", "Jan Ott, Eva Lenz", "Titelbild: Jan Ott"]
    assert [(i.caption, i.credit) for i in result.images] == [("Der Saal.", None)]
    body = result.body or ""
    assert "Anna Berg" not in body and "Jan Ott, Eva" not in body
    assert "Fotos: Die Ausstellung" in body  # a long paragraph is text


def test_a_link_to_a_scale_of_the_same_image_is_a_zoom_link() -> None:
    """Plone's news item: the image scale ``…/@@images/image-768-….jpeg`` in a link to
    ``…/@@images/image/large`` (a larger scale below the image's own folder) is content;
    a link to a page, or to an ad server's program beside its banner, is a teaser."""
    base = "/presse/meldung/@@images"
    html = (
        f'<figure class="newsImageContainer"><a href="{base}/image/large" class="pat-plone-modal">'
        f'<img src="{base}/image-768-ab12.jpeg" alt="A"></a>'
        '<figcaption class="discreet">Der Lesesaal (Foto: Stadt Bensheim)</figcaption></figure>'
        '<p><a href="/presse/andere-meldung"><img src="/presse/bilder/b.jpg" alt="B"></a></p>'
        '<p><a href="/www/delivery/ck.php?n=1"><img src="/www/delivery/avw.php?n=1"></a></p>'
    )
    assert _images(html) == [("image-768-ab12.jpeg", "Der Lesesaal", "Stadt Bensheim")]


def test_mercury_image_info_gives_caption_and_copyright() -> None:
    """OpenCms Mercury: ``div.image-info`` beside the image holds ``div.subtitle`` (the
    caption) and ``div.copyright`` (the credit)."""
    html = (
        '<div class="visual"><div class="effect-box"><div class="image-src-box presized">'
        '<img src="/export/sites/s/.galleries/a.jpg" alt="A"></div></div>'
        '<div class="image-info"><div class="subtitle">Die Baustelle</div>'
        '<div class="copyright"><div>© Stadt Gießen / K. W.</div></div></div></div>'
    )
    assert _images(html) == [("a.jpg", "Die Baustelle", "© Stadt Gießen / K. W.")]


def test_a_credit_field_of_the_article_is_its_one_pictures_credit() -> None:
    """Joomla's custom field (``li.field-entry.bildnachweis``: label and value) below the
    article credits its one picture; a plain "Bildnachweis: …" line does not (it stays the
    page's credit), nor a field item naming its picture ("Titelbild: …")."""
    figure = '<figure><img src="/images/a.jpg" alt="A"><figcaption>Der Saal</figcaption></figure>'
    field = (
        '<ul class="fields-container"><li class="field-entry {cls}">'
        '<span class="field-label">Bildnachweis: </span>'
        '<span class="field-value">{value}</span></li></ul>'
    )
    joomla = figure + field.format(cls="bildnachweis", value="Stadt / Jan Ott")
    assert _images(joomla) == [("a.jpg", "Der Saal", "Stadt / Jan Ott")]
    named = figure + field.format(cls="bildnachweis", value="Titelbild: Stadt / Jan Ott")
    assert _images(named) == [("a.jpg", "Der Saal", None)]
    line = figure + "<p>Bildnachweis: Stadt / Jan Ott</p>"
    assert _images(line) == [("a.jpg", "Der Saal", None)]
