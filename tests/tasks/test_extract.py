"""Extraction of the two seed shapes and the small functions behind it."""

from __future__ import annotations

import json

import pytest

from newslake.tasks.discover import read_document
from newslake.tasks.extract import (
    extract_article,
    is_call_to_action,
    looks_like_heading,
    parse_sign_off,
    read_preamble,
)
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article
from tests.conftest import SEED_000, SEED_003


def _extract(path) -> Article:  # type: ignore[no-untyped-def]
    raw = read_document(path, 10_000_000)
    doc = normalize_document(raw, 10_000_000)
    article = extract_article(doc)  # type: ignore[arg-type]
    assert isinstance(article, Article), article
    return article


@pytest.fixture(scope="module")
def seed_000() -> Article:
    return _extract(SEED_000)


@pytest.fixture(scope="module")
def seed_003() -> Article:
    return _extract(SEED_003)


def test_seed_000_title_author_and_text_bounds(seed_000: Article) -> None:
    assert seed_000.title == "Trump is fascinated by Putin, Russia continues to kill: How can Ukraine achieve peace?"
    assert seed_000.authors == ("T.D.",)
    assert seed_000.text.startswith("Ukraine is responding")
    assert seed_000.text.endswith('sustained pressure on Russia are needed."')


def test_seed_000_text_has_no_call_to_action_or_title_copy(seed_000: Article) -> None:
    assert "give us a like" not in seed_000.text.lower()
    assert seed_000.title not in seed_000.text
    assert "T.D." not in seed_000.text


def test_seed_000_invents_no_metadata(seed_000: Article) -> None:
    assert seed_000.published_at is None
    assert seed_000.site_name is None
    assert seed_000.language == "en"
    assert "Putin Offers Two Options to Kyiv" in seed_000.headings


def test_seed_003_title_site_and_date(seed_003: Article) -> None:
    assert seed_003.title == (
        "Why Russia Is Still Attacking Ukraine: The Truth About the Trump Peace Talks "
        "and the Power Games You’re Not Being Told About"
    )
    assert seed_003.site_name == "The Word 360"
    # "In early 2022" in the body is not a publication date.
    assert seed_003.published_at is None


def test_seed_003_text_bounds_and_no_residue(seed_003: Article) -> None:
    assert seed_003.text.startswith("Wars usually end when one side runs out of options.")
    assert seed_003.text.endswith("The war is not frozen. It is managed.")
    for residue in ("Advertisements", "Exit mobile version", "Site icon", "&period;", "<p", "data-start"):
        assert residue not in seed_003.text


def test_seed_003_headings_and_links(seed_003: Article) -> None:
    assert "Russia is no longer fighting for victory. It is fighting for positioning." in seed_003.headings
    assert "The question you should actually be asking" in seed_003.headings
    urls = {link.url for link in seed_003.links}
    for host in ("sipri.org", "iiss.org", "imf.org", "nato.int"):
        assert any(host in url for url in urls), host
    assert seed_003.title not in seed_003.headings


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("T.D.", "T.D."),
        ("J. S.", "J.S."),
        ("— Jane Doe", "Jane Doe"),
        ("By Jane Doe", "Jane Doe"),
        ("What Is the Solution?", None),
        ("The end.", None),
        ("Reporting by a very long list of contributors who all worked on it", None),
    ],
)
def test_parse_sign_off(line: str, expected: str | None) -> None:
    assert parse_sign_off(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Every day we write for you. If you feel well-informed and satisfied, please give us a like. 👇", True),
        ("Follow us on Twitter for more.", True),
        ("Subscribe to our newsletter", True),
        ("The minister said the deal would follow the vote.", False),
        ("Analysts share the view that sanctions work.", False),
    ],
)
def test_is_call_to_action(line: str, expected: bool) -> None:
    assert is_call_to_action(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A Titanic Struggle between East and West", True),
        ("What Is the Solution?", True),
        ("Putin Offers Two Options to Kyiv", True),
        ("The Kremlin seems to have realized that it has nothing to fear from Trump.", False),
        ("this is a lower case line", False),
    ],
)
def test_looks_like_heading(line: str, expected: bool) -> None:
    assert looks_like_heading(line) is expected


def test_a_scraped_title_line_with_the_site_name_gives_way_to_the_page_headline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The repeated title line of a scraped page is often the browser title, with the site appended;
    # the headline in the markup is the same words without it.
    story = " ".join(["Crews worked through the night to restore power to the valley."] * 12)
    markup = f"<h1>Storm cuts power to thousands</h1><p>{story}</p><p>{story}</p>"
    escaped = markup.replace(".", "&period;").replace("=", "&equals;").replace("/", "&sol;")
    title = "Storm cuts power to thousands | Valley Courier"
    page = tmp_path / "scraped.html"
    page.write_text(f"Site icon Valley Courier\n\n{title}\n\n{title}\n\n{title}\n\n{escaped}", encoding="utf-8")
    article = _extract(page)
    assert article.title == "Storm cuts power to thousands"
    assert article.site_name == "Valley Courier"


