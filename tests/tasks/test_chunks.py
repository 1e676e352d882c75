"""Chunked article bodies: containers of one tag and class that an extractor keeps only one of."""

from __future__ import annotations

from lxml import html as lxml_html

from newslake.tasks.chunks import find_chunks, restore_chunks
from tests.pages import extract_page

PARAGRAPH = (
    "{n} The council met again on Monday to weigh the cost of the bridge, the delays and the plans for the river bank."
)


def chunk(start: int, count: int = 3, cls: str = "body__inner") -> str:
    return (
        f'<div class="{cls}">'
        + "".join(f"<p>{PARAGRAPH.format(n=f'P{start + i}.')}</p>" for i in range(count))
        + "</div>"
    )


def page(*parts: str) -> str:
    return "<html><body><article><h1>The bridge</h1>" + "".join(parts) + "</article></body></html>"


def test_left_out_chunks_come_back_in_page_order() -> None:
    tree = lxml_html.fromstring(page(chunk(1), '<div class="ad">Advertisement</div>', chunk(4), chunk(7)))
    groups = find_chunks(tree)
    extracted = "\n".join(PARAGRAPH.format(n=f"P{i}.") for i in (4, 5, 6))
    restored = restore_chunks(extracted, groups)
    assert [line.split()[0] for line in restored.split("\n")] == [f"P{i}." for i in range(1, 10)]


def test_a_paragraph_the_text_already_holds_is_not_put_back_twice() -> None:
    tree = lxml_html.fromstring(page(chunk(1), chunk(4, 4)))
    extracted = "\n".join(PARAGRAPH.format(n=f"P{i}.") for i in (1, 2, 3, 5))  # P5 was kept elsewhere
    restored = restore_chunks(extracted, find_chunks(tree))
    assert sorted(line.split()[0] for line in restored.split("\n")) == sorted(f"P{i}." for i in range(1, 8))


def test_text_that_holds_no_chunk_or_every_chunk_is_left_as_it_is() -> None:
    tree = lxml_html.fromstring(page(chunk(1), chunk(4)))
    groups = find_chunks(tree)
    assert restore_chunks("Something else entirely.", groups) == "Something else entirely."
    everything = "\n".join(PARAGRAPH.format(n=f"P{i}.") for i in range(1, 7))
    assert restore_chunks(everything, groups) == everything


def test_teasers_link_lists_and_stories_after_another_headline_stay_out() -> None:
    teaser = '<div class="body__inner"><p>Short teaser.</p><p>Another.</p></div>'
    links = (
        '<div class="body__inner">'
        + "".join(f'<p><a href="/x{i}">{PARAGRAPH.format(n=i)}</a></p>' for i in range(3))
        + "</div>"
    )
    next_story = "<h1>The next story</h1>" + chunk(20)
    tree = lxml_html.fromstring(page(chunk(1), teaser, links, next_story))
    extracted = "\n".join(PARAGRAPH.format(n=f"P{i}.") for i in (1, 2, 3))
    assert restore_chunks(extracted, find_chunks(tree)) == extracted


def test_a_chunked_page_is_extracted_whole() -> None:
    # trafilatura takes the first container whose class reads like an article body and drops the rest
    html = (
        '<html><head><title>The bridge</title></head><body><main><h1>The bridge</h1><div class="chunks">'
        + f'<div class="grid">{chunk(1, 6, "body__container article__body")}</div>'
        + '<div class="ad">Advertisement</div>'
        + f'<div class="grid">{chunk(7, 3, "body__container article__body")}</div>'
        + "</div></main></body></html>"
    )
    article = extract_page(html)
    assert [line.split()[0] for line in article.text.split("\n")] == [f"P{i}." for i in range(1, 10)]


def test_a_body_split_by_ad_slots_is_joined_before_extraction() -> None:
    # every chunk after the first opens with a paragraph that is mostly one long link; trafilatura
    # reads the first container only, and its fallbacks drop such paragraphs
    def opening(n: int) -> str:
        return (
            f"<p>P{n}. The minister faced questions after she "
            f"<a href='https://example.org/{n}'>compared the new defence plans with the arms race of the 1930s</a>. "
            "She stood firm on the spending plans.</p>"
        )

    def paragraphs(first: int, last: int) -> str:
        return "".join(f"<p>{PARAGRAPH.format(n=f'P{i}.')}</p>" for i in range(first, last + 1))

    def container(body: str) -> str:
        return f'<div class="grid"><div class="content article__content">{body}</div></div>'

    ad = '<div class="ad"><span>Advertisement</span><div class="slot"></div></div>'
    chunks = [container(paragraphs(1, 3))] + [container(opening(n) + paragraphs(n + 1, n + 5)) for n in (4, 10, 16)]
    html = (
        "<html><head><title>The minister</title></head><body><main><h1>The minister</h1>"
        + ad.join(chunks)
        + "</main></body></html>"
    )
    article = extract_page(html)
    assert [line.split()[0] for line in article.text.split("\n")] == [f"P{i}." for i in range(1, 22)]


def test_join_split_body_moves_twin_containers_only() -> None:
    from newslake.tasks.chunks import join_split_body

    tree = lxml_html.fromstring(
        "<html><body>"
        '<div class="row"><div class="article-body"><p>One.</p></div></div>'
        '<div class="row"><div class="article-body">Loose text<p>Two.</p></div></div>'
        '<div class="other"><div class="article-body"><p>Elsewhere.</p></div></div>'
        "</body></html>"
    )
    join_split_body(tree)
    bodies = tree.xpath("//div[@class='article-body']")
    assert bodies[0].text_content() == "One.Loose textTwo."
    assert bodies[1].text_content() == "" and bodies[2].text_content() == "Elsewhere."
