"""The extractor's vocabulary as data: class words, headings, path patterns, caption and credit
forms (in the spirit of trafilatura's ``xpaths.py``). The rules that use them live in the stage
modules; a word added here reaches every rule that reads the list.

No word of a class-word list holds whitespace: "a class token contains it" and "the class
attribute contains it" agree, so rules look for them in the lower-cased attribute.

What one CMS family writes (Sitepark IES: class names, ids, its metadata ``<meta>``, the
built-in profile's selectors) is its own section below, read by the extractor's stages and by
discovery's listing rules (:mod:`crawler.discover.listings`); the generic lists may repeat
its words in lower case. German month names stay in :mod:`crawler.dates` (``MONTHS``):
``crawler.dates`` is a layer below ``crawler.extract`` and must not import it.
"""

from __future__ import annotations

import re

# --- Sitepark IES (markup contract: crawler/sample_site/MARKUP.md) -------------------------------

#: every Sitepark class name holds it (a cheap pre-check before splitting a class attribute)
SP_PREFIX = "SP-"
#: ``article#SP-Content``: the article of a Sitepark page
SP_ARTICLE_ID = "SP-Content"
SP_ARTICLE_HEADER = "SP-ArticleHeader"  # (a ``<header>``) kicker, ``h1``, intro
SP_ARTICLE_CONTENT = "SP-ArticleContent"
SP_KICKER = "SP-Kicker"
SP_KICKER_TEXT = "SP-Kicker__text"
SP_INTRO = "SP-Intro"
SP_IMAGE_CREDITS = "SP-ImageCredits"  # the "Bildnachweise" section
SP_RELATED = "SP-Related"  # a related-links box
SP_TEASER_LIST = "SP-TeaserList"
SP_TEASER_LIST_ITEM = "SP-TeaserList__item"
SP_TEASER = "SP-Teaser"
SP_TEASER_INNER = "SP-Teaser__inner"  # the teaser's anchor
SP_TEASER_HEADLINE = "SP-Teaser__headline"
SP_TEASER_ABSTRACT = "SP-Teaser__abstract"
SP_SCHEDULING_DATE = "SP-Scheduling__date"  # a teaser's date
#: a teaser's kind modifier: ``SP-Teaser--press``
SP_TEASER_MODIFIER = "SP-Teaser--"
SP_PAGINATION = "SP-Pagination"
#: attribute of ``SP-Pagination`` holding JSON ``{"max": <last page>}``
SP_PAGINATION_DATA = "data-sp-pagination"

#: discovery (listing teasers): kind modifier (as written, after ``SP-Teaser--``) -> link kind
SP_LISTING_KINDS = {"press": "press", "topic": "topic", "orgunit": "org", "org": "org"}
#: extraction (teasers in pages): lower-cased teaser class token -> link kind
SP_TEASER_KINDS = {
    "sp-teaser--press": "press",
    "sp-teaser--topic": "topic",
    "sp-teaser--orgunit": "org",
}
#: class names inside a teaser's anchor that are not its title (kicker, date, abstract)
SP_TEASER_MARKED = frozenset((SP_KICKER_TEXT, SP_KICKER, SP_SCHEDULING_DATE, SP_TEASER_ABSTRACT))

#: ``<meta name="application-name" data-content='{"date_from": …, "date_modified": …}'>``
SP_META_NAME = "application-name"
SP_META_DATA = "data-content"
SP_META_PUBLISHED = "date_from"
SP_META_MODIFIED = "date_modified"

#: the built-in ``sitepark`` profile (:data:`crawler.extract.profiles.SITEPARK`): field -> CSS
SP_PROFILE_SELECTORS = {
    "title": "#SP-Content .SP-ArticleHeader h1",
    "label": "#SP-Content .SP-ArticleHeader .SP-Kicker__text",
    "lead": "#SP-Content .SP-ArticleHeader .SP-Intro",
    "body": "#SP-Content .SP-ArticleContent",
    "images": "#SP-Content .SP-ArticleContent img, #SP-Content .SP-ArticleHeader img",
    "captions": "#SP-Content .SP-Figure__caption, #SP-Content figcaption",
    "credits": "#SP-Content .SP-ImageCredits li",
    "related": "#SP-Content .SP-Related",
    "listing_items": "li.SP-TeaserList__item",
    "next_page": ".SP-Pagination a[rel~=next], .SP-Pagination .SP-Pagination__next",
}

