"""The stats page: charts drawn at build time by matplotlib as inline SVG (no script, no CDN).

Charts follow the page's colour scheme: text, axes and grid are drawn in `currentColor` and the
background is transparent, so they read in light and dark mode alike; the bar colours are mid-tones that
stand out on both. The SVG is byte-identical between builds: a fixed hash salt per chart, no date in the
metadata, text as text (the page's font) rather than glyph outlines.
"""

from __future__ import annotations

import datetime
import html
import io
import re
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sitegen.model import MONTHS, Annotated, Check, LinkKind, LinkStatus, PartialDate, Tag
from sitegen.render.pages import front_matter
from sitegen.text import escape

if TYPE_CHECKING:  # matplotlib is imported only when a chart is drawn (it takes a second)
    from matplotlib.axes import Axes

INK = "#123456"
"""A colour no chart uses otherwise: replaced by currentColor in the SVG."""
BAR = "#4a8fd4"
BAR_2 = "#e0873a"
MAX_TOPICS = 30
"""Topics in the per-topic chart (the largest)."""
WIDTH = 8.0
"""Chart width in inches (the SVG scales to the page's width)."""
_RC = {
    "svg.fonttype": "none", "figure.facecolor": "none", "axes.facecolor": "none", "savefig.transparent": True,
    "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK, "xtick.color": INK, "ytick.color": INK,
    "grid.color": INK, "grid.alpha": 0.2, "axes.spines.top": False, "axes.spines.right": False,
    "font.size": 10, "font.family": "sans-serif", "text.parse_math": False, "text.usetex": False,
    "axes.titlesize": 11, "axes.titleweight": "bold", "axes.titlelocation": "left",
}


@dataclass(frozen=True, slots=True)
class Table:
    """A chart's numbers, for a reader who cannot see the chart: column headings, then rows (the first cell of each
    heads its row)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: an id for the page, a heading, a caption, the SVG (empty when there is no data) and its numbers."""

    key: str
    heading: str
    caption: str
    svg: str
    table: Table | None = None


def stats_page(annotated: Sequence[Annotated]) -> str:
    """Return the stats page's Markdown: a summary line and one figure per chart."""
    with_code = sum(1 for a in annotated if a.has_code)
    dated = sum(1 for a in annotated if a.paper.published and a.paper.published.year)
    noted = sum(1 for a in annotated if a.note)
    out = [front_matter("Stats"), "# Stats\n\n",
           f"{len(annotated)} papers: {dated} state a publication date with its year, {with_code} link to code, "
           f"{noted} have a curator's note.\n\n"]
    for chart in charts(annotated):
        out.append(f"## {chart.heading}\n\n")
        if chart.svg:
            out.append(f'<figure class="sg-chart" id="{chart.key}" style="width: 100%">\n{chart.svg}\n'
                       f"<figcaption>{escape.text(chart.caption)}</figcaption>\n</figure>\n{_numbers(chart)}\n")
        else:
            out.append(f"{escape.text(chart.caption)}\n\n")
    return "".join(out)


