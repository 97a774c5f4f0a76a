"""The room open to devices: names claimed, ideas waiting, the vote open now. Pure rules.

A **device** is a browser that claimed one of the session's member names (``claim``). The name is
held by that device until the facilitator frees it (``free``); a second device asking for it is
refused. The device is known by a random secret (its cookie, ``Device.secret``) and shown by a
short public label (``Device.label``), never by anything about the phone.

**Ideas** (``submit_idea``) reach the facilitator's queue without an author: an ``Idea`` keeps the
words, what it was offered as (an option or an interest, and for an interest the side it was
offered for) and when, not who sent it. The facilitator accepts it into the list (through the
editing layer, like anything typed), merges it with others, or drops it (``take_ideas``).

**A vote** (``open_ballot``): a consensus check (fist-to-five, thumbs, gradients) or a straw poll
(dots or a 1–5 score) over the options named. Each device answers for its own name, and may change
its answer until the facilitator reveals. Until then nobody sees anyone's answer: a device sees
its own, the facilitator sees who has answered (never what), everyone sees how many.
``reveal`` hands the answers over (a check's with names, as IBB's check is open; an anonymous
poll's without) and shows them on every device.

Limits (a room's Wi-Fi, a curious participant, a phone left on the table): each device's actions
are rate-limited (``Bucket``), texts are cut to ``MAX_IDEA_CHARS`` and cleaned of control
characters, the queue holds at most ``MAX_QUEUE`` ideas, and at most ``MAX_DEVICES`` devices.

Every change bumps ``version`` and calls the listeners (the server wakes the phones that wait on
it, the app repaints). Nothing here writes the session: the app does, on the facilitator's word.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..model import MUTUAL, Method, PollKind
from ..process import METHOD_LABELS, allowed_values, response_problem

MAX_DEVICES = 120
#: Names one network address may hold at once (a phone is a person; loopback, a test or the
#: facilitator's own machine, is not counted): a participant with a script cannot take the room.
MAX_NAMES_PER_ADDRESS = 2
MAX_QUEUE = 500
MAX_IDEA_CHARS = 400
#: A join code: six characters a person can read off a wall and type on a phone (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

BallotKind = Literal["check", "poll"]
IdeaKind = Literal["option", "interest"]


class DeviceProblem(ValueError):
    """A device's request the rules refuse: the message is shown on the phone as it is."""


@dataclass
class Bucket:
    """A token bucket: ``burst`` actions at once, then one every ``per`` seconds."""

    burst: float
    per: float
    tokens: float = -1.0
    at: float = 0.0

    def take(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens, self.at = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.at) / self.per)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _buckets() -> dict[str, Bucket]:
    return {"idea": Bucket(5, 10.0), "vote": Bucket(20, 0.5), "claim": Bucket(5, 6.0)}


@dataclass
class Device:
    secret: str  # the device's cookie: whoever holds it acts as this device
    label: str  # shown to the facilitator and kept with a vote: "device 3"
    name: str  # the member name it claimed
    party: str  # that member's party id
    seen: float = 0.0
    address: str = ""  # the network address it claimed from ("" or loopback: not counted)
    buckets: dict[str, Bucket] = field(default_factory=_buckets)


@dataclass(frozen=True)
class Member:
    name: str
    party: str  # party id
    votes: bool  # counts in consensus (not an observer, facilitator, recorder or timekeeper)


@dataclass(frozen=True)
class Idea:
    n: int
    text: str
    kind: IdeaKind
    issue: str  # the issue it was offered for
    holder: str  # an interest's side: a party id or MUTUAL; "" for an option
    at: float


@dataclass(frozen=True)
class IdeaTarget:
    """What the phones may send ideas for now: the issue, its words, and what an idea becomes."""

    issue: str
    statement: str
    kind: IdeaKind


@dataclass(frozen=True)
class Choice:
    """One option of a straw poll, as a phone shows it."""

    id: str
    tag: str  # "#3"
    text: str


@dataclass
class Ballot:
    n: int
    kind: BallotKind
    issue: str
    title: str  # "Fist-to-five on: the proposal" / "Dot vote, 3 dots each"
    method: Method | None = None  # a check's
    poll_kind: PollKind | None = None  # a poll's
    dots: int = 0
    choices: tuple[Choice, ...] = ()
    proposal: str = ""
    anonymous: bool = False
    voters: tuple[str, ...] = ()  # the names whose answers count (a check: the session's voters)
    answers: dict[str, int | str | dict[str, int]] = field(default_factory=dict)  # by name
    labels: dict[str, str] = field(default_factory=dict)  # by name: the device that answered
    revealed: bool = False

    def waiting(self) -> list[str]:
        return [name for name in self.voters if name not in self.answers]