# --- structured data (crawler.extract.structured) ------------------------------------------------

#: JSON-LD / microdata types that make a page an article
ARTICLE_TYPES = frozenset(
    "article newsarticle pressrelease reportagenewsarticle blogposting analysisnewsarticle "
    "report".split()
)
PRESS_TYPES = frozenset("newsarticle pressrelease reportagenewsarticle".split())

#: meta names/properties (lower case) of the publication date, in order of preference
PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "dc.date.issued",
                  "dcterms.issued", "pubdate", "publishdate", "dc.date", "dcterms.date",
                  "date")  # fmt: skip
#: meta names/properties (lower case) of the modification date
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified")  # fmt: skip

# --- titles (crawler.extract.titles) --------------------------------------------------------------

#: class words of hidden elements (also "visually-hidden", "visuallyhidden": they hold "hidden")
HIDDEN_CLASS = ("hidden", "sr-only", "screenreader", "screen-reader", "d-none",
                "element-invisible", "offscreen")  # fmt: skip
#: class words of places whose ``h1`` is not the page's title
NOT_TITLE_CLASS = ("teaser", "sp-header", "site-header", "cookie", "consent", "logo", "related")
#: class words of a kicker (the short line above a title)
KICKER_CLASS = ("kicker", "label", "topline", "dachzeile")
#: class words of a WordPress-style category line above the title
CATEGORY_CLASS = ("cat-links", "categor", "rubrik")
#: class tokens of a lead paragraph (generic layer; Government Site Builder:
#: ``c-intro__text``, ``c-intro__introduction``; Plone: ``documentDescription``)
LEAD_CLASSES = (
    SP_INTRO, "lead", "intro", "teaser-text", "c-intro__text", "c-intro__introduction",
    "documentDescription",
)  # fmt: skip

# --- page types -----------------------------------------------------------------------------------

#: paths of press sections (``/pm/``: a press portal's "Pressemitteilung" section)
PRESS_PATH = re.compile(
    r"/(presse|pressemitteilung|pressemeldung|news|aktuelles|meldung|pm/)", re.I
)
#: labels (kickers) of press releases
PRESS_LABELS = ("pressemitteilung", "pressemeldung", "presseinformation")

#: paths of administrative units (offices, departments)
ORG_PATH = re.compile(
    r"/(verwaltung|aemter|ämter|amt|fachbereiche?|fachdienste?|dienststellen|"
    r"behoerden|organisationseinheiten)/",
    re.I,
)

# --- body blocks (crawler.extract.text) -----------------------------------------------------------

#: class tokens (lower case) or fragments of them that mark non-content boxes
SKIP_CLASS_PARTS = (
    "sp-video", "sp-related", "sp-notes", "sp-imagecredits", "sp-cookieconsent", "sp-skiplink",
    "sp-figure", "sp-teaser", "sp-pagination", "sp-breadcrumb", "sp-share", "related", "cookie",
    "consent", "skiplink", "skip-link", "breadcrumb", "pagination", "social", "share", "video",
    "backlink", "rightbox", "news-single-img", "caption", "sr-only", "visually-hidden",
    "visuallyhidden", "screenreader",
)  # fmt: skip

#: class tokens (lower case, whole tokens: "with-byline" is no byline) of author/date lines
#: (Drupal "node__meta", WordPress "entry-meta", news "byline"; measured in BENCHMARKS.md)
META_CLASS_TOKENS = frozenset(
    ("node__meta", "node__submitted", "entry-meta", "post-meta", "article-meta", "byline",
     "submitted")
)  # fmt: skip

CHROME_IDS = frozenset(("header", "navigation", "nav", "footer", "sidebar", "cookie-banner"))

SKIP_ROLES = frozenset("navigation banner contentinfo dialog complementary alertdialog".split())

#: headings of boxes that are never body text
SKIP_HEADINGS = re.compile(
    r"^(erläuterungen und hinweise|bildnachweise?|bildquellen|bildrechte|video\b|teilen\b)", re.I
)

