"""Search snippets: the query's words, the passage where they cluster, marked."""

from __future__ import annotations

import pytest

from newslake.tasks.snippets import make_snippet, query_terms


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Peace talks", ["peace", "talks"]),
        ("talks, talks and TALKS", ["talks", "and"]),
        ("Zürich Straße", ["zürich", "straße"]),
        ("", []),
        ("  --  ", []),
    ],
)
def test_query_terms_are_lower_cased_words_in_order_without_repeats(query: str, terms: list[str]) -> None:
    assert query_terms(query) == terms


def test_the_snippet_is_where_the_terms_cluster_and_marks_them() -> None:
    text = "Opening words about the weather. " * 10 + "The peace talks in Geneva ended; peace returned. " + "x " * 200
    snippet = make_snippet(text, ["peace", "talks"], width=80)
    assert "**peace** **talks** in Geneva" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_a_term_marks_the_words_it_starts() -> None:
    assert make_snippet("Negotiators negotiated at length.", ["negotiat"]) == (
        "**Negotiators** **negotiated** at length."
    )


@pytest.mark.parametrize("terms", [[], ["absent"]])
def test_without_a_hit_the_snippet_is_the_opening(terms: list[str]) -> None:
    text = "First   line\nof the article. " + "more " * 100
    snippet = make_snippet(text, terms, width=30)
    assert snippet.startswith("First line of the article.") and snippet.endswith("…")
    assert make_snippet("Short text.", terms) == "Short text."
