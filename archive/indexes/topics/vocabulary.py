"""The words the topic and entity rules know, as data: offices, organisation heads, place
cues and street suffixes, money units and purposes, event nouns, stopwords.

Every rule in :mod:`archive.indexes.topics.entities` and
:mod:`archive.indexes.topics.phrases` reads its words from here; a new office title, a new
kind of municipal office or a boilerplate phrase is one entry in this module, not a new
rule. Words are written as they appear in text (capitalised); matching folds case where the
rule says so.
"""

from __future__ import annotations

import re

#: Heads of office titles; a title is a capitalised word ending in one of these, with an
#: optional feminine ``-in`` (``Oberbürgermeisterin``, ``Stadträtin``, ``Staatssekretärin``,
#: ``Integrationsministerin``, ``Amtsleiter``).
OFFICE_HEADS = (
    "bürgermeister", "stadtrat", "stadträtin", "stadträte", "kämmerer", "kämmerin",
    "dezernent", "minister", "sekretär", "präsident", "leiter", "direktor", "sprecher",
    "vorsteher", "vorsitzender", "vorsitzende", "beauftragter", "beauftragte", "landrat",
    "landrätin", "referent", "koordinator", "geschäftsführer", "manager", "ortsvorsteher",
    "kanzler", "abgeordneter", "abgeordnete", "pfarrer", "kommandant", "wehrführer",
    "intendant", "kurator", "rektor", "schulleiter", "beigeordneter", "beigeordnete",
    "stadtverordneter", "stadtverordnete", "staatssekretär", "staatsekretär",
    "polizeipräsident", "stadtbaurat", "baurat", "amtsleiter", "ministerpräsident",
)  # fmt: skip
#: Office titles that are words of their own and need an exact match (no compound head).
OFFICE_WORDS = frozenset({"Bürgermeister", "Landrat", "Stadtrat", "Ministerin", "Minister"})
#: Adjectives that belong to the office: ``Erste Stadträtin``, ``Hessischer Innenminister``.
OFFICE_MODIFIERS = frozenset(
    "Erste Erster Zweite Zweiter Stellvertretende Stellvertretender Hessische Hessischer "
    "Ehemalige Ehemaliger Designierte Designierter Amtierende Amtierender".split()
)
#: Academic and honorific titles between an office and a name (kept out of the name).
NAME_TITLES = ("Prof. Dr.", "Dr. med.", "Dr.-Ing.", "Dipl.-Ing.", "Prof.", "Dr.")

#: Capitalised words that are no part of a name: articles, pronouns, weekdays, months,
#: sentence openers and the nouns that follow an office most often.
NOT_NAMES = frozenset(
    """Der Die Das Den Dem Des Ein Eine Einer Eines Im Am In An Auf Aus Bei Mit Nach Von
    Vom Zum Zur Für Und Oder Aber Auch Er Sie Es Wir Ihr Ihre Sein Seine Dies Diese Dieser
    Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März April Mai
    Juni Juli August September Oktober November Dezember Stadt Land Bund Kreis Euro Uhr
    Herr Frau Mitte Ende Anfang Rathaus Magistrat Stadtverordnetenversammlung Gemeinde
    Hessen Rüsselsheim Main Jahr Jahre Jahren Woche Tag Tage Foto Bild Quelle Presse
    Pressestelle Pressemitteilung Telefon E-Mail Kontakt Team Leitung Ihrer Ihren Ihrem
    Unsere Unserer Unseren Seiner Seinen Dieser Diesen Diesem Jeder Jeden Jedem Anderer
    Einer Einen Einem Keiner Alle Allen Viele Vielen Weitere Weiteren Neue Neuen""".split()
)
#: Noun endings that make a capitalised word a common noun, never a name or a place.
NOUN_SUFFIXES = (
    "ung", "ungen", "heit", "keit", "schaft", "tion", "tionen", "tät", "nis", "ment",
    "ismus", "ik", "ie", "ur", "chen", "lein", "ling", "sel", "tum", "werk", "zeit",
)  # fmt: skip

