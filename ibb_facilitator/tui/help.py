"""The keys, for the help screen (F1) and the README."""

from __future__ import annotations

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Anywhere",
        [
            ("type, Enter", "capture a new item for the current stage (issue, interest, option, criterion, proposal)"),
            ("", "the capture line always has the keyboard: typed words are text, never commands"),
            ("↑ / ↓ (PgUp / PgDn)", "point at an item of the list (the highlight)"),
            ("Ctrl+O", "the pointed item's menu: every command on it (also in the palette, Ctrl+P)"),
            ("Ctrl+E", "edit / reword the pointed item"),
            ("Shift+↑ / Shift+↓", "reorder the pointed item"),
            (
                "Alt+→ / Alt+←",
                "next / previous stage (also Ctrl+PgDn / Ctrl+PgUp); from the issues, open the pointed one",
            ),
            ("Alt+↓ / Alt+↑", "next / previous issue"),
            ("Ctrl+Z", "undo the last change (every strike, set-aside and status change says so)"),
            ("F2 / F3", "start or pause the stage timer / add one minute"),
            ("F4", "parking lot: type, Enter (“… @ owner”); Ctrl+D resolved, Ctrl+E edit, Ctrl+O owner"),
            ("F5", "call a caucus (which team, why) / end the running caucus"),
            ("F6", "ground rules and decision rule"),
            ("F7", "action items and information requests (“… @ owner due next Friday”)"),
            ("F8", "presentation mode: the wall in this window (keys still record; F8 returns)"),
            ("F9", "projector (light) ⇄ dark theme"),
            (
                "Ctrl+Y",
                "coaching notes for the facilitator (positions, unserved interests, unrated options...): "
                "show / hide; never on the wall unless the palette's “Coaching notes on the wall” says so",
            ),
            (
                "Ctrl+L",
                "next block of today's plan (the first press starts the day); the line under the title says "
                "what is on now, what is next and how late the team is running",
            ),
            (
                "Ctrl+P, day's plan",
                "the day's blocks (done, now, next): Ctrl+G we are on this block, Ctrl+↓ / Ctrl+↑ move it and "
                "the rest of the day 5 min later / earlier",
            ),
            (
                "F10 / F12",
                "training tables only: the trainer's menu (rounds, confidential briefs, results, debrief) / the "
                "general brief",
            ),
            (
                "F11",
                "devices in the room: people join from their phones (join code, QR code); their ideas wait here "
                "without authors (Enter accepts, Space marks, Ctrl+E merges, Delete drops); checks and straw polls "
                "are answered on the phones, hidden until revealed",
            ),
            ("Ctrl+N", "the negotiation board: every issue of this folder's sessions; Enter on a row opens it there"),
            ("Ctrl+S", "save to another file"),
            ("Ctrl+P", "command palette: every action by name"),
            ("F1", "this help"),
            ("Ctrl+Q", "quit (everything is already saved, an open TA editor too)"),
        ],
    ),
    (
        "Issues",
        [
            ("Alt+→", "open the pointed issue"),
            ("Ctrl+O", "reword, status (withdraw, reinstate, no consensus, reopen), park / unpark"),
        ],
    ),
    (
        "Interests",
        [
            ("U: … / M: … / B: …", "type a tag before the text to set the holder (party short name, B for both)"),
            ("", "the holder new lines get is shown at the left of the capture line"),
            ("Ctrl+T", "change the holder used for new interests"),
            ("Ctrl+O", "the pointed interest: holder, kind, strike"),
            ("Ctrl+G", "interests side by side by holder"),
        ],
    ),
    (
        "Options",
        [
            ("Ctrl+B", "start / end the brainstorm (no setting aside or combining during it)"),
            ("Ctrl+O", "mark for combining, combine the marked, set aside / bring back, which interests it serves"),
            ("Ctrl+R", "straw poll: a dot vote (N dots each) or 1–5 score, keyed per person; its bars show beside"),
            ("Ctrl+O", "keep the top K of the latest poll: the others set aside in one change (a tie is asked about)"),
            ("Ctrl+K", "the pointed option's cost lines: an amount per contract year, the basis, who costed it"),
            ("", "the palette's “Contract years and budget” sets the years and the team's budget"),
        ],
    ),
    (
        "Criteria",
        [
            ("Ctrl+T", "pick from the agenda's criteria starters"),
            ("Ctrl+R", "RATING: the grid takes the keys, 0–5 rate a cell (Backspace clears); Esc or a move ends it"),
            ("Shift+↑ / ↓ rating", "weight of the cursor's criterion, ×1 to ×9: Σ is score × weight"),
            ("Shift+→ / ← rating", "its must-pass line (off, 1–5): an option rated below it is struck, unranked"),
            ("Ctrl+O", "Weight… / Must-pass line… for the pointed criterion (typed: 1–9, 0–5, empty for off)"),
        ],
    ),
    (
        "Consensus",
        [
            ("type, Enter", "the proposal being tested (each issue keeps its own; Ctrl+E brings it back to edit)"),
            ("Ctrl+D", "the draft of the language: Ctrl+S saves a revision; a check tests the latest, the TA is it"),
            ("Ctrl+T", "method: fist-to-five, thumbs, gradients, per-party"),
            ("Ctrl+R", "VOTING: one key per person (0–5 · u/s/d · 1–8 · y/n), A absent / not voting"),
            ("Ctrl+R again", "record the check: only when everyone counted has answered or is absent"),
            (
                "Ctrl+O",
                "the draft's changes since the last check and its revisions; write the TA for the last consensus "
                "check, view it whole, initial it, edit text / title / article, its cost lines",
            ),
        ],
    ),
]


def help_lines() -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for section, keys in KEYS:
        lines.append((section, "bold underline"))
        width = max(len(k) for k, _ in keys)
        lines.extend((f"  {key:<{width}}  {what}", "") for key, what in keys)
        lines.append(("", ""))
    return lines
