"""The phone page, built on the server: plain HTML with every text escaped, a little script.

One page per device (``page``), in parts the script swaps in place when the room changes
(``parts``): ``names`` (pick your name), ``ballot`` (the vote open now, or its revealed answers),
``ideas`` (the box for an idea, while the facilitator takes them) and ``follow`` (the room view's
content). The script only fetches, posts forms and swaps parts; the page works without it too
(forms post and the server sends the page again), just without following live.

The page asks for nothing from elsewhere (no fonts, no CDN): the server's CSP allows only itself.
Sizes are in ``rem`` with a large base and ``clamp``: readable on a 360-px phone, large on a
projector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from importlib.resources import files
from typing import Any

from ..model import Method, PollKind
from ..process import GRADIENTS, METHOD_LABELS, value_label
from .room import Ballot, Device, DeviceRoom

PARTS = ("names", "ballot", "ideas", "follow")

#: The buttons of a check, by method: (value, label).
CHECK_BUTTONS: dict[Method, tuple[tuple[str, str], ...]] = {
    Method.FIST_TO_FIVE: tuple((str(v), str(v)) for v in range(6)),
    Method.THUMBS: (("up", "👍 up"), ("sideways", "👉 sideways"), ("down", "👎 down")),
    Method.GRADIENTS: tuple((str(n), f"{n} · {label}") for n, label in GRADIENTS.items()),
}


def e(text: object) -> str:
    return escape(str(text), quote=True)


def answer_label(method: Method, answer: object) -> str:
    """A check's answer as people read it ("3", "up", "2 Agreement with a minor point…")."""
    return value_label(method, answer) if isinstance(answer, int | str) else ""


def page(room: DeviceRoom, device: Device | None, title: str, *, back: str = "") -> str:
    """The whole page for ``device`` (None: not yet a name); ``back``: a link to the class's
    tables (the page reached through a training class's door)."""
    body = "\n".join(
        f'<section id="part-{name}" class="part">{html}</section>' for name, html in parts(room, device).items()
    )
    who = f"You are <b>{e(device.name)}</b>" if device else "Pick your name to vote and send ideas"
    link = f'<p class="back"><a href="{e(back)}">← all tables</a></p>' if back else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{e(title)} · in the room</title>
<link rel="stylesheet" href="style.css">
<script src="app.js" defer></script>
</head>
<body data-version="{room.version}">
<header>{link}<h1>{e(title)}</h1><p id="me">{who}</p><p id="say" role="status" aria-live="polite"></p></header>
<main>
{body}
</main>
</body></html>
"""


def parts(room: DeviceRoom, device: Device | None, follow_html: str | None = None) -> dict[str, str]:
    """Each part's HTML for ``device``; ``follow_html`` when the caller keeps it (one a version)."""
    return {
        "names": names_part(room, device),
        "ballot": ballot_part(room, device),
        "ideas": ideas_part(room, device),
        "follow": follow_part(room.follow) if follow_html is None else follow_html,
    }


def names_part(room: DeviceRoom, device: Device | None) -> str:
    if device is not None:
        return ""
    if not room.members:
        return "<h2>Who are you?</h2><p>This session has no members yet: the facilitator adds them.</p>"
    rows = []
    for member in room.members:
        taken = member.name in room.holders
        rows.append(
            f'<button name="name" value="{e(member.name)}"{" disabled" if taken else ""}>'
            f"{e(member.name)}{' <small>(taken)</small>' if taken else ''}</button>"
        )
    return (
        '<h2>Who are you?</h2><form method="post" action="claim" class="names">'
        + "".join(rows)
        + "</form><p class=hint>Your name stays with this phone until the facilitator frees it.</p>"
    )


