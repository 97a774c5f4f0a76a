"""A small TOML writer with a fixed, diff-friendly layout.

Why not ``tomli_w``: it chooses between an inline array and ``[[array]]`` tables by line length,
so rewording one interest can re-lay out every interest of the issue in a diff. Session files are
read by people and compared with ``diff``; the layout must depend on the *kind* of data only:

- every list of tables is written as ``[[array]]`` tables, except the keys in ``INLINE_ROWS``
  (consensus responses, TA initials, a plan day's blocks, cost lines), which are one inline table per line;
- a table under a key in ``INLINE_TABLES`` (an event's ``data``, an option's ``scores``) is one
  inline table on the key's line;
- a string with a newline is a multi-line string; every other string is a one-line basic string;
- a list of scalars is one line when short, one item per line otherwise;
- an amount of money (a ``Decimal``) is a string of its plain number, ``"474000.50"``: a TOML
  float would round it, and the model reads the string back to the same ``Decimal``.

``tomllib`` (and rtoml, which the store reads with) reads what this writes; the test suite checks
the exact round-trip with hypothesis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

INLINE_ROWS = frozenset({"responses", "initials", "blocks", "costs"})
INLINE_TABLES = frozenset({"data", "scores"})
_SHORT = 72


def _escape_table(multiline: bool) -> dict[int, str]:
    table = {c: f"\\u{c:04x}" for c in (*range(0x20), 0x7F)}
    table.update({0x08: "\\b", 0x0C: "\\f", 0x0D: "\\r", 0x0A: "\\n", 0x22: '\\"', 0x5C: "\\\\"})
    del table[0x09]  # a tab is allowed as it is
    if multiline:
        del table[0x0A]
    return table


_ONE_LINE = _escape_table(False)
_MULTI_LINE = _escape_table(True)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


_PLAIN = re.compile(r'[\x00-\x1f\x7f"\\]')  # a string without these is written as it is
_KEYS: dict[str, str] = {}


def string(value: str, multiline: bool = True) -> str:
    if multiline and "\n" in value:
        # The newline right after the opening quotes is not part of the value.
        return '"""\n' + value.translate(_MULTI_LINE) + '"""'
    if _PLAIN.search(value) is None:
        return '"' + value + '"'
    return '"' + value.translate(_ONE_LINE) + '"'


def key(name: str) -> str:
    found = _KEYS.get(name)
    if found is None:
        found = name if _BARE_KEY.match(name) else string(name, multiline=False)
        if len(_KEYS) < 1024:  # field names repeat; free-form data keys must not grow it forever
            _KEYS[name] = found
    return found


def literal(value: object, *, inline: bool = False) -> str:
    kind = type(value)
    if kind is str:
        return string(value, multiline=not inline)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return string(value, multiline=not inline)
    if isinstance(value, Decimal):
        return '"' + format(value, "f") + '"'  # (model.Amount: always a plain number)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return inline_table(value)
    if isinstance(value, (list, tuple)):
        items = [literal(v, inline=True) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if inline or len(one_line) <= _SHORT:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


_ALL_BARE = re.compile(r"[A-Za-z0-9_-]+")  # (fullmatch: every key of a table joined)
_INTS = {int}


def inline_ints(value: Mapping[str, object]) -> str:
    """``inline_table(value)`` for a table of ints (an option's scores): with bare keys and exact
    ints, Python's own repr of the dict (in C) is the same text but for the quotes around the
    keys and ": " for " = "; anything else goes the general way."""
    if (
        type(value) is dict
        and set(map(type, value.values())) == _INTS
        and "" not in value
        and _ALL_BARE.fullmatch("".join(value))
    ):
        return "{ " + str(value)[1:-1].replace("'", "").replace(": ", " = ") + " }"
    return inline_table(value)


def inline_table(value: Mapping[str, object]) -> str:
    if not value:
        return "{}"
    keys = _KEYS
    items = []
    v: Any  # dispatched on type(v) (exact types, faster than isinstance), which mypy does not narrow through
    for k, v in value.items():
        kind = type(v)
        if kind is str and v.isprintable() and '"' not in v and "\\" not in v:
            items.append(f'{keys.get(k) or key(k)} = "{v}"')
        elif kind is int:
            items.append(f"{keys.get(k) or key(k)} = {v}")
        else:
            items.append(f"{keys.get(k) or key(k)} = {literal(v, inline=True)}")
    return "{ " + ", ".join(items) + " }"


def _is_table_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _write(table: Mapping[str, object], name: str, out: list[str]) -> None:
    """Append the text of ``table`` (its keys, then its tables) to ``out``.

    The common value types (exact ``str``, ``int``, ``bool``, ``list``, ``dict``) are written
    here without a call per value: a 10,000-item session has some 300,000 keys. Anything else
    goes the general way (``literal``); the text is the same either way.
    """
    put = out.append
    nested: list[tuple[str, object]] = []
    keys = _KEYS
    v: Any  # dispatched on type(v), as in inline_table
    for k, v in table.items():
        kind = type(v)
        if kind is str:
            if "\n" in v:
                put(f'{keys.get(k) or key(k)} = """\n{v.translate(_MULTI_LINE)}"""\n')
            elif _PLAIN.search(v) is None:
                put(f'{keys.get(k) or key(k)} = "{v}"\n')
            else:
                put(f'{keys.get(k) or key(k)} = "{v.translate(_ONE_LINE)}"\n')
        elif kind is int:
            put(f"{keys.get(k) or key(k)} = {v}\n")
        elif kind is bool:
            put(f"{keys.get(k) or key(k)} = {'true' if v else 'false'}\n")
        elif kind is list and not (v and isinstance(v[0], Mapping)):
            put(f"{keys.get(k) or key(k)} = {literal(v)}\n")  # scalars, or empty
        elif kind is dict or isinstance(v, Mapping):
            if k in INLINE_TABLES:
                put(f"{keys.get(k) or key(k)} = {inline_table(v)}\n")
            else:
                nested.append((k, v))
        elif _is_table_list(v):
            if k in INLINE_ROWS:
                rows = "".join([f"    {inline_table(row)},\n" for row in v])
                put(f"{keys.get(k) or key(k)} = [\n{rows}]\n")
            else:
                nested.append((k, v))
        else:
            put(f"{keys.get(k) or key(k)} = {literal(v)}\n")
    for k, v in nested:
        full = f"{name}.{key(k)}" if name else key(k)
        if isinstance(v, Mapping):
            put(f"\n[{full}]\n")
            _write(v, full, out)
        else:
            header = f"\n[[{full}]]\n"
            for row in v:
                put(header)
                _write(row, full, out)


def dumps(document: Mapping[str, object]) -> str:
    """TOML text for ``document`` (plain dicts, lists, str, int, bool, date, datetime)."""
    out: list[str] = []
    _write(document, "", out)
    return "".join(out)


# --- in pieces, for the autosave cache (``savecache``) ------------------------------------------


class Written:
    """The rows of a top-level array of tables, each written earlier by ``array_table`` (as bytes).

    ``dumps_parts`` puts them where ``dumps`` would have written the rows themselves.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: list[bytes]):
        self.rows = rows