@dataclass(frozen=True)
class Revealed:
    """A ballot's answers as the facilitator's app takes them: (name, party, device label, value),
    in the order of the session's members; an anonymous poll's names are "Participant N"."""

    ballot: Ballot
    answers: tuple[tuple[str, str, str, int | str | dict[str, int]], ...]


def clean_text(text: str, limit: int = MAX_IDEA_CHARS) -> str:
    """One line of text as a person meant it: control and format characters out (a phone's
    newline becomes a space), runs of spaces closed up, cut to ``limit`` characters."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\r\n\t":
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in "\u200d"):
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())[:limit].strip()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(typed: str) -> str:
    """A typed join code as the room compares it: capitals, without the spaces or dashes a
    person may add (``abc-def`` is ``ABCDEF``)."""
    return "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())[: CODE_LENGTH * 2]


class DeviceRoom:
    """One session's room open to devices (see the module docstring)."""

    def __init__(
        self,
        members: Iterable[Member],
        *,
        token: str | None = None,
        code: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token or secrets.token_urlsafe(16)
        self.code = code or new_code()
        self.clock = clock
        self.members: tuple[Member, ...] = tuple(members)
        self.devices: dict[str, Device] = {}  # by secret
        self.holders: dict[str, str] = {}  # member name -> the secret of the device holding it
        self.ideas: list[Idea] = []
        self.ideas_for: IdeaTarget | None = None
        self.ballot: Ballot | None = None
        self.last_revealed: Ballot | None = None
        self.follow: dict[str, object] = {}  # the room view as plain data (pages.follow_part)
        self.follow_version = 0  # the version at which ``follow`` last changed
        self.version = 0
        self._ideas_n = 0
        self._ballots_n = 0
        self._labels_n = 0
        self.listeners: list[Callable[[], object]] = []
        self._claims_from: dict[str, Bucket] = {}  # claims per network address (3, then one every 20 s)

    # --- bookkeeping ------------------------------------------------------------------------

    def changed(self) -> None:
        self.version += 1
        for listener in list(self.listeners):
            listener()

    def token_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    def code_matches(self, typed: str) -> bool:
        return hmac.compare_digest(normal_code(typed).encode(), self.code.encode())

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members if m.name == name), None)

    def set_members(self, members: Iterable[Member]) -> None:
        """The session's members changed: a name no longer there is freed."""
        members = tuple(members)
        if members == self.members:
            return
        self.members = members
        names = {m.name for m in members}
        for name in [n for n in self.holders if n not in names]:
            self._drop_device(self.holders.pop(name))
        self.changed()

    def set_follow(self, data: dict[str, object]) -> None:
        """The room view changed: phones that follow it get it (only then: a change elsewhere in
        the session does not send every phone the same view again)."""
        if data != self.follow:
            self.follow = data
            self.follow_version = self.version + 1
            self.changed()

    def device(self, secret: str | None) -> Device | None:
        if not secret:
            return None
        device = self.devices.get(secret)
        if device is not None:
            device.seen = self.clock()
        return device

    def _drop_device(self, secret: str) -> None:
        self.devices.pop(secret, None)

    def _limit(self, device: Device, action: str) -> None:
        if not device.buckets[action].take(self.clock()):
            raise DeviceProblem("Too many at once: wait a few seconds and send it again.")

    # --- names ------------------------------------------------------------------------------

    def claim(self, secret: str | None, name: str, address: str = "") -> Device:
        """The device (by its secret; a new one when None or unknown) takes ``name``; ``address``:
        the network address it asks from (limited: ``MAX_NAMES_PER_ADDRESS``, and a few claims a
        minute, so that a script cannot take every name)."""
        device = self.device(secret)
        if device is not None:
            if device.name == name:
                return device
            raise DeviceProblem(f"This device is {device.name}. To change, ask the facilitator to free the name.")
        member = self.member(name)
        if member is None:
            raise DeviceProblem("That name is not on this session's list.")
        if name in self.holders:
            raise DeviceProblem(f"{name} is taken on another device. If that is wrong, ask the facilitator to free it.")
        if len(self.devices) >= MAX_DEVICES:
            raise DeviceProblem("The room is full: no more devices can join.")
        counted = address if address and not _loopback(address) else ""
        if counted:
            if sum(d.address == counted for d in self.devices.values()) >= MAX_NAMES_PER_ADDRESS:
                raise DeviceProblem("This device already holds a name: one name a phone. Ask the facilitator.")
            if len(self._claims_from) > 10_000:
                self._claims_from.clear()
            if not self._claims_from.setdefault(counted, Bucket(3, 20.0)).take(self.clock()):
                raise DeviceProblem("Too many names asked for from this device: wait a moment.")
        self._labels_n += 1
        device = Device(
            secret=secrets.token_urlsafe(24),
            label=f"device {self._labels_n}",
            name=name,
            party=member.party,
            seen=self.clock(),
            address=counted,
        )
        self.devices[device.secret] = device
        self.holders[name] = device.secret
        self.changed()
        return device

    def free(self, name: str) -> bool:
        """The facilitator frees ``name``: its device is out (it can pick a name again)."""
        secret = self.holders.pop(name, None)
        if secret is None:
            return False
        self._drop_device(secret)
        if self.ballot is not None and not self.ballot.revealed:
            self.ballot.answers.pop(name, None)
            self.ballot.labels.pop(name, None)
        self.changed()
        return True

    def claimed(self) -> list[tuple[str, str]]:
        """(name, device label) of every claimed name, in the members' order."""
        return [(m.name, self.devices[self.holders[m.name]].label) for m in self.members if m.name in self.holders]

    # --- ideas ------------------------------------------------------------------------------

    def open_ideas(self, target: IdeaTarget | None) -> None:
        if target != self.ideas_for:
            self.ideas_for = target
            self.changed()

    def submit_idea(self, device: Device, text: str, *, ours: bool = False) -> Idea:
        target = self.ideas_for
        if target is None:
            raise DeviceProblem("The facilitator is not taking ideas right now.")
        words = clean_text(text)
        if not words:
            raise DeviceProblem("Type the idea first.")
        if len(self.ideas) >= MAX_QUEUE:
            raise DeviceProblem("The facilitator's queue is full: say it out loud, or wait a moment.")
        self._limit(device, "idea")
        self._ideas_n += 1
        holder = (device.party if ours else MUTUAL) if target.kind == "interest" else ""
        idea = Idea(self._ideas_n, words, target.kind, target.issue, holder, self.clock())
        self.ideas.append(idea)
        self.changed()
        return idea

    def restore_ideas(self, kept: Iterable[dict[str, object]]) -> int:
        """Ideas kept from an earlier opening of the room (``kept_ideas``): back in the queue, in
        their order, with new numbers. A record that is not an idea's is passed over."""
        restored = 0
        for data in kept:
            text, kind, issue, holder = (data.get(k) for k in ("text", "kind", "issue", "holder"))
            if not (isinstance(text, str) and kind in ("option", "interest") and isinstance(issue, str)):
                continue
            words = clean_text(text)
            if not words or len(self.ideas) >= MAX_QUEUE:
                continue
            self._ideas_n += 1
            holder = holder if isinstance(holder, str) else ""
            self.ideas.append(Idea(self._ideas_n, words, kind, issue, holder, self.clock()))
            restored += 1
        if restored:
            self.changed()
        return restored

    def kept_ideas(self) -> list[dict[str, object]]:
        """The queue as plain data, to keep on disk while it waits (no author: there is none)."""
        return [{"text": i.text, "kind": i.kind, "issue": i.issue, "holder": i.holder} for i in self.ideas]

    def take_ideas(self, numbers: Iterable[int]) -> list[Idea]:
        """The facilitator took these ideas off the queue (accepted, merged or dropped)."""
        wanted = set(numbers)
        taken = [i for i in self.ideas if i.n in wanted]
        if taken:
            self.ideas = [i for i in self.ideas if i.n not in wanted]
            self.changed()
        return taken

    # --- votes ------------------------------------------------------------------------------

    def open_check(self, issue: str, method: Method, proposal: str) -> Ballot:
        if method is Method.PER_PARTY:
            raise DeviceProblem(
                "Per-party concurrence is each team's answer, given by its spokesperson: key it, "
                "or change the method (Ctrl+T) to vote on devices."
            )
        title = f"{METHOD_LABELS[method]}" + (f" on: {proposal}" if proposal else "")
        voters = tuple(m.name for m in self.members if m.votes)
        return self._open(Ballot(0, "check", issue, title, method=method, proposal=proposal, voters=voters))

    def open_poll(
        self, issue: str, kind: PollKind, dots: int, choices: Iterable[Choice], *, title: str, anonymous: bool
    ) -> Ballot:
        voters = tuple(m.name for m in self.members if m.votes)
        ballot = Ballot(
            0,
            "poll",
            issue,
            title,
            poll_kind=kind,
            dots=dots,
            choices=tuple(choices),
            anonymous=anonymous,
            voters=voters,
        )
        return self._open(ballot)

    def _open(self, ballot: Ballot) -> Ballot:
        """A new vote on every device. Refused while another one holds answers not yet revealed
        (they would be lost): reveal that one first. One with no answer yet gives way."""
        open_now = self.ballot
        if open_now is not None and not open_now.revealed and open_now.answers:
            count = len(open_now.answers)
            raise DeviceProblem(
                f"Another vote is open on the devices ({open_now.title}) with {count} answer"
                f"{'s' if count != 1 else ''} hidden: reveal it first."
            )
        if open_now is not None and open_now.revealed:
            self.last_revealed = open_now
        self._ballots_n += 1
        ballot.n = self._ballots_n
        self.ballot = ballot
        self.changed()
        return ballot

    def close_ballot(self) -> None:
        """The vote is over (recorded, or called off): the phones go back to following."""
        if self.ballot is not None:
            if self.ballot.revealed:
                self.last_revealed = self.ballot
            self.ballot = None
            self.changed()

    def vote(self, device: Device, value: str, choice: str = "") -> None:
        """The device's answer: a check's value ("3", "up"), a poll's score for ``choice``
        ("4", "" to clear) or a dot on / off ``choice`` ("+1", "-1")."""
        ballot = self.ballot
        if ballot is None or ballot.revealed:
            raise DeviceProblem("No vote is open now.")
        if device.name not in ballot.voters:
            raise DeviceProblem(f"{device.name} does not vote in this session (observer or facilitator).")
        self._limit(device, "vote")
        answer: int | str | dict[str, int]
        if ballot.kind == "check":
            assert ballot.method is not None
            answer = _check_value(ballot.method, value)
        else:
            answer = self._poll_answer(ballot, device.name, value, choice)
        if answer == {}:
            ballot.answers.pop(device.name, None)
            ballot.labels.pop(device.name, None)
        else:
            ballot.answers[device.name] = answer
            ballot.labels[device.name] = device.label
        self.changed()

    def _poll_answer(self, ballot: Ballot, name: str, value: str, choice: str) -> dict[str, int]:
        if choice not in {c.id for c in ballot.choices}:
            raise DeviceProblem("That option is not in this poll.")
        before = ballot.answers.get(name)
        marks = dict(before) if isinstance(before, dict) else {}
        if ballot.poll_kind is PollKind.DOTS:
            step = {"+1": 1, "-1": -1}.get(value)
            if step is None:
                raise DeviceProblem("A dot is added (+1) or taken back (-1).")
            count = marks.get(choice, 0) + step
            if count < 0:
                raise DeviceProblem("No dot on that option to take back.")
            if step > 0 and sum(marks.values()) >= ballot.dots:
                raise DeviceProblem(f"All your {ballot.dots} dots are placed: take one back first.")
            marks[choice] = count
        else:
            if value == "":
                marks[choice] = 0
            elif value in ("1", "2", "3", "4", "5"):
                marks[choice] = int(value)
            else:
                raise DeviceProblem("A score is 1 to 5.")
        return {cid: n for cid, n in marks.items() if n}

    def reveal(self) -> Revealed:
        """Show the answers: on every device, and to the facilitator's app (returned)."""
        ballot = self.ballot
        if ballot is None:
            raise DeviceProblem("No vote is open.")
        ballot.revealed = True
        party = {m.name: m.party for m in self.members}
        order = [m.name for m in self.members if m.name in ballot.answers]
        if ballot.anonymous:
            shuffled = list(order)
            secrets.SystemRandom().shuffle(shuffled)
            answers = tuple(
                (f"Participant {n}", "", "device", ballot.answers[name]) for n, name in enumerate(shuffled, 1)
            )
        else:
            answers = tuple((name, party[name], ballot.labels.get(name, ""), ballot.answers[name]) for name in order)
        self.changed()
        return Revealed(ballot, answers)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_value(method: Method, value: str) -> int | str:
    allowed = allowed_values(method)
    answer: int | str = int(value) if value.isdecimal() and len(value) < 3 else value
    if response_problem(method, answer) is not None:
        raise DeviceProblem(f"{value[:20]!r} is not an answer here: one of {', '.join(map(str, allowed))}.")
    return answer


def members_of(parties: Iterable[tuple[str, Iterable[str]]], voters: Iterable[str]) -> list[Member]:
    """``Member``s from (party id, member names) pairs and the names that count in consensus."""
    counting = set(voters)
    return [Member(name, party, name in counting) for party, names in parties for name in names if name.strip()]