#: Heads of organisation names: a capitalised word ending in one of these is an
#: organisation or office of the administration (``Jugendamt``, ``Bürgerbüro``,
#: ``Stadtbücherei``, ``Ausländerbeirat``, ``Stadtwerke``).
ORG_HEADS = (
    "amt", "ämter", "büro", "bücherei", "bibliothek", "fachbereich", "fachdienst",
    "stabsstelle", "dezernat", "referat", "abteilung", "stadtwerke", "werke", "betrieb",
    "verein", "verband", "beirat", "magistrat", "stadtverordnetenversammlung", "feuerwehr",
    "polizei",
    "volkshochschule", "gymnasium", "gesamtschule", "grundschule", "museum", "theater",
    "ministerium", "landesamt", "regierungspräsidium", "stiftung", "gesellschaft",
    "genossenschaft", "kammer", "agentur", "jobcenter", "klinikum", "krankenhaus",
    "zentrum", "netzwerk", "initiative", "ausschuss", "parlament", "rat", "kirche",
    "gemeinde", "landkreis", "kreisverwaltung", "stadtverwaltung", "verwaltung", "kreistag",
    "gemeindevertretung", "ortsbeirat", "pressestelle", "beratungsstelle", "geschäftsstelle",
    "servicestelle", "anlaufstelle", "fachstelle", "koordinierungsstelle", "betriebshof",
    "bauhof", "eigenbetrieb",
)  # fmt: skip
#: Organisation heads that are too generic alone (``die Verwaltung``, ``das Zentrum``,
#: ``der Rat``): an organisation only with a modifier or complement.
ORG_GENERIC = frozenset(
    "amt büro verein verband rat zentrum netzwerk initiative gesellschaft verwaltung "
    "betrieb kammer agentur gemeinde kirche werke referat abteilung ausschuss stiftung "
    "theater museum versammlung parlament krankenhaus klinikum schule landkreis kreis".split()
)
#: Compounds with an organisation head that are no organisations.
NOT_ORGS = frozenset(
    """Trauzimmer Zuwendungsbescheid Arbeitsamt Ehrenamt Heimatmuseum Unterrat Vorrat Hausrat
    Zeitrat Bundesrat Stadtrat Stadträtin Apparat Draht Heirat Zierrat Rat Monat Spielzentrum
    Weltkirche Gesellschaft Zivilgesellschaft Stadtgesellschaft Initiative Initiativen
    Verwaltung Verwaltungen Kommunalverwaltung Betrieb Ehrenamt Hauptamt Nebenamt Insgesamt
    Gesamt Samt""".split()
)
#: Heads that take a complement: ``Fachbereich Soziales``, ``Amt für Soziales und
#: Jugend``, ``Stabsstelle Kultur und Vielfalt``, ``Verein der Freunde …``.
ORG_COMPLEMENT_HEADS = frozenset(
    """Fachbereich Fachdienst Amt Stabsstelle Referat Abteilung Dezernat Büro Verein Verband
    Stiftung Ministerium Landesamt Beirat Zentrum Netzwerk Stadtwerke Stadtbücherei
    Volkshochschule Gesamtschule Grundschule Gymnasium Museum Theater Agentur Landkreis Kreis
    Bundesamt Landesbetrieb""".split()
)
#: Legal-form suffixes that end an organisation name: ``Stadtwerke Rüsselsheim GmbH``.
LEGAL_FORMS = ("gGmbH", "GmbH & Co. KG", "GmbH", "AG", "e.V.", "eG", "KdöR", "mbH", "SE", "KG")

