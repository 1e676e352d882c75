from datetime import UTC, datetime, timedelta, timezone

import pytest

from tasks.dates import DateClaims, choose_published, choose_updated, parse_timestamp
from tasks.metadata import read_claims

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
        datetime(2026, 11, 2, 8, tzinfo=CET), "json-ld", datetime(2026, 11, 3, 9, 15, tzinfo=CET), "json-ld"
    )


def test_meta_tags_when_there_is_no_structured_data():
    claims = read_claims(
        page(
            '<meta property="article:published_time" content="2026-11-01T10:00:00Z">'
            '<meta property="og:updated_time" content="2026-11-01T12:00:00Z">'
        )
    ).dates
    assert (claims.published_source, claims.modified_source) == ("meta", "meta")


def test_the_extractors_date_is_labelled_url_or_text():
    found = datetime(2026, 11, 2, tzinfo=UTC)
    assert choose_published(DateClaims(), found, "https://x.example/2026/11/02/budget") == (found, "url")
    assert choose_published(DateClaims(), found, "https://x.example/budget") == (found, "text")
    assert choose_published(DateClaims(), None, None) == (None, None)


def test_an_update_before_publication_is_ignored():
    published = datetime(2026, 11, 2, tzinfo=UTC)
    earlier = DateClaims(modified=datetime(2026, 11, 1, tzinfo=UTC), modified_source="meta")
    assert choose_updated(earlier, published) == (None, None)
    later = DateClaims(modified=datetime(2026, 11, 3, tzinfo=UTC), modified_source="meta")
    assert choose_updated(later, published) == (datetime(2026, 11, 3, tzinfo=UTC), "meta")