def test_read_preamble_takes_banner_site_and_repeated_title() -> None:
    lines = ("Site icon Daily Example", "Real Title Here", "Real Title Here", "Menu")
    assert read_preamble(lines) == ("Daily Example", "Real Title Here")


def test_read_preamble_without_repeat_takes_last_line() -> None:
    assert read_preamble(("Some Site", "The Headline")) == (None, "The Headline")


def test_html_page_uses_metadata_and_keeps_links() -> None:
    page = (
        "<html lang='en'><head><title>Budget passes after long night | Example News</title>"
        "<meta property='og:site_name' content='Example News'>"
        "<meta name='author' content='Jane Doe'>"
        "<meta property='article:published_time' content='2024-03-05T10:00:00Z'></head>"
        "<body><article><h1>Budget passes after long night</h1><p class='byline'>Jane Doe, political editor</p>"
        + "".join(
            f"<p>Paragraph {i} explains how the parliament voted on the budget after a long night of "
            f"debate, with <a href='https://example.org/vote/{i}'>the record</a> of each vote.</p>"
            for i in range(6)
        )
        + "</article></body></html>"
    )
    from newslake.tasks.normalize import classify_text

    doc = classify_text("d1", "file:///x.html", page, "utf-8")
    article = extract_article(doc)
    assert isinstance(article, Article)
    assert article.site_name == "Example News"
    assert article.authors == ("Jane Doe",)
    assert article.published_at is not None and article.published_at.date().isoformat() == "2024-03-05"
    assert "https://example.org/vote/3" in {link.url for link in article.links}
    assert "<a" not in article.text and "[the record]" not in article.text


def test_a_page_its_publisher_encoded_twice_reads_repaired() -> None:
    from newslake.tasks.normalize import classify_text

    body = "".join(
        f"<p>Die Ã„rzte der Klinik in MÃ¼nchen berichten Ã¼ber den {i}. Fall, der im GesprÃ¤ch mit "
        "Angehörigen geschildert wurde, und über die Behandlung, die noch Wochen dauern wird.</p>"
        for i in range(1, 7)
    )
    page = (
        "<html lang='de'><head><title>Ã„rzte in MÃ¼nchen warnen</title>"
        "<meta name='author' content='JÃ¼rgen MÃ¼ller'></head>"
        "<body><article><h1>Ã„rzte in MÃ¼nchen warnen</h1><p class='byline'>Von JÃ¼rgen MÃ¼ller</p>"
        f"{body}</article></body></html>"
    )
    article = extract_article(classify_text("d1", "file:///x.html", page, "utf-8"))
    assert isinstance(article, Article)
    assert article.title == "Ärzte in München warnen"
    assert article.authors == ("Jürgen Müller",)
    assert "Die Ärzte der Klinik in München berichten über den 3. Fall" in article.text
    assert "Ã" not in article.text and article.language == "de"


@pytest.mark.parametrize(
    ("title", "sites", "host", "expected"),
    [
        ("Samsung soll Smartphones zerstören - Golem.de", ("Golem.de",), None, "Samsung soll Smartphones zerstören"),
        (
            "How RPA vendors aim to remain relevant | TechCrunch",
            (),
            "techcrunch.com",
            "How RPA vendors aim to remain relevant",
        ),
        ("The Namibian - Green hydrogen pipeline flagged", ("The Namibian",), None, "Green hydrogen pipeline flagged"),
        (
            "Trump - Putin summit ends without a deal",
            ("Daily Example",),
            "example.com",
            "Trump - Putin summit ends without a deal",
        ),
        ("08.11.2021 | Day of remembrance online", (), None, "Day of remembrance online"),
        ("Olympics add equestrian events -", (), None, "Olympics add equestrian events"),
        ("Services resume after the strike › example.at", (), "example.at", "Services resume after the strike"),
        ("Quelle « gravité de la situation »", (), None, "Quelle « gravité de la situation »"),
        # Site segments and dates at both ends, and the separator a cut leaves behind.
        ("23.01.2022 - Wierer wins - Biathlon Antholz", (), "biathlon-antholz.it", "Wierer wins"),
        ("mediaarchitecture.de // » Jens Weber", ("mediaarchitecture.de",), None, "Jens Weber"),
        ("- Angsten vil øke", (), "dagbladet.no", "- Angsten vil øke"),  # a dash opening a quotation stays
        # A bare web address at either end is the site's name, the page's own host or not.
        ("Wärmepumpe im Altbau | heizung.de", (), "www.heizung.de", "Wärmepumpe im Altbau"),
        ("Wärmepumpe im Altbau | heizung.de", (), None, "Wärmepumpe im Altbau"),
        ("energieverbraucher.de | Gaspreise", (), None, "Gaspreise"),
        ("Streams in practice - Node.js", (), None, "Streams in practice - Node.js"),  # .js ends no address
        ("Produkttester werden │ Nestlé Marktplatz", ("Nestlé Marktplatz",), None, "Produkttester werden"),
        # A site name glued onto the headline's last word (an SEO plugin that lost its separator).
        (
            "Truckwash A31Das andere Branchenbuch | Das andere Branchenbuch",
            (),
            None,
            "Truckwash A31",
        ),
        (
            "Neue Waschanlage eröffnetDas andere Branchenbuch",
            ("Das andere Branchenbuch",),
            None,
            "Neue Waschanlage eröffnet",
        ),
        ("Ein neues VORBILD", ("BILD",), None, "Ein neues VORBILD"),  # one word: no telling it apart
        ("Warum ich jeden Tag die Daily Post", ("Daily Post",), None, "Warum ich jeden Tag die Daily Post"),  # a space
    ],
)
def test_strip_site_name(title: str, sites: tuple[str, ...], host: str | None, expected: str) -> None:
    from newslake.tasks.metadata import strip_site_name

    assert strip_site_name(title, sites, host) == expected


