"""The wall's layout: what a stage looks like on a projector, at any zoom.

A terminal cannot choose its font size; the facilitator zooms it (Ctrl + / Cmd +) until the back
row can read, which leaves a small grid: 60×18 to 100×30 is the normal case, 160×45 the unzoomed
one (see ``legibility``). So the wall is laid out here, by hand, for the width and height it has:

- Every line is built to fit: text wraps at word boundaries with a hanging indent under its tag
  (``#3``, ``C2``) or its side's badge; a title (the session's, a party's name over its column)
  is cut with "…" to one line before any item is; the issue's statement takes at most a seventh of
  the height; the stage bar drops its numbers, then its spaces, then the other stages' names.
- Sides are told apart by a letter as well as a colour: each interest carries its side's badge
  (the party's short tag, ``B`` for mutual) in that side's colour, running down the item's lines
  as a bar. Colours come from the theme (``$side-1``,
  ``$side-2``, ``$side-3``, ``$side-mutual``), checked for contrast and colour vision in the tests.
- The space between items grows (one to three blank lines) while the stage still fits, so a
  short list does not leave an empty half screen; a long one keeps one blank line and scrolls.
- Nothing is drawn highlighted: the room view has no pointer; in presentation mode an item the
  facilitator points at (``Item.pointed``) is a bar in the theme's highlighted-row colours for a
  few seconds (``session/presenting.py``).

The view data (``RoomView`` and its parts) is plain and built elsewhere (``room.build_view``,
off the UI thread); ``body_lines`` and friends are pure functions of it and the size, so a test,
the room view and presentation mode share one layout.

Over 500 lines on purpose: one layout per stage, each a short pure function beside the others,
so that what the wall does at 60×18 is decided in one place for every stage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from .. import schedule
from ..legibility import readability_note, readable_distance_m
from ..model import Caucus, PlanDay, Stage, StageClock, now
from .text import join, literal
from .widgets import STAGE_NAMES, caucus_time, mmss

# --- the view data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One row on the wall."""

    text: str
    tag: str = ""  # "#3", "U", "C2", "1."
    kind: str = ""  # how it looks: "aside", "combined", "agreed", "parked", "withdrawn", "initials", ...
    note: str = ""  # a short fixed label after the text: "set aside", "→ #2", "Σ 9"
    side: str = ""  # a holder's colour ("side-1", "side-mutual"): the tag is then shown as its badge
    key: str = ""  # the id of what it shows (an interest's, an option's): presentation mode points by it
    pointed: bool = False  # the facilitator points at it (presentation mode): drawn highlighted


@dataclass(frozen=True)
class Group:
    """A list of items under a title (interests: one group per holder, side by side)."""

    title: str
    items: tuple[Item, ...]
    kind: str = ""
    tag: str = ""  # a holder's badge letter over its column
    side: str = ""  # a holder's colour


@dataclass(frozen=True)
class TallyView:
    """The latest recorded consensus check of the issue, as numbers and fixed labels."""

    method: str
    at: datetime
    proposal: str
    consensus: bool  # recorded as consensus, and a complete check whose answers reach it
    counted: int
    total: int  # who should answer: every voter (or party), less those marked absent
    below: int
    counts: tuple[tuple[str, int], ...]
    complete: bool = True  # every voter answered or is marked absent


@dataclass(frozen=True)
class RoundView:
    """A training table's place in its simulation, as the wall shows it (no brief, no note)."""

    table: str  # "Table 2 of 6"
    phase: str  # training.phase: "preparation", "round", "between", "finished"
    number: int  # the round running, or the last one run (0: none yet)
    total: int
    title: str  # the round's public title ("Round 1: salary, health insurance, advisory")
    start: datetime | None  # when the running round started
    minutes: int  # its length


@dataclass(frozen=True)
class PollBar:
    """One option's bar of a straw poll on the wall."""

    tag: str  # "#3", as in the options list
    text: str  # the option's words
    fraction: float  # of the longest bar, 0 to 1
    label: str  # "7 dots", "4.2 (6)"
    rank: str  # "1", "=2"
    active: bool = True  # still an active option (not set aside since)


@dataclass(frozen=True)
class PollView:
    """The issue's latest straw poll, as numbers and the options' words (never who marked what)."""

    title: str  # "Dot vote, 3 dots each"
    people: int
    at: datetime
    bars: tuple[PollBar, ...]
    ties: str = ""  # "Tied: #2 = #3 (7 dots)"


