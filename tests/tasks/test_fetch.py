"""The fetcher against a real HTTP server on 127.0.0.1."""

import gzip
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from newslake.tasks.fetch import Fetcher, FetchPolicy, _RefusedError, checked_address
from tests.site import NewsSite, article_html, serve_site

LOOPBACK = ("127.0.0.1/32",)


def policy(**changes) -> FetchPolicy:
    base = {
        "timeout": 1.0,
        "retries": 2,
        "backoff": 0.01,
        "per_host_delay": 0.0,
        "max_bytes": 200_000,
        "allowed_networks": LOOPBACK,
        "user_agent": "newslake-test/1.0",
    }
    return FetchPolicy(**{**base, **changes})


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with serve_site() as running:
        yield running


def test_a_page_comes_back_with_its_status_final_url_and_headers(site):
    with Fetcher(policy()) as fetcher:
        result = fetcher.fetch(site.url("/articles/1"))
    assert result.ok and result.status == 200 and result.attempts == 1
    assert result.content == article_html(1).encode()
    assert result.final_url == site.url("/articles/1")
    assert result.headers["content-type"].startswith("text/html")
    assert site.user_agents == {"newslake-test/1.0"}


@pytest.mark.parametrize(
    ("path", "reason", "requests"),
    [
        ("/missing", "http_404", 1),  # 4xx is never retried
        ("/slow", "timeout", 3),  # retried: 1 + 2 retries
        ("/loop-a", "redirect_loop", 1),
        ("/huge", "too_large", 1),
        ("/private/secret", "robots_disallowed", 0),
    ],
)
def test_failures_end_in_a_reason_code(site, path, reason, requests):
    # The slow page answers after 3 s: a short timeout finds that out in a fraction of the wait.
    with Fetcher(policy(timeout=0.3 if path == "/slow" else 1.0)) as fetcher:
        result = fetcher.fetch(site.url(path))
    assert not result.ok
    assert result.error == reason, result.detail
    assert site.hits[path] == requests


def test_a_500_is_retried_and_recovers(site):
    with Fetcher(policy()) as fetcher:
        result = fetcher.fetch(site.url("/flaky"))
    assert result.ok and result.attempts == 2 and site.hits["/flaky"] == 2


def test_retries_are_bounded_on_a_lasting_500(site):
    site.set("/down", "x", fail_first=100)
    with Fetcher(policy(retries=3)) as fetcher:
        result = fetcher.fetch(site.url("/down"))
    assert result.error == "http_500" and result.attempts == 4 and site.hits["/down"] == 4


def test_a_body_without_content_length_is_cut_at_the_limit(site):
    with Fetcher(policy(max_bytes=1500)) as fetcher:
        result = fetcher.fetch(site.url("/articles/1"))  # 1420 bytes: under the limit
        assert result.ok
    with Fetcher(policy(max_bytes=1024)) as fetcher:
        assert fetcher.fetch(site.url("/articles/1")).error == "too_large"


def test_disallowed_content_types_are_refused(site):
    site.set("/photo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    with Fetcher(policy()) as fetcher:
        assert fetcher.fetch(site.url("/photo.png")).error == "unsupported_content_type"


def test_too_many_redirects(site):
    for i in range(4):
        site.set(f"/hop{i}", "", status=301, location=f"/hop{i + 1}")
    site.set("/hop4", article_html(1))
    with Fetcher(policy(max_redirects=3)) as fetcher:
        assert fetcher.fetch(site.url("/hop0")).error == "too_many_redirects"
    with Fetcher(policy(max_redirects=4)) as fetcher:
        result = fetcher.fetch(site.url("/hop0"))
    assert result.ok and result.final_url == site.url("/hop4")


def test_conditional_get_answers_not_modified(site):
    with Fetcher(policy()) as fetcher:
        first = fetcher.fetch(site.url("/feed.xml"))
        again = fetcher.fetch(site.url("/feed.xml"), etag=first.headers["etag"])
    assert first.status == 200 and again.status == 304 and again.not_modified and again.ok is False
    assert site.conditional_hits["/feed.xml"] == 1


def test_private_addresses_are_refused_unless_allowed(site):
    with Fetcher(policy(allowed_networks=())) as fetcher:
        result = fetcher.fetch(site.url("/articles/1"))
    assert result.error == "blocked_address" and "127.0.0.1" in result.detail
    assert sum(site.hits.values()) == 0  # not even robots.txt was asked for
    with Fetcher(policy(allowed_networks=(), respect_robots=False)) as fetcher:
        assert fetcher.fetch(site.url("/articles/1")).error == "blocked_address"  # checked on connecting
    assert sum(site.hits.values()) == 0
    with Fetcher(policy(allowed_networks=(), allow_private=True)) as fetcher:
        assert fetcher.fetch(site.url("/articles/1")).ok


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "0.0.0.0", "192.168.0.10"])
def test_internal_addresses_are_blocked_by_default(host):
    with pytest.raises(_RefusedError) as refused:
        checked_address(host, 80, FetchPolicy())
    assert refused.value.reason == "blocked_address"
    assert checked_address(host, 80, FetchPolicy(allow_private=True)) == host