def test_h1_wins_when_the_metadata_agrees_with_it() -> None:
    from newslake.tasks.metadata import choose_title, read_claims

    page = (
        "<html><head><title>Budget passes after a long night of debate - Example News</title>"
        "<meta property='og:site_name' content='Example News'></head>"
        "<body><h1>Budget passes after long night of debate</h1><p>x</p></body></html>"
    )
    assert choose_title(read_claims(page), None) == "Budget passes after long night of debate"
    unrelated = page.replace("<h1>Budget passes after long night of debate</h1>", "<h1>Newsletter</h1>")
    assert choose_title(read_claims(unrelated), None) == "Budget passes after a long night of debate"


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        ("<title>Home</title>", "Time to say goodbye", "Time to say goodbye"),  # a navigation label
        (
            "<title>Example Blog</title><meta property='og:site_name' content='Example Blog'>",
            "Bridge opens",
            "Bridge opens",
        ),
        ("<title>Bridge\u200b opens\u00ad today</title>", "Menu", "Bridge opens today"),  # invisible characters
        ("<title>12.05.2021</title>", "Council meets", "Council meets"),  # a date is not a headline
    ],
)
def test_a_navigation_label_site_name_or_date_is_never_the_title(head: str, h1: str, expected: str) -> None:
    from newslake.tasks.metadata import choose_title, read_claims

    page = f"<html><head>{head}</head><body><h1>{h1}</h1><p>x</p></body></html>"
    assert choose_title(read_claims(page), None) == expected


def test_a_whole_escaped_page_keeps_its_own_structure():
    from newslake.tasks.extract import wrap_fragment

    fragment = wrap_fragment("<p>Story text.</p>", "Title", "Site")
    assert "<body><article><p>Story text.</p></article></body>" in fragment
    page = wrap_fragment("<nav>Home</nav><main><p>Story text.</p></main><footer>About</footer>", "Title", None)
    assert "<body><nav>Home</nav><main>" in page and "<article>" not in page


def _title(head: str, body: str = "") -> str | None:
    from newslake.tasks.metadata import choose_title, read_claims

    return choose_title(read_claims(f"<html><head>{head}</head><body>{body}<p>x</p></body></html>"), None)


def test_structured_headline_comes_first_and_is_unescaped() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Fed admits &quot;failures&quot;"}'
        '</script><meta property="og:title" content="Fed admits failures in oversight">'
    )
    assert _title(head, "<h1>Fed admits failures in oversight</h1>") == 'Fed admits "failures"'


def test_a_candidate_with_a_section_tail_is_the_shorter_candidate() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Coach asks for patience | Sport"}'
        '</script><meta property="og:title" content="Coach asks for patience">'
    )
    assert _title(head) == "Coach asks for patience"
    # a tail glued on without spaces, shown up by the page's headline meta tag
    glued = (
        '<meta property="og:title" content="Party expels leader-Politics|Daily">'
        '<meta name="headline" content="Party expels leader">'
    )
    assert _title(glued) == "Party expels leader"


def _claims(headline: str, og_title: str) -> str:
    return (
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'
        f'<meta property="og:title" content="{og_title}">'
    )


