from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from trafilatura.utils import load_html

from newslake.tasks.dates import (
    DateClaims,
    Published,
    choose_published,
    choose_updated,
    first_time_day,
    local_day,
    page_day,
    parse_timestamp,
    publisher_offset,
    search_page_date,
    shown_day,
    url_day,
)
from newslake.tasks.extract import extract_article
from newslake.tasks.metadata import read_claims
from newslake.tasks.normalize import normalize_document
from newslake.tasks.records import Article, RawDocument
from tests.pages import extract_page

CET = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T08:00:00Z", datetime(2026, 11, 2, 8, tzinfo=UTC)),
        ("2026-11-02T23:30:00+01:00", datetime(2026, 11, 2, 23, 30, tzinfo=CET)),
        ("2026-11-02T23:30:00+0100", datetime(2026, 11, 2, 23, 30, tzinfo=CET)),
        ("2026-11-02", datetime(2026, 11, 2, tzinfo=UTC)),
        ("last Tuesday", None),
        ("0001-01-01T00:00:00Z", None),
        (None, None),
    ],
)
def test_parse_timestamp_keeps_the_publishers_offset(value, expected):
    parsed = parse_timestamp(value)
    assert parsed == expected
    if expected is not None:
        assert parsed.utcoffset() == expected.utcoffset()  # the calendar day stays the publisher's


def page(head: str) -> str:
    return f"<html><head>{head}</head><body><h1>Budget passes</h1><p>Text.</p></body></html>"


def test_json_ld_dates_win_over_meta_tags():
    claims = read_claims(
        page(
            '<meta property="article:published_time" content="2026-11-01T10:00:00Z">'
            '<meta property="article:modified_time" content="2026-11-01T12:00:00Z">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget passes", '
            '"datePublished": "2026-11-02T08:00:00+01:00", "dateModified": "2026-11-03T09:15:00+01:00"}</script>'
        )
    ).dates
    assert claims == DateClaims(
        datetime(2026, 11, 2, 8, tzinfo=CET),
        "json-ld",
        datetime(2026, 11, 3, 9, 15, tzinfo=CET),
        "json-ld",
        False,
        ((datetime(2026, 11, 1, 10, tzinfo=UTC), "meta"),),  # the meta tags name another day
    )


def test_claims_that_agree_on_the_day_are_not_disputed():
    claims = read_claims(
        page(
            '<meta property="article:published_time" content="2026-11-02T10:00:00+01:00">'
            '<meta name="pubdate" content="2026-10-30">'  # a later meta tag of the same source is not read
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget passes", '
            '"datePublished": "2026-11-02T08:00:00+01:00"}</script>'
        )
    ).dates
    assert claims.published_elsewhere == ()


def test_disputed_claims_are_decided_by_the_day_the_page_shows():
    json_ld, meta = datetime(2023, 11, 3, 10, 25, tzinfo=UTC), datetime(2023, 11, 6, 14, 25, tzinfo=UTC)
    claims = DateClaims(json_ld, "json-ld", published_elsewhere=((meta, "meta"),))
    assert choose_published(claims, date(2023, 11, 6), None) == Published(meta, date(2023, 11, 6), "meta")
    assert choose_published(claims, date(2023, 11, 3), None) == Published(json_ld, date(2023, 11, 3), "json-ld")
    # A page that shows neither day leaves the first claim standing.
    assert choose_published(claims, date(2023, 10, 1), None) == Published(json_ld, date(2023, 11, 3), "json-ld")
    assert choose_published(claims, None, None) == Published(json_ld, date(2023, 11, 3), "json-ld")


def test_an_article_whose_json_ld_and_meta_tags_disagree_gets_the_day_it_shows() -> None:
    story = " ".join(["The council approved the new harbour budget after a long debate, members said."] * 12)
    article = extract_page(
        "<html><head><title>Budget passes</title>"
        '<meta property="article:published_time" content="2023-11-06T15:25:00+01:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget passes", '
        '"datePublished": "2023-11-03T10:25:56+00:00"}</script></head><body><article>'
        '<h1>Budget passes</h1><time datetime="2023-11-06T15:25:00+01:00">6. November 2023</time>'
        f"<p>{story}</p></article></body></html>"
    )
    assert (article.published_on, article.published_at_source) == (date(2023, 11, 6), "meta")