#: Street suffixes: a capitalised word ending in one of these is a street or square
#: (``Waldstraße``, ``Hessenring``, ``Bahnhofsplatz``, ``Lindenallee``).
STREET_SUFFIXES = ("straße", "strasse", "allee", "ring", "gasse", "chaussee", "promenade")
#: Suffixes of streets and of common nouns alike (``Bahnhofsplatz``/``Kunstrasenplatz``,
#: ``Mainufer``/``Seeufer``): a street only after ``am``/``Am`` or before a house number.
STREET_SUFFIXES_CUED = ("weg", "platz", "ufer", "damm", "pfad", "steig", "markt", "brücke")
#: Words with a street suffix that are common nouns (no street).
NOT_STREETS = frozenset(
    """Arbeitsplatz Arbeitsplätze Parkplatz Spielplatz Betreuungsplatz Kitaplatz Kita-Platz
    Ausbildungsplatz Studienplatz Sitzplatz Stellplatz Standplatz Schulweg Radweg Fußweg
    Gehweg Rückweg Heimweg Umweg Ausweg Zugangsweg Lösungsweg Rechtsweg Werdegang Wohnungsmarkt
    Arbeitsmarkt Weihnachtsmarkt Wochenmarkt Flohmarkt Markt Platz Weg Straße Ring Tor Ufer
    Anlage Anlagen Brücke Damm Pfad Allee Promenade Bauweg Baumarkt Supermarkt Fahrradstraße
    Bundesstraße Landstraße Hauptstraße Nebenstraße Einbahnstraße Spielstraße Anschnitt
    Sportanlage Grünanlage Parkanlage Kläranlage Photovoltaikanlage Solaranlage Ampelanlage
    Sportanlagen Grünanlagen Spielanlage Eingangstor Fußballtor Rekord Wasserweg Ring Bering
    Spielplätze Parkplätze Arbeitsplätzen Betreuungsplätze Stellplätze Plätze Tore Gering
    Herbstmarkt Ostermarkt Kunstmarkt Bauernmarkt Immobilienmarkt Stadtring Autobahnring
    Wasserstraße Bundeswasserstraße Wasserstraßen Bundeswasserstraßen""".split()
)
#: Place-name endings of towns and districts (``Königstädten``, ``Bauschheim``,
#: ``Böllenseesiedlung``, ``Hofheim``, ``Offenbach``).
PLACE_SUFFIXES = (
    "heim", "hausen", "dorf", "städten", "stadt", "burg", "berg", "bach", "feld", "felden",
    "au", "ingen", "ach", "loch", "siedlung", "viertel", "hof", "hain", "rode", "roda",
    "kirchen", "born", "brunn", "brück", "furt", "wald", "see", "wiese", "baden", "dam",
)  # fmt: skip
#: Words with a place ending that are common nouns.
NOT_PLACES = frozenset(
    """Zuhause Heim Stadt Innenstadt Hauptstadt Partnerstadt Kreisstadt Großstadt Berg Wald
    Feld Umfeld Vorfeld Spielfeld Arbeitsfeld Handlungsfeld Themenfeld Bach See Hof Schulhof
    Bauhof Friedhof Bahnhof Innenhof Burg Au Frau Bau Neubau Ausbau Umbau Aufbau Anbau Rückbau
    Tau Schau Vorschau Rückschau Werkstadt Stadtwald Kita-Neubau Abbau Überblick Einblick""".split()
)
#: Words after which ``in``/``im`` + capitalised word names a place.
PLACE_CUES = frozenset(
    "Stadtteil Stadtteilen Ortsteil Ortsteilen Ortsbezirk Stadtbezirk Quartier Gemeinde Stadt "
    "Landkreis Landkreises Kreis Kreises Land Landes Bundesland Gemeinde Stadtteils".split()
)
#: District words that are places with any article (``in der Innenstadt``).
DISTRICT_WORDS = frozenset(
    "Innenstadt Altstadt Neustadt Nordstadt Südstadt Weststadt Oststadt Stadtmitte".split()
)
#: Words that follow ``in`` capitalised but are no places (``in Kraft``, ``in Zukunft``).
NOT_AFTER_IN = frozenset(
    """Kraft Zukunft Betrieb Höhe Ruhe Form Frage Anspruch Zusammenarbeit Kooperation Kürze
    Absprache Abstimmung Kontakt Teilzeit Vollzeit Planung Arbeit Sachen Bezug Anwesenheit
    Begleitung Gegenwart Vertretung Deutschland Europa Kitas Schulen Kindertagesstätten
    Kinderbetreuung Gruppen Ordnung Rente Präsenz Person Absprache Betracht Verbindung
    Zeiten Erinnerung Folge Richtung Summe Gang Angriff Erfüllung Bewegung Eigenregie""".split()
)
#: Country and state names that are places without a cue (the city comes from ``sources``).
REGIONS = frozenset(
    """Hessen Bayern Berlin Hamburg Bremen Sachsen Thüringen Brandenburg Niedersachsen
    Nordrhein-Westfalen Rheinland-Pfalz Saarland Baden-Württemberg Schleswig-Holstein
    Mecklenburg-Vorpommern Sachsen-Anhalt Deutschland Europa""".split()
)