#: headings of related boxes (boxes whose links are the page's related links: "Verwandte
#: Themen", a query loop headed "Das könnte Sie auch interessieren", a link sequence headed
#: "Weitere Informationen"); never "Weitere Meldungen" / "Neueste Beiträge" (the sender's or
#: site's latest items, not related to this page)
RELATED_HEADINGS = re.compile(
    r"^(verwandte (themen|links|nachrichten|meldungen|artikel|beiträge|inhalte|seiten)|"
    r"mehr zum thema|das könnte sie auch interessieren|weitere informationen|"
    r"lesen sie auch|auch interessant|siehe auch|zum thema|ähnliche (artikel|beiträge|themen)|"
    r"related (topics|links|news|articles|posts|content|items)|see also)\b",
    re.I,
)

#: the letters every heading :data:`RELATED_HEADINGS` matches starts with (a cheap pre-check;
#: "ä" is not ASCII: :func:`crawler.extract.index.may_start_with` lets it through)
RELATED_INITIALS = "vmdwlasrz"

#: headings of link boxes (skipped in the body only when the box really is a list of links or
#: teasers): the related boxes and the lists of the latest items
LINK_BOX_HEADINGS = re.compile(
    rf"^(?:{RELATED_HEADINGS.pattern[1:]}|(weitere (meldungen|nachrichten)|neueste beiträge)\b)",
    re.I,
)

#: the letters every heading :data:`LINK_BOX_HEADINGS` matches starts with (a cheap pre-check)
LINK_BOX_INITIALS = "vmdwlasrzn"

#: a closing block that is only a back/top link's words ("Zurück zur Übersicht", "Nach oben")
BACK_LINK_BLOCK = re.compile(
    r"[«‹<\s]*(zurück( zur (übersicht|liste|startseite|newsübersicht))?|nach oben|zum seitenanfang|"
    r"seitenanfang|back to top)[ .:»›<>-]*",
    re.IGNORECASE,
)

#: an opening meta line: a date, perhaps a time, perhaps "von"/"by" and a name without digits
#: ("25.09.2025 10:00 von Pressestelle"; not "15.03.2025 von 10 bis 16 Uhr"), or the name
#: first ("Von Pressestelle, 01.12.2025 - 00:15")
META_LINE = re.compile(
    r"((von|by|Autor:?) [^.!?\d,|–-]{1,60}\s?[,|–-]\s?)?"
    r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}(,?( [|–-])? \d{1,2}[:.]\d{2}( Uhr)?)?"
    r"( [|–-])?( (von|by|Autor:?) [^.!?\d]{1,60})?",
    re.IGNORECASE,
)

# --- media (crawler.extract.media) ---------------------------------------------------------------

#: headings of image-credit boxes ("Bildnachweise")
CREDIT_HEADINGS = re.compile(r"^(bildnachweise?|bildquellen|bildrechte|image credits)\b", re.I)

#: the letters every heading :data:`CREDIT_HEADINGS` matches starts with (a cheap pre-check)
CREDIT_INITIALS = "bi"

ATTACHMENT_EXT = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|txt|csv|zip|rar|7z|gpx|kmz?|ics)$", re.I
)

PHOTOGRAPHER = r"Fotograf(?:in|/in|\*in|:in|In)?"

PAREN_CREDIT = re.compile(
    rf"\s*\(\s*(?:(?P<label>{PHOTOGRAPHER}|Fotos?|Bild|Photo|Image|Bildquelle|Quelle|Grafik|"
    r"Copyright)\s*:|"
    r"(?P<c>©))"
    r"\s*(?P<rest>[^()]*)\)\s*$",
    re.I,
)

TAIL_CREDIT = re.compile(
    r"(?:^|(?<=[\s.;,|–-]))(?P<credit>(?:©|\(c\)|Copyright\s*:|(?:Bild)?quelle\s*:|Grafik\s*:|"
    rf"Fotos?\s*:|Bild\s*:|{PHOTOGRAPHER}\s*:)\s*.+)$",
    re.I,
)

#: class words (lower case, parts of a class token) of an image's caption element: "caption"
#: holds "image-caption", "news-img-caption", "wp-caption-text", "figure__caption"
CAPTION_CLASS_WORDS = ("caption", "bildunterschrift", "legende", "bildtext", "imagetext",
                       "image-info")  # fmt: skip