@dataclass(frozen=True)
class RoomView:
    title: str
    where: str  # "Issue 2 of 13 · Article 12 · Open"
    statement: str
    stage: Stage
    stage_order: tuple[Stage, ...]
    banner: str
    count: int
    count_label: str
    count_detail: str
    groups: tuple[Group, ...]
    columns: bool  # show the groups side by side
    empty: str  # what to say when there are no items
    tally: TallyView | None
    agreement: tuple[str, str] | None  # (TA text, who initialed)
    box_minutes: int
    stage_since: datetime | None
    clock: StageClock | None = None  # the facilitator's timer for this issue and stage
    plan: tuple[PlanDay, ...] = ()  # the day's plan: what is on now, next, how late (``day_content``)
    caucus: Caucus | None = None  # the caucus running now, if any (``show_caucus``)
    caucus_team: str = ""  # its team's name
    round: RoundView | None = None  # a training table's round and its clock (``show_round``)
    poll: PollView | None = None  # Options: the latest straw poll, shown as big bars


# --- styles: every colour a theme variable, every pair checked in tests/test_legibility.py ------

TEXT = "bold"
MUTED = "$wall-muted"
TAG = "bold $primary"
CURRENT_STAGE = "bold $background on $primary"
#: The item the facilitator points at in presentation mode (the theme's highlighted row).
POINTED = "bold $block-cursor-foreground on $block-cursor-background"

KIND_STYLES = {
    "": TEXT,
    "agreed": "bold $success",
    "parked": "bold $warning",
    "withdrawn": f"strike {MUTED}",
    "no-consensus": "bold $error",
    "aside": f"strike {MUTED}",
    "screened": f"strike {MUTED}",  # an option a must-pass criterion screened out (its note says why)
    "combined": MUTED,
    "initials": TEXT,
}
QUIET_KINDS = {"aside", "combined", "withdrawn", "screened"}

VERDICT_STYLES = {
    "consensus": "bold $background on $success",
    "incomplete": "bold $background on $warning",
    "no-consensus": "bold $background on $error",
}

#: Sides' colours, by holder order: the parties in the session's order, then mutual.
SIDE_VARIABLES = ("side-1", "side-2", "side-3")
MUTUAL_SIDE = "side-mutual"


def side_of(index: int | None) -> str:
    """The colour variable of the party at ``index`` (``None``: mutual)."""
    return MUTUAL_SIDE if index is None else SIDE_VARIABLES[index % len(SIDE_VARIABLES)]


def badge_style(side: str) -> str:
    """A side's badge: the background's colour on the side's colour (readable on any row)."""
    return f"bold $background on ${side}"


#: Narrowest column of interests side by side (cells); narrower, the sides are one list.
MIN_COLUMN = 20
#: Widest blank between items when the stage has room to spare.
MAX_GAP = 3
#: From this many rows of items' area on, a short stage sits lower (see ``body_layout``).
SETTLE_FROM = 24
#: The consensus tally beside the proposal from this width on (below it, the tally comes first).
TALLY_BESIDE = 76


# --- lines -------------------------------------------------------------------------------------


def fit(content: Content, width: int) -> Content:
    """``content`` on one line of at most ``width`` cells, cut with "…"."""
    flat = Content("").join(content.split("\n")) if "\n" in content.plain else content
    if flat.cell_length <= width:
        return flat
    return flat.truncate(max(0, width), ellipsis=True)


def clipped(content: Content, width: int, max_lines: int) -> list[Content]:
    """``content`` wrapped to ``width``, at most ``max_lines`` lines, the last cut with "…"."""
    lines = content.wrap(max(1, width))
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max(1, max_lines)]
    last = kept[-1]
    kept[-1] = last.truncate(max(1, width - 1)) + Content("…") if last.cell_length >= width else last + Content("…")
    return kept


def _pad(line: Content, width: int) -> Content:
    short = width - line.cell_length
    return line.pad_right(short) if short > 0 else line


def _item_text(item: Item) -> Content:
    return literal(item.text, POINTED if item.pointed else KIND_STYLES.get(item.kind, TEXT))


def _note(item: Item) -> Content:
    return literal(item.note, f"italic {MUTED}" if item.kind in QUIET_KINDS else "italic")


