"""The figures ``make bench`` gathers into one closing table (figure, measured, target, verdict).

Each benchmark prints its own detailed table and also calls :func:`record` for the figures the
performance budget names. When ``bench/run.py`` runs it, ``IBB_BENCH_SUMMARY`` names a file of
JSON lines that collects them; run on its own, a benchmark records nothing.

Units: ``"s"`` (value in seconds, shown in ms), ``"B"`` (bytes, shown in MiB, or KiB under one), ``"x"`` (a ratio,
e.g. start-up against a hello-world app, or growth per 10x items), ``"n"`` (a count: frames,
torn frames). A target is an upper bound in
the same unit; ``None`` means the figure is reported without one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

ENV = "IBB_BENCH_SUMMARY"
MIB = 1024 * 1024


def record(
    bench: str, figure: str, value: float | None, unit: str, target: float | None = None, note: str = ""
) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(
            json.dumps({"bench": bench, "figure": figure, "value": value, "unit": unit, "target": target, "note": note})
            + "\n"
        )


@dataclass(frozen=True)
class Row:
    bench: str
    figure: str
    value: float | None
    unit: str
    target: float | None
    note: str

    def shown(self, number: float | None) -> str:
        if number is None:
            return "-"
        if self.unit == "s":
            ms = number * 1000
            return f"{ms:,.1f} ms" if ms < 100 else f"{ms:,.0f} ms"
        if self.unit == "B":  # a figure under a MiB (memory per phone, say) in KiB, not "0.0 MiB"
            return f"{number / MIB:,.1f} MiB" if abs(number) >= MIB else f"{number / 1024:,.1f} KiB"
        if self.unit == "n":
            return f"{number:,.0f}"
        return f"{number:.2f}x"

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.value is None:
            return "not measured"
        if self.value <= self.target:
            return "ok"
        return "OVER" if self.target == 0 else f"OVER x{self.value / self.target:.1f}"


def read(path: str) -> list[Row]:
    rows = []
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    rows.append(Row(**json.loads(line)))
    except FileNotFoundError:
        pass
    return rows


def table(rows: list[Row]) -> str:
    head = ("figure", "measured", "target", "verdict", "note")
    body = [
        (
            r.figure,
            r.shown(r.value),
            "" if r.target is None else ("<= " if r.unit == "n" else "< ") + r.shown(r.target),
            r.verdict,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(head[i]), *(len(b[i]) for b in body)) if body else len(head[i]) for i in range(4)]
    lines = [
        "  ".join(h.ljust(w) if i in (0, 3) else h.rjust(w) for i, (h, w) in enumerate(zip(head[:4], widths)))
        + "  "
        + head[4]
    ]
    lines.append("-" * len(lines[0]))
    bench = None
    for r, b in zip(rows, body):
        if r.bench != bench:
            bench = r.bench
            lines.append(f"[{bench}]")
        lines.append(
            "  ".join(c.ljust(w) if i in (0, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(b[:4], widths)))
            + "  "
            + b[4]
        )
    return "\n".join(line.rstrip() for line in lines)