def ballot_part(room: DeviceRoom, device: Device | None) -> str:
    ballot = room.ballot
    if ballot is None:  # between votes: the last one's answers, as revealed
        last = room.last_revealed
        return f"<h2>Last vote: {e(last.title)}</h2>{revealed_html(last)}" if last is not None else ""
    counted = f"{len(ballot.answers)} of {len(ballot.voters)} have answered"
    head = f"<h2>{e(ballot.title)}</h2>"
    if ballot.revealed:
        return head + revealed_html(ballot)
    if device is None:
        return head + f"<p>A vote is open ({counted}). Pick your name to vote.</p>"
    if device.name not in ballot.voters:
        return head + f"<p>A vote is open ({counted}). {e(device.name)} does not vote in this session.</p>"
    mine = ballot.answers.get(device.name)
    secret = "Nobody sees any answer until the facilitator reveals them all together."
    if ballot.kind == "check":
        assert ballot.method is not None
        buttons = "".join(
            f'<button name="value" value="{e(value)}"{" class=chosen aria-pressed=true" if str(mine) == value else ""}>'
            f"{e(label)}</button>"
            for value, label in CHECK_BUTTONS[ballot.method]
        )
        yours = (
            f"Your answer: <b>{e(answer_label(ballot.method, mine))}</b> (you can change it until the reveal)."
            if mine is not None
            else "You have not answered yet."
        )
        form = f'<form method="post" action="vote" class="choices {ballot.method.value}">{buttons}</form>'
        proposal = f'<p class="proposal">{e(ballot.proposal)}</p>' if ballot.proposal else ""
        heading = f"<h2>{e(METHOD_LABELS[ballot.method])}</h2>"
        return f"{heading}{proposal}{form}<p>{yours}</p><p class=hint>{counted}. {secret}</p>"
    marks = mine if isinstance(mine, dict) else {}
    rows = []
    for choice in ballot.choices:
        have = marks.get(choice.id, 0)
        if ballot.poll_kind is PollKind.DOTS:
            controls = (
                f'<button name="value" value="-1" aria-label="take a dot back from {e(choice.tag)}"'
                f"{' disabled' if not have else ''}>−</button>"
                f'<span class="count">{"●" * have or "·"}</span>'
                f'<button name="value" value="+1" aria-label="a dot on {e(choice.tag)}">+</button>'
            )
        else:
            controls = "".join(
                f'<button name="value" value="{n}"{" class=chosen aria-pressed=true" if have == n else ""}>{n}</button>'
                for n in range(1, 6)
            )
        rows.append(
            '<form method="post" action="vote" class="poll-row">'
            f'<input type="hidden" name="choice" value="{e(choice.id)}">'
            f'<span class="tag">{e(choice.tag)}</span><span class="text">{e(choice.text)}</span>'
            f'<span class="controls">{controls}</span></form>'
        )
    if ballot.poll_kind is PollKind.DOTS:
        left = ballot.dots - sum(marks.values())
        status = f"{left} of your {ballot.dots} dots left."
    else:
        status = f"You scored {len(marks)} of {len(ballot.choices)} options (1 weak – 5 strong)."
    anonymous = " Anonymous: the record keeps the totals, not who marked what." if ballot.anonymous else ""
    return head + "".join(rows) + f"<p>{status}</p><p class=hint>{counted}. {secret}{anonymous}</p>"


def revealed_html(ballot: Ballot) -> str:
    """The answers, revealed: each name's answer for a check; totals for a poll (names too,
    unless anonymous)."""
    if ballot.kind == "check":
        assert ballot.method is not None
        rows = "".join(
            f"<li><b>{e(name)}</b>: {e(answer_label(ballot.method, value))}</li>"
            for name in ballot.voters
            if (value := ballot.answers.get(name)) is not None
        )
        waiting = ballot.waiting()
        still = f"<p>No answer from: {e(', '.join(waiting))}.</p>" if waiting else ""
        return f"<p>Revealed.</p><ul class=answers>{rows}</ul>{still}"
    totals: dict[str, int] = {}
    marked: dict[str, int] = {}
    for answer in ballot.answers.values():
        if isinstance(answer, dict):
            for cid, n in answer.items():
                totals[cid] = totals.get(cid, 0) + n
                marked[cid] = marked.get(cid, 0) + 1
    people = len(ballot.answers)
    dots = ballot.poll_kind is PollKind.DOTS

    def score_of(cid: str) -> float:
        return totals.get(cid, 0) if dots else totals.get(cid, 0) / marked[cid] if cid in marked else 0.0

    bars = []
    top = max((score_of(c.id) for c in ballot.choices), default=0) or 1
    for choice in sorted(ballot.choices, key=lambda c: -score_of(c.id)):
        total = score_of(choice.id)
        label = f"{totals.get(choice.id, 0)} dots" if dots else f"{total:.1f} ({marked.get(choice.id, 0)})"
        bars.append(
            f'<li><span class="tag">{e(choice.tag)}</span> {e(choice.text)} '
            f'<span class="bar" style="--w:{round(100 * total / top)}%"></span> <b>{e(label)}</b></li>'
        )
    return f"<p>Revealed: {people} {'person' if people == 1 else 'people'}.</p><ol class=bars>{''.join(bars)}</ol>"