def array_table(row: Mapping[str, object], name: str) -> str:
    """One row of the top-level array ``name``: exactly the text ``dumps`` writes for it."""
    full = key(name)
    out = [f"\n[[{full}]]\n"]
    _write(row, full, out)
    return "".join(out)


def _nested(name: str, value: object) -> bool:
    """Whether ``_write`` writes ``name = value`` after the plain keys, as a table or tables."""
    if name in INLINE_ROWS and _is_table_list(value):
        return False
    if name in INLINE_TABLES and isinstance(value, Mapping):
        return False
    return isinstance(value, (Mapping, Written)) or _is_table_list(value)


def dumps_parts(document: Mapping[str, object]) -> list[bytes]:
    """``dumps(document).encode()`` in pieces, where ``Written`` values are spliced in as they are.

    Joined, the pieces are byte for byte what ``dumps`` writes with the rows in their place.
    """
    plain = {k: v for k, v in document.items() if not _nested(k, v)}
    parts: list[bytes] = []
    text: list[str] = []
    _write(plain, "", text)
    for name, value in document.items():
        if name in plain:
            continue
        if type(value) is Written:
            if value.rows:
                parts.append("".join(text).encode("utf-8"))
                text = []
                parts.extend(value.rows)
        else:
            _write({name: value}, "", text)
    parts.append("".join(text).encode("utf-8"))
    return parts


