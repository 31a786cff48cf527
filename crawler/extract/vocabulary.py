"""The extractor's vocabulary as data: class words, headings, path patterns, caption and credit
forms (in the spirit of trafilatura's ``xpaths.py``). The rules that use them live in the stage
modules; a word added here reaches every rule that reads the list.

No word of a class-word list holds whitespace: "a class token contains it" and "the class
attribute contains it" agree, so rules look for them in the lower-cased attribute.
"""

from __future__ import annotations

import re

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
#: class tokens of a lead paragraph (generic layer)
LEAD_CLASSES = ("SP-Intro", "lead", "intro", "teaser-text")

# --- page types -----------------------------------------------------------------------------------

#: paths of press sections
PRESS_PATH = re.compile(r"/(presse|pressemitteilung|pressemeldung|news|aktuelles|meldung)", re.I)
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

#: headings of link boxes (skipped only when the box really is a list of links or teasers)
LINK_BOX_HEADINGS = re.compile(
    r"^(verwandte (themen|links|nachrichten|meldungen|artikel|beiträge)|mehr zum thema|"
    r"das könnte sie auch interessieren|weitere informationen|weitere (meldungen|nachrichten)|"
    r"lesen sie auch|auch interessant|siehe auch|related (topics|links|news|articles|posts))\b",
    re.I,
)

#: the letters every heading :data:`LINK_BOX_HEADINGS` matches starts with (a cheap pre-check)
LINK_BOX_INITIALS = "vmdwlasr"

#: a closing block that is only a back/top link's words ("Zurück zur Übersicht", "Nach oben")
BACK_LINK_BLOCK = re.compile(
    r"(zurück( zur (übersicht|liste|startseite|newsübersicht))?|nach oben|zum seitenanfang|"
    r"seitenanfang|back to top)[ .:»›<>-]*",
    re.IGNORECASE,
)

#: an opening meta line: a date, perhaps a time, perhaps "von"/"by" and a name without digits
#: ("25.09.2025 10:00 von Pressestelle"; not "15.03.2025 von 10 bis 16 Uhr")
META_LINE = re.compile(
    r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}(,? \d{1,2}[:.]\d{2}( Uhr)?)?"
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
    rf"\s*\(\s*(?:(?P<label>{PHOTOGRAPHER}|Fotos?|Bild|Quelle|Grafik|Copyright)\s*:|(?P<c>©))"
    r"\s*(?P<rest>[^()]*)\)\s*$",
    re.I,
)

TAIL_CREDIT = re.compile(
    r"(?:^|(?<=[\s.;,|–-]))(?P<credit>(?:©|\(c\)|Copyright\s*:|Quelle\s*:|Grafik\s*:|Fotos?\s*:|"
    rf"Bild\s*:|{PHOTOGRAPHER}\s*:)\s*.+)$",
    re.I,
)

IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|avif|tiff?)(\?.*)?$", re.I)

LEADING_FOTO = re.compile(r"^\s*(?:Fotos?|Bild)\s*:\s*", re.I)

#: class words of places whose images are not the article's (chrome, teasers, boxes)
IMAGE_CHROME_WORDS = ("teaser", "related", "logo", "sp-header", "video", "imagecredits", "cookie",
                      "consent", "avatar", "icon", "share", "social")  # fmt: skip

# --- related links and teasers (crawler.extract.related) -----------------------------------------

#: Sitepark teaser modifiers (lower-cased class tokens) -> link kind
KIND_CLASSES = {
    "sp-teaser--press": "press",
    "sp-teaser--topic": "topic",
    "sp-teaser--orgunit": "org",
}

LINK_PREFIX = re.compile(r"^Link zu\s+")

#: Jetpack's related-post context line: In „Pressemitteilungen“
CONTEXT = re.compile(r"^(?:In|Aus|Kategorie:?)\s+[„\"“»]?(.+?)[“\"”«]?$")

# --- dates (crawler.extract.dates) ---------------------------------------------------------------

#: class words of date lines
DATE_WORDS = ("date", "datum")
