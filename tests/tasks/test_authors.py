import pytest

from newslake.tasks.authors import byline_names, choose_authors, clean_name, split_names
from newslake.tasks.metadata import read_claims


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("By Jane Roe", "Jane Roe"),
        ("von Max Muster", "Max Muster"),
        ("Roe, Jane", "Jane Roe"),
        ("Jane Roe, professor of history at Example University, Example.org", "Jane Roe"),
        ("Elena Oberholzer (obe)", "Elena Oberholzer"),
        ("  Jane   Roe ", "Jane Roe"),
        ("신현주 기자", "신현주"),  # "reporter" after the name
        ("山田太郎 記者", "山田太郎"),
        ("Jane Roe jane.roe@example.com", "Jane Roe"),  # an e-mail address is no part of a name
        ("Ana María Roe Reinaana.roe@example.com", "Ana María Roe"),  # nor glued to its last word
    ],
)
def test_clean_name(given, expected):
    assert clean_name(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Jane Roe and John Doe", ["Jane Roe", "John Doe"]),
        ("Trine Jørgensen og Ane Berg", ["Trine Jørgensen", "Ane Berg"]),
        ("Jane Roe; John Doe | Ann Lee", ["Jane Roe", "John Doe", "Ann Lee"]),
        ("Le Figaro et AFP", ["Le Figaro et AFP"]),  # short joiners are also parts of names
        ("You, Xiaoying, Lenharo, Mariana", ["Xiaoying You", "Mariana Lenharo"]),
        ("Daniel Braun, Davor Pasoski", ["Daniel Braun", "Davor Pasoski"]),
        ("By Ursula von der Leyen, Jane Roe", ["Ursula von der Leyen", "Jane Roe"]),
        ("Jane Roe, professor of history at Example University", ["Jane Roe"]),
    ],
)
def test_split_names(given, expected):
    assert split_names(given) == expected


def test_structured_data_people_win_over_the_extractor():
    assert choose_authors(["Rachel Roe"], [], ["Example Media Group", "Rachel Roe"], ["The Example"]) == ("Rachel Roe",)


def test_the_publisher_is_dropped_when_a_person_is_named():
    assert choose_authors([], [], ["Example News", "Ralf Euler"], ["Example News"]) == ("Ralf Euler",)


def test_a_person_named_like_the_sites_address_is_its_author_and_a_part_of_the_sites_name_is_not():
    # A personal site is named after its author; a news site's name split up is no person.
    assert choose_authors([], [], ["Wolfgang Michal"], ["wolfgangmichal.de"]) == ("Wolfgang Michal",)
    assert choose_authors([], [], ["Tagesschau De"], ["tagesschau.de"]) == ()
    assert choose_authors([], [], ["The Local"], ["The Local Sweden"]) == ()


def test_an_organisation_is_the_author_only_when_no_person_is_named():
    assert choose_authors([], ["BBC News"], [], ["BBC"]) == ("BBC News",)
    assert choose_authors([], ["Example Desk"], ["example.com", "Frankfurt"], ["example.com"]) == ("Example Desk",)
    assert choose_authors([], ["kicker"], ["Amw"], []) == ("kicker",)  # initials are not a name
    assert choose_authors([], [], ["dpa"], []) == ("dpa",)


def test_json_ld_authors_of_the_main_article_are_read():
    page = """<html><head><script type="application/ld+json">
    [{"@type": "WebSite", "name": "Example"},
     {"@type": "NewsArticle", "headline": "H", "author": [{"@type": "Person", "name": "Ann Lee"},
      {"@type": "Organization", "name": "Example Wire"}, "https://example.com/staff"]}]
    </script></head><body><h1>H</h1></body></html>"""
    claims = read_claims(page)
    assert claims.author_persons == ("Ann Lee",) and claims.author_organisations == ("Example Wire",)