def test_meta_tags_when_there_is_no_structured_data():
    claims = read_claims(
        page(
            '<meta property="article:published_time" content="2026-11-01T10:00:00Z">'
            '<meta property="og:updated_time" content="2026-11-01T12:00:00Z">'
        )
    ).dates
    assert (claims.published_source, claims.modified_source) == ("meta", "meta")


def test_the_searched_day_is_labelled_url_or_page():
    day, midnight = date(2026, 11, 2), datetime(2026, 11, 2, tzinfo=UTC)
    assert choose_published(DateClaims(), day, "https://x.example/2026/11/02/budget") == Published(midnight, day, "url")
    assert choose_published(DateClaims(), day, "https://x.example/budget") == Published(midnight, day, "page")
    assert choose_published(DateClaims(), None, None) == Published()


def utc_claim(value: str) -> DateClaims:
    return read_claims(page(f'<meta property="article:published_time" content="{value}">')).dates


def test_a_utc_stamp_is_read_on_the_day_the_page_shows_when_a_time_zone_puts_it_there():
    # 01:09 UTC on the 9th is 18:09 on the 8th in Denver, the day the page shows.
    claims = utc_claim("2023-11-09T01:09:55Z")
    assert claims.published_in_utc
    published = choose_published(claims, date(2023, 11, 8), None)
    assert published == Published(datetime(2023, 11, 9, 1, 9, 55, tzinfo=UTC), date(2023, 11, 8), "meta")
    # 23:01 UTC on the 1st is the 2nd in Rome.
    assert choose_published(utc_claim("2023-11-01T23:01:00Z"), date(2023, 11, 2), None).day == date(2023, 11, 2)
    # No time zone moves 15:00 UTC to another day: the stamp's own day stands.
    assert choose_published(utc_claim("2023-11-09T15:00:00Z"), date(2023, 11, 8), None).day == date(2023, 11, 9)
    # A stamp in the publisher's own offset is its day, whatever the search finds.
    local = utc_claim("2023-11-09T01:09:55+01:00")
    assert not local.published_in_utc
    assert choose_published(local, date(2023, 11, 8), None).day == date(2023, 11, 9)


def test_the_page_search_reads_datelines_in_other_languages():
    body = "<p class='fecha'>Martes 17 de marzo de 2020</p><p>El Gobierno aprobó ayer el plan de choque.</p>"
    assert search_page_date(load_html(f"<html><body>{body}</body></html>"), None) == date(2020, 3, 17)
    byline = "<p class='byline'>Von Anna Berg | 12.05.2021, 14:30 Uhr</p><p>Der Rat hat beschlossen.</p>"
    assert search_page_date(load_html(f"<html><body>{byline}</body></html>"), None) == date(2021, 5, 12)


def test_a_year_alone_is_not_a_date():
    footer = "<p>The council met to decide on the bridge.</p><footer>© 2016 Example Media</footer>"
    assert search_page_date(load_html(f"<html><body>{footer}</body></html>"), None) is None
    new_year = "<p>Posted 01.01.2019</p><p>A new year begins with a new plan.</p>"
    assert search_page_date(load_html(f"<html><body>{new_year}</body></html>"), None) == date(2019, 1, 1)


def test_an_article_without_date_markup_gets_the_day_its_byline_states():
    body = "".join(f"<p>Paragraph {n} of the story about the harbour works and the new quay.</p>" for n in range(6))
    article = extract_page(
        f"<html><body><article><h1>Harbour works</h1><p class='date'>March 17, 2020</p>{body}</article></body></html>"
    )
    assert (article.published_on, article.published_at_source) == (date(2020, 3, 17), "page")


def test_an_update_before_publication_is_ignored():
    published = datetime(2026, 11, 2, tzinfo=UTC)
    earlier = DateClaims(modified=datetime(2026, 11, 1, tzinfo=UTC), modified_source="meta")
    assert choose_updated(earlier, published) == (None, None)
    later = DateClaims(modified=datetime(2026, 11, 3, tzinfo=UTC), modified_source="meta")
    assert choose_updated(later, published) == (datetime(2026, 11, 3, tzinfo=UTC), "meta")


