"""Checking a parsed document against a model, each problem on its file's line.

``validate`` turns pydantic's errors and a model's cross-reference checks into one
``FILE:LINE: path: message`` line each. ``session_problems`` is everything a session file is
checked for beyond its schema: the model's integrity (``model.integrity_problems``), the copy of
the scenario a training table keeps (``scenario.scenario_copy_problems``: the scenario's shape is
defined above the model, so this is where the two meet) and the process rules
(``process.rule_problems``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..drafting import draft_problems
from ..model import SURROGATES_MESSAGE, Session, integrity_problems
from ..process import rule_problems
from ..scenario import scenario_copy_problems
from .errors import StoreError
from .locate import _line_index, _line_of, _path_str, _path_to_loc, _trim_loc

M = TypeVar("M", bound=BaseModel)


def validate(
    model: type[M],
    data: dict[str, Any],
    text: str | Callable[[], str],  # the document's text, or how to read it again (only on failure)
    name: str,
    extra: Callable[[M], list[tuple[str, str]]] | None = None,
) -> M:
    """Validate ``data`` as ``model``; on failure, one ``FILE:LINE: path: message`` line per problem."""
    index: dict[tuple[Any, ...], int] | None = None
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        index = _line_index(text() if callable(text) else text)
        merged: dict[tuple[Any, ...], list[str]] = {}
        for error in exc.errors(include_url=False):
            loc = _trim_loc(data, tuple(error["loc"]))
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field (a typo?)"
            elif error["type"] == "missing":
                message = "required field is missing"
            elif error["type"] == "string_unicode":
                message = SURROGATES_MESSAGE
            elif error["type"] == "value_error":
                message = message.removeprefix("Value error, ")  # our own words: no prefix
            if message not in merged.setdefault(loc, []):
                merged[loc].append(message)
        lines = [
            f"{name}:{_line_of(index, loc)}: {_path_str(loc)}: {' or '.join(msgs)}" for loc, msgs in merged.items()
        ]
        raise StoreError(lines) from None
    problems = extra(obj) if extra else []
    if problems:
        index = index or _line_index(text() if callable(text) else text)
        raise StoreError([f"{name}:{_line_of(index, _path_to_loc(path))}: {path}: {msg}" for path, msg in problems])
    return obj


def session_problems(session: Session) -> list[tuple[str, str]]:
    """What a session file is checked for beyond its schema, as ``(path, message)`` pairs: the
    model's integrity, then its drafts' revisions (``drafting``), then a training table's scenario
    copy (in that order, as ever), then the process rules."""
    problems = integrity_problems(session)
    problems.extend(draft_problems(session))
    if session.training is not None:
        problems.extend(scenario_copy_problems(session, session.training))
    return problems + rule_problems(session)
