"""What options and TAs cost, added up exactly and held against the team's budget.

An option or a TA carries cost lines (``model.CostLine``: a label, an amount for each contract
year, the basis, who costed it and when); the session records the contract's years and the
team's budget for each (``model.Costing``). This module adds them up per option, per TA and for
the package of TAs in force, per year and overall, says how far over or under the budget the
package is, formats amounts for people and reads what a recorder types.

Pure, and light: no pydantic at run time (the negotiation's board adds up TAs' costs from its
facts, without the models). Money is ``Decimal`` from end to end: no float is ever made here (a
float turns 0.1 + 0.2 into 0.30000000000000004). Sums run in a context that raises rather than
rounds (``_EXACT``).

What a recorder may type for an amount (``parse_amount``), decided once for every form:

- digits, with an optional minus (a saving) and an optional ``$``: ``474000``, ``-1250``, ``$474000``;
- commas (or spaces) between groups of three digits: ``474,000``, ``1 250 000``;
- cents after a point: ``1250.5``, ``1250.50`` (at most two digits: money is counted in cents);
- a ``k`` (thousand) or ``m`` (million) after the number: ``474k``, ``$1.2m``, ``1.25M``.

Refused, each with a one-line reason: anything else (words, ``%``, two points), a comma that
does not group three digits (``1,2``, ``474,00``: a decimal comma?) and a point followed by
exactly three digits with nothing else (``1.234``: one thousand two hundred thirty-four, as some
countries write it, or one point two three four?). Ambiguous input is refused, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # (the shapes only: the negotiation's board adds up costs without the models)
    from .model import CostLine, Option, Session, TentativeAgreement


class Costing(Protocol):
    """The contract's years and the budget: ``model.Costing``, or a ``Budget`` (the board's)."""

    @property
    def years(self) -> Sequence[str]: ...
    @property
    def budget(self) -> Sequence[Decimal]: ...
    @property
    def note(self) -> str: ...


@dataclass(frozen=True)
class Budget:
    """``model.Costing`` as plain data (the negotiation's facts: no pydantic on the board)."""

    years: tuple[str, ...] = ()
    budget: tuple[Decimal, ...] = ()
    note: str = ""


ZERO = Decimal(0)

#: Sums never round: 60 digits hold any sum of amounts the file allows (15 digits before the
#: point, 6 after), and a sum that would round raises instead.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


class AmountError(ValueError):
    """What a recorder typed is not an amount: the message says why, in one line."""


# --- reading what a recorder types -------------------------------------------------------------

_SUFFIX = {"k": Decimal(1000), "m": Decimal(1_000_000)}
_GROUPED = re.compile(r"^[0-9]{1,3}([, ][0-9]{3})+$")  # 474,000 · 1 250 000
_DIGITS = re.compile(r"^[0-9]+$")


def parse_amount(text: str) -> Decimal:
    """The amount ``text`` names (see the module's rules), exact; ``AmountError`` if it names none."""
    raw = text.strip()
    if not raw:
        raise AmountError("type an amount, e.g. 474000 or 474,000 or $1.2m")
    s = raw.replace("\u2212", "-")  # the minus sign a word processor types
    negative = s.startswith("-")
    s = s.removeprefix("-").strip().removeprefix("$").strip()
    if not negative and s.startswith("-"):  # "$-1,000"
        negative, s = True, s[1:].strip()
    if "%" in s:
        raise AmountError(f"{raw!r} is a percentage: type what it costs (the cost table gives 1 % in dollars)")
    scale = Decimal(1)
    if s[-1:].lower() in _SUFFIX:
        scale = _SUFFIX[s[-1].lower()]
        s = s[:-1].strip()
    whole, point, cents = s.partition(".")
    if not whole and point:
        whole = "0"
    if not (_DIGITS.match(whole) or _GROUPED.match(whole)):
        if "," in whole and re.fullmatch(r"[0-9]+,[0-9]{1,2}", whole):
            raise AmountError(f"{raw!r} is ambiguous: commas group thousands (1,200); type a point for cents (1.20)")
        raise AmountError(f"{raw!r} is not an amount: type digits, e.g. 474000, 474,000, $1.2m or -1250.50")
    if point:
        if not _DIGITS.match(cents):
            raise AmountError(f"{raw!r} is not an amount: one point, digits after it (1250.50)")
        if scale == 1 and len(cents) == 3 and _DIGITS.match(whole):
            raise AmountError(
                f"{raw!r} is ambiguous: type {whole}{cents} for thousands or {whole}.{cents[:2]} for cents"
            )
        if scale == 1 and len(cents) > 2:
            raise AmountError(f"{raw!r} has more than cents: at most two digits after the point")
        if len(cents) > 6:
            raise AmountError(f"{raw!r}: at most six digits after the point")
    number = Decimal(whole.replace(",", "").replace(" ", "") + (f".{cents}" if point else ""))
    with localcontext(_EXACT):
        value = number * scale
    if value != value.quantize(Decimal("0.01"), context=Context(prec=60)):
        raise AmountError(f"{raw!r} is not a whole number of cents")
    value = canonical(-value if negative else value)
    if len(format(abs(value).quantize(Decimal(1), context=Context(prec=60)), "f")) > 15:
        raise AmountError(f"{raw!r} is too large (at most 15 digits)")
    return value


def canonical(value: Decimal) -> Decimal:
    """``value`` in its shortest plain form: 1200000.0 → 1200000, 1250.50 → 1250.5, -0 → 0."""
    if value == 0:
        return ZERO
    value = value.normalize(context=_EXACT)
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_EXACT)
    return value