@pytest.mark.parametrize(
    ("headline", "og_title", "expected"),
    [
        # a kicker before the headline's words
        (
            "Verdict: Man sentenced to life in prison",
            "Man sentenced to life in prison",
            "Man sentenced to life in prison",
        ),
        (
            "Club-Coach Smith: We have little to lose",
            "Coach Smith: We have little to lose",
            "Coach Smith: We have little to lose",
        ),
        # a longer version of the same headline
        (
            "Chelsea send a message at Cobham in battling win over Spurs",
            "Chelsea send a message at Cobham",
            "Chelsea send a message at Cobham",
        ),
        # the same words with decoration: quotes, another separator
        (
            "&quot;Pink hair&quot; sparks ridicule online",
            "Pink hair sparks ridicule online",
            "Pink hair sparks ridicule online",
        ),
        (
            "Plant dismantled - Cooling towers demolished",
            "Plant dismantled: Cooling towers demolished",
            "Plant dismantled: Cooling towers demolished",
        ),
        # the structured headline is shorter: it stays
        ("Campaigns brace for a sprint", "Campaigns brace for an intense sprint", "Campaigns brace for a sprint"),
        # fewer than half the headline's words: a section name, not the headline
        (
            "Council approves the new budget after a long night",
            "Council news",
            "Council approves the new budget after a long night",
        ),
    ],
)
def test_the_plainest_of_two_nested_headline_claims_wins(headline: str, og_title: str, expected: str) -> None:
    assert _title(_claims(headline, og_title)) == expected


def test_an_h1_in_the_breadcrumb_trail_is_no_headline() -> None:
    # Some sites mark the current page's crumb as an h1: a shortened label, not the headline.
    head = _claims("Plant dismantled: Cooling towers demolished", "Plant dismantled: Cooling towers demolished")
    crumbs = (
        '<ol itemscope itemtype="https://schema.org/BreadcrumbList"><li itemprop="itemListElement">'
        '<h1 class="active"><span itemprop="name">Cooling towers demolished</span></h1></li></ol>'
    )
    assert _title(head, crumbs) == "Plant dismantled: Cooling towers demolished"
    assert _title(head, f'<nav class="breadcrumbs">{crumbs.replace("BreadcrumbList", "ItemList")}</nav>') == (
        "Plant dismantled: Cooling towers demolished"
    )
    # a page's wrapper named after its breadcrumbs holds the real headline
    wrapped = '<div class="page has-breadcrumbs"><h1>Cooling towers demolished</h1></div>'
    assert _title(head, wrapped) == "Cooling towers demolished"


@pytest.mark.parametrize(
    ("og_title", "body", "expected"),
    [
        # a kicker and a separator before the page's only h1: the headline is what the h1 shows
        ("Vote: Eva Weber elected president", "<h1>Eva Weber elected president</h1>", "Eva Weber elected president"),
        ("Press release - Time to speed up!", "<h1>Time to speed up!</h1>", "Time to speed up!"),
        # a kicker inside the h1, as an element of its own (often set off by a hidden separator) or as its
        # text: the page shows both as the headline, and publishers' own labels differ, so it stays
        (
            "Climate: Drilling until it gets hot",
            "<h1><span>Climate</span><span class='sr-only'>: </span><span>Drilling until it gets hot</span></h1>",
            "Climate: Drilling until it gets hot",
        ),
        # no separator between the two: one headline that the h1 shortens, which stays
        ("Covid-19 Think of tomorrow today", "<h1>Think of tomorrow today</h1>", "Covid-19 Think of tomorrow today"),
        # an h1 of one word, or one that the kicker outweighs, is a heading inside the story
        ("Elections in the west: Results", "<h1>Results</h1>", "Elections in the west: Results"),
        (
            "What the council decided about the new tram lines this week: Trams",
            "<h1>New trams</h1>",
            "What the council decided about the new tram lines this week: Trams",
        ),
        (
            "Usage-based payouts: Music stars demand a new model",
            "<h1>Usage-based payouts: Music stars demand a new model</h1>",
            "Usage-based payouts: Music stars demand a new model",
        ),
    ],
)
def test_a_kicker_before_the_only_h1_is_not_part_of_the_headline(og_title: str, body: str, expected: str) -> None:
    assert _title(f'<meta property="og:title" content="{og_title}">', body) == expected


@pytest.mark.parametrize(
    ("og_title", "body", "expected"),
    [
        # the page's only h1 without the tail the metadata adds
        ("Lemon cake from the tray Recipe", "<h1>Lemon cake from the tray</h1>", "Lemon cake from the tray"),
        # a title cut with an ellipsis, whole in the h1
        (
            "Minister should study the playbook of her...",
            "<h1>Minister should study the playbook of her neighbour</h1>",
            "Minister should study the playbook of her neighbour",
        ),
        # an h1 that only lengthens a title that is not cut: publishers differ, the title stays
        (
            "Chelsea send a message at Cobham",
            "<h1>Chelsea send a message at Cobham in battling win</h1>",
            "Chelsea send a message at Cobham",
        ),
        # two different h1s: none of them is the page's headline element
        (
            "Lemon cake from the tray Recipe",
            "<h1>Lemon cake from the tray</h1><h1>Newsletter</h1>",
            "Lemon cake from the tray Recipe",
        ),
        # a tail longer than the h1 is not a tail: the h1 is a heading inside the story
        (
            "Bank keeps rates on hold for the third time this year",
            "<h1>Bank keeps rates</h1>",
            "Bank keeps rates on hold for the third time this year",
        ),
    ],
)
def test_the_only_h1_gives_the_title_without_its_tail_or_its_cut(og_title: str, body: str, expected: str) -> None:
    assert _title(f'<meta property="og:title" content="{og_title}">', body) == expected