def test_crawl_delay_spaces_requests_to_one_host(site):
    site.set("/robots.txt", "User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain")
    with Fetcher(policy(per_host_delay=0.0)) as fetcher:
        started = time.monotonic()
        for n in (1, 2, 3):
            assert fetcher.fetch(site.url(f"/articles/{n}")).ok
        elapsed = time.monotonic() - started
    assert fetcher.host_delay(site.base.removeprefix("http://")) == pytest.approx(0.4)
    assert elapsed >= 0.8  # three requests after robots.txt, each 0.4 s after the previous


def test_robots_can_be_switched_off(site):
    with Fetcher(policy(respect_robots=False)) as fetcher:
        assert fetcher.fetch(site.url("/private/secret")).ok
    assert site.hits["/robots.txt"] == 0


def test_the_address_guard_also_holds_when_connecting(site):
    """The connection itself is checked, not only the URL before the request, so a host that resolves
    differently between the two (DNS rebinding) cannot reach a private address."""
    from newslake.tasks.fetch import _GuardedBackend

    port = int(site.base.rsplit(":", 1)[1])
    with pytest.raises(_RefusedError) as refused:
        _GuardedBackend(policy(allowed_networks=())).connect_tcp("localhost", port, timeout=1)
    assert refused.value.reason == "blocked_address"
    stream = _GuardedBackend(policy()).connect_tcp("127.0.0.1", port, timeout=1)
    stream.close()