def parse_amounts(texts: Sequence[str]) -> list[Decimal]:
    """One amount per contract year from the form's fields: a blank field costs nothing (0), and
    blanks at the end are left out. ``AmountError`` names the year whose field is wrong."""
    values: list[Decimal] = []
    for n, text in enumerate(texts, start=1):
        try:
            values.append(parse_amount(text) if text.strip() else ZERO)
        except AmountError as exc:
            raise AmountError(f"year {n}: {exc}") from None
    while values and values[-1] == 0 and not texts[len(values) - 1].strip():
        values.pop()
    return values


# --- formatting for people -----------------------------------------------------------------------


def format_amount(value: Decimal, *, signed: bool = False) -> str:
    """``474,000``, ``1,250.50``, ``-12,000`` (``signed``: ``+12,000`` too). Exact: Decimal's own
    formatting, never a float."""
    if value == value.to_integral_value():
        text = format(value, ",.0f")
    else:
        places = max(2, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
        text = format(value, f",.{places}f")
    if text.startswith("-0") and value == 0:
        text = text[1:]
    return f"+{text}" if signed and value > 0 else text


def plain_amount(value: Decimal) -> str:
    """The amount as the file stores it (no separators): ``474000``, ``1250.5``."""
    return format(value, "f")


def typed_amount(value: Decimal) -> str:
    """The amount put back into a form, as a person would type it: ``474,000``, ``1,250.50``;
    an amount with more than cents (a file may hold six decimals) as the file has it, which the
    form takes back as it is (``parse_amount`` would find ``0.125`` ambiguous)."""
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        return format_amount(value)
    return plain_amount(value)


# --- totals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """What some cost lines add up to: per contract year, and overall."""

    per_year: tuple[Decimal, ...]
    total: Decimal
    lines: int  # how many cost lines were added up (0: nothing was costed)

    @property
    def costed(self) -> bool:
        return self.lines > 0


NOTHING = Totals((), ZERO, 0)


def _sum(rows: Iterable[Sequence[Decimal]]) -> tuple[Decimal, ...]:
    per_year: list[Decimal] = []
    with localcontext(_EXACT):
        for amounts in rows:
            for year, amount in enumerate(amounts):
                if year == len(per_year):
                    per_year.append(ZERO)
                per_year[year] += amount
    return tuple(per_year)


def _total(per_year: Sequence[Decimal]) -> Decimal:
    with localcontext(_EXACT):
        return sum(per_year, ZERO)


def add_up(lines: Iterable[CostLine]) -> Totals:
    """The per-year and overall totals of ``lines``, exact."""
    lines = list(lines)
    per_year = _sum(line.amounts for line in lines)
    return Totals(per_year, _total(per_year), len(lines))


def add_amounts(rows: Iterable[Sequence[str | Decimal]]) -> Totals:
    """``add_up`` for plain data: each row a cost line's amounts (plain-number strings, as the
    negotiation's facts keep them, or ``Decimal``)."""
    exact = [[Decimal(a) for a in row] for row in rows]
    per_year = _sum(exact)
    return Totals(per_year, _total(per_year), len(exact))


def line_total(line: CostLine) -> Decimal:
    return add_up([line]).total


def option_totals(option: Option) -> Totals:
    return add_up(option.costs)


def ta_totals(ta: TentativeAgreement) -> Totals:
    return add_up(ta.costs)


def combine(totals: Iterable[Totals]) -> Totals:
    """Several totals added up (the package: each TA's)."""
    totals = list(totals)
    per_year = _sum(t.per_year for t in totals)
    return Totals(per_year, _total(per_year), sum(t.lines for t in totals))


def package_totals(agreements: Iterable[TentativeAgreement]) -> Totals:
    """The package: the costs of the TAs given (the ones in force: ``Session.standing_agreements``)."""
    return combine(ta_totals(ta) for ta in agreements)


def session_package(session: Session) -> Totals:
    """This session's package: every TA in force."""
    return package_totals(session.standing_agreements())


# --- the contract's years and the budget -----------------------------------------------------------


def year_labels(costing: Costing | None, count: int = 0) -> list[str]:
    """The contract's years, as the team named them ("2027–28"), at least ``count`` of them
    (the ones no name was given for: "Year 3")."""
    names = list(costing.years) if costing is not None else []
    return names + [f"Year {n}" for n in range(len(names) + 1, count + 1)]


@dataclass(frozen=True)
class YearVerdict:
    """One year (or, with ``year`` "Total", all of them) of a package held against the budget."""

    year: str
    cost: Decimal
    budget: Decimal | None  # None: no budget recorded for it
    #: cost minus budget: above zero, over budget by that much; below, under (None: no budget)
    over: Decimal | None


def against_budget(totals: Totals, costing: Costing | None) -> list[YearVerdict]:
    """Each year's cost against its budget, then the overall total ("Total") against the whole
    budget. A year without a budget has none to be over; the total has a budget only when every
    costed year has one."""
    budget = list(costing.budget) if costing is not None else []
    count = max(len(totals.per_year), len(budget), len(costing.years) if costing is not None else 0)
    labels = year_labels(costing, count)
    rows: list[YearVerdict] = []
    with localcontext(_EXACT):
        for n in range(count):
            cost = totals.per_year[n] if n < len(totals.per_year) else ZERO
            limit = budget[n] if n < len(budget) else None
            rows.append(YearVerdict(labels[n], cost, limit, None if limit is None else cost - limit))
        whole = sum(budget, ZERO) if budget and len(budget) >= len(totals.per_year) else None
        rows.append(YearVerdict("Total", totals.total, whole, None if whole is None else totals.total - whole))
    return rows


def verdict_words(verdict: YearVerdict) -> str:
    """``78,000 under budget``, ``12,500 over budget``, ``on budget`` or ``no budget``."""
    if verdict.over is None:
        return "no budget"
    if verdict.over > 0:
        return f"{format_amount(verdict.over)} over budget"
    if verdict.over < 0:
        return f"{format_amount(-verdict.over)} under budget"
    return "on budget"


def budget_line(totals: Totals, costing: Costing | None) -> str:
    """One line for a header or a footer: "Package 1,422,000 of 1,500,000 budget: 78,000 under budget"."""
    whole = against_budget(totals, costing)[-1]
    if whole.budget is None:
        return f"Package {format_amount(totals.total)} (no budget recorded)"
    return f"Package {format_amount(totals.total)} of {format_amount(whole.budget)} budget: {verdict_words(whole)}"


def per_year_text(totals: Totals, costing: Costing | None) -> str:
    """``2027–28 474,000 · 2028–29 948,000``: each year's total, for a line of text."""
    labels = year_labels(costing, len(totals.per_year))
    return " · ".join(
        f"{label} {format_amount(amount)}" for label, amount in zip(labels, totals.per_year, strict=False)
    )


def short_total(totals: Totals) -> str:
    """What a list row or a grid cell shows: ``$1,422,000`` ("" when nothing was costed)."""
    return f"${format_amount(totals.total)}" if totals.costed else ""


def lines_text(lines: Sequence[CostLine]) -> str:
    """Cost lines in one line of text: ``Salary step 1,422,000; Retro pay 1,000 (total 1,423,000)``
    ("" for none)."""
    if not lines:
        return ""
    parts = [f"{line.label} {format_amount(line_total(line))}" for line in lines]
    said = "; ".join(parts)
    return said if len(lines) == 1 else f"{said} (total {format_amount(add_up(lines).total)})"


def costing_text(costing: Costing | None) -> str:
    """The contract's years and budget in one line: ``2027–28 1,500,000 · 2028–29 (no budget)``."""
    if costing is None:
        return ""
    labels = year_labels(costing, len(costing.budget))
    parts = [
        f"{label} {format_amount(costing.budget[n]) if n < len(costing.budget) else '(no budget)'}"
        for n, label in enumerate(labels)
    ]
    return " · ".join(parts) + (f" ({costing.note})" if costing.note else "")
