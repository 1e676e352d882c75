import gzip
from datetime import UTC, datetime

import pytest

from newslake.tasks.feeds import parse_feed
from newslake.tasks.records import ListingError
from newslake.tasks.sitemaps import parse_sitemap

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://news.example/a</link><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>No link</title></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>B</title><link rel="alternate" href="https://news.example/b"/><id>urn:1</id>
<updated>2026-11-01T00:00:00Z</updated></entry></feed>"""
JSON_FEED = (
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
    b'{"id": "1", "url": "https://news.example/c", "date_published": "2026-01-01T00:00:00Z"},'
    b'{"id": "https://news.example/d", "date_modified": "2026-01-02T00:00:00+01:00"}]}'
)
BOMB = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><title>&c;</title><link>https://x.example/</link>
</item></channel></rss>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&x;</title><link>https://x.example/</link></item></channel></rss>"""


def test_rss_items_with_links_and_dates():
    items = parse_feed(RSS)
    assert [(i.url, i.modified_at, i.title) for i in items] == [
        ("https://news.example/a", datetime(2026, 11, 2, 10, tzinfo=UTC), "A")
    ]


def test_atom_and_json_feed_items():
    assert [(i.url, i.modified_at) for i in parse_feed(ATOM)] == [
        ("https://news.example/b", datetime(2026, 11, 1, tzinfo=UTC))
    ]
    assert [(i.url, i.modified_at) for i in parse_feed(JSON_FEED)] == [
        ("https://news.example/c", datetime(2026, 1, 1, tzinfo=UTC)),
        ("https://news.example/d", datetime(2026, 1, 1, 23, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("document", [BOMB, EXTERNAL])
def test_entity_declarations_are_refused_not_expanded(document):
    with pytest.raises(ListingError) as refused:
        parse_feed(document)
    assert refused.value.reason == "unsafe_xml"
    with pytest.raises(ListingError):
        parse_sitemap(document)


def test_a_feed_with_a_plain_doctype_is_read():
    rss091 = RSS.replace(b"<rss", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "">\n<rss', 1)
    assert [i.url for i in parse_feed(rss091)] == ["https://news.example/a"]


def test_not_a_feed_is_a_clear_error():
    with pytest.raises(ListingError) as refused:
        parse_feed(b'{"hello": "world"}')
    assert refused.value.reason == "unparseable_feed"


def test_sitemap_index_urlset_news_and_gzip():
    index = parse_sitemap(
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://x.example/s1.xml</loc><lastmod>2026-11-01</lastmod></sitemap>"
        b"<sitemap><loc> https://x.example/s2.xml.gz </loc></sitemap></sitemapindex>"
    )
    assert [c.url for c in index.children] == ["https://x.example/s1.xml", "https://x.example/s2.xml.gz"]
    assert index.pages == ()
    news = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.example/a</loc>'
        b"<news:news><news:publication_date>2026-11-01T10:00:00+01:00</news:publication_date>"
        b"<news:title>Hello</news:title></news:news></url>"
        b"<url><loc>https://x.example/b</loc><lastmod>2026-10-01</lastmod></url><url><lastmod>x</lastmod></url></urlset>"
    )
    for content in (news, gzip.compress(news)):
        pages = parse_sitemap(content).pages
        assert [(p.url, p.modified_at, p.title) for p in pages] == [
            ("https://x.example/a", datetime(2026, 11, 1, 9, tzinfo=UTC), "Hello"),
            ("https://x.example/b", datetime(2026, 10, 1, tzinfo=UTC), None),
        ]


def test_text_sitemap_and_bad_sitemaps():
    assert [p.url for p in parse_sitemap(b"https://x.example/1\nnot a url\nhttps://x.example/2\n").pages] == [
        "https://x.example/1",
        "https://x.example/2",
    ]
    for content, reason in [
        (b"<html><body>hi</body></html>", "not_a_sitemap"),
        (b"<urlset><url>", "unparseable_xml"),
        (b"\x1f\x8b\x08\x00broken", "corrupt_gzip"),
    ]:
        with pytest.raises(ListingError) as refused:
            parse_sitemap(content)
        assert refused.value.reason == reason


def test_a_character_reference_to_half_a_character_is_read_as_a_replacement():
    # feedparser's lenient parser raised on "&#55357;" (half an emoji), and the run ended with it.
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>News &#55357; feed</title>'
        b"<item><title>Bridge &#55357; plan</title><link>https://example.org/a?x=&#xD83D;</link></item>"
        b"<item><title>Ferry &#128512; plan</title><link>https://example.org/b</link></item>"
        b"</channel></rss>"
    )
    items = parse_feed(rss)
    assert [(i.url, i.title) for i in items] == [
        ("https://example.org/a?x=\ufffd", "Bridge \ufffd plan"),
        ("https://example.org/b", "Ferry \U0001f600 plan"),  # a whole character stays
    ]
    json_feed = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "https://example.org/c\\ud83d", '
    json_feed += b'"title": "Half \\udc00 a character"}]}'
    [item] = parse_feed(json_feed)
    assert (item.url, item.title) == ("https://example.org/c\ufffd", "Half \ufffd a character")
    sitemap = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    sitemap += b"<url><loc>https://example.org/&#55357;</loc></url></urlset>"
    try:
        found = [i.url for i in parse_sitemap(sitemap)]
    except ListingError:
        found = []
    assert all(url.encode("utf-8") for url in found)