#: class words (lower case, parts of a class token) of an image's credit element next to its
#: caption ("news-img-copyright", "c-picture__source", "image-credit", "photographer")
CREDIT_CLASS_WORDS = ("copyright", "credit", "bildnachweis", "bildquelle", "quelle", "source",
                      "photographer", "fotograf", "urheber")  # fmt: skip
#: a credit element's own label, dropped ("Foto: N" → "N"; "©" and "Quelle:" stay as written)
CREDIT_LABEL = re.compile(
    r"^\s*(?:Fotos?|Bild|Photos?|Image|(?:Image |Photo |Foto)?credits?)\s*:\s*", re.I
)
#: a standalone credit line, its label the heading of the credits it holds: "Bildnachweis:
#: Stadt Langen", "Bildquellen: …", "Fotos: …" (a short paragraph or list item of its own)
CREDIT_LINE = re.compile(
    r"^\s*(?:Bildnachweise?|Bildquellen?|Bildrechte|Fotonachweise?|Fotos?|Bilder)\s*:\s*(?=\S)",
    re.I,
)
#: the markup holds a credit line only if it holds one of these (a cheap pre-check)
CREDIT_LINE_HINT = re.compile(r"ildnachweis|ildquelle|ildrechte|otonachweis|Fotos?\s*:|Bilder\s*:")
#: a download link's trailing size and type: "Plan (184,2 KiB)", "Plan (PDF, 38 KB)",
#: "Plan [PDF 1,2 MB]", "Plan, PDF, 38 KB"
FILE_SIZE_TAIL = re.compile(
    r"\s*(?:[(\[]\s*(?:[A-Za-z]{2,5}\s*[,|/–-]?\s*)?\d+(?:[.,]\d+)?\s*[KMG]i?B"
    r"(?:\s*[,|]\s*[^()\[\]]*)?\s*[)\]]|,\s*[A-Za-z]{2,5},\s*\d+(?:[.,]\d+)?\s*[KMG]i?B)\s*$",
    re.I,
)

#: the text beside a download link in its block: the file's type and size and perhaps a note
#: ("PDF | 38 KB | Datei ist nicht barrierefrei", "(PDF, 1,2 MB)", "DOCX-Datei 38 KB")
FILE_INFO = re.compile(
    r"[\s(\[|,:–-]*(?:[A-Za-z-]{2,12}\s*[,|/:–-]?\s*)?\d+(?:[.,]\d+)?\s*[KMG]i?B\b[^.!?]{0,60}",
    re.I,
)
IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|avif|tiff?)(\?.*)?$", re.I)
#: a path naming a server program (an ad server's ``avw.php``), not a stored file or scale
SCRIPT_PATH = re.compile(r"\.(php\d?|aspx?|jsp|cgi|pl)$", re.I)

LEADING_FOTO = re.compile(r"^\s*(?:Fotos?|Bild)\s*:\s*", re.I)

#: class words of places whose images are not the article's (chrome, teasers, boxes)
IMAGE_CHROME_WORDS = ("teaser", "related", "logo", "sp-header", "video", "imagecredits", "cookie",
                      "consent", "avatar", "icon", "share", "social")  # fmt: skip
#: an icon's path: a directory "icon"/"icons" (a GSB zoom link's magnifier, sprites)
ICON_PATH = re.compile(r"/icons?/", re.I)

# --- related links and teasers (crawler.extract.related, crawler.extract.teasers) ----------------

LINK_PREFIX = re.compile(r"^Link zu\s+")

#: Jetpack's related-post context line: In „Pressemitteilungen“
CONTEXT = re.compile(r"^(?:In|Aus|Kategorie:?)\s+[„\"“»]?(.+?)[“\"”«]?$")

