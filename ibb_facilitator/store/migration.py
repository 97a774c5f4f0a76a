"""Bringing an older file up to ``SCHEMA_VERSION``, in memory (the file changes only on a save).

``MIGRATIONS[n]`` turns a raw version-``n`` document into a version-``n + 1`` one; ``migrate``
runs them in turn. Schema 1 -> 2 moved each issue's ``ratings`` list onto its options as
``scores`` tables (``_ratings_to_scores``); what cannot be moved is reported on its line in the
old file. A newer file than this version reads is refused, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ..model import SCHEMA_VERSION, Score
from .errors import StoreError
from .locate import _line_index, _line_of, _path_str, _path_to_loc


class MigrationProblems(Exception):
    """A document a migration cannot carry forward: ``(path, message)`` pairs, paths as written
    in the old version (``migrate`` turns them into ``FILE:LINE: path: message`` lines)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class _RatingV1(BaseModel):
    """One rating as schema 1 stored it, in ``issues[].ratings`` (checked only to move it)."""

    model_config = ConfigDict(extra="forbid")

    option: str
    criterion: str
    score: Score


_RATINGS_V1 = TypeAdapter(list[_RatingV1])


def _ratings_to_scores(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 -> 2: each issue's ``ratings = [{ option, criterion, score }, ...]`` become a
    ``scores = { criterion = score, ... }`` table on each option (in the order they were rated).

    A rating that cannot be moved is reported where it is in the old file, with the messages
    schema 1 gave: its shape, an option or a criterion that the issue does not have, a pair rated
    twice. Anything else that is wrong is left for validation to report as it always did.
    """
    problems: list[tuple[str, str]] = []
    issues = data.get("issues")
    if not isinstance(issues, list):
        return data
    shared = _ids_in(data.get("shared_criteria"))
    for n, issue in enumerate(issues):
        if not isinstance(issue, dict) or "ratings" not in issue:
            continue
        base = f"issues[{n}]"
        options = issue.get("options")
        options = [o for o in options if isinstance(o, dict)] if isinstance(options, list) else []
        listed = issue.get("options")
        for k, option in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(option, dict) and "scores" in option:
                problems.append((f"{base}.options[{k}].scores", "unknown field (a typo?)"))
        by_id: dict[str, dict[str, Any]] = {}
        for option in options:
            if isinstance(option.get("id"), str):
                by_id.setdefault(option["id"], option)
        criteria = None if shared is None else _ids_in(issue.get("criteria"))
        criteria = None if criteria is None or shared is None else shared | criteria
        try:
            ratings = _RATINGS_V1.validate_python(issue["ratings"])
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                path = _path_str(("ratings", *error["loc"]))
                message = {"extra_forbidden": "unknown field (a typo?)", "missing": "required field is missing"}.get(
                    error["type"], error["msg"]
                )
                problems.append((f"{base}.{path}", message))
            continue
        placed: dict[str, dict[str, int]] = {}
        for k, rating in enumerate(ratings):
            path = f"{base}.ratings[{k}]"
            bad = False
            if rating.option not in by_id:
                problems.append((f"{path}.option", f"no option {rating.option!r} in this issue"))
                bad = True
            if criteria is not None and rating.criterion not in criteria:
                problems.append((f"{path}.criterion", f"no criterion {rating.criterion!r} for this issue"))
                bad = True
            scores = placed.setdefault(rating.option, {})
            if rating.criterion in scores:
                problems.append((path, f"option {rating.option!r} is rated twice against {rating.criterion!r}"))
            elif not bad:
                scores[rating.criterion] = rating.score
        if not problems:
            del issue["ratings"]
            for option_id, scores in placed.items():
                if scores:
                    by_id[option_id]["scores"] = scores
    if problems:
        raise MigrationProblems(problems)
    return data


def _ids_in(items: Any) -> set[str] | None:
    """The ids of a raw list of tables; None when it is not one (validation will say so)."""
    if items is None:
        return set()
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), str) for item in items
    ):
        return None
    return {item["id"] for item in items}


#: ``MIGRATIONS[n]`` turns a raw version-``n`` document into a version-``n + 1`` one. It may
#: raise ``MigrationProblems`` for a document it cannot carry forward.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _ratings_to_scores}


def migrate(data: dict[str, Any], source: str, text: str | Callable[[], str] | None = None) -> dict[str, Any]:
    """``data`` brought up to ``SCHEMA_VERSION``, in memory (the file is rewritten only by a save).

    ``text`` (the file's text, or a function that reads it) places a migration's problems on
    their lines; without it they are reported as ``FILE: path: message``.
    """
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise StoreError(
            f"{source}: schema_version: missing or not a whole number (this version writes {SCHEMA_VERSION})"
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{source}: written by a newer ibb_facilitator (schema_version {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Upgrade ibb_facilitator to open it; the file was not changed."
        )
    if version < 1:
        raise StoreError(f"{source}: schema_version: {version} is not a valid version")
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(f"{source}: no migration from schema_version {version}")
        try:
            data = step(data)
        except MigrationProblems as exc:
            if text is None:
                raise StoreError([f"{source}: {path}: {message}" for path, message in exc.problems]) from None
            index = _line_index(text() if callable(text) else text)
            raise StoreError(
                [f"{source}:{_line_of(index, _path_to_loc(path))}: {path}: {message}" for path, message in exc.problems]
            ) from None
        version += 1
        data["schema_version"] = version
    return data