@pytest.mark.parametrize(
    "byline",
    [
        "Admin",
        "Super User",
        "Wordpressadmin",
        "Unknown",
        "Redaktion",
        "Submitted",
        "Name",
        "Anonymous",
        "Nachrichten",
        # desk words together, or with the desk's code after them; a photo credit's word
        "Editorial Staff",
        "News Team",
        "Redaktion MSM",
        "Redacción EC",
        "Cortesía",
        "Courtesy",
        # the word labelling a byline's date, alone in a marked element
        "Veröffentlicht",
        "Published",
        "Updated",
        "Publié",
    ],
)
def test_a_placeholder_is_never_an_author(byline):
    assert choose_authors([byline], [byline], [byline], []) == ()
    assert choose_authors([], [], [], [], bylines=[(byline, True)]) == ()


@pytest.mark.parametrize("byline", ["BBC News", "AFP Staff", "Jane Staff", "Redaktion dpa Jane Roe"])
def test_a_name_before_a_desk_word_is_not_a_placeholder(byline):
    # "BBC News" names an organisation, which the markup may declare as the author.
    assert choose_authors([], [byline], [], []) == (byline,)


@pytest.mark.parametrize(
    "byline",
    [
        "Facebook Com",
        "example.de",
        "Www Example Org",
        "Acme Software GmbH",
        "Bund der Leser e V",
        "Bundesamt für Wetter",
        "Leser Genossenschaft eG",
        "Feuerwehr Musterstadt",
        "Abteilung Wasserrettung",
        # phrases: more than five words, or a lower-case word that is no particle or abbreviation
        "Linksc Creating Search Engine Api Message",
        "Theme Pirate Rogue von xwolf",
        "Art Edwards says",
    ],
)
def test_a_web_address_an_organisation_or_a_phrase_is_not_a_person(byline):
    assert choose_authors([], [], [byline], []) == ()
    assert choose_authors([], [], [byline, "Jane Roe"], []) == ("Jane Roe",)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Zeige alle Beiträge von Petra Roe", ["Petra Roe"]),
        ("Interview: Julia Roe", ["Julia Roe"]),
        ("Redacci&oacute;n Diario", ["Redacción Diario"]),
        ("Posted by Jane Roe", ["Jane Roe"]),
        ("By Glen Roe And Brendan Doe For The Sunday Paper", ["Glen Roe", "Brendan Doe"]),
        ("Jane Roe for Reuters", ["Jane Roe"]),
        ("Fortune Smith", ["Fortune Smith"]),
        ("Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("Prof. Dr. med. Hans Roe", ["Prof. Dr. med. Hans Roe"]),
    ],
)
def test_lead_ins_and_entities_are_not_part_of_a_name(given, expected):
    assert split_names(given) == expected


@pytest.mark.parametrize(
    ("text", "marked", "expected"),
    [
        ("Von Claudia Lindner", False, ["Claudia Lindner"]),
        ("Autorin: Uta Staschewski, Projektleiterin der Stiftung", False, ["Uta Staschewski"]),
        (
            "Von Volkmar Kabisch, Jan Lukas Strozyk und Benedikt Strunz, NDR",
            False,
            ["Volkmar Kabisch", "Jan Lukas Strozyk", "Benedikt Strunz"],
        ),
        ("Von David Hutzler, dpa", False, ["David Hutzler"]),
        ("By Daniel | Published: 23. Juli 2017 | Kommentare geschlossen", True, ["Daniel"]),
        ("Realiberry", True, ["Realiberry"]),
        ("Posted on September 21, 2020  by Adi Tzlil", True, ["Adi Tzlil"]),  # the cue after the date
        ("Veröffentlicht am 2. März 2021 von Jan Roe", True, ["Jan Roe"]),
        ("reineckefuchs", True, ["reineckefuchs"]),  # an account name alone in the author element
        ("Von Jörn Mecher am 08.12.2022", True, ["Jörn Mecher"]),  # a date after the name
        ("Von J&ouml;rg Roe", False, ["Jörg Roe"]),  # markup escaped twice: entities in the text
        ("Redacci&oacute;n Diario", True, ["Redacción Diario"]),  # not split at the entity's semicolon
        ("By Jane Roe on May 2, 2020", False, ["Jane Roe"]),
        ("Von Jane Roe, Frankfurt am Main", False, ["Jane Roe"]),
        ("delta201", True, ["delta201"]),
        ("Text von Christian Roe \u00a0 Illustration von Markus Doe", False, ["Christian Roe"]),  # credit after
        ("By Jane Roe Photos by John Doe", False, ["Jane Roe"]),
        # prose, credits, filters and site names are no byline
        ("Von Einheimischen, Gästen und ganz viel Kühen", False, []),
        ("Von Barzahler-Rabatten profitieren", False, []),
        ("Foto von Josh Willink von Pexels", False, []),
        ("By Method", False, []),
        ("Text - Planung", False, []),
        ("SeglerBlog", True, []),
        ("AFP", True, []),
        ("Veröffentlicht am", True, []),
        ("منوعات", True, []),  # a section label in a script without capitals
        ("Jane Roe", False, []),  # neither a cue nor a marked element
        ("Posted on September 21, 2020 by Adi Tzlil", False, []),
        ("reineckefuchs", False, []),
        ("zvg", True, []),  # a short lower-case code is a credit or initials, not an account
        ("admin", True, []),
        ("redaktion", True, []),
        ("posted by the team", True, []),
    ],
)
def test_byline_names_read_a_visible_byline(text: str, marked: bool, expected: list[str]) -> None:
    from newslake.tasks.authors import byline_names

    assert byline_names(text, marked) == expected