def test_a_time_element_stating_the_utc_claim_in_local_time_gives_the_publishers_day() -> None:
    story = " ".join(["Police investigate a stabbing in the neighbourhood overnight, officials said."] * 12)
    page = (
        "<html><head><title>Two stabbed</title>"
        '<meta property="article:published_time" content="2023-11-09T02:11:03+00:00"></head><body><article>'
        "<h1>Two stabbed</h1>"
        '<time datetime="2023-11-08T21:11:03-05:00">November 8, 2023</time>'
        '<time datetime="2023-11-01T10:00:00-05:00">Related: November 1</time>'
        f"<p>{story}</p></article></body></html>"
    )
    article = extract_page(page)
    assert article.published_at == datetime(2023, 11, 9, 2, 11, 3, tzinfo=UTC)
    assert article.published_on == date(2023, 11, 8)
    from newslake.tasks.dates import local_day

    tree = load_html(page)
    assert local_day(tree, datetime(2023, 11, 9, 2, 11, 3, tzinfo=UTC)) == date(2023, 11, 8)
    assert local_day(tree, datetime(2023, 11, 9, 5, 0, 0, tzinfo=UTC)) is None  # no element states it


def _dated_page(head: str, shown: str) -> str:
    story = " ".join(["The regional council met again to discuss the new rail line, members said."] * 12)
    return (
        f"<html><head><title>Rail line</title>{head}</head><body><article><h1>Rail line</h1>{shown}"
        f"<p>{story}</p></article></body></html>"
    )


def test_a_utc_stamp_is_read_on_the_day_the_page_shows_beside_its_meta_tags() -> None:
    # Published at midnight in Berlin, stamped in UTC: the page's readers see 5 November.
    page = _dated_page(
        '<meta property="article:published_time" content="2021-11-04T23:00:00Z">',
        '<span class="date">5. November 2021</span>',
    )
    article = extract_page(page)
    assert (article.published_at, article.published_on) == (datetime(2021, 11, 4, 23, tzinfo=UTC), date(2021, 11, 5))
    assert shown_day(load_html(page), None) == date(2021, 11, 5)  # the meta tag's own day is not what it shows


def test_a_utc_stamp_is_read_in_the_zone_of_the_pages_other_timestamps() -> None:
    # 13:03 UTC is 08:03 in New York on the 19th; the header's "November 20" is the day the page was saved.
    ticker = '<script>{"updated": "2019-11-20T06:51:55-05:00", "opened": "2019-11-20T07:01:57-05:00"}</script>'
    page = _dated_page(
        f'<meta property="article:published_time" content="2019-11-19T13:03:00.000Z">{ticker}',
        '<p class="date">November 20, 2019</p>',
    )
    assert publisher_offset(load_html(page)) == timedelta(hours=-5)
    assert extract_page(page).published_on == date(2019, 11, 19)
    # 01:09 UTC on the 9th is the evening of the 8th in Denver, with no day shown at all.
    late = _dated_page(
        '<meta property="article:published_time" content="2023-11-09T01:09:55+00:00">'
        '<meta property="article:modified_time" content="2023-11-09T02:00:00-07:00">',
        "",
    )
    assert extract_page(late).published_on == date(2023, 11, 8)


def test_timestamps_in_the_mail_and_feed_form_give_the_pages_zone_too() -> None:
    # 02:54 UTC on 2 May is the evening of 1 May in New York, whose schedule the page's script writes.
    schedule = '<script>{"date": "Fri, 01 May 2020 23:00:00 -0400", "next": "Sat, 02 May 2020 06:00:00 -0400"}</script>'
    page = _dated_page(f'<meta property="article:published_time" content="2020-05-02T02:54:29.000Z">{schedule}', "")
    assert publisher_offset(load_html(page)) == timedelta(hours=-4)
    assert extract_page(page).published_on == date(2020, 5, 1)


def test_a_page_that_writes_only_utc_has_no_zone_of_its_own() -> None:
    page = _dated_page('<meta property="article:published_time" content="2021-11-04T23:00:00Z">', "")
    assert publisher_offset(load_html(page)) is None