def _numbers(chart: Chart) -> str:
    """Return a chart's numbers as a table folded under the chart (raw HTML, no blank line: Markdown keeps it)."""
    if chart.table is None:
        return ""
    head = "".join(f'<th scope="col">{escape.text(c)}</th>' for c in chart.table.columns)
    rows = "".join(f'<tr><th scope="row">{escape.text(row[0])}</th>'
                   + "".join(f"<td>{escape.text(cell)}</td>" for cell in row[1:]) + "</tr>\n"
                   for row in chart.table.rows)
    return (f'<details class="sg-chart-data">\n<summary>{escape.text(chart.heading)}: the numbers</summary>\n'
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</details>\n")


def charts(annotated: Sequence[Annotated]) -> list[Chart]:
    """Return the page's charts, drawn."""
    return [per_month_published(annotated), per_month_captured(annotated), per_topic(annotated),
            code_share(annotated), code_share_by_month(annotated), working_code(annotated)]


def per_month_published(annotated: Sequence[Annotated]) -> Chart:
    """Chart papers per month of publication."""
    dates = [a.paper.published for a in annotated if a.paper.published and a.paper.published.year]
    missing = len(annotated) - len(dates)
    return _monthly_chart("chart-published", "Papers per month, by publication date", dates, BAR,
                          f"{len(dates)} papers by the month they were published; {missing} state no date "
                          "or no year and are not shown." if dates else
                          "No paper states a publication date with its year.")


def per_month_captured(annotated: Sequence[Annotated]) -> Chart:
    """Chart papers per month the archive first captured them (listings' capture dates)."""
    dates = [d for d in (a.paper.first_capture for a in annotated) if d is not None]
    missing = len(annotated) - len(dates)
    return _monthly_chart("chart-captured", "Papers per month, by capture date", dates, BAR_2,
                          f"{len(dates)} papers by the month a listing first showed them; {missing} were seen "
                          "only in listings whose capture year is unknown and are not shown." if dates else
                          "No listing states its capture year.")


def _monthly_chart(key: str, title: str, dates: Sequence[PartialDate], colour: str, caption: str) -> Chart:
    """Return a per-month bar chart of dates (all with a year); with no dates, the caption alone."""
    if not dates:
        return Chart(key, title, caption, "")
    counts = Counter((d.year or 0, d.month) for d in dates)
    table = Table(("Month", "Papers"), tuple((_month_name(ym), str(n)) for ym, n in sorted(counts.items())))
    return Chart(key, title, caption, _monthly(key, title, counts, colour), table)


def per_topic(annotated: Sequence[Annotated]) -> Chart:
    """Chart papers per topic, largest first."""
    counts: Counter[Tag] = Counter(m.tag for a in annotated for m in a.tags)
    ranked = sorted(counts.items(), key=lambda tc: (-tc[1], tc[0].slug))
    shown = ranked[:MAX_TOPICS]
    rest = len(ranked) - len(shown)
    more = f"; {rest} smaller {'one is' if rest == 1 else 'ones are'} on the topics page" if rest else ""
    if not shown:
        return Chart("chart-topics", "Papers per topic", "No paper has a topic.", "")
    caption = f"The {len(shown)} largest of {len(ranked)} topics{more}. A paper can have several topics."

    def draw(ax: Axes) -> None:
        names = [_label(tag.name) for tag, _ in reversed(shown)]
        values = [n for _, n in reversed(shown)]
        bars = ax.barh(range(len(shown)), values, color=BAR, height=0.7)
        ax.set_yticks(range(len(shown)), names)
        ax.bar_label(bars, padding=3, fontsize=8)
        ax.set_ylim(-0.6, len(shown) - 0.4)
        ax.grid(axis="x")
        ax.set_xlabel("papers")
    return Chart("chart-topics", "Papers per topic", caption,
                 _draw("chart-topics", "Papers per topic", (WIDTH, 0.9 + 0.2 * len(shown)), draw,
                       tuple((tag.name, n) for tag, n in shown)),
                 Table(("Topic", "Papers"), tuple((tag.name, str(n)) for tag, n in shown)))


def code_share(annotated: Sequence[Annotated]) -> Chart:
    """Chart the share of papers whose abstract links to code, per publication year."""
    total: Counter[str] = Counter()
    coded: Counter[str] = Counter()
    for a in annotated:
        published = a.paper.published
        year = str(published.year) if published and published.year else "no date"
        total[year] += 1
        coded[year] += a.has_code
    groups = sorted(y for y in total if y != "no date") + (["no date"] if "no date" in total else [])
    overall = sum(coded.values())
    share = 100 * overall / len(annotated) if annotated else 0
    caption = (f"{overall} of {len(annotated)} papers ({share:.0f}%) link to code, in their abstract or on Hugging "
               "Face; per year of publication, with the number of papers above each bar.")
    if not annotated:
        return Chart("chart-code", "Papers with code links", "There are no papers.", "")

    def draw(ax: Axes) -> None:
        values = [100 * coded[g] / total[g] for g in groups]
        bars = ax.bar(range(len(groups)), values, color=BAR, width=0.6)
        ax.bar_label(bars, [f"{coded[g]} of {total[g]}" for g in groups], padding=3, fontsize=8)
        ax.set_xticks(range(len(groups)), groups)
        ax.set_ylim(0, 110)
        ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.grid(axis="y")
        ax.set_ylabel("with code links")
    return Chart("chart-code", "Papers with code links", caption,
                 _draw("chart-code", "Papers with code links", (WIDTH, 3.2), draw,
                       tuple((g, coded[g], total[g]) for g in groups)),
                 _share_table("Year of publication", [(g, coded[g], total[g]) for g in groups]))


def _monthly(key: str, title: str, counts: Counter[tuple[int, int]], colour: str) -> str:
    """Draw a bar per month from the first to the last month with papers, empty months included."""
    months = _months(counts)

    def draw(ax: Axes) -> None:
        shown = [i for i, ym in enumerate(months) if counts.get(ym)]  # empty months take no SVG
        ax.bar(shown, [counts[months[i]] for i in shown], color=colour, width=0.8)
        _month_axis(ax, months)
        cast(Any, ax.yaxis.get_major_locator()).set_params(integer=True)  # the stubs lack AutoLocator's params
        ax.set_ylabel("papers")
    return _draw(key, title, (WIDTH, 3.0), draw, (colour, tuple(sorted(counts.items()))))


def working_code(annotated: Sequence[Annotated]) -> Chart:
    """Chart the share of papers with code links whose code worked, check by check (sitegen check-links)."""
    title = "Papers with working code, over checks"
    histories = [[link.health.checks for link in a.links if link.kind is LinkKind.CODE and link.health]
                 for a in annotated if a.has_code]
    dates = sorted({check.date for history in histories for checks in history for check in checks})
    # A day on which no code link counts as checked (each one not requested: a private address) has no share.
    dates = [day for day in dates if _working_share(histories, day, counts=True)[1]]
    if not dates:
        return Chart("chart-working", title, "No code link has been checked yet: run sitegen check-links.", "")
    shares = [_working_share(histories, day) for day in dates]
    working, checked = _working_share(histories, dates[-1], counts=True)
    caption = (f"As of the newest check ({dates[-1].isoformat()}), {working} of {checked} checked papers with code "
               f"links ({100 * working / checked if checked else 0:.0f}%) have working code (a live, non-empty "
               f"repository); {len(histories) - checked} with code links have not been checked. One point per "
               "check date.")

    def draw(ax: Axes) -> None:
        ax.plot(range(len(dates)), shares, color=BAR, marker="o", markersize=3, linewidth=1.2)
        step = max(1, len(dates) // 8)
        ticks = list(range(0, len(dates), step))
        ax.set_xticks(ticks, [dates[i].isoformat() for i in ticks])
        ax.set_xlim(-0.5, len(dates) - 0.5)
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.grid(axis="y")
        ax.set_ylabel("with working code")
    table = _share_table("Check date", [(day.isoformat(), *_working_share(histories, day, counts=True))
                                        for day in dates], "With working code", "Checked")
    return Chart("chart-working", title, caption,
                 _draw("chart-working", title, (WIDTH, 3.0), draw, (tuple(dates), tuple(shares))), table)


def _working_share(histories: list[list[tuple[Check, ...]]], day: datetime.date, counts: bool = False) -> Any:
    """Return the share (or working and checked counts) of papers whose code worked as of day's checks."""
    checked = working = 0
    for history in histories:
        latest = [next((c for c in reversed(checks) if c.date <= day), None) for checks in history]
        # A link whose check as of that day did not request it (a private address) counts as never checked.
        known = [c for c in latest if c is not None and c.status is not LinkStatus.NOT_CHECKED]
        if known:
            checked += 1
            working += any(c.working for c in known)
    if counts:
        return working, checked
    return 100 * working / checked if checked else 0.0


def _months(counts: Counter[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return every month from the first to the last one counted, empty months included."""
    first, last = min(counts), max(counts)
    return [(y, m) for y in range(first[0], last[0] + 1) for m in range(1, 13) if first <= (y, m) <= last]


def _month_axis(ax: Axes, months: list[tuple[int, int]]) -> None:
    yearly = len(months) > 14  # then every January is labelled with its year, and nothing else
    ticks = [i for i, (_, m) in enumerate(months) if m == 1] if yearly else list(range(len(months)))
    ax.set_xticks(ticks, [_month_label(months[i], yearly) for i in ticks])
    pad = max(0, 12 - len(months)) / 2  # a few months still get bars of a sensible width
    ax.set_xlim(-0.6 - pad, len(months) - 0.4 + pad)
    ax.grid(axis="y")


def code_share_by_month(annotated: Sequence[Annotated]) -> Chart:
    """Chart the share of each month's papers (by publication) that link to code."""
    total: Counter[tuple[int, int]] = Counter()
    coded: Counter[tuple[int, int]] = Counter()
    for a in annotated:
        published = a.paper.published
        if published and published.year:
            total[(published.year, published.month)] += 1
            coded[(published.year, published.month)] += a.has_code
    title = "Share of papers with code, by month"
    if not total:
        return Chart("chart-code-monthly", title, "No paper states a publication date with its year.", "")
    months = _months(total)

    def draw(ax: Axes) -> None:
        shown = [i for i, ym in enumerate(months) if total.get(ym)]
        share = {i: 100 * coded[months[i]] / total[months[i]] for i in shown}
        for run in _runs(shown):  # a month without papers is a gap in the line, not a bridge over it
            ax.plot(run, [share[i] for i in run], color=BAR, linewidth=1.2)
        # Each point's area grows with the papers it stands on: a month of one paper is a dot, not a verdict.
        ax.scatter(shown, [share[i] for i in shown], s=[6 + 6 * total[months[i]] ** 0.5 for i in shown],
                   color=BAR, zorder=3)
        _month_axis(ax, months)
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_ylabel("with code links")
    caption = (f"Of the {sum(total.values())} papers with a publication month, the share that link to code (a "
               "repository in the abstract or on Hugging Face), month by month. A point's size shows how many "
               "papers it stands on (the table below gives each month's count); a month without papers is a gap "
               "in the line.")
    table = _share_table("Month", [(_month_name(ym), coded[ym], total[ym]) for ym in months if total[ym]])
    return Chart("chart-code-monthly", title, caption, _draw("chart-code-monthly", title, (WIDTH, 3.0), draw,
                                                             tuple((ym, coded[ym], total[ym]) for ym in months)),
                 table)


def _share_table(first: str, rows: list[tuple[str, int, int]], part: str = "With code links",
                 whole: str = "Papers") -> Table:
    """Return a table of shares: a row's name, the part, the whole and the part's share of it."""
    return Table((first, part, whole, "Share"),
                 tuple((name, str(n), str(of), f"{100 * n / of:.0f}%" if of else "") for name, n, of in rows))


def _runs(indices: list[int]) -> list[list[int]]:
    """Split ascending indices into runs of consecutive ones: [1, 2, 4] -> [[1, 2], [4]]."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _month_name(ym: tuple[int, int]) -> str:
    return f"{MONTHS[ym[1] - 1]} {ym[0]}"


def _month_label(ym: tuple[int, int], yearly: bool) -> str:
    year, month = ym
    return str(year) if yearly and month == 1 else f"{MONTHS[month - 1]}\n{year}"


_drawn: dict[tuple[object, ...], str] = {}
_KEEP = 24
"""Charts kept drawn: serve's rebuilds (and builds of the same archive in one process) draw only what changed."""


def _draw(key: str, title: str, size: tuple[float, float], draw: Callable[[Axes], None], data: Hashable) -> str:
    """Draw a chart with draw(ax) and return it as SVG for inline use, ids prefixed with key.

    data holds every value draw reads: a chart drawn from the same data before is not drawn again (the SVG is the
    same bytes; matplotlib takes a tenth of a second a chart)."""
    memo = (key, title, size, data)
    if (svg := _drawn.get(memo)) is None:
        svg = _drawn_now(key, title, size, draw)
        keep_drawn({memo: svg})
    return svg


def keep_drawn(charts: Mapping[tuple[object, ...], str]) -> None:
    """Keep charts drawn (by what _draw() keys them by), the oldest dropped past _KEEP."""
    for memo, svg in charts.items():
        _drawn[memo] = svg
        if len(_drawn) > _KEEP:
            del _drawn[next(iter(_drawn))]


def page_and_charts(annotated: Sequence[Annotated]) -> tuple[str, dict[tuple[object, ...], str]]:
    """stats_page(), and the charts kept drawn (for keep_drawn() in the process that asked, when this one is
    another: the pipeline draws them on the second core, and the next build in the same process reuses them)."""
    return stats_page(annotated), dict(_drawn)


def _drawn_now(key: str, title: str, size: tuple[float, float], draw: Callable[[Axes], None]) -> str:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(cast(Any, {**_RC, "svg.hashsalt": f"sitegen-{key}"})):
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.add_subplot())
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(out.getvalue(), key, title)


_FONT = re.compile(r"font-family: [^;\"]*")
_SIZE = re.compile(r'<svg ([^>]*?)width="[\d.]+pt" height="[\d.]+pt"')


def _inline(svg: str, key: str, title: str) -> str:
    """Return matplotlib's SVG document as an element for a page: themed colours, page font, unique ids."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = _SIZE.sub(r'<svg \1width="100%" role="img" aria-labelledby="' + key + '-title"', svg, count=1)
    svg = svg.replace(">", f'>\n <title id="{key}-title">{html.escape(title)}</title>', 1)
    svg = svg.replace("<style type=\"text/css\">*{", f"<style type=\"text/css\">#{key} *{{", 1)  # not the page's
    svg = svg.replace(INK, "currentColor")
    svg = _FONT.sub("font-family: inherit", svg)
    svg = svg.replace('id="', f'id="{key}-').replace("url(#", f"url(#{key}-").replace('href="#', f'href="#{key}-')
    svg = svg.replace(f'id="{key}-{key}-title"', f'id="{key}-title"')
    return "\n".join(line.rstrip() for line in svg.strip().split("\n"))


def _label(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= 40 else name[:39] + "…"