def _text_lines(item: Item, width: int) -> list[Content]:
    """The item's text wrapped to ``width``; its note after it on the last line when it fits
    whole there, else on a line of its own (a note is never broken)."""
    lines = _item_text(item).wrap(width)
    if item.pointed:  # a bar as wide as the text, so the room sees which item is meant
        lines = [line + literal(" " * (width - line.cell_length), POINTED) for line in lines]
    if not item.note:
        return lines
    note = _note(item)
    if lines and lines[-1].cell_length + 3 + note.cell_length <= width:
        lines[-1] = lines[-1] + Content("   ") + note
    else:
        lines += note.wrap(width)
    return lines


def _tag_prefix(item: Item, width: int, first: bool) -> Content:
    """The cells left of an item's text: its tag (or badge) on the first line, then the indent."""
    if item.side:
        text = f" {item.tag} ".center(width) if width > 2 else item.tag.center(width)
        return literal(text if first else " " * width, badge_style(item.side))
    if not first or not item.tag:
        return Content(" " * width)
    return literal(item.tag.ljust(width), MUTED if item.kind in QUIET_KINDS else TAG)


def _tag_width(items: Sequence[Item], width: int, roomy: int = 40) -> int:
    """Cells for the items' tags: the widest tag; a badge gets a space each side from ``roomy``
    cells of width on (" U "), and is the bare letter below it."""
    widths = [Content(i.tag).cell_length for i in items if i.tag]
    if not widths:
        return 0
    widest = max(widths)
    return widest + 2 if any(i.side for i in items) and width >= roomy else widest


def item_block(item: Item, width: int, tag_width: int) -> list[Content]:
    """One item's lines: the text wrapped at word boundaries, indented under its tag."""
    if tag_width == 0:
        return _text_lines(item, max(1, width))
    text_width = max(1, width - tag_width - 1)
    lines = _text_lines(item, text_width)
    return [_tag_prefix(item, tag_width, n == 0) + Content(" ") + line for n, line in enumerate(lines)]


def _stack(blocks: Sequence[list[Content]], gap: int) -> list[Content]:
    out: list[Content] = []
    for n, block in enumerate(blocks):
        if n:
            out += [Content("")] * gap
        out += block
    return out


def _choose_gap(natural: int, gaps: int, height: int) -> int:
    """The widest blank (1 to ``MAX_GAP`` lines) that keeps ``natural`` lines and ``gaps``
    blanks in ``height``; 1 when nothing wider fits."""
    for gap in range(MAX_GAP, 1, -1):
        if natural + gap * gaps <= height:
            return gap
    return 1


def _heading(title: str) -> Content:
    return literal(title, "bold underline")


def list_lines(groups: Sequence[Group], width: int, height: int, empty: str) -> list[Content]:
    """Groups one under another, each under its title (if any), as one list."""
    shown = [g for g in groups if g.items]
    if not shown:
        return Content(empty).stylize("italic").wrap(max(1, width))
    sections: list[tuple[list[Content], list[list[Content]]]] = []
    for group in shown:
        tag_width = _tag_width(group.items, width)
        head = [fit(_heading(group.title), width)] if group.title else []
        sections.append((head, [item_block(item, width, tag_width) for item in group.items]))
    natural = sum(len(h) + sum(len(b) for b in blocks) for h, blocks in sections)
    gaps = sum(len(blocks) - 1 + len(h) for h, blocks in sections) + 2 * (len(sections) - 1)
    gap = _choose_gap(natural, gaps, height)
    out: list[Content] = []
    for n, (head, blocks) in enumerate(sections):
        if n:
            out += [Content("")] * (2 * gap)
        if head:
            out += head + [Content("")] * gap
        out += _stack(blocks, gap)
    return out


def columns_fit(groups: Sequence[Group], width: int) -> bool:
    n = len(groups)
    return n > 0 and (width - 2 * (n - 1)) // n >= MIN_COLUMN


def column_widths(n: int, width: int, separator: int = 2) -> list[int]:
    usable = width - separator * (n - 1)
    base, extra = divmod(usable, n)
    return [base + (1 if k < extra else 0) for k in range(n)]


def short_titles(groups: Sequence[Group], widths: Sequence[int]) -> list[str]:
    """The holders' titles, without the words every party's name starts with when a title has
    to be cut ("Maple Valley Education Association", "Maple Valley Public Schools": "Education
    Association", "Public Schools"), so that cut titles still tell the parties apart."""
    titles = [g.title for g in groups]
    if all(len(t) + 4 <= w for t, w in zip(titles, widths)):
        return titles
    parties = [g.title.split() for g in groups if g.side != MUTUAL_SIDE]
    common = 0
    while len(parties) > 1 and all(len(words) > common + 1 for words in parties):
        if len({words[common] for words in parties}) != 1:
            break
        common += 1
    if not common:
        return titles
    return [" ".join(g.title.split()[common:]) if g.side != MUTUAL_SIDE else g.title for g in groups]