# --- by plan: pruning and writing in one walk (``store.dumps_session``, ``savecache``) ----------
#
# ``store`` describes each model class once as a *plan*: a tuple of ``Field`` entries in field
# order. ``write_plan(data, plan, name, out)`` writes ``data`` (the class's ``model_dump()``)
# exactly as ``_write(prune(data, plan), name, out)`` would, without building the pruned copy:
# a 10,000-item session is some 300,000 values, and the copy plus a second walk over it was
# half the time of a full save. ``prune`` is kept for the rare values the walk hands over to the
# general writer (and for tests, which compare the two ways on generated sessions).


class Field(NamedTuple):
    name: str
    key: str  # the key as written (``key(name)``)
    assign: str  # ``key + " = "``
    skip_empty: bool  # left out when empty (its default is empty too)
    sub: tuple[Field, ...] | None  # the plan of a nested model (or of the rows of a list of them)
    inline: int  # INLINE_ROW, INLINE_TABLE or 0, from the field's name
    #: what the field's type says it holds, when it is one of: "str" (or None), "stamp" (a datetime),
    #: "table" (a flat dict, written inline), "ints" (one of ints), "enum" (a ``StrEnum``, or None),
    #: "strs" (a list of strings); "" otherwise. Only a hint for the compiled writer's
    #: fast path (``writer``), which checks every value's type anyway.
    hint: str = ""


INLINE_ROW, INLINE_TABLE = 1, 2
Plan = tuple[Field, ...]
HINTS = ("str", "stamp", "table", "ints", "enum", "strs")


def field(name: str, skip_empty: bool, sub: Plan | None, hint: str = "") -> Field:
    inline = INLINE_ROW if name in INLINE_ROWS else INLINE_TABLE if name in INLINE_TABLES else 0
    written = key(name)
    if hint in ("table", "ints") and (sub is not None or inline != INLINE_TABLE):
        hint = ""
    return Field(name, written, written + " = ", skip_empty, sub, inline, hint if hint in HINTS else "")


def _empty(value: object) -> bool:
    return isinstance(value, (str, list, tuple, dict)) and len(value) == 0


_IS_MAPPING: dict[type, bool] = {dict: True}


def fields(row: Any) -> Mapping[str, Any]:
    """The values of a row to write by plan: a mapping (a ``model_dump()``) as it is, or the
    field values of a live model (its ``__dict__``: what ``model_dump`` would copy, when the
    model has no serializer of its own, as ours have none; ``store.dumps_session``)."""
    kind = type(row)
    mapping = _IS_MAPPING.get(kind)
    if mapping is None:
        mapping = _IS_MAPPING[kind] = isinstance(row, Mapping)
    return row if mapping else row.__dict__