def test_a_headline_meta_tag_does_not_outrank_og_title() -> None:
    head = (
        '<meta property="og:title" content="Pipeline flagged - The Example">'
        '<meta property="og:site_name" content="The Example"><meta name="headline" content="Groups concerned">'
    )
    assert _title(head) == "Pipeline flagged"


def test_drop_link_blocks_removes_teasers_of_other_stories_and_their_label() -> None:
    from lxml import etree

    from newslake.tasks.extract import drop_link_blocks

    body = etree.fromstring(
        "<body><p>The council met on Tuesday and approved the plan.</p>"
        "<head>DON'T MISS</head>"
        "<p><ref target='/a'>China furious at Macron for protest jibe</ref> [INSIGHT]</p>"
        "<p>It will take effect in <ref target='/b'>March</ref>, officials said.</p>"
        "<p><ref target='https://example.com/report'>https://example.com/report</ref></p>"
        "<p><ref target='/c'>Every linked sentence of a live blog is still a sentence.</ref></p></body>"
    )
    drop_link_blocks(body)
    texts = ["".join(e.itertext()) for e in body]
    assert texts == [
        "The council met on Tuesday and approved the plan.",
        "It will take effect in March, officials said.",
        "https://example.com/report",
        "Every linked sentence of a live blog is still a sentence.",
    ]


def test_drop_link_blocks_removes_lists_of_linked_headlines_with_kickers() -> None:
    from lxml import etree

    from newslake.tasks.extract import drop_link_blocks

    body = etree.fromstring(
        "<body><p>The council met on Tuesday and approved the plan.</p>"
        "<list><item>Energy: <ref target='/a'>Why prices rise again</ref></item>"
        "<item>Rail strike? <ref target='/b'>What commuters can do</ref></item></list>"
        "<list><item>Bring the permit and <ref target='/c'>the form</ref> to the town hall</item>"
        "<item>Pay the fee of 20 euros</item></list></body>"
    )
    drop_link_blocks(body)
    assert [e.tag for e in body] == ["p", "list"]
    assert "Bring the permit" in "".join(body[1].itertext())


def test_drop_teaser_runs_removes_a_more_stories_rail_and_its_label() -> None:
    from lxml import etree

    from newslake.tasks.extract import drop_teaser_runs

    def teaser(slug: str, standfirst: str) -> str:
        return (
            f"<p><ref target='/{slug}'/></p><head rend='h2'>Headline {slug}<ref target='/{slug}'>Headline {slug}</ref>"
            f"</head><p>{standfirst}</p>"
        )

    body = etree.fromstring(
        "<body><p>The council met on Tuesday and approved the plan.</p>"
        "<p><ref target='/map'/></p><head>How the plan changes the map</head><p>The new lines run north.</p>"
        "<head>More from The Example</head>"
        + teaser("a", "A standfirst of the first story.")
        + teaser("b", "A standfirst of the second story.")
        + "</body>"
    )
    drop_teaser_runs(body)
    # The article's own image and section heading (no link to a story) stay; the rail and its label go.
    assert [e.tag for e in body] == ["p", "p", "head", "p"]
    assert "".join(body[-1].itertext()) == "The new lines run north."


def test_drop_teaser_runs_leaves_a_single_teaser() -> None:
    from lxml import etree

    from newslake.tasks.extract import drop_teaser_runs

    body = etree.fromstring(
        "<body><p>The council met on Tuesday.</p><p><ref target='/a'/></p>"
        "<head><ref target='/a'>Read the plan</ref></head><p>It runs to 40 pages.</p></body>"
    )
    drop_teaser_runs(body)
    assert len(body) == 4


def test_drop_calls_to_action_in_html_bodies() -> None:
    from lxml import etree

    from newslake.tasks.extract import drop_calls_to_action

    body = etree.fromstring(
        "<body><p>The vote passed 52 to 48 after a long debate.</p>"
        "<p>Get the day's big stories in our free newsletter. Thanks for signing up!</p>"
        "<p>Follow The Example Times Opinion section on Facebook and Twitter.</p>"
        "<p>[button link='https://example.com/review' type='big']Send us your review[/button]</p>"
        "<p>Readers can sign the petition online until Friday.</p></body>"
    )
    drop_calls_to_action(body)
    assert ["".join(e.itertext()) for e in body] == [
        "The vote passed 52 to 48 after a long debate.",
        "Readers can sign the petition online until Friday.",
    ]


