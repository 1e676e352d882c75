from newslake.tasks.charts import SECTIONS, articles_over_time, quality_trend, render_report, spiky, time_grain


def test_an_empty_warehouse_gets_a_page_that_says_what_is_missing():
    page = render_report({}, "2026-11-22 12:00 UTC", "lake")
    for key, _, _, empty in SECTIONS:
        assert f'id="{key}"' in page and empty in page
    assert "https://cdn" not in page  # the charting libraries are inlined


def test_sections_with_rows_get_their_chart():
    days = [{"day": f"2026-11-0{d}", "site": "Example", "articles": 3} for d in (2, 3)]
    rows = {"articles_over_time": days}
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
    one = render_report({"totals": [{"articles": 1, "stories": 1, "sites": 1}]}, "2026-11-22 12:00 UTC", "lake")
    assert "1 article, 1 distinct story, 1 site, 0 entities, 0 quotes" in one
    assert "Council approves plan" in page and "No story told by more than one article yet." not in page


def test_the_time_grain_follows_the_span():
    assert time_grain(["2026-11-02"]) == ("", "day")
    assert time_grain(["2026-11-02", "2026-12-01"]) == ("yearmonthdate", "day")
    assert time_grain(["2026-01-02", "2026-12-01"]) == ("yearweek", "week")
    assert time_grain(["2011-03-01", "2026-12-01"]) == ("yearmonth", "month")


def test_a_spike_gets_a_log_scale_and_a_single_day_one_labelled_bar():
    days = [{"day": f"2026-11-{d:02d}", "site": "a", "articles": 3} for d in range(1, 20)]
    days.append({"day": "2026-11-20", "site": "a", "articles": 400})
    spec = articles_over_time(days).to_dict()
    assert spec["encoding"]["y"]["scale"] == {"type": "symlog"} and "log scale" in spec["encoding"]["y"]["title"]
    assert spiky([3, 3, 400]) and not spiky([3, 4, 5, 6])
    calm = articles_over_time(days[:-1]).to_dict()
    assert "scale" not in calm["encoding"]["y"] and calm["encoding"]["x"]["timeUnit"] == "yearmonthdate"
    one_day = quality_trend([{"day": "2026-11-02", "suite": "articles", "checks": 4, "failed_checks": 1}]).to_dict()
    assert one_day["encoding"]["x"]["type"] == "ordinal" and one_day["mark"]["type"] == "bar"
    assert one_day["encoding"]["x"]["timeUnit"] == "yearmonthdate"  # labelled as a date (browser test)


def test_a_headline_written_as_markup_stays_text_in_the_page():
    # Titles come from the pages ingested: one written to break out of the page's script must not.
    hostile = "<!--<script>alert(1)</script>--></script><script>alert(2)</script>"
    story = {"first_site": "wire", "first_day": "2026-11-02", "articles": 3, "sites": 3, "spread_hours": 4.0}
    page = render_report({"stories": [{**story, "title": hostile}]}, "2026-11-22 12:00 UTC", "lake")
    assert page.count("<script>") == 2 and page.count("</script>") == 2  # the libraries' and the charts'
    specs = page.split("const specs = ", 1)[1].split("\n", 1)[0]
    assert "<" not in specs and "alert(1)" in specs  # kept, as text the charts show
