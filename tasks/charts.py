"""The report's charts (Vega-Lite through Altair) and the self-contained HTML page that holds them."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import altair as alt

Records = list[dict[str, Any]]
WIDTH = 640


def _data(rows: Records) -> Any:
    """Give back rows as inline Vega-Lite data (JSON-ready records, so no pandas is needed)."""
    return alt.Data(values=rows)


def _empty(message: str) -> alt.Chart:
    """Give back a chart that says there is nothing to show yet, and why."""
    return (
        alt.Chart(_data([{"message": message}]))
        .mark_text(fontSize=13, color="#666")
        .encode(text="message:N")
        .properties(width=WIDTH, height=40)
    )


def time_grain(days: list[str]) -> tuple[str, str]:
    """Give back the Vega-Lite time unit and its name for a span of ISO days: a day up to two months, a
    week up to two years, a month beyond; ("", "day") for a single day (an ordinal axis, one label)."""
    known = sorted({d[:10] for d in days if d})
    if len(known) <= 1:
        return "", "day"
    span = (date.fromisoformat(known[-1]) - date.fromisoformat(known[0])).days
    if span <= 62:
        return "yearmonthdate", "day"
    return ("yearweek", "week") if span <= 730 else ("yearmonth", "month")


def spiky(values: list[float]) -> bool:
    """Tell whether one value (a day's total) dwarfs the rest (over ten times the median of the
    non-zero ones), so a linear axis would flatten everything else."""
    positive = sorted(v for v in values if v > 0)
    return len(positive) >= 3 and positive[-1] > 10 * positive[len(positive) // 2]


def _time_axis(rows: Records, field: str, title: str) -> tuple[Any, Any, bool]:
    """Give back the x and y encodings of a chart over time, and whether it has a single day."""
    unit, grain = time_grain([str(r["day"]) for r in rows])
    totals: dict[str, float] = {}
    for row in rows:
        totals[str(row["day"])] = totals.get(str(row["day"]), 0) + float(row[field] or 0)
    scale = alt.Scale(type="symlog") if spiky(list(totals.values())) else alt.Undefined
    y_title = f"{title} (log scale)" if scale is not alt.Undefined else title
    y = alt.Y(f"sum({field}):Q", title=y_title, scale=scale)
    if not unit:
        # An ordinal axis with the day's time unit: one label, written as a date. (Bare `day:O` shows
        # the epoch milliseconds, since the tooltip's `day:T` makes Vega-Lite parse the field as dates.)
        return alt.X("yearmonthdate(day):O", title=grain), y, True
    return alt.X(f"{unit}(day):T", title=grain), y, False


def articles_over_time(rows: Records) -> alt.Chart:
    """Give back a line per site of articles per day, week or month (by the span), on a log scale when
    one spike would flatten the rest; bars for a single day."""
    x, y, single = _time_axis(rows, "articles", "articles")
    chart = alt.Chart(_data(rows))
    marked = chart.mark_bar() if single else chart.mark_line(point=True)
    return marked.encode(
        x=x, y=y, color=alt.Color("site:N", title="site"), tooltip=["day:T", "site:N", "articles:Q"]
    ).properties(width=WIDTH, height=220)


def top_entities(rows: Records) -> alt.HConcatChart | alt.Chart:
    """Give back bars of the people, organisations and places in the most stories, side by side."""
    panels = []
    for kind in ("People", "Organisations", "Places"):
        subset = [r for r in rows if r["kind"] == kind]
        chart = (
            alt.Chart(_data(subset or [{"name": "(none)", "stories": 0, "articles": 0, "mentions": 0}]))
            .mark_bar()
            .encode(
                x=alt.X("stories:Q", title="stories"),
                y=alt.Y("name:N", sort="-x", title=None),
                tooltip=["name:N", alt.Tooltip("stories:Q", title="distinct stories"), "articles:Q", "mentions:Q"],
            )
            .properties(width=170, height=220, title=kind)
        )
        panels.append(chart)
    return alt.hconcat(*panels)


LAND_COLOUR = "#dcd8c8"


@lru_cache(maxsize=1)
def _land() -> dict[str, Any]:
    """Give back the world's land as TopoJSON (Natural Earth 1:110m, from world-atlas; see tasks/data)."""
    data: dict[str, Any] = json.loads(
        (resources.files("newslake.tasks") / "data" / "land-110m.json").read_text("utf-8")
    )
    return data


def places_map(rows: Records) -> Any:
    """Give back a world map with a circle per place mentioned: land from a basemap shipped in the
    package (nothing to download), a graticule, and the place names on hover."""
    sphere = alt.Chart(alt.sphere()).mark_geoshape(fill="#eef4f8", stroke="#bbb")
    land = alt.Chart(
        alt.InlineData(values=_land(), format=alt.DataFormat(type="topojson", feature="land"))
    ).mark_geoshape(fill=LAND_COLOUR, stroke="#b8b2a0", strokeWidth=0.4)
    grid = alt.Chart(alt.graticule(step=[30, 30])).mark_geoshape(stroke="#ccc", strokeWidth=0.5)
    places = (
        alt.Chart(_data(rows))
        .mark_circle(opacity=0.7, color="#c0392b")
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            size=alt.Size("mentions:Q", title="mentions"),
            tooltip=["name:N", "country_code:N", "mentions:Q", "articles:Q"],
        )
    )
    return alt.layer(sphere, land, grid, places).project(type="equalEarth").properties(width=WIDTH, height=330)