def test_a_compression_bomb_in_nested_layers_is_cut_at_the_limit_with_flat_memory(site):
    # 64 MiB of zeros behind two gzip layers is about 200 bytes on the wire; httpx's own decoders
    # inflated each chunk through every layer at once, so memory grew with the bomb, not the limit.
    bomb = gzip.compress(gzip.compress(b"\0" * (64 << 20)))
    assert len(bomb) < 100_000
    site.set("/bomb", bomb, headers={"Content-Encoding": "gzip, gzip"})
    tracemalloc.start()
    try:
        with Fetcher(policy(max_bytes=1_000_000)) as fetcher:
            result = fetcher.fetch(site.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.error == "too_large", result.detail
    assert peak < 16 << 20, f"peak {peak / 2**20:.0f} MiB while decoding"


def test_layered_and_deflate_encodings_decode(site):
    page = article_html(1).encode()
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    site.set("/two", gzip.compress(gzip.compress(page)), headers={"Content-Encoding": "gzip, gzip"})
    site.set("/zlib", zlib.compress(page), headers={"Content-Encoding": "deflate"})
    site.set("/raw", raw_deflate.compress(page) + raw_deflate.flush(), headers={"Content-Encoding": "deflate"})
    site.set("/br", page, headers={"Content-Encoding": "br"})
    site.set("/corrupt", b"\x1f\x8b\x08\x00garbage", headers={"Content-Encoding": "gzip"})
    with Fetcher(policy()) as fetcher:
        for path in ("/two", "/zlib", "/raw"):
            assert fetcher.fetch(site.url(path)).content == page, path
        assert fetcher.fetch(site.url("/br")).error == "unsupported_encoding"
        assert fetcher.fetch(site.url("/corrupt")).error == "decoding_error"


def test_a_server_dripping_its_headers_cannot_hold_a_fetch_past_the_timeout(site):
    # Each byte comes well within the read timeout, so only a deadline over the whole request stops it:
    # 1,800 header bytes at 0.05 s each would take 90 s.
    site.set("/drip", "", drip=0.05)
    started = time.monotonic()
    with Fetcher(policy(timeout=1.0, retries=0)) as fetcher:
        result = fetcher.fetch(site.url("/drip"))
    assert result.error == "timeout", result.detail
    assert time.monotonic() - started < 5


def test_a_login_in_the_url_is_sent_to_its_origin_only_and_never_given_back(site):
    from newslake.tasks.logins import forget_logins
    from tests.site import basic_authorization

    site.login = ("alice", "s3 cr@t")
    written = site.url("/articles/1").replace("http://", "http://alice:s3%20cr%40t@")
    try:
        with serve_site() as other, Fetcher(policy()) as fetcher:
            first = fetcher.fetch(written)
            later = fetcher.fetch(site.url("/articles/2"))  # a page the feed lists: the same origin
            elsewhere = fetcher.fetch(other.url("/articles/3"))
            site.set("/away", "", status=302, location=other.url("/articles/4"))
            redirected = fetcher.fetch(site.url("/away"))  # the login stays with its origin
    finally:
        forget_logins()
    assert first.ok and later.ok and elsewhere.ok and redirected.ok
    assert redirected.final_url == other.url("/articles/4") and other.hits["/articles/4"] == 1
    assert first.url == first.final_url == site.url("/articles/1")  # what is stored holds no login
    assert site.authorizations == {basic_authorization("alice", "s3 cr@t")}  # robots.txt asked with it too
    assert other.authorizations == {None}


def test_a_sources_own_headers_go_to_its_origin_only(site):
    from newslake.tasks.logins import SiteHeaders

    site.required = {"X-Api-Key": "k3y-value"}
    own = SiteHeaders.of_source(site.url("/feed.xml"), {"X-Api-Key": "${FEED_KEY}"}, {"FEED_KEY": "k3y-value"})
    with serve_site() as other, Fetcher(policy()) as fetcher:
        without = fetcher.fetch(site.url("/articles/1"))
        listed = fetcher.fetch(site.url("/articles/2"), site=own)
        elsewhere = fetcher.fetch(other.url("/articles/3"), site=own)  # a page the source lists on another host
        site.set("/away", "", status=302, location=other.url("/articles/4"))
        redirected = fetcher.fetch(site.url("/away"), site=own)
    assert without.error == "http_401"
    assert listed.ok and elsewhere.ok and redirected.ok and other.hits["/articles/4"] == 1
    # robots.txt and the first page were asked for without the source's headers; its own requests carried them.
    assert [r.get("x-api-key") for r in site.received] == [None, None, "k3y-value", "k3y-value"]
    assert other.hits["/robots.txt"] == 1 and len(other.received) == 3
    assert not any("x-api-key" in r for r in other.received)
    assert "k3y" not in repr(own) and "k3y" not in repr([listed, redirected])


def test_robots_txt_is_asked_for_with_the_sources_own_headers(site):
    from newslake.tasks.logins import SiteHeaders

    site.required = {"X-Api-Key": "k"}
    site.set("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    own = SiteHeaders.of_source(site.url("/"), {"X-Api-Key": "k"}, {})
    with Fetcher(policy()) as fetcher:
        refused = fetcher.fetch(site.url("/private/1"), site=own)
    assert refused.error == "robots_disallowed"  # without the header its robots.txt answers 401: all allowed


def test_a_sources_authorization_header_wins_over_a_login_kept_for_its_origin(site):
    from newslake.tasks.logins import SiteHeaders, forget_logins, remember_login

    site.required = {"Authorization": "Bearer t0ken"}
    remember_login(site.url("/").replace("http://", "http://alice:pw@"))
    own = SiteHeaders.of_source(site.url("/"), {"Authorization": "Bearer ${TOKEN}"}, {"TOKEN": "t0ken"})
    try:
        with Fetcher(policy()) as fetcher:
            result = fetcher.fetch(site.url("/articles/1"), site=own)
    finally:
        forget_logins()
    assert result.ok and site.authorizations == {"Bearer t0ken"}


def test_a_site_that_wants_a_login_is_refused_without_one(site):
    site.login = ("alice", "s3cret")
    with Fetcher(policy()) as fetcher:
        result = fetcher.fetch(site.url("/articles/1"))
    assert result.error == "http_401" and result.status == 401