#: Countries and continents (places without a cue), in German.
COUNTRIES = frozenset(
    """Afghanistan Ägypten Albanien Algerien Argentinien Armenien Äthiopien Australien
    Belgien Bosnien Brasilien Bulgarien Burkina Chile China Dänemark Eritrea Estland Finnland
    Frankreich Georgien Ghana Griechenland Großbritannien Indien Indonesien Irak Iran Irland
    Israel Italien Japan Jemen Jordanien Kanada Kasachstan Kenia Kolumbien Kosovo Kroatien
    Lettland Libanon Libyen Litauen Luxemburg Mali Marokko Mauretanien Mexiko Moldau Montenegro
    Mosambik Niger Nigeria Niederlande Nordmazedonien Norwegen Österreich Pakistan Palästina
    Polen Portugal Rumänien Russland Schweden Schweiz Senegal Serbien Simbabwe Slowakei
    Slowenien Somalia Spanien Sudan Südafrika Syrien Tansania Tschad Tschechien Tunesien Türkei
    Uganda Ukraine Ungarn USA Usbekistan Venezuela Vietnam Belarus Zypern Afrika Asien Amerika
    Australien Zentralafrika Westafrika Ostafrika Nordafrika Südamerika Nordamerika""".split()
)
#: Upper-case abbreviations that are no organisations (an acronym after an article is
#: one: ``das BMZ``, ``der BWE``, ``(DIW)``).
NOT_ACRONYMS = frozenset(
    """PDF ASP LNG KI IT PKW LKW ÖPNV GPS WLAN USB FAQ CO UV DIN ISO HTML URL ZIP CD DVD PC
    SMS QR BMI DNA RNA PCR MRT EKG OP ABC WC ZDF ARD NRW BW""".split()
)

#: Money: currency words after a number, and the scale words between.
CURRENCY = ("Euro", "EUR", "€")
MONEY_SCALES = {
    "Tausend": 1_000, "Tsd.": 1_000, "Mio.": 1_000_000, "Million": 1_000_000,
    "Millionen": 1_000_000, "Mrd.": 1_000_000_000, "Milliarde": 1_000_000_000,
    "Milliarden": 1_000_000_000,
}  # fmt: skip
#: Nouns (or compound heads) that say what money is for, nearest in the sentence wins.
MONEY_PURPOSES = (
    "förderung", "zuwendung", "zuschuss", "zuschüsse", "kosten", "investition",
    "investitionen", "mittel", "fördermittel", "sanierung", "neubau", "ausbau", "bau",
    "haushalt", "etat", "budget", "spende", "preisgeld", "finanzierung", "gebühr", "gebühren",
    "beitrag", "entgelt", "programm", "projekt", "maßnahme", "anschaffung", "erweiterung",
    "modernisierung", "umbau", "defizit", "überschuss", "kredit", "darlehen", "pauschale",
    "prämie", "volumen", "bescheid", "schaden", "zuweisung", "einnahmen", "ausgaben",
)  # fmt: skip

