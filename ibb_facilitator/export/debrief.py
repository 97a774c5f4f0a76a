"""The debrief of a training class: its tables side by side, as text, Markdown or HTML.

``render(debrief, fmt)`` takes a ``training.ClassDebrief`` (every table file of the class, the
broken ones with their error) and writes what a trainer puts on the wall for the debrief:

- a comparison table: issues agreed, interests and mutual interests, options, consensus checks
  and checks per consensus, rounds run, minutes per stage (from each table's event log);
- a simple chart of the same figures: text bars in the terminal and in Markdown (in a code
  block), inline SVG bars in HTML;
- each issue's outcome per table, each table's TA language, the results sheets line by line;
- the tables that could not be read, each with its error: never silently left out;
- the scenario's debrief questions.

Every string from a file (titles, TA text, results, file names) is data: Markdown escapes it,
HTML escapes it (``html.escape``, in SVG too), and the terminal text shows control characters as
visible symbols. Never import textual or rich here.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from ..model import IssueStatus, Stage
from ..training import ClassDebrief, TableSummary
from .markdown import cell, fenced, inline, prose
from .text import clean as _clean

BAR_WIDTH = 30
EMPTY = "–"
STAGE_LABELS = {
    Stage.ISSUES: "issues",
    Stage.INTERESTS: "interests",
    Stage.OPTIONS: "options",
    Stage.CRITERIA: "criteria",
    Stage.CONSENSUS: "consensus",
}
STATUS = {
    IssueStatus.OPEN: "open",
    IssueStatus.PARKED: "parked",
    IssueStatus.AGREED: "agreed (TA)",
    IssueStatus.NO_CONSENSUS: "no consensus",
    IssueStatus.WITHDRAWN: "withdrawn",
}


# --- the figures, once for every format ---------------------------------------------------------


def _stages(debrief: ClassDebrief) -> list[Stage]:
    if debrief.tables:
        return list(debrief.tables[0].session.stage_order)
    return list(Stage)


def _summary(debrief: ClassDebrief) -> str:
    """The line under the title: how many tables, which never started, which could not be read."""
    tables = debrief.tables
    text = f"{len(tables)} table{'s' if len(tables) != 1 else ''} compared from {debrief.folder}"
    idle = [t.label for t in tables if not t.played]
    if idle:
        text += f" ({len(idle)} not started: {', '.join(idle)})"
    if debrief.broken:
        names = ", ".join(b.path.name for b in debrief.broken)
        text += f"; {len(debrief.broken)} could not be read and are not compared: {names} (see the end)"
    return text + "."


def rows(debrief: ClassDebrief) -> list[tuple[str, list[str]]]:
    """``(measure, one value per table)``: the comparison table. A table that never started
    shows "not started" and no figures (its zeros would read as a table that did nothing)."""
    tables = debrief.tables
    out: list[tuple[str, list[str]]] = [
        ("Played", ["yes" if t.played else "not started" for t in tables]),
        ("Issues agreed (TA)", [f"{t.agreed} of {len(t.issues)}" for t in tables]),
        ("Interests", [str(t.interests) for t in tables]),
        ("Mutual interests", [str(t.mutual) for t in tables]),
        ("Options", [str(t.options) for t in tables]),
        ("Consensus checks", [str(t.checks) for t in tables]),
        (
            "Checks per consensus",
            [f"{t.checks_per_consensus:.1f}" if t.checks_per_consensus else EMPTY for t in tables],
        ),
        ("Rounds run", [str(len(t.round_minutes)) for t in tables]),
    ]
    for stage in _stages(debrief):
        out.append((f"Minutes in {STAGE_LABELS[stage]}", [f"{t.stage_minutes.get(stage, 0.0):.0f}" for t in tables]))
    out.append(("Confidential briefs opened", [str(t.reveals) for t in tables]))
    played = [t.played for t in tables]
    return out[:1] + [(name, [v if p else EMPTY for v, p in zip(values, played)]) for name, values in out[1:]]


def charts(debrief: ClassDebrief) -> list[tuple[str, list[tuple[str, float]]]]:
    """``(measure, [(table, value)])``: what the chart draws, one group of bars a measure."""
    measures: list[tuple[str, Callable[[TableSummary], float]]] = [
        ("Issues agreed (TA)", lambda t: t.agreed),
        ("Mutual interests found", lambda t: t.mutual),
        ("Interests", lambda t: t.interests),
        ("Options", lambda t: t.options),
        ("Consensus checks", lambda t: t.checks),
        ("Minutes of the round(s)", lambda t: sum(m for _, _, m in t.round_minutes if m is not None)),
    ]
    played = [t for t in debrief.tables if t.played]  # a table that never started has no bars
    return [(name, [(t.label, float(get(t))) for t in played]) for name, get in measures]


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _bar(value: float, largest: float) -> str:
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * value / largest))


def text_chart(debrief: ClassDebrief, clean: Callable[[str], str]) -> list[str]:
    lines: list[str] = []
    width = max((len(clean(t.label)) for t in debrief.tables), default=5)
    for name, bars in charts(debrief):
        largest = max((v for _, v in bars), default=0)
        lines.append(name)
        for label, value in bars:
            bar = _bar(value, largest)
            lines.append(f"  {clean(label):<{width}}  {bar}{' ' if bar else ''}{_number(value)}")
        lines.append("")
    return lines


def _title(debrief: ClassDebrief) -> str:
    if debrief.tables:
        return debrief.tables[0].session.title.split(": table ")[0]
    return "Training debrief"


def _questions(debrief: ClassDebrief) -> list[str]:
    scenario = debrief.scenario()
    return list(scenario.debrief_questions) if scenario else []


def _issue_rows(debrief: ClassDebrief) -> list[tuple[str, list[str]]]:
    """Each issue (by id, in the first table's order) and how each table left it."""
    order: dict[str, str] = {}
    for table in debrief.tables:
        for issue in table.issues:
            order.setdefault(issue.id, issue.statement)
    out = []
    for issue_id, statement in order.items():
        cells = []
        for table in debrief.tables:
            found = next((i for i in table.issues if i.id == issue_id), None)
            if found is None or not table.played:
                cells.append("not started" if found is not None else EMPTY)
                continue
            text = STATUS[found.status]
            if found.checks_to_consensus:
                text += f", consensus on check {found.checks_to_consensus}"
            elif found.checks:
                text += f", {found.checks} check{'s' if found.checks != 1 else ''}"
            cells.append(text)
        out.append((statement, cells))
    return out


def _filled(debrief: ClassDebrief) -> list[tuple[str, str]]:
    """The results-sheet lines at least one table filled in (an empty line compares nothing)."""
    filled = {r.field for t in debrief.tables for r in t.results if r.value.strip()}
    return [(field_id, label) for field_id, label in debrief.results_fields() if field_id in filled]


def _warnings(debrief: ClassDebrief) -> list[str]:
    names = debrief.scenario_names
    if len(names) <= 1:
        return []
    main = debrief.tables[0].scenario_name if debrief.tables else ""
    scenario = debrief.scenario()
    if scenario is not None:
        counts = {n: sum(1 for t in debrief.tables if t.scenario_name == n) for n in names}
        main = max(counts, key=lambda n: counts[n])
    odd = [t for t in debrief.tables if t.scenario_name != main]
    return [f"{t.path.name} ({t.label}) played another scenario: {t.scenario_name}" for t in odd]


# --- text (the terminal) --------------------------------------------------------------------


def _plain(text: str) -> str:
    """One line of text for the terminal: control characters visible, newlines as spaces."""
    return " ".join(_clean(text).split("\n"))


def render_text(debrief: ClassDebrief) -> str:
    tables = debrief.tables
    out = [f"DEBRIEF: {_plain(_title(debrief))}"]
    out.append(_plain(_summary(debrief)))
    out += [f"WARNING: {_plain(w)}" for w in _warnings(debrief)]
    out.append("")
    if tables:
        labels = [_plain(t.label) for t in tables]
        table_rows = rows(debrief)
        first = max(len(name) for name, _ in table_rows)
        widths = [max(len(label), *(len(values[n]) for _, values in table_rows)) for n, label in enumerate(labels)]
        out.append(" " * first + "".join(f"  {label:>{w}}" for label, w in zip(labels, widths)))
        for name, values in table_rows:
            out.append(f"{name:<{first}}" + "".join(f"  {v:>{w}}" for v, w in zip(values, widths)))
        out.append("")
        out.append("CHART")
        out += text_chart(debrief, _plain)
        out.append("ISSUES, TABLE BY TABLE")
        width = max(len(label) for label in labels)
        for statement, cells in _issue_rows(debrief):
            out.append(f"  {_plain(statement)}")
            out += [f"    {label:<{width}}  {value}" for label, value in zip(labels, cells)]
        out.append("")
        out.append("TENTATIVE AGREEMENTS")
        for table, label in zip(tables, labels):
            out.append(f"  {label}" + ("" if table.agreements else ": none"))
            for statement, text in table.agreements:
                out.append(f"    {_plain(statement)}")
                out += [f"      {line}" for line in _clean(text).split("\n")]
        out.append("")
        fields = _filled(debrief)
        out.append("RESULTS SHEETS" + ("" if fields else ": no table filled one in"))
        for field_id, label_text in fields:
            out.append(f"  {_plain(label_text)}")
            for table, label in zip(tables, labels):
                value = next((r.value for r in table.results if r.field == field_id), "")
                out.append(f"    {label:<{width}}  {_plain(value) or EMPTY}")
        out.append("")
    if debrief.broken:
        out.append("TABLES THAT COULD NOT BE READ (not compared)")
        for broken in debrief.broken:
            out.append(f"  {_plain(broken.path.name)}")
            out += [f"    {_plain(line)}" for line in broken.lines]
        out.append("")
    questions = _questions(debrief)
    if questions:
        out.append("DEBRIEF QUESTIONS")
        out += [f"  {n}. {_plain(q)}" for n, q in enumerate(questions, start=1)]
        out.append("")
    if not tables and not debrief.broken:
        out.append("No table files found.")
    return "\n".join(out).rstrip("\n") + "\n"


# --- Markdown ---------------------------------------------------------------------------------


def render_md(debrief: ClassDebrief) -> str:
    tables = debrief.tables
    out = [f"# Debrief: {inline(_title(debrief))}", ""]
    out.append(inline(_summary(debrief)))
    out.append("")
    for warning in _warnings(debrief):
        out += [f"**Warning:** {inline(warning)}", ""]
    if tables:
        labels = [cell(t.label) for t in tables]
        out.append("## Side by side")
        out.append("")
        out.append("| Measure | " + " | ".join(labels) + " |")
        out.append("| --- | " + " | ".join("---:" for _ in labels) + " |")
        for name, values in rows(debrief):
            out.append(f"| {name} | " + " | ".join(values) + " |")
        out.append("")
        out.append("## Chart")
        out.append("")
        out.append(fenced("\n".join(text_chart(debrief, _plain)).rstrip("\n")))
        out.append("")
        out.append("## Issues, table by table")
        out.append("")
        out.append("| Issue | " + " | ".join(labels) + " |")
        out.append("| --- | " + " | ".join("---" for _ in labels) + " |")
        for statement, cells in _issue_rows(debrief):
            out.append(f"| {cell(statement)} | " + " | ".join(cells) + " |")
        out.append("")
        out.append("## Tentative agreements")
        out.append("")
        for table in tables:
            out.append(f"### {inline(table.label)}")
            out.append("")
            if not table.agreements:
                out += ["None.", ""]
            for statement, text in table.agreements:
                out += [f"**{inline(statement)}**", "", fenced(text), ""]
        fields = _filled(debrief)
        out.append("## Results sheets")
        out.append("")
        if not fields:
            out += ["No table filled one in.", ""]
        for field_id, label_text in fields:
            out.append(f"### {inline(label_text)}")
            out.append("")
            for table in tables:
                value = next((r.value for r in table.results if r.field == field_id), "")
                out.append(f"- **{inline(table.label)}:** " + (prose(value, "  ") or EMPTY))
            out.append("")
    if debrief.broken:
        out.append("## Tables that could not be read")
        out.append("")
        for broken in debrief.broken:
            out.append(f"- **{inline(broken.path.name)}**: not compared")
            out.append("")
            out.append("  " + fenced("\n".join(broken.lines)).replace("\n", "\n  "))
            out.append("")
    questions = _questions(debrief)
    if questions:
        out.append("## Debrief questions")
        out.append("")
        out += [f"{n}. {inline(q)}" for n, q in enumerate(questions, start=1)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML -----------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(_clean(text), quote=True)


def svg_bars(name: str, bars: list[tuple[str, float]]) -> str:
    """One measure as horizontal bars, every label escaped."""
    row, label_width, bar_width = 26, 150, 360
    height = row * len(bars) + 8
    largest = max((v for _, v in bars), default=0)
    parts = [
        f'<svg class="bars" role="img" aria-label="{_e(name)}" width="{label_width + bar_width + 60}" '
        f'height="{height}" viewBox="0 0 {label_width + bar_width + 60} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for n, (label, value) in enumerate(bars):
        y = n * row + 4
        width = 0 if largest <= 0 else round(bar_width * value / largest)
        parts.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{_e(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="{row - 8}" rx="2"><title>{_e(label)}: '
            f"{_number(value)}</title></rect>"
        )
        parts.append(f'<text x="{label_width + width + 6}" y="{y + 17}">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #111; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: .3rem .6rem; vertical-align: top; }
th { background: #eee; text-align: left; }
td.num { text-align: right; }
pre { background: #f4f4f4; padding: .6rem; white-space: pre-wrap; }
svg.bars rect { fill: #1f5fa8; }
svg.bars text { font-size: 14px; fill: #111; }
.chart { display: flex; flex-wrap: wrap; gap: 0 2.5rem; }
.chart figure { margin: 0; }
.chart h3 { margin-bottom: .2rem; }
.broken { color: #a00; }
"""


def render_html(debrief: ClassDebrief) -> str:
    tables = debrief.tables
    title = f"Debrief: {_title(debrief)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    out.append(f"<h1>{_e(title)}</h1>")
    out.append(f"<p>{_e(_summary(debrief))}</p>")
    for warning in _warnings(debrief):
        out.append(f'<p class="broken"><strong>Warning:</strong> {_e(warning)}</p>')
    if tables:
        head = "".join(f"<th>{_e(t.label)}</th>" for t in tables)
        out.append("<h2>Side by side</h2>")
        out.append(f"<table><thead><tr><th>Measure</th>{head}</tr></thead><tbody>")
        for name, values in rows(debrief):
            out.append(f"<tr><th>{_e(name)}</th>" + "".join(f'<td class="num">{_e(v)}</td>' for v in values) + "</tr>")
        out.append("</tbody></table>")
        out.append('<h2>Chart</h2><div class="chart">')
        for name, bars in charts(debrief):
            out.append(f"<figure><h3>{_e(name)}</h3>{svg_bars(name, bars)}</figure>")
        out.append("</div>")
        out.append("<h2>Issues, table by table</h2>")
        out.append(f"<table><thead><tr><th>Issue</th>{head}</tr></thead><tbody>")
        for statement, cells in _issue_rows(debrief):
            out.append(f"<tr><th>{_e(statement)}</th>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
        out.append("</tbody></table>")
        out.append("<h2>Tentative agreements</h2>")
        for table in tables:
            out.append(f"<h3>{_e(table.label)}</h3>")
            if not table.agreements:
                out.append("<p>None.</p>")
            for statement, text in table.agreements:
                out.append(f"<p><strong>{_e(statement)}</strong></p><pre>{_e(text)}</pre>")
        fields = _filled(debrief)
        out.append("<h2>Results sheets</h2>")
        if not fields:
            out.append("<p>No table filled one in.</p>")
        else:
            out.append(f"<table><thead><tr><th>Line of the sheet</th>{head}</tr></thead><tbody>")
            for field_id, label_text in fields:
                values = [next((r.value for r in t.results if r.field == field_id), "") for t in tables]
                out.append(
                    f"<tr><th>{_e(label_text)}</th>"
                    + "".join(f"<td>{_e(v) or EMPTY}</td>".replace("\n", "<br>") for v in values)
                    + "</tr>"
                )
            out.append("</tbody></table>")
    if debrief.broken:
        out.append('<h2 class="broken">Tables that could not be read</h2><ul>')
        for broken in debrief.broken:
            out.append(
                f"<li><strong>{_e(broken.path.name)}</strong>: not "
                f"compared<pre>{_e(chr(10).join(broken.lines))}</pre></li>"
            )
        out.append("</ul>")
    questions = _questions(debrief)
    if questions:
        out.append("<h2>Debrief questions</h2><ol>")
        out += [f"<li>{_e(q)}</li>" for q in questions]
        out.append("</ol>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


FORMATS: dict[str, Callable[[ClassDebrief], str]] = {"text": render_text, "md": render_md, "html": render_html}


def render(debrief: ClassDebrief, fmt: str = "text") -> str:
    renderer = FORMATS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown debrief format {fmt!r}; expected one of: {', '.join(sorted(FORMATS))}")
    return renderer(debrief)


__all__ = ["FORMATS", "render", "render_html", "render_md", "render_text", "rows", "svg_bars"]
