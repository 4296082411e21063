"""A timeline of the envoys' terms and their meetings, drawn from the published tables.

Date precision is drawn as it is: a term whose start is known to the month starts
with a hatched band over that month; a meeting known to the day is a point, one
known only to a span (a month, or an interval where sources disagree) is a bar
over that span, never thinner than a visible minimum. An inferred date is drawn
hollow, a date the sources dispute is ringed, an open end is an arrow; the source
of the figure is printed at its foot.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ENVOY_TITLE = "Special Representative for Afghanistan"


def _bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    from pak_afghan_diplomacy.dates import bounds

    return bounds(value) if value else None


def timeline(target: Path) -> Path:
    """Render the timeline to `target` (PNG, SVG or PDF by suffix)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import polars as pl

    import pak_afghan_diplomacy as pad

    roles = pad.load("roles").filter(pl.col("title") == ENVOY_TITLE).sort("start_date", nulls_last=True)
    persons = dict(pad.load("persons").select("person_id", "name").iter_rows())
    meetings = pad.load("meetings").sort("date_earliest", "date_latest", nulls_last=True)
    participants = pad.load("meeting_participants")
    conflicts = pad.load("conflicts").filter(pl.col("kind") == "date").select("conflict_id")
    disputed = set(
        pad.load("conflict_records")
        .filter(pl.col("record_table") == "meetings")
        .join(conflicts, on="conflict_id")["record_id"]
    )

    envoys = list(dict.fromkeys(roles["person_id"].to_list()))
    row = {p: i for i, p in enumerate(envoys)}

    fig, ax = plt.subplots(figsize=(13, 2.0 + 2.4 * len(envoys)), dpi=120)
    day = dt.timedelta(days=1)
    for r in roles.iter_rows(named=True):
        y = row[r["person_id"]]
        start, end = _bounds(r["start_date"]), _bounds(r["end_date"])
        observed = _bounds(r["observed_date"])
        lo = start[0] if start else None
        # a current term runs to its latest observation, and never ends before it began
        seen = [d for d in (*(observed or ()), start[1] if start else None) if d is not None]
        hi = end[1] if end else (max(seen) if seen else None)
        if lo is None or hi is None:
            continue
        firm_lo = start[1] + day if start else lo
        firm_hi = end[0] if end else hi
        ax.barh(y, (firm_hi - firm_lo).days, left=firm_lo, height=0.36, color="#4c78a8", alpha=0.55)
        for a, b in ((lo, firm_lo), (firm_hi, hi)):
            if b > a:  # the span a reduced date leaves open
                ax.barh(y, (b - a).days, left=a, height=0.36, color="none", edgecolor="#4c78a8", hatch="///", lw=0)
        label = f"{r['start_date'] or '?'} – {r['end_date'] or ('current, as of ' + r['observed_date'])}"
        ax.text(lo, y + 0.3, label, fontsize=7, color="#333333")
    starts = [d for d in (*roles["start_earliest"], *meetings["date_earliest"]) if d is not None]
    ends = [d for d in (*roles["end_latest"], *meetings["date_latest"]) if d is not None]
    span = (max(ends) - min(starts)).days if starts and ends else 365
    wide = dt.timedelta(days=max(7, span // 70))  # the narrowest a span is drawn, so that two days are seen
    level: dict[str, int] = {}
    per_envoy = participants.filter(pl.col("person_id").is_in(envoys)).group_by("person_id").len()
    step = {p: min(0.13, 0.8 / n) for p, n in per_envoy.iter_rows()}
    for m in meetings.iter_rows(named=True):
        people = participants.filter(pl.col("meeting_id") == m["meeting_id"])
        envoy = next((p for p in people["person_id"] if p in row), None)
        if envoy is None:
            continue
        k = level.get(envoy, 0)
        level[envoy] = k + 1
        y = row[envoy] - 0.3 - step[envoy] * k  # one line each, so that labels never overlap
        lo, hi = m["date_earliest"], m["date_latest"]
        color = "#e45756" if m["kind"] != "visit" else "#72b7b2"
        face = "white" if m["date_inferred"] else color
        if lo is None or hi is None:  # an open end: an arrow from the known bound
            known = lo or hi
            ax.annotate(
                "",
                xy=(known + (wide * 3 if lo else -wide * 3), y),
                xytext=(known, y),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 2},
                zorder=3,
            )
            hi = hi or known + wide * 3
        elif lo == hi:
            ax.plot([lo], [y], marker="o", color=color, mfc=face, mew=1.5, ms=6, lw=0, zorder=3)
        else:  # a span: at least `wide`, so that a two-day interval is seen
            mid = lo + (hi + day - lo) / 2
            half = max(hi + day - lo, wide) / 2
            ax.barh(y, half * 2, left=mid - half, height=0.07, color=face, edgecolor=color, lw=1.5, zorder=3)
        if m["meeting_id"] in disputed:
            ax.plot([hi], [y], marker="o", ms=13, mfc="none", mec="#b279a2", mew=1.5, lw=0, zorder=4)
        others = [persons[p] for p in people["person_id"] if p is not None and p != envoy]
        label = f"{m['date']} {m['kind']}" + (f" with {', '.join(others)}" if others else "")
        ax.annotate(
            label,
            (max(hi + day, (lo or hi) + wide), y),
            xytext=(8, 0),
            textcoords="offset points",
            fontsize=6,
            ha="left",
            va="center",
            color="#444444",
        )
    ax.set_yticks(range(len(envoys)), [persons[p] for p in envoys])
    ax.set_ylim(len(envoys) - 0.5, -1.2)
    left, right = ax.get_xlim()
    ax.set_xlim(left, right + 420)  # room for the labels of the latest meetings
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", which="major", color="#dddddd")
    ax.set_title(
        "Pakistan's special representatives for Afghanistan: terms (bars; hatched = date known only to "
        "the month or year) and meetings (dots = day, bars = a span)",
        fontsize=9,
    )
    handles = [
        plt.Line2D([], [], color="#e45756", marker="o", lw=0, label="meeting (known to the day)"),
        plt.Line2D([], [], color="#e45756", lw=5, alpha=0.7, label="meeting (known to a span)"),
        plt.Line2D([], [], color="#72b7b2", lw=5, alpha=0.7, label="visit"),
        plt.Line2D([], [], color="#e45756", marker="o", mfc="white", lw=0, label="date inferred (hollow)"),
        plt.Line2D([], [], marker="o", ms=11, mfc="none", mec="#b279a2", lw=0, label="date disputed by the sources"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False, ncol=5)
    ax.spines[["top", "right"]].set_visible(False)
    package = pad.datapackage()
    fig.text(
        0.01,
        0.005,
        f"Source: {package['title']} ({package['name']} {package['version']}), tables roles, meetings, "
        f"meeting_participants and conflicts; {len(package['sources'])} news articles, every date with its evidence.",
        fontsize=6.5,
        color="#555555",
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, metadata={"Software": None} if target.suffix.lower() == ".png" else None)
    plt.close(fig)
    return target
