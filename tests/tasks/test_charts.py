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
