"""Story signatures: copies and light rewrites of one story are close, different stories are not, and
placing new articles never moves or renames a story."""

from __future__ import annotations

from newslake.tasks.clusters import THRESHOLD, place_articles, shingles, story_signature

WIRE = (
    "The city council of Lisbon approved a new transport plan on Tuesday after a long debate, officials said. "
    "The plan sets out bus lanes, cycle paths and cheaper fares for students and pensioners. "
    '"This is a turning point for everyone who travels to work," said Maria Lopez, who leads the transport '
    "committee. She added that the first works would begin in the spring and last two years. "
    "Experts from the World Bank welcomed the decision but warned that funding remained uncertain. "
    "Residents will be able to comment on the details at public meetings over the next two months, "
    "and the council will publish the full budget before the summer."
)
OTHER = (
    "Farmers in the north of the country have begun the earliest grape harvest on record after a hot, dry "
    "summer, growers said on Monday. Yields are down by a fifth, but the quality of the fruit is high, "
    "according to the regional wine board. Several cooperatives have hired extra pickers to bring in the "
    "crop before the first autumn rains, which forecasters expect within ten days. Prices for the new "
    "vintage will be set at the board's meeting in October."
)


def rewrite(text: str) -> str:
    """A syndicated copy: a new opening line, the last sentence cut, a credit line added."""
    sentences = text.split(". ")
    return "LISBON (Wire) - " + ". ".join(sentences[:-1]) + ". Reporting by Wire staff; editing by the desk."


def test_shingles_ignore_case_punctuation_and_spacing() -> None:
    assert shingles("The  cat, sat on\nthe MAT.") == shingles("the cat sat on the mat")
    assert b"the cat sat" in shingles("The cat sat")


def test_a_copy_and_a_rewrite_are_close_and_another_story_is_not() -> None:
    original, copy, rewritten, other = (story_signature(t) for t in (WIRE, WIRE, rewrite(WIRE), OTHER))
    assert original and copy and rewritten and other
    assert original.similarity(copy) == 1.0
    assert original.similarity(rewritten) >= THRESHOLD
    assert original.similarity(other) < 0.1
    assert set(original.bands) & set(rewritten.bands), "a rewrite shares a band, so the lookup finds it"


def test_a_text_too_short_to_compare_has_no_signature() -> None:
    assert story_signature("Breaking: more soon.") is None


def test_new_articles_join_the_story_they_copy_or_found_their_own() -> None:
    wire, other = story_signature(WIRE), story_signature(OTHER)
    assert wire and other
    stored = {"w1": ("w1", wire)}
    placed = place_articles(
        [("copy", story_signature(rewrite(WIRE))), ("new", other), ("again", story_signature(OTHER)), ("short", None)],
        stored,
    )
    assert [(p.article_id, p.cluster_id) for p in placed] == [
        ("copy", "w1"),
        ("new", "new"),
        ("again", "new"),  # a copy of an article earlier in the same batch
        ("short", "short"),
    ]
    assert placed[0].similarity is not None and placed[0].similarity >= THRESHOLD
    assert placed[1].similarity is None


def test_a_story_keeps_its_id_whatever_joins_it() -> None:
    wire = story_signature(WIRE)
    assert wire
    stored = {"first": ("first", wire), "second": ("first", story_signature(rewrite(WIRE)))}  # type: ignore[dict-item]
    placed = place_articles([("third", story_signature(WIRE))], stored)
    assert placed[0].cluster_id == "first"