def test_drop_sign_up_boxes_removes_a_paywall_box_and_keeps_the_story() -> None:
    from lxml import html as lxml_html

    from newslake.tasks.extract import drop_sign_up_boxes

    paragraph = "The council approved the budget after a long night of debate in the town hall."
    page = lxml_html.fromstring(
        "<html><body><div class='story'>"
        f"<div class='block'>{paragraph}</div><div class='block'>{paragraph}</div>"
        "<div class='paywall'><div class='inner'><p><span>This article is for members.</span>"
        "<br>Print subscribers register for free.</p>"
        "<div class='buttons'><a href='/service/regist'>Register</a><a href='/login?next=/a'>Log in</a></div>"
        "<dl><dt>Members get</dt><dd>the e-paper</dd><dd>unlimited articles</dd></dl></div></div>"
        # a story link whose slug holds "register" is not a sign-up link
        f"<div class='block'>{paragraph} <a href='/news/police-register-371-cases'>Police records</a> "
        "show more of the same across the region this year, officials said on Monday.</div>"
        "</div></body></html>"
    )
    drop_sign_up_boxes(page)
    text = page.text_content()
    assert "members" not in text.lower() and "Log in" not in text
    assert text.count(paragraph) == 3 and "Police records" in text


def test_drop_sign_up_boxes_spares_headers_and_running_text() -> None:
    from lxml import html as lxml_html

    from newslake.tasks.extract import drop_sign_up_boxes

    page = lxml_html.fromstring(
        "<html><body><header><div class='top'><h1>Main story</h1><a href='/login'>Log in</a></div></header>"
        "<div class='story'><p>Readers who <a href='/subscribe'>subscribe</a> before Friday get the archive, "
        "the publisher said, as it announced a new price.</p></div></body></html>"
    )
    drop_sign_up_boxes(page)
    text = page.text_content()
    assert "Main story" in text and "Log in" in text
    assert "Readers who subscribe before Friday" in text


def test_drop_other_articles_keeps_the_story_with_the_headline() -> None:
    from lxml import html as lxml_html

    from newslake.tasks.extract import drop_other_articles

    story = "<p>" + "The main story goes on at length. " * 40 + "</p>"
    page = lxml_html.fromstring(
        f"<html><body><article><h1>Main story</h1>{story}</article>"
        "<article><h2>Next story</h2><p>Another story scrolls in below.</p></article>"
        "<article><h2>Teaser</h2><p>Read this too.</p></article></body></html>"
    )
    drop_other_articles(page)
    assert [a.findtext(".//h1") for a in page.iter("article")] == ["Main story"]
    # a headline card without a body of its own says nothing about the rest of the page
    header_only = lxml_html.fromstring(
        "<html><body><article><h1>Main story</h1></article><article><p>Body part.</p></article></body></html>"
    )
    drop_other_articles(header_only)
    assert len(list(header_only.iter("article"))) == 2


@pytest.mark.parametrize(
    ("predicate", "line", "expected"),
    [
        ("looks_like_script_data", '","naka5":"","topNews":{"domain":"www.example.com","firstArea":{"u":"/a"', True),
        ("looks_like_script_data", 'He said: "We will not stop." The crowd cheered {loudly}.', False),
        ("looks_like_script_data", 'The report, titled "Energy: 2030", was published on Monday.', False),
        # markup escaped inside a script string, cut loose by the parser
        (
            "looks_like_script_data",
            r"\n Si\u0142a liczb. Si\u0142a lider\u00f3w.<\/span> Gala CFO już 28 maja\n <\/p>",
            True,
        ),
        ("looks_like_script_data", r"The file sat in C:\new\reports on the office drive, she said.", False),
        ("is_credit_line", "Photo: AFP", True),
        ("is_credit_line", "Foto: REUTERS/Nathan Howard", True),
        ("is_credit_line", "Quelle: dpa", True),
        ("is_credit_line", "Sources:", False),
        ("is_credit_line", "Photographers gathered outside the court on Monday.", False),
    ],
)
def test_lines_that_are_not_article_text(predicate: str, line: str, expected: bool) -> None:
    from newslake.tasks import extract

    assert getattr(extract, predicate)(line) is expected