def test_a_visible_byline_names_the_author_when_nothing_else_does() -> None:
    page = (
        "<html><head><title>Heat pumps in old houses</title></head><body>"
        "<div class='sidebar'><span class='author'>Sam Other</span></div>"
        "<ol class='comment-list'><li><span class='comment-author'>Kim Reader</span></li></ol>"
        "<h1>Heat pumps in old houses</h1><ul><li class='hero-meta'>von Alexander Rosenkranz</li></ul>"
        "<p>Text.</p></body></html>"
    )
    claims = read_claims(page)
    assert choose_authors((), (), (), (), claims.bylines) == ("Alexander Rosenkranz",)
    # a name the structured data or the extractor gives wins over the visible byline
    assert choose_authors(("Jane Roe",), (), (), (), claims.bylines) == ("Jane Roe",)
    assert choose_authors((), (), (), (), read_claims(page.replace("von Alexander", "Alexander")).bylines) == ()


@pytest.mark.parametrize(
    "meta",
    [
        "<h5>Autor: </h5>Peter Roe/SP-X<br>",  # the label's value is the text after it
        "<dl><dt>Text:</dt><dd>Peter Roe</dd></dl>",  # or the element after it
        "<span>By:</span> <a href='/staff/roe'>Peter Roe</a>",
    ],
)
def test_a_byline_label_names_the_author_beside_it(meta: str) -> None:
    page = f"<html><body><h1>Skoda's long road</h1><div class='meta'><h5>Datum:</h5>03.11.2021 {meta}</div><p>T.</p>"
    assert choose_authors((), (), (), (), read_claims(page + "</body></html>").bylines) == ("Peter Roe",)


@pytest.mark.parametrize(
    "frame",
    ["main-content has-double-sidebar", "ast-no-sidebar", "gallery--wrapper__with-sidebar", "widget Blog"],
)
def test_a_byline_in_the_frame_that_holds_the_headline_is_read_whatever_its_class(frame: str) -> None:
    # Layout classes describe what is around the article ("has-sidebar", "no-sidebars"; Blogger puts the
    # post in a "widget"): the element that holds the headline is no sidebar or comment list.
    page = (
        f"<html><body class='{frame}'><div class='sidebar'><span class='author'>Sam Other</span></div>"
        f"<div class='{frame}'><h1>Heat pumps in old houses</h1><p><em>Von Leonora Holling</em></p><p>Text.</p>"
        "</div></body></html>"
    )
    assert choose_authors((), (), (), (), read_claims(page).bylines) == ("Leonora Holling",)


def test_a_byline_label_in_a_fact_sheet_is_the_described_items_author() -> None:
    sheet = "<div><u>Titel:</u> The Girls</div><div><u>Seiten:</u> 400</div>{row}<div><u>Verlag:</u> Example</div>"
    page = "<html><body><h1>June reading</h1><p>What I read this month.</p>{sheet}</body></html>"
    row = "<div><u>Autorin: </u>Alys Arden</div>"
    assert choose_authors((), (), (), (), read_claims(page.format(sheet=sheet.format(row=row))).bylines) == ()
    # One label beside a date is a byline.
    byline = "<div><u>Datum:</u> 03.06.2021</div><div><u>Autorin: </u>Alys Arden</div><p>Text.</p>"
    assert choose_authors((), (), (), (), read_claims(page.format(sheet=byline)).bylines) == ("Alys Arden",)


