"""The keys, for the help screen (F1) and the README."""

from __future__ import annotations

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Anywhere", [
        ("type, Enter", "capture a new item for the current stage (issue, interest, option, criterion, proposal)"),
        ("Esc / Tab", "move between the capture line and the list"),
        ("Alt+→ / Alt+←", "next / previous stage (also Ctrl+PgDn / Ctrl+PgUp)"),
        ("Alt+↓ / Alt+↑", "next / previous issue"),
        ("Ctrl+Z", "undo the last change"),
        ("F2 / F3", "start or pause the stage timer / add one minute"),
        ("F4", "parking lot: type, Enter (“… @ owner”)"),
        ("F5", "call a caucus (which team, why) / end the running caucus"),
        ("F6", "ground rules and decision rule"),
        ("F7", "action items and information requests"),
        ("F8", "presentation mode: only the stage content"),
        ("F9", "projector (light) ⇄ dark theme"),
        ("F10 / F12", "training tables only: the trainer's menu (rounds, confidential briefs, results, debrief) / the general brief"),
        ("Ctrl+S", "save to another file"),
        ("Ctrl+P", "command palette: every action by name"),
        ("F1", "this help"),
        ("Ctrl+Q", "quit (everything is already saved)"),
    ]),
    ("Issues", [
        ("Enter", "open the highlighted issue"),
        ("e", "reword it"),
        ("Shift+↑ / Shift+↓", "reorder"),
        ("p", "park / unpark"),
        ("t", "status: withdraw, reinstate, no consensus, reopen"),
    ]),
    ("Interests", [
        ("U: … / M: … / B: …", "type a tag before the text to set the holder (party short name, B for both)"),
        ("Ctrl+T", "change the holder used for new interests"),
        ("h", "change the highlighted interest's holder (each party, then mutual)"),
        ("k", "kind: substantive, procedural, relationship"),
        ("Ctrl+G", "interests side by side by holder"),
        ("e / d", "edit / strike"),
    ]),
    ("Options", [
        ("Ctrl+B", "start / end the brainstorm (no setting aside or combining during it)"),
        ("Space, then c", "mark options, combine them into one"),
        ("x", "set aside / bring back"),
        ("s", "which interests it serves"),
        ("e", "clarify the wording"),
    ]),
    ("Criteria", [
        ("Ctrl+T", "pick from the agenda's criteria starters"),
        ("Tab to the grid, 0–5", "rate the option against the criterion (Backspace clears)"),
        ("e / d", "reword / strike"),
    ]),
    ("Consensus", [
        ("Ctrl+T", "method: fist-to-five, thumbs, gradients, per-party"),
        ("0–5 · u/s/d · 1–8 · y/n", "one key per person (or party); moves to the next"),
        ("Ctrl+R", "record the check; on consensus, write the TA and initials"),
    ]),
]


def help_lines() -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for section, keys in KEYS:
        lines.append((section, "bold underline"))
        width = max(len(k) for k, _ in keys)
        lines.extend((f"  {key:<{width}}  {what}", "") for key, what in keys)
        lines.append(("", ""))
    return lines
