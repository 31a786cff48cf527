"""Drupal 7 markup (Bartik-style page, ``node-article``) for the Drupal family's older releases:
a site that moved to Drupal 10 and keeps its archive in the old theme.

Classes after Drupal 7 core: ``div#node-N.node.node-article``, ``div.submitted`` with the
RDFa ``span[property="dc:date dc:created"][content]`` stamp (local time with offset) and the
German "Verfasst von … am Di., 05.11.2024 - 09:30", ``field-name-field-image`` and a
``field-name-field-bildunterschrift`` caption field beside it ("…, Foto: …"), the body in
``field-name-body > div.field-items > div.field-item.even``, tags in ``field-name-field-tags``
("Schlagworte:", not related). The title is ``h1#page-title`` (no ``main`` element).
"""

from __future__ import annotations

from crawler.sample_site.families import Page, attr, esc, german_day, local, record_blocks

_WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")


def legacy_page(page: Page, listing: str) -> str:
    stamp = local(page["date"], page["time"])
    shown = f"{_WEEKDAYS[stamp.weekday()]}, {german_day(page['date'])} - {page['time']}"
    parts = [
        f'<div id="node-{page["nid"]}" class="node node-article node-promoted clearfix" '
        'about="/node/{page["nid"]}" typeof="sioc:Item foaf:Document">',
        '<div class="meta submitted"><span property="dc:date dc:created" '
        f'content="{stamp.isoformat()}" datatype="xsd:dateTime" rel="sioc:has_creator">'
        f'Verfasst von <span class="username">Pressestelle</span> am {shown}</span></div>',
        '<div class="content clearfix">',
    ]
    for img in page["images"]:
        parts.append(
            '<div class="field field-name-field-image field-type-image field-label-hidden">'
            '<div class="field-items"><div class="field-item even" rel="og:image rdfs:seeAlso">'
            f'<img typeof="foaf:Image" src="{attr(img["path"])}" width="640" height="427" '
            f'alt="{attr(img["alt"])}" /></div></div></div>'
            '<div class="field field-name-field-bildunterschrift field-type-text '
            'field-label-hidden"><div class="field-items"><div class="field-item even">'
            f"{esc(img['caption'])}, Foto: {esc(img['credit'])}</div></div></div>"
        )
    parts.append(
        '<div class="field field-name-body field-type-text-with-summary field-label-hidden">'
        '<div class="field-items"><div class="field-item even" property="content:encoded">'
        f"{record_blocks(page['blocks'])}</div></div></div>"
    )
    if page["tags"]:
        tags = "".join(
            f'<div class="field-item {"odd" if i % 2 else "even"}"><a href="/schlagworte/'
            f'{attr(t.lower())}" typeof="skos:Concept" property="rdfs:label skos:prefLabel">'
            f"{esc(t)}</a></div>"
            for i, t in enumerate(page["tags"])
        )
        parts.append(
            '<div class="field field-name-field-tags field-type-taxonomy-term-reference '
            'field-label-above"><div class="field-label">Schlagworte:&nbsp;</div>'
            f'<div class="field-items">{tags}</div></div>'
        )
    parts.append("</div></div>")
    return (
        '<!DOCTYPE html>\n<html lang="de" dir="ltr" prefix="content: http://purl.org/rss/1.0/'
        'modules/content/ dc: http://purl.org/dc/terms/">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        '<meta name="Generator" content="Drupal 7 (http://drupal.org)" />\n'
        f"<title>{esc(page['title'])} | Stadt Langen</title>\n</head>\n"
        '<body class="html not-front not-logged-in one-sidebar sidebar-first page-node '
        f'page-node-{page["nid"]} node-type-article">\n'
        '<div id="skip-link"><a href="#main-content" class="element-invisible '
        'element-focusable">Direkt zum Inhalt</a></div>\n'
        '<div id="page-wrapper"><div id="page">\n'
        '<div id="header"><div class="section clearfix"><a href="/" title="Startseite" '
        'rel="home" id="logo"><img src="/sites/all/themes/langen/logo.png" alt="Startseite" />'
        '</a><div id="name-and-slogan"><div id="site-name"><strong><a href="/" '
        'title="Startseite" rel="home"><span>Stadt Langen</span></a></strong></div></div>'
        '<div id="main-menu" class="navigation"><h2 class="element-invisible">Hauptmenü</h2>'
        f'<ul id="main-menu-links" class="links clearfix"><li class="menu-218 first">'
        f'<a href="{listing}">Presse</a></li><li class="menu-219 last"><a href="/rathaus">'
        "Rathaus</a></li></ul></div></div></div>\n"
        '<div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">\n'
        '<div id="breadcrumb"><h2 class="element-invisible">Sie sind hier</h2>'
        f'<div class="breadcrumb"><a href="/">Startseite</a> » <a href="{listing}">'
        "Pressemitteilungen</a></div></div>\n"
        '<div id="content" class="column"><div class="section">'
        '<a id="main-content"></a>'
        f'<h1 class="title" id="page-title">{esc(page["title"])}</h1>'
        '<div class="tabs"></div><div class="region region-content">'
        '<div id="block-system-main" class="block block-system"><div class="content">'
        + "\n".join(parts)
        + "</div></div></div></div></div>\n"
        '<div id="sidebar-first" class="column sidebar"><div class="section">'
        '<div class="region region-sidebar-first"><div id="block-search-form" class="block '
        'block-search"><h2>Suche</h2><div class="content"><form action="/suche" method="get">'
        '<input type="text" name="search_block_form" /></form></div></div></div></div></div>\n'
        "</div></div>\n"
        '<div id="footer-wrapper"><div class="section"><div id="footer" class="clearfix">'
        "<p>Stadt Langen · Südliche Ringstraße 80 · 63225 Langen</p></div></div></div>\n"
        "</div></div>\n</body>\n</html>\n"
    )