#: class words of related boxes without a heading of their own (Plone's ``relatedItems``,
#: Joomla's ``mod-relateditems``, Sitepark's ``SP-Related``, "verwandte-themen", "see-also")
RELATED_CLASS = re.compile(r"related|verwandt|see-?also|siehe-?auch|mehr-?zum-?thema")
#: class words that make a "related" box something else: a file list (TYPO3's
#: ``news-related-files``), tags, breadcrumb, pagination, prev/next navigation
NOT_RELATED_CLASS = re.compile(
    r"download|attachment|anhang|files|enclosure|breadcrumb|pagination|post-navigation|"
    r"pagenav|(?:^|[\s_-])tags?(?:[\s_-]|$)"
)

#: paths of taxonomy, author and search pages: a link there in a related box is a tag or a
#: byline, not a related page
NOT_RELATED_PATH = re.compile(
    r"/(tags?|schlagw(ö|oe)rter?|schlagworte|category|kategorie|author|autor|search|suche)(/|$)",
    re.I,
)

# --- attachments (crawler.extract.attachments) ---------------------------------------------------

#: query parameters of download links without a file name in the path (Phoca ``?download=12:x``,
#: ``download.php?file=x.pdf`` — a ``file=`` without a document name is TYPO3's image popup —,
#: GSB ``?__blob=publicationFile``, not ``__blob=poster``: an image)
DOWNLOAD_QUERY = re.compile(
    r"(?:^|&)(?:download|dl)=|(?:^|&)file=[^&]*\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|zip)(?:&|$)|"
    r"__blob=publicationfile",
    re.I,
)
#: a file name followed by a CMS's view or download suffix (Plone ``x.pdf/view``,
#: ``x.pdf/@@download/file``, ``x.pdf/at_download/file``, ``x.pdf/download``)
FILE_VIEW_PATH = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|csv|zip)/(view|download|@@download/\w+|"
    r"at_download/\w+|@@display-file/\w+)/?$",
    re.I,
)
#: class words of download blocks (WordPress ``wp-block-file``, Mercury ``attachments``, TYPO3
#: ``news-related-files``, "Anhänge", ``enclosure``): a link in one to something other than an
#: HTML page is a download even when its URL does not say so (``/medien/dokument/4711``)
ATTACHMENT_BLOCK_CLASS = re.compile(
    r"wp-block-file|download|attachment|anhang|anhaenge|-files\b|enclosure"
)
#: paths of HTML pages (never a download, whatever block they are in)
PAGE_PATH = re.compile(r"(/|\.(html?|php|aspx?|jsp|cfm))$", re.I)
#: class words of an element inside a download link that holds the file's title (Mercury
#: ``span.dl-title``, "file-name"), when the link also shows type and size
ATTACHMENT_TITLE_CLASS = ("title", "name")

# --- dates (crawler.extract.dates) ---------------------------------------------------------------

#: class words of date lines
DATE_WORDS = ("date", "datum")
#: class words (lower case) of a visible "last changed" line: Plone's ``span.documentModified``
#: ("zuletzt verändert: …"), hAtom's ``time.updated``
MODIFIED_WORDS = ("modified", "updated", "geaendert", "aktualisiert", "lastchange")

# --- the body selector (crawler.extract.scoring) -------------------------------------------------

#: class/id fragments (regular expressions over the lower-cased ``class`` and ``id``) of
#: boilerplate: navigation, headers and footers, sidebars, teasers and related boxes, comments,
#: banners, sharing, cookie notices, breadcrumbs, pagination, advertising
BOILERPLATE_WORDS = (
    r"nav", r"menu", r"footer", r"\bfoot", r"header", r"masthead", r"sidebar", r"side-bar",
    r"\bsidenav", r"marginal", r"teaser", r"related", r"verwandt", r"comment", r"kommentar",
    r"disqus", r"respond", r"cookie", r"consent", r"gdpr", r"share", r"sharing", r"social",
    r"breadcrumb", r"pagination", r"pager", r"\bpaging", r"\bad-", r"\bads?\b", r"advert",
    r"werbung", r"anzeige", r"sponsor", r"banner", r"popup", r"modal", r"newsletter",
    r"widget", r"\btags?\b", r"tagcloud", r"skip", r"login", r"search", r"suche\b",
    r"toolbar", r"rating", r"author-?box", r"author-?bio", r"byline", r"print", r"empfehl",
    r"recommend", r"promo", r"outbrain", r"taboola", r"copyright", r"impressum", r"subscribe",
    r"abonn", r"legend", r"caption", r"gallery", r"galerie", r"slider", r"carousel", r"lightbox",
)  # fmt: skip