def test_story_cards_that_link_elsewhere_are_dropped_but_the_pages_own_headline_stays() -> None:
    from lxml import html as lxml_html

    from newslake.tasks.extract import drop_teaser_cards

    card = '<a href="/other"><div><h2>Another story</h2><p>Its lead paragraph, teased here.</p></div></a>'
    own = '<a href="/self"><div><h2>The bridge opens</h2><p>The council opened the bridge.</p></div></a>'
    long_link = '<a href="/x"><h3>Lost tag</h3>' + "<p>" + "word " * 300 + "</p></a>"
    page = lxml_html.fromstring(f"<html><body><div>{card}after card</div>{own}{long_link}</body></html>")
    drop_teaser_cards(page, ("The bridge opens",))
    text = page.text_content()
    assert "Another story" not in text and "after card" in text
    assert "The council opened the bridge." in text
    assert "Lost tag" in text  # more than a card's worth of text: a parser slip, not a teaser


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # a blog whose logo link (text) is also its h1 and the <title>'s tail
        (
            "<title>Lemon cake with thyme | Kitchen Notes</title>",
            "<a href='http://www.kitchen.example'>Kitchen Notes</a><h1>Kitchen Notes</h1>",
            "Lemon cake with thyme",
        ),
        # the logo is an image whose alt text names the site; a menu entry linking home is not the site
        (
            "<title>Rain ends drought | Weekly Post</title>",
            "<a href='/'>Home</a><a href='/'><img alt='Weekly Post'></a><h1>Weekly Post</h1><h1>Rain ends drought</h1>",
            "Rain ends drought",
        ),
        # a home link on another host tells nothing about this page
        (
            "<title>Valley Voice</title><link rel='canonical' href='https://valley.example/story'>",
            "<a href='https://other.example/'>Valley Voice</a><h1>Valley Voice</h1>",
            "Valley Voice",
        ),
    ],
)
def test_the_site_name_from_a_home_link_is_never_the_title(head: str, body: str, expected: str) -> None:
    assert _title(head, body) == expected


def test_the_h1_that_shares_most_words_with_the_metadata_is_the_headline() -> None:
    head = "<title>Agency - Press releases 2022 - Messaging services are no lawless space</title>"
    body = "<h1>Federal Agency (Agency)</h1><h1>Messaging services are no lawless space</h1>"
    assert _title(head, body) == "Messaging services are no lawless space"


def test_an_og_title_that_is_the_site_name_is_no_headline() -> None:
    head = (
        "<meta property='og:title' content='World Rowing Union - WRU'>"
        "<meta property='og:site_name' content='World Rowing Union - WRU'>"
        "<title>Crews gather for the final regatta</title>"
    )
    assert _title(head, "<h1>Crews gather for the final regatta</h1>") == "Crews gather for the final regatta"


def test_an_organisations_json_ld_tagline_is_not_the_articles_headline() -> None:
    head = (
        '<script type="application/ld+json">[{"@type": "NewsArticle", "headline": "Officers sent 88 questions'
        ' to the court"}, {"@type": "NewsMediaOrganization", "name": "Daily 24",'
        ' "headline": "Welcome to Daily 24. Independent news, all day"}]</script>'
    )
    assert _title(head) == "Officers sent 88 questions to the court"


def test_a_meta_title_cut_at_an_unescaped_quotation_mark_gives_way_to_the_full_one() -> None:
    from newslake.tasks.metadata import choose_title, read_claims

    full = 'Senator calls the president "unfit"'
    page = (
        f"<html><head><title>{full}</title>"
        f'<meta property="og:title" content="{full}" />'  # the quotation mark ends the attribute early
        f'<meta name="twitter:title" content="{full}" /></head><body><p>x</p></body></html>'
    )
    claims = read_claims(page)
    assert claims.og_title == full and choose_title(claims, None) == full
    # A title that goes on with a separator is the claim plus a site name, not a cut claim.
    tail = read_claims(
        "<html><head><title>Bridge opens « Example Blog</title>"
        '<meta property="og:title" content="Bridge opens"></head><body><p>x</p></body></html>'
    )
    assert tail.og_title == "Bridge opens" and choose_title(tail, None) == "Bridge opens"


def _declared_page(head: str, body_top: str = "", script_rendered: bool = False) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} explains how the council voted on the new harbour after a long night of "
        "debate, and what the vote means for the fishing families who live beside it.</p>"
        for i in range(6)
    )
    if script_rendered:  # nothing shown: the article is in the page's inline state
        state = json.dumps({"props": {"article": {"headline": "Harbour vote", "body": paragraphs}}})
        body = f"<div id='app'></div><script id='__NEXT_DATA__' type='application/json'>{state}</script>"
    else:
        body = f"<article><h1>Harbour vote</h1>{body_top}{paragraphs}</article>"
    return f"<html lang='en'><head><title>Harbour vote</title>{head}</head><body>{body}</body></html>"


_DECLARED = (
    "<meta name='author' content='Jane Doe'>"
    "<script type='application/ld+json'>"
    '{"@type": "NewsArticle", "headline": "Harbour vote", "author": {"@type": "Person", "name": "Jane Doe"}}'
    "</script>"
)