def _column(group: Group, width: int) -> tuple[list[Content], list[list[Content]], int]:
    """A holder's column: its title line, its items' blocks, and its badge's width."""
    items = [Item(i.text, group.tag, i.kind, i.note, group.side) for i in group.items]
    tag_width = _tag_width([Item("", group.tag, side=group.side)], width, roomy=28) if group.tag else 0
    if tag_width:
        badge = _tag_prefix(Item("", group.tag, side=group.side), tag_width, True)
        title = badge + Content(" ") + fit(_heading(group.title), max(1, width - tag_width - 1))
    else:
        title = fit(_heading(group.title), width)
    blocks = [item_block(item, width, tag_width) for item in items] or [[literal("—", MUTED)]]
    return [title], blocks, tag_width


def columns_lines(groups: Sequence[Group], width: int, height: int) -> list[list[Content]]:
    """Holders side by side: a column each, a title line with the holder's badge, and the badge
    beside each item, its colour running down the item's lines as a bar."""
    widths = column_widths(len(groups), width)
    titled = [dataclasses.replace(g, title=t) for g, t in zip(groups, short_titles(groups, widths))]
    built = [_column(group, w) for group, w in zip(titled, widths)]
    natural = max(len(title) + sum(len(b) for b in blocks) for title, blocks, _ in built)
    gaps = max(len(blocks) for _, blocks, _ in built)  # the blank under the title, then between items
    gap = _choose_gap(natural, gaps, height)
    return [title + [Content("")] * gap + _stack(blocks, gap) for title, blocks, _ in built]


def side_by_side(columns: Sequence[list[Content]], widths: Sequence[int], separator: int = 2) -> list[Content]:
    """Columns of lines as one list of lines, each column padded to its width."""
    if len(columns) == 1:
        return list(columns[0])
    rows = max((len(c) for c in columns), default=0)
    gutter = Content(" " * separator)
    out = []
    for r in range(rows):
        parts = [_pad(c[r] if r < len(c) else Content(""), w) for c, w in zip(columns, widths)]
        out.append(gutter.join(parts).rstrip())
    return out


def legend_line(groups: Sequence[Group], width: int) -> Content:
    """``U Maple Valley Educ…  M Maple Valley Publ…  B Mutual`` on one line (stacked interests):
    every badge shows; each title is cut to its share of the width."""
    widths = column_widths(len(groups), width) if groups else []
    parts = []
    for group, share, name in zip(groups, widths, short_titles(groups, [w - 4 for w in widths])):
        badge = literal(f" {group.tag} ", badge_style(group.side)) if group.side else literal(group.tag, TAG)
        title = literal(name, TEXT)
        if badge.cell_length + 1 + title.cell_length > share:
            title = fit(title, max(1, share - badge.cell_length - 1))
        parts.append(badge + Content(" ") + title)
    return fit(Content("  ").join(parts), width)


