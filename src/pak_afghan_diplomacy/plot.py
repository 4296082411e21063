"""A timeline of the envoys' terms and their meetings, drawn from the published tables.

Date precision is drawn as it is: a term whose start is known to the month starts with a
hatched band over that month; a meeting known to the day is a point, one known only to a
span (a month, or an interval where sources disagree) is a bar over that span, never thinner
than a visible minimum. An inferred date is drawn hollow, a date the sources dispute is
ringed, an open end is an arrow; incidents (if the package has an `incidents` table) are
marks in a band of their own. Every kind of mark drawn has its legend entry; each meeting sits
in its envoy's band (every envoy's band shaded alike), one line each; every label is measured
and put where it fits, overlapping nothing and cut by no edge; the axis spans the data; no text
is smaller than `MIN_TEXT_PX` at the width the README shows the figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENVOY_TITLE = "Special Representative for Afghanistan"
WIDTH_IN, DPI = 9.0, 100  # 900 px: about the width a README column shows, so text is not scaled down
README_PX = 830  # the narrowest a README column shows the figure
MIN_TEXT_PX = 10
FONT = 8.5  # points: 8.5 pt at 100 dpi is 11.8 px, 10.9 px at README_PX
LANE = 0.22  # inches per line of meeting label
MEETING, VISIT, TERM, INCIDENT, RING = "#e45756", "#4c9a94", "#4c78a8", "#9d755d", "#b279a2"


@dataclass
class Drawn:
    """What was drawn where, for the tests: a figure is checked by its layout, not by its pixels."""

    figure: Any
    marks: set[str] = field(default_factory=set)  # kinds of mark drawn
    legend: set[str] = field(default_factory=set)  # kinds of mark with a legend entry
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)  # envoy -> (top, bottom) in y
    meetings: dict[str, tuple[str, float]] = field(default_factory=dict)  # meeting -> (envoy, y)
    labels: dict[str, str] = field(default_factory=dict)  # meeting -> its label
    xlim: tuple[dt.date, dt.date] | None = None
    data_span: tuple[dt.date, dt.date] | None = None


def _who(counterparts: list[str], companions: list[str], visit: bool = False) -> str:
    """The people of a meeting label: those across the table after "with", the envoy's own side after
    "joined by" (so that an aide is not read as the envoy's counterpart). An internal meeting, with
    no one across the table, has its own side after "with"; a visit has no table, so "joined by"."""
    if not counterparts and not visit:
        return f" with {', '.join(companions)}" if companions else ""
    text = f" with {', '.join(counterparts)}" if counterparts else ""
    return text + (f", joined by {', '.join(companions)}" if companions else "")


def _bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    from pak_afghan_diplomacy.dates import bounds

    return bounds(value) if value else None


def draw() -> Drawn:
    """The timeline as a matplotlib figure, with where each thing went."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import polars as pl
    from matplotlib.patches import Patch

    import pak_afghan_diplomacy as pad

    roles = pad.load("roles").filter(pl.col("title") == ENVOY_TITLE).sort("start_earliest", nulls_last=True)
    persons = dict(pad.load("persons").select("person_id", "name").iter_rows())
    meetings = pad.load("meetings").sort("date_earliest", "date_latest", nulls_last=True)
    participants = pad.load("meeting_participants")
    conflicts = pad.load("conflicts").filter(pl.col("kind") == "date").select("conflict_id")
    disputed = set(
        pad.load("conflict_records")
        .filter(pl.col("record_table") == "meetings")
        .join(conflicts, on="conflict_id")["record_id"]
    )
    incidents = _incidents(pad)
    envoys = list(dict.fromkeys(roles["person_id"].to_list()))
    terms = {e: [r for r in roles.iter_rows(named=True) if r["person_id"] == e] for e in envoys}

    # Each meeting goes to the envoy who took part in it; a meeting of two envoys, to the first.
    mine: dict[str, list[dict[str, Any]]] = {e: [] for e in envoys}
    for m in meetings.iter_rows(named=True):
        rows = participants.filter(pl.col("meeting_id") == m["meeting_id"])
        people = rows["person_id"].to_list()
        envoy = next((p for p in envoys if p in people), None)
        if envoy is not None:
            sides = dict(rows.select("person_id", "side").iter_rows())
            named = [p for p in people if p is not None and p != envoy]
            m["who"] = _who(
                [persons[p] for p in named if sides[p] != sides[envoy]],
                [persons[p] for p in named if sides[p] == sides[envoy]],
                visit=m["kind"] == "visit",
            )
            mine[envoy].append(m)

    dates = [d for d in (*roles["start_earliest"], *roles["end_latest"]) if d is not None]
    dates += [d for ms in mine.values() for m in ms for d in (m["date_earliest"], m["date_latest"]) if d is not None]
    dates += [d for i in incidents for d in i[:2] if d is not None]
    for r in roles.iter_rows(named=True):
        dates += [d for d in (_bounds(r["observed_date"]) or ()) if d is not None]
    lo_all, hi_all = (min(dates), max(dates)) if dates else (dt.date(2020, 1, 1), dt.date(2025, 1, 1))
    span = max((hi_all - lo_all).days, 365)
    margin = dt.timedelta(days=max(30, span // 40))
    wide = dt.timedelta(days=max(7, span // 90))  # the narrowest a span is drawn, so that two days are seen
    day = dt.timedelta(days=1)

    xlim = (lo_all - margin, hi_all + margin)
    side = 0.12 / WIDTH_IN
    term_lines = {e: _term_lines([_term(r) for r in terms[e]], xlim, side) for e in envoys}

    # y grows downwards, one line per thing. Every envoy gets a band of the same kind: a header
    # line with the name, a line per meeting, the term bar, a line per term label. Incidents get
    # a band of their own, a line each, so that no two labels share a line.
    layout: dict[str, tuple[float, float, float]] = {}  # envoy -> (first meeting line, bar y, band bottom)
    headers: list[tuple[float, str]] = []
    spans: list[tuple[float, float]] = []  # (top, bottom) of each band
    cursor = 0.0
    for e in envoys:
        top = cursor - 0.5
        headers.append((cursor, persons[e]))
        first = cursor + 1
        bar = first + len(mine[e]) + 0.3
        band_bottom = bar + 0.6 + max((line for line, _ in term_lines[e]), default=0) + 1
        layout[e] = (first, bar, band_bottom)
        spans.append((top, band_bottom))
        cursor = band_bottom + 0.9
    incident_first = None
    if incidents:
        headers.append((cursor, "incidents"))
        incident_first = cursor + 1
        spans.append((cursor - 0.5, incident_first + len(incidents) - 0.5))
        cursor = incident_first + len(incidents) + 0.4
    bottom = (spans[-1][1] if spans else 0.0) + 0.1

    entries = {
        "term": Patch(color=TERM, alpha=0.55, label="term"),
        "term open": Patch(facecolor="none", edgecolor=TERM, hatch="///", lw=0, label="term date known to month/year"),
        "meeting": Patch(color=MEETING, label="meeting"),
        "visit": Patch(color=VISIT, label="visit"),
        "day": plt.Line2D([], [], color="#555555", marker="o", lw=0, label="date known to the day"),
        "span": Patch(facecolor="#999999", edgecolor="#555555", label="date known to a month or interval"),
        "inferred": plt.Line2D([], [], color="#555555", marker="o", mfc="white", lw=0, label="date inferred (hollow)"),
        "disputed": plt.Line2D([], [], marker="o", ms=10, mfc="none", mec=RING, lw=0, label="date disputed by sources"),
        "open end": plt.Line2D(
            [], [], color="#555555", marker=">", lw=1.8, label="open end: no later (or earlier) bound given"
        ),
        "incident": plt.Line2D([], [], color=INCIDENT, marker="v", lw=0, label="incident"),
    }

    # Fixed geometry (inches), so that every label can be measured where it will be drawn.
    title_in, axis_in, line_in, source_in = 0.45, 0.35, 0.2, 0.3
    legend_in = line_in * ((len(entries) + 1) // 2) + 0.1  # room for every entry, two columns
    plot_in = LANE * (bottom + 0.6)
    height = title_in + plot_in + axis_in + legend_in + source_in
    fig = plt.figure(figsize=(WIDTH_IN, height), dpi=DPI)
    ax = fig.add_axes((side, (axis_in + legend_in + source_in) / height, 1 - 2 * side, plot_in / height))
    drawn = Drawn(fig)
    drawn.xlim = xlim
    drawn.data_span = (lo_all, hi_all)
    ax.set_xlim(*drawn.xlim)
    ax.set_ylim(bottom, -0.6)
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)

    def place(text: str, lo: dt.date, hi: dt.date, y: float) -> None:
        """A label beside its mark, on the side where the words fit inside the axes."""
        label = ax.annotate(
            text,
            (hi, y),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=FONT,
            ha="left",
            va="center",
            color="#444444",
        )
        right = label.get_window_extent(renderer)
        if right.x1 <= box.x1 - 2:
            return
        label.xy, label.xyann = (lo, y), (-6, 0)
        label.set_ha("right")
        left = label.get_window_extent(renderer)
        if left.x0 >= box.x0 + 2:
            return
        if right.x1 <= box.x1 - 2 or box.x1 - right.x1 > left.x0 - box.x0:  # back to the side with more room
            label.xy, label.xyann = (hi, y), (6, 0)
            label.set_ha("left")

    def open_end(known: dt.date, later: bool, y: float, color: str) -> tuple[dt.date, dt.date]:
        """An arrow from the known bound towards the side the sources leave open."""
        tip = known + wide * 4 if later else known - wide * 4
        ax.annotate(
            "",
            xy=(tip, y),
            xytext=(known, y),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.8, "mutation_scale": 10},
            zorder=3,
        )
        ax.plot([known], [y], marker="|", color=color, ms=8, mew=2, lw=0, zorder=3)
        drawn.marks.add("open end")
        return min(known, tip), max(known, tip)

    for top, band_bottom in spans:  # every band shaded alike, white between: a line's band is read at a glance
        ax.axhspan(top, band_bottom, color="#f0f0f0", zorder=0, lw=0)
    for y, name in headers:
        ax.text(
            0.005,
            y,
            name,
            transform=ax.get_yaxis_transform(),
            fontsize=FONT + 1,
            fontweight="bold",
            va="center",
            ha="left",
            color="#222222",
        )

    for e in envoys:
        first, y, band_bottom = layout[e]
        for r, (line, at_end) in zip(terms[e], term_lines[e], strict=True):
            term = _term(r)
            if term is None:
                continue
            lo, hi, firm_lo, firm_hi, text = term
            if firm_hi > firm_lo:
                ax.barh(y, (firm_hi - firm_lo).days, left=firm_lo, height=0.9, color=TERM, alpha=0.55)
                drawn.marks.add("term")
            for a, b in ((lo, min(firm_lo, hi)), (max(firm_hi, lo), hi)):
                if b > a:  # the span a reduced date leaves open
                    ax.barh(y, (b - a).days, left=a, height=0.9, color="none", edgecolor=TERM, hatch="///", lw=0)
                    drawn.marks.add("term open")
            ax.text(
                hi if at_end else lo,
                y + 1.05 + line,
                text,
                fontsize=FONT,
                color="#333333",
                va="center",
                ha="right" if at_end else "left",
            )

        drawn.bands[e] = (first - 1.5, band_bottom)
        for k, m in enumerate(mine[e]):
            y = first + k
            drawn.meetings[m["meeting_id"]] = (e, y)
            lo, hi = m["date_earliest"], m["date_latest"]
            visit = m["kind"] == "visit"
            color = VISIT if visit else MEETING
            drawn.marks.add("visit" if visit else "meeting")
            face = "white" if m["date_inferred"] else color
            if m["date_inferred"]:
                drawn.marks.add("inferred")
            if lo is None or hi is None:  # an open end: an arrow from the known bound
                lo, hi = open_end(lo or hi, lo is not None, y, color)
            elif lo == hi:
                ax.plot([lo], [y], marker="o", color=color, mfc=face, mew=1.5, ms=6, lw=0, zorder=3)
                drawn.marks.add("day")
            else:  # a span: at least `wide`, so that a two-day interval is seen
                mid = lo + (hi + day - lo) / 2
                half = max(hi + day - lo, wide) / 2
                ax.barh(y, half * 2, left=mid - half, height=0.5, color=face, edgecolor=color, lw=1.5, zorder=3)
                lo, hi = mid - half, mid + half
                drawn.marks.add("span")
            if m["meeting_id"] in disputed:
                ax.plot([hi], [y], marker="o", ms=12, mfc="none", mec=RING, mew=1.5, lw=0, zorder=4)
                drawn.marks.add("disputed")
                hi = hi + wide
            drawn.labels[m["meeting_id"]] = label = f"{m['date']} {m['kind']}{m['who']}"
            place(label, lo, hi, y)

    for k, (lo, hi, date, text) in enumerate(incidents):
        y = (incident_first or 0) + k
        if lo is None or hi is None:
            a, b = open_end(lo or hi, lo is not None, y, INCIDENT)
        else:
            at = lo if lo == hi else lo + (hi - lo) / 2
            ax.plot([at], [y], marker="v", color=INCIDENT, ms=8, lw=0, zorder=3)
            a, b = at - wide / 2, at + wide / 2
        drawn.marks.add("incident")
        place(f"{date} {text}", a, b, y)

    ax.set_yticks([])
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=FONT + 1)
    ax.grid(axis="x", which="major", color="#dddddd")
    ax.set_axisbelow(True)
    fig.suptitle(
        "Pakistan's special representatives for Afghanistan: terms and meetings",
        fontsize=FONT + 2,
        y=1 - 0.12 / height,
        va="top",
    )

    shown = [entries[k] for k in entries if k in drawn.marks]
    drawn.legend = {k for k in entries if k in drawn.marks}
    fig.legend(
        handles=shown,
        loc="upper center",
        bbox_to_anchor=(0.5, (legend_in + source_in) / height),
        fontsize=FONT,
        frameon=False,
        ncol=2,
        borderaxespad=0,
        handlelength=1.6,
        columnspacing=2.5,
    )
    ax.spines[["top", "right", "left"]].set_visible(False)
    package = pad.datapackage()
    articles = pad.load("articles").height
    fig.text(
        0.01,
        0.08 / height,
        f"Source: {package['name']} {package['version']} (tables roles, meetings, meeting_participants, conflicts"
        f"{', incidents' if incidents else ''}), from {articles} news articles.",
        fontsize=FONT,
        color="#555555",
    )
    return drawn


def _term(r: dict[str, Any]) -> tuple[dt.date, dt.date, dt.date, dt.date, str] | None:
    """(start, end, firm start, firm end, label) of a term; the firm part is what its dates' precision vouches for."""
    start, end = _bounds(r["start_date"]), _bounds(r["end_date"])
    observed = _bounds(r["observed_date"])
    lo = start[0] if start else None
    # A current term runs to its latest observation; an observation dated before the term began
    # says nothing about it (the term is then "current" from its start).
    latest_seen = (observed[1] or observed[0]) if observed else None
    as_of = r["observed_date"] if latest_seen and (start is None or latest_seen >= start[0]) else r["start_date"]
    seen = [d for d in (*(observed or ()), start[1] if start else None) if d is not None and (lo is None or d >= lo)]
    hi = end[1] if end else (max(seen) if seen else None)
    if lo is None or hi is None:
        return None
    firm_lo = start[1] + dt.timedelta(days=1) if start else lo
    firm_hi = end[0] if end else hi
    end_text = r["end_date"] or f"current, as of {as_of}"
    return lo, hi, firm_lo, firm_hi, f"term {r['start_date'] or '?'} – {end_text}"


def _term_lines(
    terms: list[tuple[dt.date, dt.date, dt.date, dt.date, str] | None], xlim: tuple[dt.date, dt.date], side: float
) -> list[tuple[int, bool]]:
    """(line, anchored at the term's end) for each term's label: from its start if the words fit before
    the axis ends, else ending at the term's end; on the first line where it overlaps no other label.
    Measured before the figure is made, so that the band has exactly the lines its labels need."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(int(WIDTH_IN * DPI), 100, DPI)
    x0, width = side * WIDTH_IN * DPI, (1 - 2 * side) * WIDTH_IN * DPI
    days = (xlim[1] - xlim[0]).days

    def px(d: dt.date) -> float:
        return x0 + (d - xlim[0]).days / days * width

    out: list[tuple[int, bool]] = []
    taken: list[tuple[int, float, float]] = []
    for term in terms:
        if term is None:
            out.append((0, False))
            continue
        lo, hi, *_, text = term
        w = renderer.get_text_width_height_descent(text, FontProperties(size=FONT), ismath=False)[0]
        at_end = px(lo) + w > x0 + width - 2
        left = px(hi) - w if at_end else px(lo)
        line = 0
        while any(n == line and left < b + 12 and a < left + w + 12 for n, a, b in taken):
            line += 1
        taken.append((line, left, left + w))
        out.append((line, at_end))
    return out


def _incidents(pad: Any) -> list[tuple[dt.date | None, dt.date | None, str, str]]:
    """(earliest, latest, date as written, label) of each incident with a date bound, if the package has them."""
    if "incidents" not in pad.tables():
        return []
    frame = pad.load("incidents")
    if "date_earliest" not in frame.columns:
        return []
    label = next((c for c in ("kind", "description", "incident_id") if c in frame.columns), None)
    out = []
    for row in frame.iter_rows(named=True):
        lo, hi = row["date_earliest"], row.get("date_latest")
        if lo is not None or hi is not None:
            out.append((lo, hi, str(row.get("date") or ""), str(row[label]) if label else ""))
    return sorted(out, key=lambda i: (i[0] or i[1], i[1] or i[0]))


def timeline(target: Path) -> Path:
    """Render the timeline to `target` (PNG, SVG or PDF by suffix)."""
    import matplotlib.pyplot as plt

    drawn = draw()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    drawn.figure.savefig(target, metadata={"Software": None} if target.suffix.lower() == ".png" else None)
    plt.close(drawn.figure)
    return target