def test_a_restating_time_element_that_shows_only_the_hour_leaves_the_day_to_the_next_one() -> None:
    # 23:30 UTC is the 8th in Berlin: the header shows the hour alone, the byline the day.
    page = _dated_page(
        '<meta property="article:published_time" content="2022-02-07T23:30:00Z">',
        '<time datetime="2022-02-07T23:30:00Z">23:30</time><p>Story</p>'
        '<time datetime="2022-02-07T23:30:00Z">8. Februar 2022</time>',
    )
    assert local_day(load_html(page), datetime(2022, 2, 7, 23, 30, tzinfo=UTC)) == date(2022, 2, 8)


def test_a_time_element_restating_the_utc_stamp_tells_its_day_in_words() -> None:
    # The stamp's own <time> says 8 February; a ticker of the next day's stories above it does not move it.
    ticker = "".join(
        f'<li><time class="entry-date updated" datetime="2022-02-09T08:{m}:00+00:00">9. Februar 2022</time> '
        "Other story</li>"
        for m in (10, 20, 30)
    )
    page = _dated_page(
        '<meta property="article:published_time" content="2022-02-08T18:05:43+00:00">',
        f'<ul>{ticker}</ul><time class="entry-date updated" datetime="2022-02-08T18:05:43+00:00">'
        "8. Februar 2022</time>",
    )
    assert shown_day(load_html(page), None) == date(2022, 2, 9)  # the page's first dates are the ticker's
    assert local_day(load_html(page), datetime(2022, 2, 8, 18, 5, 43, tzinfo=UTC)) == date(2022, 2, 8)
    assert extract_page(page).published_on == date(2022, 2, 8)


def test_claims_that_disagree_are_decided_by_what_readers_see_not_by_another_claim() -> None:
    # JSON-LD in local time names the 5th, the meta tag in UTC the 6th; the page shows the 6th. (htmldate's
    # own header search cannot read the meta tag's milliseconds and would take the JSON-LD's day.)
    page = _dated_page(
        '<meta property="article:published_time" content="2022-05-06T02:00:00.824Z">'
        '<meta itemprop="datePublished" content="2022-05-05T21:00:00-05:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rail line", '
        '"datePublished": "2022-05-05T21:00:00-05:00"}</script>',
        '<div class="Datetime">6 May 2022 - 2:00 a. m.</div>',
    )
    assert extract_page(page).published_on == date(2022, 5, 6)


def test_without_an_article_claim_the_day_shown_beats_a_generic_meta_date() -> None:
    # `<meta name="date">` is often the day a page was last rebuilt; the byline shows the day it ran.
    page = _dated_page(
        '<meta name="date" content="2020-04-29T11:52:23">',
        '<p class="byline">Stand: 28.04.2020 18:00 Uhr</p>',
    )
    article = extract_page(page)
    assert (article.published_on, article.published_at_source) == (date(2020, 4, 28), "page")


def test_without_an_article_claim_a_json_ld_date_still_beats_the_sidebar() -> None:
    page = _dated_page(
        '<script type="application/ld+json">{"@type": "WebPage", "datePublished": "2020-10-26T18:10:00+01:00"}'
        "</script>",
        "<aside><span>09.08.2020 u 10:52</span><span>25.05.2020 u 21:08</span></aside>",
    )
    assert extract_page(page).published_on == date(2020, 10, 26)


def test_without_an_article_claim_the_first_time_element_beats_older_related_stories() -> None:
    related = "".join(
        f'<li><time datetime="2022-0{m}-10 09:00">10.0{m}.2022</time> <a href="/r{m}">Earlier story</a></li>'
        for m in (8, 6)
    )
    page = _dated_page("", f'<time datetime="2022-12-12 12:22">12.12.2022 12:22</time><ul>{related}</ul>')
    article = extract_page(page)
    assert (article.published_on, article.published_at_source) == (date(2022, 12, 12), "page")


def test_a_time_element_inside_an_embedded_post_is_not_the_pages() -> None:
    embed = (
        '<blockquote class="instagram-media"><p><time datetime="2018-03-12T19:30:12+00:00">Mar 12</time></p>'
        "</blockquote>"
    )
    page = _dated_page("", f'{embed}<time datetime="2019-01-29T10:00:00+01:00">29.01.2019</time>')
    tree = load_html(page)
    assert first_time_day(tree) == date(2019, 1, 29)
    assert first_time_day(load_html(_dated_page("", embed))) is None