def ideas_part(room: DeviceRoom, device: Device | None) -> str:
    target = room.ideas_for
    if target is None or device is None:
        return ""
    what = "an option" if target.kind == "option" else "an interest"
    side = (
        '<label class="side"><input type="checkbox" name="ours" value="1"> '
        "my side's interest (else both sides')</label>"
        if target.kind == "interest"
        else ""
    )
    return (
        f"<h2>Send {what}</h2><p class=issue>{e(target.statement)}</p>"
        '<form method="post" action="idea" class="idea" data-reset="1">'
        '<textarea name="text" rows="3" maxlength="400" required placeholder="Your idea, in your words"></textarea>'
        f"{side}"
        "<button>Send</button></form>"
        "<p class=hint>It reaches the facilitator without your name.</p>"
    )


def follow_part(data: Mapping[str, Any]) -> str:
    """The room view's content (``follow`` data, see the app's ``devices`` glue) as HTML."""
    if not data:
        return ""
    out = ['<h2 class="wall">On the wall</h2>', f'<div class="where">{e(data.get("where", ""))}</div>']
    stages: Sequence[str] = data.get("stages", ())
    if stages:
        current = data.get("stage", "")
        out.append(
            '<ol class="stages">'
            + "".join(f"<li{' class=now' if s == current else ''}>{e(s)}</li>" for s in stages)
            + "</ol>"
        )
    if data.get("statement"):
        out.append(f'<p class="statement">{e(data["statement"])}</p>')
    for line in data.get("lines", ()):
        out.append(f'<p class="line">{e(line)}</p>')
    for group in data.get("groups", ()):
        items = "".join(
            f'<li class="{e(item.get("kind", ""))}"><span class="tag">{e(item.get("tag", ""))}</span> '
            f"{e(item.get('text', ''))}" + (f" <small>{e(item['note'])}</small>" if item.get("note") else "") + "</li>"
            for item in group.get("items", ())
        )
        title = f"<h3>{e(group['title'])}</h3>" if group.get("title") else ""
        out.append(f'<div class="group">{title}<ul>{items}</ul></div>')
    if not data.get("groups") and data.get("empty"):
        out.append(f'<p class="empty">{e(data["empty"])}</p>')
    return "".join(out)


STYLE = (files(__package__) / "phone.css").read_text(encoding="utf-8")
SCRIPT = (files(__package__) / "phone.js").read_text(encoding="utf-8")


def join_page(title: str, problem: str = "") -> str:
    """The page at the server's root: type the join code shown on the wall."""
    said = f'<p id="say" role="alert">{e(problem)}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{e(title)}</title><link rel="stylesheet" href="/style.css"></head>
<body><h1>{e(title)}</h1>{said}
<form method="post" action="/join"><label>Join code (on the wall)<br>
<input name="code" class="code" autocomplete="off" autocapitalize="characters" maxlength="12" required></label>
<button>Join</button></form></body></html>
"""


def class_page(title: str, tables: Sequence[tuple[str, str, str, bool]]) -> str:
    """The class's door: every table as (link, label, detail, open); a phone picks its own.
    A table whose room is not open yet is listed without a link; the page looks again every
    15 seconds while one is missing."""
    rows = []
    for link, label, detail, is_open in tables:
        about = f" <small>{e(detail)}</small>" if detail else ""
        if is_open:
            rows.append(f'<li><a class="table" href="{e(link)}">{e(label)}</a>{about}</li>')
        else:
            rows.append(f'<li><span class="table">{e(label)}</span>{about} <small>· not open yet</small></li>')
    waiting = not tables or not all(t[3] for t in tables)
    refresh = '<meta http-equiv="refresh" content="15">\n' if waiting else ""
    listed = f"<ul class=tables>{''.join(rows)}</ul>" if rows else "<p>This class has no tables yet.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
{refresh}<title>{e(title)} · pick your table</title><link rel="stylesheet" href="style.css"></head>
<body><h1>{e(title)}</h1><h2>Which table are you at?</h2>{listed}
<p class=hint>Then pick your name. A table not open yet: its facilitator opens its room to devices.</p>
</body></html>
"""


def table_closed_page(title: str, label: str, why: str) -> str:
    """A table picked at the class's door whose room is not open (``why`` says so)."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="15">
<title>{e(title)} · {e(label)}</title><link rel="stylesheet" href="../../style.css"></head>
<body><h1>{e(label)}</h1><p id="say" role="status">{e(why)}</p>
<p><a href="../../">All the tables</a></p></body></html>
"""
