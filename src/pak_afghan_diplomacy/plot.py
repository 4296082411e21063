"""A timeline of the envoys' terms and their meetings, drawn from the published tables.

Date precision is drawn as it is: a term whose start is known to the month starts with a
hatched band over that month; a meeting known to the day is a point, one known only to a
span (a month, or an interval where sources disagree) is a bar over that span, never thinner
than a visible minimum. An inferred date is drawn hollow, a date the sources dispute is
ringed, an open end is an arrow; incidents (if the package has an `incidents` table) are
marks on a row of their own. Every kind of mark drawn has its legend entry; each meeting sits
in its envoy's band, one line each; the axis spans the data; no text is smaller than
`MIN_TEXT_PX` at the width the README shows the figure.
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
    xlim: tuple[dt.date, dt.date] | None = None
    data_span: tuple[dt.date, dt.date] | None = None


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

    # Each meeting goes to the envoy who took part in it; a meeting of two envoys, to the first.
    mine: dict[str, list[dict[str, Any]]] = {e: [] for e in envoys}
    for m in meetings.iter_rows(named=True):
        people = participants.filter(pl.col("meeting_id") == m["meeting_id"])["person_id"].to_list()
        envoy = next((p for p in envoys if p in people), None)
        if envoy is not None:
            m["others"] = [persons[p] for p in people if p is not None and p != envoy]
            mine[envoy].append(m)

    # y grows downwards: per envoy a band of meeting lines, then the term bar and its label.
    layout: dict[str, tuple[float, float, float]] = {}  # envoy -> (first lane, bar y, band bottom)
    cursor = 0.0
    for e in envoys:
        first = cursor
        cursor += len(mine[e])
        layout[e] = (first, cursor + 0.7, cursor + 2.2)
        cursor += 2.6
    incident_y = cursor + 0.2 if incidents else None
    bottom = cursor + (1.4 if incidents else 0.0)

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

    height = 1.7 + LANE * bottom
    days_per_px = (span + 2 * margin.days) / (WIDTH_IN * DPI * 0.78)  # the axes take about 78% of the width
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), dpi=DPI)
    drawn = Drawn(fig)

    for r in roles.iter_rows(named=True):
        e = r["person_id"]
        y = layout[e][1]
        start, end = _bounds(r["start_date"]), _bounds(r["end_date"])
        observed = _bounds(r["observed_date"])
        lo = start[0] if start else None
        # A current term runs to its latest observation; an observation dated before the term began
        # says nothing about it (the term is then "current" from its start).
        latest_seen = (observed[1] or observed[0]) if observed else None
        as_of = r["observed_date"] if latest_seen and (start is None or latest_seen >= start[0]) else r["start_date"]
        seen = [
            d for d in (*(observed or ()), start[1] if start else None) if d is not None and (lo is None or d >= lo)
        ]
        hi = end[1] if end else (max(seen) if seen else None)
        if lo is None or hi is None:
            continue
        firm_lo = start[1] + day if start else lo
        firm_hi = end[0] if end else hi
        if firm_hi > firm_lo:
            ax.barh(y, (firm_hi - firm_lo).days, left=firm_lo, height=0.9, color=TERM, alpha=0.55)
            drawn.marks.add("term")
        for a, b in ((lo, min(firm_lo, hi)), (max(firm_hi, lo), hi)):
            if b > a:  # the span a reduced date leaves open
                ax.barh(y, (b - a).days, left=a, height=0.9, color="none", edgecolor=TERM, hatch="///", lw=0)
                drawn.marks.add("term open")
        end_text = r["end_date"] or f"current, as of {as_of}"
        ax.text(lo, y + 0.95, f"term {r['start_date'] or '?'} – {end_text}", fontsize=FONT, color="#333333", va="top")

    for i, e in enumerate(envoys):
        first, _, band_bottom = layout[e]
        drawn.bands[e] = (first - 0.5, band_bottom)
        if i % 2 == 0:  # every other envoy's band shaded: a meeting's row is read at a glance
            ax.axhspan(first - 0.6, band_bottom + 0.2, color="#f3f3f3", zorder=0, lw=0)
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
                known = lo or hi
                tip = known + wide * 4 if lo else known - wide * 4
                ax.annotate(
                    "",
                    xy=(tip, y),
                    xytext=(known, y),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.8, "mutation_scale": 10},
                    zorder=3,
                )
                ax.plot([known], [y], marker="|", color=color, ms=8, mew=2, lw=0, zorder=3)
                drawn.marks.add("open end")
                lo, hi = min(known, tip), max(known, tip)
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
            label = f"{m['date']} {m['kind']}" + (f" with {', '.join(m['others'])}" if m["others"] else "")
            # Labelled on the side with room for the words (estimated from their length), so that
            # none runs across the axis or off the figure.
            need = len(label) * FONT * 0.55 / 72 * DPI * days_per_px
            room_right = (hi_all + margin - hi).days
            room_left = (lo - (lo_all - margin)).days
            right_half = room_right < need and room_left > room_right
            ax.annotate(
                label,
                (lo if right_half else hi, y),
                xytext=(-6 if right_half else 6, 0),
                textcoords="offset points",
                fontsize=FONT,
                ha="right" if right_half else "left",
                va="center",
                color="#444444",
            )

    for lo, hi, text in incidents:
        at = lo if hi is None or lo == hi else lo + (hi - lo) / 2
        ax.plot([at], [incident_y], marker="v", color=INCIDENT, ms=8, lw=0, zorder=3)
        ax.annotate(
            text[:40],
            (at, incident_y),
            xytext=(0, -9),
            textcoords="offset points",
            fontsize=FONT,
            ha="center",
            va="top",
            color="#444444",
            rotation=0,
        )
        drawn.marks.add("incident")

    ticks = [layout[e][1] for e in envoys] + ([incident_y] if incidents else [])
    names = [persons[e] for e in envoys] + (["incidents"] if incidents else [])
    ax.set_yticks(ticks, names, fontsize=FONT + 1)
    ax.set_ylim(bottom, -0.8)
    drawn.xlim = (lo_all - margin, hi_all + margin)
    drawn.data_span = (lo_all, hi_all)
    ax.set_xlim(*drawn.xlim)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=FONT + 1)
    ax.grid(axis="x", which="major", color="#dddddd")
    ax.set_title("Pakistan's special representatives for Afghanistan: terms and meetings", fontsize=FONT + 2)

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
    shown = [entries[k] for k in entries if k in drawn.marks]
    drawn.legend = {k for k in entries if k in drawn.marks}
    ax.legend(handles=shown, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=FONT, frameon=False, ncol=3)
    ax.spines[["top", "right"]].set_visible(False)
    package = pad.datapackage()
    articles = pad.load("articles").height
    fig.text(
        0.01,
        0.005,
        f"Source: {package['name']} {package['version']} (tables roles, meetings, meeting_participants, conflicts"
        f"{', incidents' if incidents else ''}), from {articles} news articles.",
        fontsize=FONT,
        color="#555555",
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return drawn


def _incidents(pad: Any) -> list[tuple[dt.date, dt.date | None, str]]:
    """(earliest, latest, label) of each incident, if the package has an `incidents` table with date bounds."""
    if "incidents" not in pad.tables():
        return []
    frame = pad.load("incidents")
    if "date_earliest" not in frame.columns:
        return []
    label = next((c for c in ("description", "kind", "incident_id") if c in frame.columns), None)
    out = []
    for row in frame.iter_rows(named=True):
        lo, hi = row["date_earliest"], row.get("date_latest")
        if lo is not None:
            out.append((lo, hi, str(row[label]) if label else ""))
    return out


def timeline(target: Path) -> Path:
    """Render the timeline to `target` (PNG, SVG or PDF by suffix)."""
    import matplotlib.pyplot as plt

    drawn = draw()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    drawn.figure.savefig(target, metadata={"Software": None} if target.suffix.lower() == ".png" else None)
    plt.close(drawn.figure)
    return target