def test_without_an_article_claim_the_day_in_the_url_comes_first() -> None:
    page = _dated_page("", '<time datetime="2022-12-14 08:00">14.12.2022</time>')
    url = "https://news.example.com/2022/12/12/rail-line/"
    doc = normalize_document(RawDocument("d1", url, page.encode(), datetime.now(UTC), len(page)), 10_000_000)
    article = extract_article(doc, url)  # type: ignore[arg-type]
    assert isinstance(article, Article)
    assert (article.published_on, article.published_at_source) == (date(2022, 12, 12), "url")
    assert url_day("https://news.example.com/2022/13/40/x") is None  # no such day
    assert url_day("https://news.example.com/rail-line") is None


def test_script_data_is_not_what_the_page_shows() -> None:
    # The app's state names the next day (an update); readers see no date, so the stamp's own day stands.
    state = '<script>window.__STATE__ = {"lastModifiedDate": "2024-08-27T08:49:08Z"};</script>'
    page = _dated_page('<meta property="article:published_time" content="2024-08-26T23:27:57Z">', state)
    assert shown_day(load_html(page), None) is None
    assert extract_page(page).published_on == date(2024, 8, 26)


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("Von Deutscher Tennis Bund 4.&thinsp;2.&thinsp;2022.", date(2022, 2, 4)),  # thin spaces
        ("Aktualizováno 23. 12. 2024 13:31", date(2024, 12, 23)),
        ("Veröffentlicht am 4.2.2022", date(2022, 2, 4)),
    ],
)
def test_a_numeric_date_written_with_spaces_after_its_dots_is_read_day_first(shown: str, expected: date) -> None:
    page = f"<html><body><h1>Team named</h1><div class='date'>{shown}</div><p>Text of the story.</p></body></html>"
    assert shown_day(load_html(page), None) == expected


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("<p class='date'>Written: 2023-11-07 15:03:30</p>", date(2023, 11, 7)),
        ("<h5>Datum: </h5>03.02.2022<br>", date(2022, 2, 3)),
        ("<span>Veröffentlicht am 16. August 2019</span>", date(2019, 8, 16)),
        # A photo's details: "Datum:" among other labels is the day the photo was taken.
        ("<ul><li>ISO-Zahl: 640</li><li>Datum: 31/08/2019</li><li>Ort: Kasberg</li></ul>", date(2015, 1, 2)),
    ],
)
def test_the_day_after_a_publication_label_beats_older_dates_in_teasers(meta: str, expected: date) -> None:
    page = (
        "<html><body><h1>Colder temperatures forecast</h1>"
        f"{meta}<p>Text of the story, which runs for a while.</p>"
        "<div class='more'><h2><a href='/a'>An older story</a></h2><p class='date'>2015-01-02</p>"
        "<h2><a href='/b'>Another one</a></h2><p class='date'>2023-11-09</p></div></body></html>"
    )
    assert page_day(load_html(page), read_claims(page).dates, None) == expected


@pytest.mark.parametrize(
    "headline",
    [
        "<p>02.02.2022 10:16 Uhr - 1. Bundesliga</p><h1>Team signs a new player</h1>",
        "<h1>Team signs a new player</h1><div>February 2, 2022 · Sport</div>",
    ],
)
def test_the_day_beside_the_headline_beats_older_dates_in_teasers(headline: str) -> None:
    page = (
        f"<html><body>{headline}<p>Text of the story, which runs for a while.</p>"
        "<div class='more'><p><small>30.01.2022 · EURO</small></p><p><a href='/a'>An older story</a></p>"
        "<p><small>29.01.2022 · EURO</small></p><p><a href='/b'>Another one</a></p></div></body></html>"
    )
    assert page_day(load_html(page), read_claims(page).dates, None) == date(2022, 2, 2)


def test_a_spaced_date_after_a_label_or_beside_the_headline_is_read_day_first() -> None:
    teasers = "<div class='more'><p><small>30.01.2021 · EURO</small></p><p><a href='/a'>An older story</a></p></div>"
    for meta in ("<p>Datum: 4. 2. 2022</p>", "<p>4.&thinsp;2.&thinsp;2022 - Sport</p>"):
        page = f"<html><body><h1>Team named</h1>{meta}<p>Text of the story.</p>{teasers}</body></html>"
        assert page_day(load_html(page), read_claims(page).dates, None) == date(2022, 2, 4)