@pytest.mark.parametrize(
    ("head", "body_top", "script_rendered", "expected"),
    [
        (_DECLARED, "", False, ()),  # declared, never shown: a page with no byline has no author
        (_DECLARED, "<p class='byline'>By JANE DOE</p>", False, ("Jane Doe",)),
        (_DECLARED, "<p>Photos: Doe</p>", False, ("Jane Doe",)),  # one word of the name is enough
        (_DECLARED, "<!-- Jane Doe --><p class='byline'>Sam Roe</p>", False, ("Sam Roe",)),  # the visible one
        (_DECLARED, "", True, ("Jane Doe",)),  # a page that shows nothing cannot be checked
        (
            "<script type='application/ld+json'>"
            '{"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Example Wire"}}</script>',
            "",
            False,
            ("Example Wire",),  # an organisation shows as a logo
        ),
    ],
)
def test_a_declared_author_the_page_never_shows_is_no_author(
    head: str, body_top: str, script_rendered: bool, expected: tuple[str, ...]
) -> None:
    from newslake.tasks.normalize import classify_text

    article = extract_article(
        classify_text("d1", "file:///x.html", _declared_page(head, body_top, script_rendered), "utf-8")
    )
    assert isinstance(article, Article)
    assert article.authors == expected


def test_shown_text_is_what_readers_see() -> None:
    from lxml import html as lxml_html

    from newslake.tasks.metadata import shown_text

    tree = lxml_html.fromstring(
        "<html><head><title>T</title><meta name='author' content='Meta Name'><style>.a{}</style></head>"
        "<body><!-- Comment Name --><p>Shown  <b>Bold</b>\n tail</p><script>var x = 'Script Name'</script>"
        "<noscript>Hidden</noscript><template>Template</template>After</body></html>"
    )
    assert shown_text(tree) == "shown bold tail after"


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("<p style='text-align:right'><strong>Stefan Wasmer</strong></p>", ("Stefan Wasmer",)),
        ("<p>Stefan Wasmer</p>", ()),  # not set apart: a name in passing, a caption
        ("<p><strong>Stefan Wasmer</strong> reported from the harbour.</p>", ()),
    ],
)
def test_an_article_signed_with_a_name_set_apart_is_by_that_name(end: str, expected: tuple[str, ...]) -> None:
    from newslake.tasks.normalize import classify_text

    page = _declared_page("").replace("</article>", f"{end}</article>")
    article = extract_article(classify_text("d1", "file:///x.html", page, "utf-8"))
    assert isinstance(article, Article)
    assert article.authors == expected


def _page(head: str, url: str = "https://www.example.org/2024/05/budget.html") -> str:
    body = "".join(
        f"<p>Paragraph {i} explains how the council voted on the budget after a long night of debate, "
        "and what the vote means for the city's schools and roads.</p>"
        for i in range(6)
    )
    return (
        f"<html lang='en'><head>{head}<link rel='canonical' href='{url}'></head>"
        f"<body><article><h1>Budget passes after long night</h1>{body}</article></body></html>"
    )


_OG_SITE = "<meta property='og:site_name' content='%s'>"


@pytest.mark.parametrize(
    ("head", "url", "expected"),
    [
        # A slug declared beside the name: the name, not the slug capitalised ("Nationalpost").
        (
            "<title>Budget passes | National Post</title><meta property='og:site_name' content='nationalpost'>"
            '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "publisher": '
            '{"@type": "Organization", "name": "National Post"}}</script>',
            "https://nationalpost.com/news/budget",
            "National Post",
        ),
        # Only a Twitter handle: the name as the title writes it, not the handle capitalised ("Ndr").
        (
            "<title>Budget passes | NDR.de - Nachrichten - Niedersachsen</title>"
            "<meta name='twitter:site' content='@ndr'>",
            "https://www.ndr.de/x.html",
            "NDR.de",
        ),
        # A name the site writes in lower case stays so ("wmn", not "Wmn"; "ohneQ", not "Ohneq").
        (f"<title>Budget passes - wmn</title>{_OG_SITE % 'wmn'}", "https://wmn.de/b", "wmn"),
        (f"{_OG_SITE % 'ohneQ Podcast'}<title>Budget</title>", "https://ohneq.de/b", "ohneQ Podcast"),
        # Declared as written, capitals included: kept.
        (f"{_OG_SITE % 'EL NACIONAL'}<title>Budget</title>", "https://elnacional.com/b", "EL NACIONAL"),
        (f"{_OG_SITE % 'The Hill'}<title>Budget | TheHill</title>", "https://thehill.com/b", "The Hill"),
    ],
)
def test_the_site_name_is_spelled_as_the_page_spells_it(head: str, url: str, expected: str) -> None:
    from newslake.tasks.normalize import classify_text

    article = extract_article(classify_text("d1", url, _page(head, url), "utf-8"))
    assert isinstance(article, Article)
    assert article.site_name == expected