def tally_lines(tally: TallyView, width: int, bars: bool = True) -> list[Content]:
    """The verdict, the method and time, who answered, the answers (a bar each, or, without
    ``bars``, all on a line or two), who is below the line."""
    if not tally.complete:
        verdict = join((f" NOT COMPLETE: {tally.counted}/{tally.total} answered ", VERDICT_STYLES["incomplete"]))
    elif tally.consensus:
        verdict = join((" CONSENSUS ", VERDICT_STYLES["consensus"]))
    else:
        verdict = join((" NO CONSENSUS ", VERDICT_STYLES["no-consensus"]))
    answered = "answered" if tally.complete else "answered: not complete"
    about = join((tally.method, TEXT), (f"  {tally.at:%H:%M}", ""))
    counted = join((f"{tally.counted}/{tally.total}", TEXT), (f" {answered}", ""))
    if bars:
        lines = [*verdict.wrap(width), *about.wrap(width), *counted.wrap(width)]
    else:
        lines = (verdict + Content("  ") + about).wrap(width) + counted.wrap(width)
    if bars:
        label_width = max((Content(label).cell_length for label, _ in tally.counts), default=0)
        label_width = min(label_width, max(1, width // 2))
        most = max((n for _, n in tally.counts), default=0)
        room = max(1, min(12, width - label_width - 5))
        for label, n in tally.counts:
            length = 0 if n == 0 else max(1, round(n * room / most)) if most > room else n
            label_cell = fit(Content(label), label_width).plain.ljust(label_width) + " "
            row = join((label_cell, TEXT), ("█" * length + (" " if n else ""), "$primary"), (str(n), TEXT))
            lines.append(fit(row, width))
    else:
        answers = [join((f"{label}:", ""), (f"\u00a0{n}", TEXT)) for label, n in tally.counts]
        lines += Content("   ").join(answers).wrap(width)
    if tally.below:
        lines += join((f"{tally.below} below the line", "bold $error")).wrap(width)
    return lines


def poll_lines(poll: PollView, width: int, height: int = 0) -> list[Content]:
    """A straw poll, big: its title, then for each option its words and, under them, a bar as
    wide as the wall allows with its figure. When ``height`` is short, one line per option
    (the tag, the bar, the figure)."""
    people = f"{poll.people} {'person' if poll.people == 1 else 'people'}"
    lines = join((poll.title, TEXT), (f" · {people} · {poll.at:%H:%M}", MUTED)).wrap(width)
    label_width = max((len(b.label) for b in poll.bars), default=0)
    rank_width = max((len(b.rank) for b in poll.bars), default=1)
    tag_width = max((len(b.tag) for b in poll.bars), default=2)
    ties = literal(poll.ties, "italic $warning").wrap(width) if poll.ties else []
    roomy = not height or len(lines) + 2 * len(poll.bars) + len(ties) <= height
    lead = rank_width + 1 + (0 if roomy else tag_width + 1)
    bar_room = max(1, width - lead - 1 - label_width)
    for bar in poll.bars:
        text_style = TEXT if bar.active else f"strike {MUTED}"
        bar_style = "bold $primary" if bar.active else MUTED
        cells = 0 if bar.fraction <= 0 else max(1, round(bar.fraction * bar_room))
        drawn = join(("█" * cells + " " * (bar_room - cells) + " ", bar_style), (bar.label.rjust(label_width), TEXT))
        if roomy:
            words = join((f"{bar.rank:>{rank_width}} ", MUTED), (bar.tag, TAG), " ", (bar.text, text_style))
            lines.append(fit(words, width))
            lines.append(fit(literal(" " * lead) + drawn, width))
        else:
            head = join((f"{bar.rank:>{rank_width}} ", MUTED), (bar.tag.ljust(tag_width) + " ", TAG))
            lines.append(fit(head + drawn, width))
    return lines + ties


def options_layout(view: RoomView, width: int, height: int) -> Layout:
    """The options, with the latest straw poll's bars beside them when there is room, above them
    when not."""
    poll = view.poll
    if poll is None:
        return Layout((list_lines(view.groups, width, height, view.empty),), (width,))
    if width >= TALLY_BESIDE:
        poll_width = max(30, width * 2 // 5)
        left_width = width - poll_width - 3
        left = list_lines(view.groups, left_width, height, view.empty)
        return Layout((left, poll_lines(poll, poll_width, height)), (left_width, poll_width), 3)
    bars = poll_lines(poll, width, height // 2)
    rest = list_lines(view.groups, width, max(1, height - len(bars) - 1), view.empty)
    return Layout(([*bars, Content(""), *rest],), (width,))


@dataclass(frozen=True)
class Layout:
    """A stage laid out: its columns of lines (one column for a list), their widths, the blank
    between them."""

    columns: tuple[list[Content], ...]
    widths: tuple[int, ...]
    separator: int = 2

    @property
    def lines(self) -> list[Content]:
        return side_by_side(self.columns, self.widths, self.separator)

    @property
    def reading_text(self) -> str:
        """The text in reading order: each column top to bottom, then the next."""
        return "\n".join(line.plain for column in self.columns for line in column)


def consensus_layout(view: RoomView, width: int, height: int) -> Layout:
    """The tally beside the proposal and the TA when there is room; above them when not."""
    if view.tally is None:
        return Layout((list_lines(view.groups, width, height, view.empty),), (width,))
    if width >= TALLY_BESIDE:
        tally_width = min(36, max(30, width // 4))
        left_width = width - tally_width - 3
        left = list_lines(view.groups, left_width, height, "")
        return Layout((left, tally_lines(view.tally, tally_width)), (left_width, tally_width), 3)
    tally = tally_lines(view.tally, width)
    if len(tally) > height // 2:  # a short wall: the answers on a line, the proposal still in view
        tally = tally_lines(view.tally, width, bars=False)
    rest: list[Content] = []
    if any(g.items for g in view.groups):
        rest = list_lines(view.groups, width, max(1, height - len(tally) - 1), "")
    return Layout((tally + ([Content(""), *rest] if rest else []),), (width,))


def body_layout(view: RoomView, width: int, height: int) -> Layout:
    """The current stage's content, laid out for ``width`` × ``height`` cells. On a tall wall
    (``SETTLE_FROM`` rows) a stage that fills less than half of it is moved down by a third of
    the room left, rather than leave the lower half empty."""
    layout = _body_layout(view, max(1, width), height)
    rows = max((len(c) for c in layout.columns), default=0)
    if height >= SETTLE_FROM and rows < height // 2:
        top = [Content("")] * ((height - rows) // 3)
        layout = dataclasses.replace(layout, columns=tuple(top + column for column in layout.columns))
    return layout


def _body_layout(view: RoomView, width: int, height: int) -> Layout:
    if view.stage is Stage.CONSENSUS:
        return consensus_layout(view, width, height)
    if view.stage is Stage.OPTIONS and view.poll is not None:
        return options_layout(view, width, height)
    if view.columns and columns_fit(view.groups, width):
        return Layout(tuple(columns_lines(view.groups, width, height)), tuple(column_widths(len(view.groups), width)))
    if view.columns:  # too narrow for the holders side by side: one list, each item with its badge
        items = tuple(dataclasses.replace(i, tag=g.tag, side=g.side) for g in view.groups for i in g.items)
        lines = list_lines([Group("", items)], width, max(1, height - 2), view.empty)
        return Layout(([legend_line(view.groups, width), Content(""), *lines] if items else lines,), (width,))
    return Layout((list_lines(view.groups, width, height, view.empty),), (width,))


def body_lines(view: RoomView, width: int, height: int) -> list[Content]:
    return body_layout(view, width, height).lines


# --- the heading --------------------------------------------------------------------------------


def where_line(title: str, where: str, width: int) -> Content:
    """``title · where`` on one line: the session's title is cut first, then the place."""
    place = literal(where)
    if place.cell_length + 15 > width:
        return fit(place, width)
    return fit(literal(title, TEXT), width - place.cell_length - 5) + Content("  ·  ") + place


def stage_bar(order: Sequence[Stage], current: Stage, width: int, tails: Sequence[Content] = ()) -> Content:
    """The stages, the current one lit, and at the right end the richest of ``tails`` (the
    clock, the count) that fits. The stages drop their numbers, then their spaces; then a tail
    gives way to a shorter one (or none); only then does every name but the current one's go."""
    order = list(order)
    position = order.index(current) + 1 if current in order else 0

    def steps(numbered: bool, separator: str, pad: str) -> Content:
        parts: list[Content] = []
        reached = True
        for n, stage in enumerate(order, start=1):
            if n > 1:
                parts.append(literal(separator, MUTED))
            label = f"{n} {STAGE_NAMES[stage]}" if numbered else STAGE_NAMES[stage]
            if stage is current:
                parts.append(literal(f"{pad}{label}{pad}", CURRENT_STAGE))
                reached = False
            else:
                parts.append(literal(label, TEXT if reached else MUTED))
        return Content("").join(parts)

    name = STAGE_NAMES.get(current, str(current))
    whole = [steps(True, "  ▸  ", " "), steps(False, " › ", " "), steps(False, "›", "")]
    short = [
        join((f"Stage {position} of {len(order)} ", MUTED), (f" {name} ", CURRENT_STAGE)),
        join((f"{position}/{len(order)} ", MUTED), (f" {name} ", CURRENT_STAGE)),
        join((f" {name} ", CURRENT_STAGE)),
    ]
    options = [t for t in tails if t.plain] + [Content("")]
    for lefts in (whole, short):
        for tail in options:
            room = width - (tail.cell_length + 3 if tail.plain else 0)
            for left in lefts:
                if left.cell_length <= room:
                    if not tail.plain:
                        return left
                    return left + Content(" " * (width - left.cell_length - tail.cell_length)) + tail
    return fit(short[-1], width)


def stage_tails(view: RoomView, clock: tuple[str, str, str] | None, inline_clock: bool) -> list[Content]:
    """What the stage bar may show at its right end, richest first: the clock (``(digits, what
    they mean, "" | "warning" | "over")``, when ``inline_clock``: no big numerals beside it) and
    the count of the stage's items."""
    tails: list[Content] = []
    counts = [literal(f"{view.count} {view.count_label}", TEXT)] if view.stage is not Stage.CONSENSUS else []
    if counts and view.count_detail:
        counts.insert(0, counts[0] + literal(f" · {view.count_detail}", MUTED))
    if clock is not None and inline_clock:
        digits, text, level = clock
        style = {"warning": "bold $warning", "over": "bold $error"}.get(level, TEXT)
        long, short = join((digits, style), (f" {text}", MUTED)), join((digits, style))
        gap = Content("   ")
        tails += [long + gap + c for c in counts] + [long] + [short + gap + c for c in counts[1:]] + [short]
    else:
        tails += counts
    return tails


#: How the parts of the day line look (``schedule.Part`` kinds); "muted" is the caller's.
DAY_STYLES = {"": "", "label": "bold", "title": "bold", "late": "bold $error", "ahead": "bold $success"}


def day_content(today: schedule.Today, width: int, muted: str = MUTED) -> Content:
    """Today's plan on one line of at most ``width`` cells ("Now 10:30–11:15 Article 12 ·
    next 11:15 Caucus · 12 min late"), shortened by ``schedule.day_line`` before anything is cut."""
    parts = schedule.day_line(today, width)
    return join(*((text, muted if kind == "muted" else DAY_STYLES.get(kind, "")) for text, kind in parts))


def size_note(width: int, height: int, hint: bool) -> list[Content]:
    """The foot's note after a zoom (the size and how far it reads) or, with ``hint``, the first
    time: how to zoom. Longest first (for ``first_fit``)."""
    size = readability_note(width, height)
    brief = f"{width}×{height} · readable to ~{readable_distance_m(width):.0f} m"
    about = size.split(" on a ")[0]  # "80×24 · readable to about 12 m"
    if hint:
        variants = [
            f"Type size for the back row: zoom with Ctrl + and Ctrl − (Cmd on a Mac) · {size}",
            f"Zoom: Ctrl + / Ctrl − (Cmd on a Mac) · {size}",
            f"Zoom: Ctrl/Cmd + − · {about}",
            f"Zoom: Ctrl/Cmd + − · {brief}",
            "Zoom: Ctrl/Cmd + −",
        ]
    else:
        variants = [f"{size} · Ctrl/Cmd + zooms in", size, brief]
    return [literal(v, "bold") for v in variants]


def first_fit(variants: Sequence[Content], width: int) -> Content:
    """The first of ``variants`` that fits ``width`` cells, else the last one cut with "…"."""
    for variant in variants:
        if variant.cell_length <= width:
            return variant
    return fit(variants[-1], width)


# --- widgets --------------------------------------------------------------------------------


class Lines(Widget):
    """A widget whose lines are built for its own width (and, for the body, the height it has):
    Textual never wraps them again, and its height is exactly its lines."""

    DEFAULT_CSS = """
    Lines {
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cache: tuple[tuple[int, int], list[Content]] | None = None

    def build(self, width: int, height: int) -> list[Content]:  # pragma: no cover - abstract
        raise NotImplementedError

    def area_height(self, container: Size) -> int:
        return container.height

    def lines(self, width: int, height: int) -> list[Content]:
        key = (width, height)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.build(width, height))
        return self._cache[1]

    def changed(self, layout: bool = True) -> None:
        """The data changed: lay out again (its height may change) and repaint."""
        self._cache = None
        self.refresh(layout=layout)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._height_hint = self.area_height(container)
        return len(self.lines(width, self._height_hint))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        height = getattr(self, "_height_hint", self.size.height)
        return Content("\n").join(self.lines(width, height))

    @property
    def text(self) -> str:
        """The shown lines, plain (tests; a screen reader)."""
        if self._cache is None:
            return ""
        return "\n".join(line.plain for line in self._cache[1])


class WallLine(Lines):
    """One line, built by a function of the width."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._make: Callable[[int], Content] = lambda width: Content("")

    def show(self, make: Callable[[int], Content]) -> None:
        self._make = make
        self.changed(layout=False)  # always one line

    def build(self, width: int, height: int) -> list[Content]:
        return [self._make(width)]


class WallStatement(Lines):
    """The issue's statement: wrapped, at most ``max_lines`` lines, cut with "…"."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.content_ = Content("")
        self.max_lines = 3

    def show(self, content: Content, max_lines: int) -> None:
        if content == self.content_ and max_lines == self.max_lines:
            return
        self.content_, self.max_lines = content, max_lines
        self.changed()

    def build(self, width: int, height: int) -> list[Content]:
        return clipped(self.content_, width, self.max_lines) if self.content_.plain else []


class WallBody(Lines):
    """The current stage's content, laid out for the area it has (see ``body_lines``)."""

    DEFAULT_CSS = """
    WallBody {
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: RoomView | None = None
        self.placeholder = Content("")
        self.layout_: Layout | None = None

    def show(self, view: RoomView | None, placeholder: Content | None = None) -> None:
        self.view = view
        if placeholder is not None:
            self.placeholder = placeholder
        self.changed()

    def area_height(self, container: Size) -> int:
        parent = self.parent
        return parent.scrollable_content_region.height if isinstance(parent, Widget) else container.height

    def build(self, width: int, height: int) -> list[Content]:
        if self.view is None:
            self.layout_ = None
            return self.placeholder.wrap(max(1, width))
        self.layout_ = body_layout(self.view, width, height)
        return self.layout_.lines

    @property
    def text(self) -> str:
        """What the wall shows, in reading order (columns one after another)."""
        if self._cache is None:
            return ""
        return self.layout_.reading_text if self.layout_ is not None else super().text


def show_caucus(line: WallLine, view: RoomView | None) -> None:
    """A running caucus on the wall (the room view's and F8's), with its clock: counting down
    the minutes the team took, then how far over (the line turns to the error colour)."""
    caucus = view.caucus if view is not None else None
    line.display = caucus is not None
    if caucus is None or view is None:
        return
    shown, over = caucus_time(caucus, now())
    line.set_class(over, "-over")
    team = view.caucus_team
    variants = [
        join(("CAUCUS ", "bold"), literal(team, "bold"), f"  {shown}  · the rest of the room waits"),
        join(("CAUCUS ", "bold"), literal(team, "bold"), f"  {shown}"),
        join(("CAUCUS  ", "bold"), shown),
    ]
    line.show(lambda width: first_fit(variants, width))


def round_clock(round_: RoundView, at: datetime) -> tuple[list[str], str]:
    """The round's line on the wall, longest first (the clock is the last thing cut), and its
    level ("", "warning": 5 minutes or less, "over")."""
    table = f"TRAINING · {round_.table}"
    if round_.phase == "preparation":
        return [f"{table} · Preparation: read the briefs", "Preparation: read the briefs"], ""
    if round_.phase == "finished":
        return [f"{table} · Simulation ended: results sheet and debrief", "Simulation ended"], ""
    number = f"round {round_.number} of {round_.total}"
    if round_.phase == "between" or round_.start is None:
        return [f"{table} · {round_.title} ({number}) ended", f"{number.capitalize()} ended"], ""
    left = round_.minutes * 60 - int((at - round_.start).total_seconds())
    clock, level = (f"{mmss(left)} left", "warning" if left <= 5 * 60 else "") if left > 0 else ("", "over")
    if level == "over":
        clock = f"TIME IS UP ({mmss(-left)} over)"
    return [
        f"{table} · {round_.title} ({number}) · {clock}",
        f"{table} · {number.capitalize()} · {clock}",
        f"{number.capitalize()} · {clock}",
        f"R{round_.number}/{round_.total} {clock}",
    ], level


def show_round(line: WallLine, view: RoomView | None) -> None:
    """A training table's round and its clock on the wall (the room view's and F8's), as the
    table's own training bar shows it; hidden for a session that is not a training table."""
    round_ = view.round if view is not None else None
    line.display = round_ is not None
    if round_ is None:
        return
    texts, level = round_clock(round_, now())
    line.set_class(level == "warning", "-warning")
    line.set_class(level == "over", "-over")
    variants = [literal(text, "bold") for text in texts]
    line.show(lambda width: first_fit(variants, width))


def show_day(line: WallLine, view: RoomView | None, rows: int, shown: schedule.Today | None) -> schedule.Today | None:
    """Today's plan on the wall's day line (the room view's and F8's): hidden without one and
    under 14 rows, repainted only when what it says changed. Returns what it says now, for the
    caller to hand back next time."""
    seen = schedule.today(list(view.plan), now()) if view is not None and view.plan else None
    line.display = seen is not None and rows >= 14
    if seen is not None and seen != shown:
        line.show(lambda width: day_content(seen, width))
    return seen