def test_a_label_with_nothing_beside_it_names_nobody() -> None:
    page = "<html><body><h1>H</h1><div><h5>Autor:</h5><p>Short text about something.</p></div></body></html>"
    assert choose_authors((), (), (), (), read_claims(page).bylines) == ()


def test_particles_abbreviations_and_joined_names_stay_people() -> None:
    from newslake.tasks.authors import is_person_name

    assert is_person_name("Ursula von der Leyen") and is_person_name("Prof. Dr. med. Hans Roe")
    assert is_person_name("Le Figaro et AFP") and is_person_name("gnaddrig")


@pytest.mark.parametrize("text", ["Frankfurt, Germany", "Münster, Germany", "Berlin", "Paris, France"])
def test_a_dateline_where_a_byline_goes_names_no_author(text: str) -> None:
    assert byline_names(text, marked=True) == []


def test_the_places_of_an_address_given_as_author_name_nobody() -> None:
    # The extractor splits "Kirche und Leben, Münster, Germany" at its "und" and its commas.
    assert choose_authors([], [], ["Kirche; Leben; Münster; Germany"], ["kirche-und-leben.de"]) == ()
    assert choose_authors([], [], ["Jane Roe, Berlin"], []) == ("Jane Roe",)
    # A town the gazetteer does not know is part of an address that ends in a country all the same.
    assert choose_authors([], [], ["Hessenschau De; Frankfurt; Germany"], ["hessenschau.de"]) == ()
    assert choose_authors([], [], ["Jane Roe; John Doe"], []) == ("Jane Roe", "John Doe")


def test_a_person_named_like_a_place_is_still_an_author() -> None:
    assert byline_names("By Chad Smith and Georgia Jones", marked=False) == ["Chad Smith", "Georgia Jones"]


def test_declared_people_count_only_when_the_page_shows_one_of_them() -> None:
    declared = (["Jane Doe", "Ann Lee"], [], [], ["Example News"])
    assert choose_authors(*declared) == ("Jane Doe", "Ann Lee")  # nothing to check against
    assert choose_authors(*declared, shown="a story with no byline") == ()
    # The page shows one of them: the declaration holds, all of it (a long author list shows a few).
    assert choose_authors(*declared, shown="by ann lee and others") == ("Jane Doe", "Ann Lee")
    # Dropped declarations leave the page's own visible byline.
    assert choose_authors(*declared, (("Von Max Muster", False),), shown="von max muster") == ("Max Muster",)
    # The publisher's name and declared organisations show as logos; initials cannot be judged.
    assert choose_authors(["Example News Desk"], [], [], ["Example News Desk"], shown="x") == ("Example News Desk",)
    assert choose_authors([], ["Example Wire"], [], [], shown="no names") == ("Example Wire",)
    assert choose_authors(["AP"], [], [], [], shown="no names") == ("AP",)


def test_a_lone_word_split_from_an_organisations_name_is_no_author() -> None:
    # The extractor splits "Bundesministerium für Wirtschaft und Klimaschutz" at its "und".
    assert choose_authors([], [], ["Bundesministerium für Wirtschaft; Klimaschutz"], []) == ()
    assert choose_authors([], [], ["Bayerische Landesanstalt für Wald; Forstwirtschaft"], []) == ()
    # Beside an organisation, a person's full name stays; a lone word beside people stays too.
    assert choose_authors([], [], ["Example Verband; Jane Roe"], []) == ("Jane Roe",)
    assert choose_authors([], [], ["Jane Roe; Mathias"], []) == ("Jane Roe", "Mathias")


