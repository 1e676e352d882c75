from tasks.charts import SECTIONS, render_report


def test_an_empty_warehouse_gets_a_page_that_says_what_is_missing():
    page = render_report({}, "2026-11-22 12:00 UTC", "lake")
    for key, _, _, empty in SECTIONS:
        assert f'id="{key}"' in page and empty in page
    assert "https://cdn" not in page  # the charting libraries are inlined


def test_sections_with_rows_get_their_chart():
    rows = {"articles_over_time": [{"day": "2026-11-02", "site": "Example", "articles": 3}]}
    page = render_report(rows, "2026-11-22 12:00 UTC", "lake")
    assert '"mark": {"type": "line"' in page and "No articles yet." not in page


def test_the_headline_counts_stories_beside_articles_and_the_widest_stories_get_bars():
    rows = {
        "totals": [{"articles": 5, "stories": 3, "sites": 2}],
        "stories": [
            {
                "title": "Council approves plan",
                "first_site": "wire",
                "first_day": "2026-11-02",
                "articles": 3,
                "sites": 3,
                "spread_hours": 4.0,
            }
        ],
    }
    page = render_report(rows, "2026-11-22 12:00 UTC", "lake")
    assert "5 articles, 3 distinct stories, 2 sites" in page
    assert "Council approves plan" in page and "No story told by more than one article yet." not in page