def cooccurrence(rows: Records) -> alt.Chart:
    """Give back a matrix of how many articles mention two of the top entities together."""
    return (
        alt.Chart(_data(rows))
        .mark_rect()
        .encode(
            x=alt.X("entity:N", title=None),
            y=alt.Y("other:N", title=None),
            color=alt.Color("articles:Q", title="articles", scale=alt.Scale(scheme="blues")),
            tooltip=["entity:N", "other:N", "articles:Q"],
        )
        .properties(width=360, height=360)
    )


def widest_stories(rows: Records) -> alt.Chart:
    """Give back bars of the stories told by the most sites (copies and rewrites of one story)."""
    return (
        alt.Chart(_data(rows))
        .mark_bar(color="#16a085")
        .encode(
            x=alt.X("sites:Q", title="sites telling the story"),
            y=alt.Y("title:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=["title:N", "first_site:N", "first_day:T", "articles:Q", "sites:Q", "spread_hours:Q"],
        )
        .properties(width=WIDTH - 300, height=220)
    )


def most_quoted(rows: Records) -> alt.Chart:
    """Give back bars of quotes per speaker, with topics and the latest quote as tooltips."""
    return (
        alt.Chart(_data(rows))
        .mark_bar(color="#8e44ad")
        .encode(
            x=alt.X("quotes:Q", title="quotes"),
            y=alt.Y("speaker:N", sort="-x", title=None),
            tooltip=["speaker:N", "quotes:Q", "articles:Q", "topics:N", "latest_quote:N"],
        )
        .properties(width=WIDTH - 160, height=220)
    )


def source_health(rows: Records) -> alt.Chart:
    """Give back stacked bars per source of documents new, quarantined and failed in recent runs."""
    return (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=alt.X("documents:Q", title="documents (last 20 runs)"),
            y=alt.Y("source:N", title=None),
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(domain=["new", "quarantined", "failed"], range=["#27ae60", "#f39c12", "#c0392b"]),
            ),
            tooltip=["source:N", "outcome:N", "documents:Q", "days_since_last_article:Q"],
        )
        .properties(width=WIDTH - 160, height=160)
    )


def quality_trend(rows: Records) -> alt.Chart:
    """Give back failed checks per day (week, month) and suite; one labelled bar group for a single day."""
    x, y, _ = _time_axis(rows, "failed_checks", "failed checks")
    return (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color("suite:N"),
            tooltip=["day:T", "suite:N", "checks:Q", "failed_checks:Q", "failing_rows:Q"],
        )
        .properties(width=WIDTH, height=180)
    )


# (element id, heading, chart builder for non-empty rows, what to say while there are no rows)
SECTIONS: tuple[tuple[str, str, Callable[[Records], Any], str], ...] = (
    ("articles_over_time", "Articles over time", articles_over_time, "No articles yet."),
    ("top_entities", "People, organisations and places", top_entities, "No entities yet."),
    ("stories", "Stories told by the most sites", widest_stories, "No story told by more than one article yet."),
    ("places", "Map of places mentioned", places_map, "No places with coordinates yet."),
    ("cooccurrence", "Co-occurrence", cooccurrence, "No two top entities share an article yet."),
    ("quoted", "Most-quoted speakers", most_quoted, "No attributed quotes yet."),
    ("source_health", "Source health", source_health, "No runs yet."),
    ("quality", "Quality trend", quality_trend, "No data-quality checks yet."),
)


def _counted(count: int, singular: str, plural: str) -> str:
    """Give back "1 site" or "2 sites"."""
    return f"{count} {singular if count == 1 else plural}"


def render_report(data: dict[str, Records], generated_at: str, warehouse: str) -> str:
    """Give back the report as one HTML page with every chart and the charting libraries inlined."""
    import vl_convert

    totals = (data.get("totals") or [{}])[0]
    specs = {key: (build(data[key]) if data.get(key) else _empty(empty)).to_dict() for key, _, build, empty in SECTIONS}
    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # its stub omits the default
    sections = "\n".join(
        f'<section><h2>{html.escape(title)}</h2><div id="{key}" class="chart"></div></section>'
        for key, title, _, _ in SECTIONS
    )
    headline = ", ".join(
        _counted(totals.get(k) or 0, singular, plural)
        for k, singular, plural in (
            ("articles", "article", "articles"),
            ("stories", "distinct story", "distinct stories"),
            ("sites", "site", "sites"),
            ("entities", "entity", "entities"),
            ("quotes", "quote", "quotes"),
        )
    )
    span = f"{totals.get('first_day')} to {totals.get('last_day')}" if totals.get("first_day") else "no articles"
    return _PAGE.format(
        bundle=bundle.replace("</script>", "<\\/script>"),
        # Every "<" of the data (page titles, names) written as \u003c: no "</script>" or "<!--" in it
        # can end or change the script, and the charts still show the text as written.
        specs=json.dumps(specs).replace("<", "\\u003c"),
        sections=sections,
        headline=html.escape(headline),
        span=html.escape(span),
        generated=html.escape(generated_at),
        warehouse=html.escape(warehouse),
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>newslake report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 760px; color: #222; }}
h1 {{ margin-bottom: 0.2rem; }} .meta {{ color: #666; margin-top: 0; }}
section {{ margin: 2rem 0; }} h2 {{ font-size: 1.1rem; border-bottom: 1px solid #ddd; }}
</style>
<script>{bundle}</script>
<script>
const specs = {specs};
window.addEventListener("DOMContentLoaded", () => {{
  for (const [id, spec] of Object.entries(specs)) {{
    window.vegaEmbed("#" + id, spec, {{ actions: false, renderer: "svg" }}).catch((error) => console.error(id, error));
  }}
}});
</script>
</head>
<body>
<h1>newslake report</h1>
<p class="meta">{headline}; {span}. Generated {generated} from {warehouse}.</p>
{sections}
</body>
</html>
"""