def prune(data: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """``data`` without None and without empty values whose default is empty (``store._prune``)."""
    if type(data) is not dict:
        data = fields(data)
    out = {}
    for f in plan:
        item = data[f.name]
        if item is None or (f.skip_empty and _empty(item)):
            continue
        if f.sub is not None:
            item = [prune(row, f.sub) for row in item] if type(item) is list else prune(item, f.sub)
        elif type(item) is dict:
            item = {k: v for k, v in item.items() if v is not None}
        out[f.name] = item
    return out


def scalars(value: list[object]) -> str:
    """``literal(value)`` for a list of scalars, plain strings the short way."""
    items = [
        f'"{x}"' if type(x) is str and x.isprintable() and '"' not in x and "\\" not in x else literal(x, inline=True)
        for x in value
    ]
    one_line = "[" + ", ".join(items) + "]"
    if len(one_line) <= _SHORT:
        return one_line
    return "[\n" + "".join([f"    {item},\n" for item in items]) + "]"


def inline_plan(row: Mapping[str, Any], plan: Plan) -> str:
    """``inline_table(prune(row, plan))``."""
    if type(row) is not dict:
        row = fields(row)
    items = []
    for f in plan:
        v = row[f.name]
        if v is None:
            continue
        kind = type(v)
        if kind is str:
            if not v and f.skip_empty:
                continue
            items.append(f'{f.assign}"{v}"' if _PLAIN.search(v) is None else f"{f.assign}{string(v, multiline=False)}")
        elif kind is int:
            items.append(f"{f.assign}{v}")
        elif kind is datetime:
            items.append(f"{f.assign}{v.isoformat()}")
        elif kind is list and v and type(v[0]) is Decimal and all(type(x) is Decimal for x in v):
            # a cost line's amounts (``literal``'s text for them, without a call per amount)
            items.append(f.assign + "[" + ", ".join(['"' + format(x, "f") + '"' for x in v]) + "]")
        elif isinstance(v, str):
            if v or not f.skip_empty:
                items.append(f"{f.assign}{string(v, multiline=False)}")
        else:
            if f.skip_empty and _empty(v):
                continue
            if f.sub is not None:
                v = [prune(r, f.sub) for r in v] if type(v) is list else prune(v, f.sub)
            elif type(v) is dict:
                v = {k: x for k, x in v.items() if x is not None}
            items.append(f"{f.assign}{literal(v, inline=True)}")
    return "{ " + ", ".join(items) + " }" if items else "{}"


def write_plain(data: Any, plan: Plan, out: list[str]) -> list[tuple[Field, Any]]:
    """Append the plain keys of ``data`` (one line each) to ``out``; return the tables to write after
    them, in order: ``(field, value)``, the value a list of rows (``field.sub``'s plan, not pruned)
    or, for a field without a plan, the pruned value for ``_write``."""
    return writer(plan)(data, out)


def _one(f: Field, v: Any, out: list[str], nested: list[tuple[Field, Any]]) -> None:
    """``write_plain``'s work for one field whose value ``v`` is not None: the general way, which
    the compiled writers (``writer``) take for whatever their fast paths do not cover."""
    put = out.append
    name, _, assign, skip_empty, sub, inline, _ = f
    kind = type(v)
    if kind is str:
        if not v:
            if not skip_empty:
                put(f'{assign}""\n')
        elif v.isprintable():  # (no control character: faster to ask than _PLAIN)
            if '"' in v or "\\" in v:
                put(f'{assign}"{v.translate(_ONE_LINE)}"\n')
            else:
                put(f'{assign}"{v}"\n')
        elif "\n" in v:
            put(f'{assign}"""\n{v.translate(_MULTI_LINE)}"""\n')
        elif _PLAIN.search(v) is None:  # non-ASCII that is not "printable" (U+00A0...)
            put(f'{assign}"{v}"\n')
        else:
            put(f'{assign}"{v.translate(_ONE_LINE)}"\n')
    elif kind is int:
        put(f"{assign}{v}\n")
    elif kind is bool:
        put(f"{assign}{'true' if v else 'false'}\n")
    elif kind is datetime or kind is date:
        put(f"{assign}{v.isoformat()}\n")
    elif kind is list:
        if not v:
            if not skip_empty:
                put(f"{assign}[]\n")
        elif sub is None:
            if isinstance(v[0], Mapping):  # plain tables, not a model's: the general way
                nested.append((f, v)) if _nested(name, v) else _write({name: v}, "", out)
            else:
                put(f"{assign}{scalars(v)}\n")
        elif inline == INLINE_ROW:
            rows = "".join([f"    {inline_plan(row, sub)},\n" for row in v])
            put(f"{assign}[\n{rows}]\n")
        else:
            nested.append((f, v))
    elif kind is dict and sub is None:
        if skip_empty and not v:
            return
        if None in v.values():
            v = {k: x for k, x in v.items() if x is not None}
        if inline == INLINE_TABLE:
            put(f"{assign}{inline_table(v)}\n")
        else:
            nested.append((f, v))
    elif isinstance(v, str):  # an enum member (``StrEnum``): written as its value
        if v or not skip_empty:
            put(f"{assign}{string(v)}\n")
    else:  # anything else (a nested model, tuples...): the general way
        if skip_empty and _empty(v):
            return
        if sub is not None:
            v = prune(v, sub)  # (a list of rows is handled above)
        if _nested(name, v):
            nested.append((f._replace(sub=None), v))
        else:
            _write({name: v}, "", out)


Writer = Callable[[Any, list[str]], list[tuple[Field, Any]]]
_WRITERS: dict[int, tuple[Plan, Writer]] = {}  # id(plan): (plan, its writer)


def writer(plan: Plan) -> Writer:
    """``write_plain`` for ``plan``, compiled once: one function with a line per field and the
    common values (a plain one-line string, an int, a timestamp, a flat inline table) written in
    place, the rest handed to ``_one``. A 10,000-item session is some 300,000 values: a loop over
    the plan's fields, unpacking each, was most of a full save. The text is the same either way
    (tests/test_save_pieces.py compares it with the two-step writer)."""
    found = _WRITERS.get(id(plan))
    if found is not None and found[0] is plan:
        return found[1]
    made = _compile(plan)
    _WRITERS[id(plan)] = (plan, made)  # (the plan is kept, so its id is never reused meanwhile)
    return made


#: (in the compiled source) a non-empty ``v`` that is a plain one-line basic string as it is
_PLAIN_TEST = "v.isprintable() and '\"' not in v and '\\\\' not in v"


def _row_fast_path(plan: Plan) -> list[str]:
    """Source lines that write a whole row in one piece when every value is what its field's
    hint says and plain (a log event: four one-line strings or a timestamp and its data), as the
    per-field lines would write it; else the per-field lines that follow do the work."""
    tests, texts, template = [], [], []
    for n, f in enumerate(plan):
        value = f"(v{n} := data[{f.name!r}])"
        text = f.assign.replace("{", "{{").replace("}", "}}")
        if f.hint == "str":
            tests.append(f"type{value} is str" + (f" and v{n}" if f.skip_empty else ""))
            texts.append(f"v{n}")
            template.append(text + f'"{{v{n}}}"\n')
        elif f.hint == "stamp":
            tests.append(f"type{value} is datetime")
            template.append(text + f"{{v{n}.isoformat()}}\n")
        else:  # "table" or "ints"
            tests.append(f"type{value} is dict and v{n} and None not in v{n}.values()")
            template.append(text + f"{{inline_{f.hint}(v{n})}}\n")
    lines = [f"    if {' and '.join(tests)}:"]
    if texts:
        lines.append(f"        v = {' + '.join(texts)}")
        lines.append(f"        if {_PLAIN_TEST}:")
        lines.append(f"            put(f{''.join(template)!r})")
        lines.append("            return nested")
    else:
        lines.append(f"        put(f{''.join(template)!r})")
        lines.append("        return nested")
    return lines


_QUOTED_V = '"{v}"\n'


def _compile(plan: Plan) -> Writer:
    space: dict[str, Any] = {
        "_one": _one,
        "str": str,
        "dict": dict,
        "datetime": datetime,
        "inline_table": inline_table,
        "inline_ints": inline_ints,
        "scalars": scalars,
        "isinstance": isinstance,
        "list": list,
        "fields": fields,
        "IS_MAPPING": _IS_MAPPING,
    }
    lines = [
        "def write(data, out):",
        "    if type(data) is not dict:",  # a live model (its __dict__), or another mapping
        "        data = data.__dict__ if IS_MAPPING.get(type(data)) is False else fields(data)",
        "    put = out.append",
        "    nested = []",
    ]
    if len(plan) > 1 and all(f.hint in ("str", "stamp", "table", "ints") for f in plan):
        lines.extend(_row_fast_path(plan))
    for n, f in enumerate(plan):
        # Short, so that compiling them all stays cheap (a few ms a process): the common value
        # of the field's kind in place, anything else (None, enums, lists, ...) to ``_one``.
        space[f"F{n}"] = f
        text = f.assign.replace("{", "{{").replace("}", "}}")
        lines.append(f"    v = data[{f.name!r}]")
        if f.hint == "stamp":
            lines.append("    if type(v) is datetime:")
            lines.append(f"        put(f{text + '{v.isoformat()}' + chr(10)!r})")
        elif f.hint in ("table", "ints"):
            lines.append("    if type(v) is dict and v and None not in v.values():")
            lines.append(f"        put(f{text + '{inline_' + f.hint + '(v)}' + chr(10)!r})")
        elif f.hint == "str":
            test = "type(v) is str" + (" and v" if f.skip_empty else "")
            lines.append(f"    if {test} and {_PLAIN_TEST}:")
            lines.append(f"        put(f{text + _QUOTED_V!r})")
        elif f.hint == "enum":  # a StrEnum member (or its value): ``string(v)``, when plain
            lines.append(f"    if isinstance(v, str) and v and {_PLAIN_TEST}:")
            lines.append(f"        put({f.assign + chr(34)!r} + v + {chr(34) + chr(10)!r})")
        elif f.hint == "strs":  # a list of strings (ids): ``scalars``
            lines.append("    if type(v) is list and v and type(v[0]) is str:")
            lines.append(f"        put(f{text + '{scalars(v)}' + chr(10)!r})")
        else:
            lines.append("    if v is not None:")
            lines.append(f"        _one(F{n}, v, out, nested)")
            continue
        lines.append("    elif v is not None:")
        lines.append(f"        _one(F{n}, v, out, nested)")
    lines.append("    return nested")
    exec(compile("\n".join(lines), "<tomlwrite plan>", "exec"), space)
    made: Writer = space["write"]
    return made


def write_plan(data: Any, plan: Plan, name: str, out: list[str]) -> None:
    """``_write(prune(data, plan), name, out)``, in one walk."""
    for f, v in writer(plan)(data, out):
        write_nested(f, v, name, out)


def write_nested(f: Field, value: Any, name: str, out: list[str]) -> None:
    """The tables ``write_plain`` left for after the plain keys of the table ``name``."""
    if f.sub is None:
        _write({f.name: value}, name, out)
        return
    full = f"{name}.{f.key}" if name else f.key
    if type(value) is list:
        header = f"\n[[{full}]]\n"
        put, write = out.append, writer(f.sub)
        for row in value:
            put(header)
            for g, v in write(row, out):
                write_nested(g, v, full, out)
    else:
        out.append(f"\n[{full}]\n")
        write_plan(value, f.sub, full, out)


#: Pieces of text joined and encoded at a time by ``dumps_plan_bytes``.
ENCODE_STEP = 512


def dumps_plan_bytes(document: Any, plan: Plan) -> bytes:
    """``dumps_plan(document, plan).encode("utf-8")``, encoded a few hundred pieces at a time:
    one emoji in a 10,000-item session made the joined text four bytes a character (29 MB for
    7), slower to join and to encode than the pieces (~20 ms of a full save)."""
    out: list[str] = []
    write_plan(document, plan, "", out)
    step = ENCODE_STEP
    return b"".join(["".join(out[i : i + step]).encode("utf-8") for i in range(0, len(out), step)])


def dumps_plan(document: Any, plan: Plan) -> str:
    """``dumps(prune(document, plan))``; ``document`` a ``model_dump()`` or the live model."""
    out: list[str] = []
    write_plan(document, plan, "", out)
    return "".join(out)