#: class/id fragments of boxes that hold another field of the page, not body text, even when
#: a content word is in the same class ("field-name-field-bildunterschrift field-type-text"):
#: image captions and infos (Mercury's "image-info": caption and copyright), download blocks
FIELD_BOX_WORDS = (r"caption", r"bildunterschrift", r"bildtext", r"legende", r"image-?info",
                   r"bild-?info", r"download", r"attachment", r"anhang", r"enclosure")  # fmt: skip

#: boilerplate class/id fragments of boxes that are never the article, however long (the
#: others may name a page wrapper: "has-sidebar", "header-style-3", "single-promo")
NEVER_ARTICLE_WORDS = (r"cookie", r"consent", r"gdpr", r"dsgvo", r"comment", r"kommentar",
                       r"disqus", r"respond", r"newsletter", r"footer", r"breadcrumb",
                       r"pagination")  # fmt: skip

#: class/id fragments of the article's own container (they outweigh a boilerplate word)
CONTENT_WORDS = (
    r"article", r"artikel", r"\bcontent", r"main", r"\bbody", r"entry", r"\bpost\b",
    r"post-?content", r"story", r"\btext", r"inhalt", r"beitrag", r"blog", r"hentry",
)  # fmt: skip

#: class tokens (whole, lower case) of hidden elements
HIDDEN_TOKENS = ("hidden", "hide", "d-none", "sr-only", "visually-hidden", "visuallyhidden",
                 "screen-reader-text", "screenreader", "element-invisible", "offscreen",
                 "invisible", "u-hidden", "is-hidden", "display-none")  # fmt: skip

#: the start of a short line after which an article's text has ended: related boxes, author
#: boxes, comments, rating prompts (German and English; :func:`crawler.extract.body.trim_blocks`
#: stops there once half of the text is read)
END_HEADINGS = re.compile(
    r"(ähnliche (beiträge|artikel|themen|rezepte|nachrichten|meldungen)|"
    r"das könnte (sie|dich) auch interessieren|mehr zum thema|mehr (aus|zu) (der|dem|den)\b|"
    r"(weitere|aktuelle|neueste|aktuellste|beliebte|verwandte) (beiträge|artikel|news|"
    r"nachrichten|meldungen|themen|links|rezepte)|(über|zum|zur) (den |die )?autor(in)?|"
    r"lesen sie (auch|mehr)|auch interessant|empfehlungen( aus| der| für)?|"
    r"kommentare?|kommentieren|diskussion|schreibe?n? sie einen kommentar|"
    r"war (der|dieser) (artikel|beitrag) (nützlich|hilfreich)|"
    r"related (posts|articles|stories|content)|you (may|might) also like|"
    r"(about|über) the author|comments?|leave a (reply|comment))\b[\s:?!.]*",
    re.IGNORECASE,
)

#: the start of a line that names where a syndicated text comes from, after which the article
#: has ended (a press portal's "Original-Content von: Stadt X, übermittelt durch news aktuell")
ORIGIN_LINE = re.compile(
    r"(original-?content (von|from)|originalmeldung (von|aus)|(übermittelt|verbreitet) durch "
    r"news aktuell)\b",
    re.IGNORECASE,
)

#: the start of a short line that only offers sharing, printing or rating (left out wherever
#: it stands; a bare "Drucken" may be a word of the text)
SHARE_LINE = re.compile(
    r"((diesen |den )?(artikel|beitrag|seite|rezept|tipp) (teilen|drucken|empfehlen|bewerten)|"
    r"(möchten|wollen) sie (den|diesen) (artikel|beitrag) teilen|like it\? share it|"
    r"be sociable, share|share (this|on)\b|\(?noch keine bewertungen|jetzt bewerten)",
    re.IGNORECASE,
)

#: a block that is only a teaser's "read more" link ("Weiterlesen", "Mehr erfahren »")
MORE_LINK = re.compile(
    r"[»›>\s]*(weiterlesen|mehr|mehr (lesen|erfahren|dazu|informationen)|read more|more)"
    r"[\s.»›>…-]*",
    re.IGNORECASE,
)