def test_a_byline_in_the_frame_that_holds_the_articles_text_is_read_whatever_its_class() -> None:
    # The h1 is the logo's, outside the article; a layout class on the wrapper around the article's text
    # names the sidebar beside it. What holds the text is the article's frame; the sidebar stays one.
    body = "<p>" + "The old station reopens as a library after three years of work. " * 8 + "</p>"
    page = (
        "<html><body><div class='header'><h1><img alt='logo'/></h1></div>"
        "<div class='layoutTwoColumnsRightSidebar site'><div class='content'>"
        f"<h3>The station becomes a library</h3><p><em>Text von Leonora Holling</em></p>{body}</div>"
        "<div class='sidebar'><p><em>Von Sam Other</em></p></div></div></body></html>"
    )
    assert choose_authors((), (), (), (), read_claims(page).bylines) == ("Leonora Holling",)
    assert [text for text, _ in read_claims(page).bylines] == ["Text von Leonora Holling"]


def test_declared_organisations_given_as_a_generator_are_read_for_both_checks() -> None:
    assert choose_authors([], (n for n in ["Example Wire"]), [], [], shown="no names") == ("Example Wire",)


def test_a_layout_class_on_the_frame_does_not_hide_a_byline_on_a_page_without_a_headline() -> None:
    # No <h1> to mark the article's frame: "has-double-sidebar" still describes the layout, not the element.
    page = (
        "<html><body><div class='main-content has-double-sidebar'><div class='article-content'>"
        "<h6>Energy prices: what households can claim</h6><h5><em>Von Leonora Holling</em></h5><p>Text.</p>"
        "</div></div><div class='sidebar'><p><em>Von Sam Other</em></p></div></body></html>"
    )
    assert choose_authors((), (), (), (), read_claims(page).bylines) == ("Leonora Holling",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tampere won the semi-final 3:0.\nThe final is on 1 March.\nStefan Wasmer", "Stefan Wasmer"),
        ("Stefan Wasmer", None),  # a name alone is no article
        ("The report names two people.\nJane Roe\nStefan Wasmer", None),  # a list of names ends with a name
        ("Where to eat in the old town.\nLocation Details", None),  # a closing heading, not set apart
        ("The week in numbers.\nNEW YORK CITY", None),
        ("Shot from the hills above the town.\nSouth Dakota", None),  # a place
        ("The semi-final went to Tampere.\nStefan Wasmer, Tampere", None),
    ],
)
def test_signature_name_reads_only_a_name_alone_on_the_last_line(text: str, expected: str | None) -> None:
    from newslake.tasks.authors import signature_name

    set_apart = {"Stefan Wasmer", "NEW YORK CITY", "South Dakota", "Stefan Wasmer, Tampere"}
    assert signature_name(text, set_apart) == expected


def test_a_signature_is_a_name_the_page_sets_apart_in_bold_or_italics() -> None:
    from newslake.tasks.authors import signature_name

    page = "<html><body><h1>Tampere wins</h1><p>Text.</p>{end}</body></html>"
    text = "Tampere wins the semi-final.\nStefan Wasmer"
    for end in ("<p><b><i>Stefan Wasmer</i></b></p>", "<p style='text-align:right'><strong>Stefan Wasmer</strong></p>"):
        assert signature_name(text, read_claims(page.format(end=end)).set_apart) == "Stefan Wasmer"
    for end in ("<p>Stefan Wasmer</p>", "<h3>Stefan Wasmer</h3>", "<p>Report by <b>Stefan Wasmer</b></p>"):
        assert signature_name(text, read_claims(page.format(end=end)).set_apart) is None


def test_a_signature_names_the_author_only_when_nothing_else_does() -> None:
    signed = "Stefan Wasmer"
    assert choose_authors((), (), (), (), (), None, signed) == ("Stefan Wasmer",)
    assert choose_authors(("Jane Roe",), (), (), (), (), None, signed) == ("Jane Roe",)
    assert choose_authors((), (), (), (), (("Von Jane Roe", False),), None, signed) == ("Jane Roe",)
    # The publisher declared as the author organisation gives way to the reporter who signs the text.
    assert choose_authors((), ("Example News",), (), ("Example News",), (), None, signed) == ("Stefan Wasmer",)
    assert choose_authors((), ("Example News",), (), (), (), None, None) == ("Example News",)