#: Nouns (compound heads) naming what happens on a date.
EVENT_HEADS = (
    "veranstaltung", "sitzung", "versammlung", "eröffnung", "fest", "markt", "konzert",
    "führung", "vortrag", "lesung", "workshop", "sprechstunde", "termin", "feier", "tag",
    "abend", "woche", "ausstellung", "wahl", "treffen", "gespräch", "infoabend", "aktion",
    "start", "beginn", "einweihung", "übergabe", "spatenstich", "richtfest", "sperrung",
    "kurs", "seminar", "schulung", "qualifizierung", "konferenz", "forum", "fahrt", "lauf",
    "turnier", "festival", "jubiläum", "gottesdienst", "empfang", "bürgerversammlung",
)  # fmt: skip

#: Words never a key phrase (function words, boilerplate of press pages, generic nouns).
STOPWORDS = frozenset(
    """der die das den dem des ein eine einer eines einem einen und oder aber auch nicht
    im in am an auf aus bei mit nach von vom zum zur für über unter vor hinter zwischen durch
    ist sind war waren wird werden wurde wurden hat haben hatte kann können soll sollen
    es er sie wir ihr ihre sein seine sich so wie als wenn dass da dort hier noch schon sehr
    mehr alle allen viele neue neuen neuer neues ersten weitere weiteren rund etwa bis ab
    Stadt Jahr Jahre Jahren Tag Tage Woche Wochen Monat Monate Uhr Euro Prozent Zeit Ende Anfang
    Mitte Teil Teilen Rahmen Fragen Informationen Information Pressemitteilung Pressestelle
    Presse Foto Bild Bildnachweis Bildnachweise Quelle Telefon E-Mail Internetseite Kontakt
    Homepage Inhalt Erläuterungen Hinweise Verwandte Themen Seite Seiten Link Links Stand
    Herr Frau Menschen Möglichkeit Beispiel Bereich Bereichen Thema Themen Angebot Angebote
    Verständnis Einschränkungen Teilnahme Anmeldung Termine Veranstaltungskalender
    Sitzung Stand Weg Ziel Blick Hintergrund Grund Art Zahl Ort Bürgerinnen Bürger
    Einwohnerinnen Einwohner""".split()
)
#: Lower-cased stopwords (phrases compare folded).
STOP_FOLDED = frozenset(w.casefold() for w in STOPWORDS)

#: Sentences: ends at ``.!?`` followed by space and a capital/quote, not after
#: abbreviations or ordinal numbers (``12. März``).
SENTENCE_END = re.compile(r"(?<=[.!?“\"])\s+(?=[A-ZÄÖÜ„\"])|\n+")
ABBREVIATIONS = frozenset(
    "Dr. Prof. Nr. Str. bzw. ca. z.B. u.a. v.l.n.r. Tsd. Mio. Mrd. St. Abs. Dipl.-Ing. ggf. "
    "inkl. evtl. vgl. usw. sog. geb. Tel. gem. e.V.".split()
)

__all__ = [
    "ABBREVIATIONS", "COUNTRIES", "CURRENCY", "DISTRICT_WORDS", "EVENT_HEADS", "LEGAL_FORMS",
    "MONEY_PURPOSES", "MONEY_SCALES", "NAME_TITLES", "NOT_ACRONYMS", "NOT_AFTER_IN",
    "NOT_NAMES", "NOT_ORGS", "NOT_PLACES", "NOT_STREETS", "NOUN_SUFFIXES", "OFFICE_HEADS",
    "OFFICE_MODIFIERS", "OFFICE_WORDS", "ORG_COMPLEMENT_HEADS", "ORG_GENERIC", "ORG_HEADS",
    "PLACE_CUES", "PLACE_SUFFIXES", "REGIONS", "SENTENCE_END", "STOPWORDS", "STOP_FOLDED",
    "STREET_SUFFIXES", "STREET_SUFFIXES_CUED",
]  # fmt: skip
