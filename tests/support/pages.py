"""Hand-written pages for extractor tests."""

from __future__ import annotations


def sitepark_page(
    content: str,
    *,
    label: str = "Pressemitteilung",
    title: str = "Titel",
    lead: str | None = None,
    head: str = "",
    after: str = "",
) -> bytes:
    """A minimal Sitepark detail page per MARKUP.md."""
    intro = f'<div class="SP-ArticleHeader__intro SP-Intro"><p>{lead}</p></div>' if lead else ""
    kicker = (
        f'<span class="SP-Kicker"><span class="SP-Kicker__text">{label}</span></span>'
        if label
        else ""
    )
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{title} | Stadt</title>{head}</head><body>
<div class="SP-CookieConsent" role="dialog">Cookies? Matomo. We use cookies.</div>
<a class="SP-SkipLink" href="#SP-Content">Inhalt anspringen</a>
<header class="SP-Header"><a class="SP-Logo" href="/">Zurück zur Homepage</a>
<nav class="SP-MainNav"><ul><li><a href="/rathaus">Rathaus</a></li></ul></nav></header>
<main class="SP-Main"><article id="SP-Content" class="SP-Article">
<header class="SP-ArticleHeader">{kicker}<h1 class="SP-Headline SP-Headline--article">{title}</h1>
{intro}</header>
<div class="SP-ArticleContent">{content}</div>{after}
</article></main><footer class="SP-Footer">Marktplatz 4</footer></body></html>""".encode()
