"""Self-checks for the graded exercises: ``check("grade_id", answer)`` explains what is wrong.

Every automatically graded part of an exercise notebook has a test cell that starts with a
visible self-check, for example::

    check("cpa_by_channel", cpa_by_channel)

A student runs it to learn, in plain words, whether the answer has the right *form* (type,
columns, index, range, sum) and passes the checks that can be shown without giving the answer
away. The instructor's hidden tests, added below the self-check in the same cell, then compare
the values with the package's reference functions.

The checks for one assignment live in one module of this package (``a01_traditional``, ...).
Each registers its checks with :func:`register` under the part's nbgrader grade id; grade ids are
unique across the course, so ``check`` finds the right one whichever assignment is open.

A failed check raises :class:`CheckFailed`, a subclass of ``AssertionError``, so nbgrader counts
the part as failed and shows the message; a passed one prints a short confirmation.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

__all__ = [
    "CheckFailed",
    "check",
    "expect",
    "expect_answers",
    "expect_close",
    "expect_columns",
    "expect_frame",
    "expect_number",
    "expect_series",
    "grade_ids",
    "register",
]

_CHECKS: dict[str, Callable[[Any], None]] = {}
_LOADED = False


class CheckFailed(AssertionError):
    """A self-check found a problem; the message says what it is and how to look into it."""


def register(grade_id: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register the decorated function as the self-check of the part with this grade id.

    The function takes the student's answer and calls :func:`expect` and friends; it returns
    nothing when the answer passes.
    """

    def decorate(function: Callable[[Any], None]) -> Callable[[Any], None]:
        if grade_id in _CHECKS and _CHECKS[grade_id] is not function:
            raise ValueError(f"two self-checks are registered for grade id {grade_id!r}")
        _CHECKS[grade_id] = function
        return function

    return decorate


def _load_assignment_modules() -> None:
    """Import every assignment module of this package once, so that their checks register."""
    global _LOADED
    if _LOADED:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _LOADED = True


def grade_ids() -> list[str]:
    """The grade ids that have a self-check, sorted."""
    _load_assignment_modules()
    return sorted(_CHECKS)


def check(grade_id: str, answer: Any) -> None:
    """Run the visible self-check of one exercise part on ``answer``.

    Prints a one-line confirmation if the answer passes; raises :class:`CheckFailed` with an
    explanation in plain words if it does not. Passing the self-check does not guarantee full
    marks: when the notebook is graded, the values are compared with the answer key. A number
    that looks rounded more coarsely than the 0.1 % the exercises accept gets a note.
    """
    _load_assignment_modules()
    if grade_id not in _CHECKS:
        close = [known for known in _CHECKS if grade_id.lower() in known or known in grade_id]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"there is no self-check called {grade_id!r}.{hint}")
    if answer is ...:
        raise CheckFailed(
            f"{grade_id}: the answer is still `...`. Replace the `...` (and the "
            "`raise NotImplementedError()` line) with your code, run that cell, then this one."
        )
    try:
        _CHECKS[grade_id](answer)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
        # An answer of a form no check foresaw (a one-element array, a set, ...): say so in
        # words rather than with a traceback from inside pandas.
        raise CheckFailed(
            f"{grade_id}: the self-check could not read this answer ({type(answer).__name__}: "
            f"{error}). Read the task again for the type it asks for (one number, a pandas "
            "Series, ...)."
        ) from None
    print(f"{grade_id}: passed the self-check. The values are checked when it is graded.")
    coarse = _coarsely_rounded(answer)
    if coarse is not None:
        print(
            f"Note: {coarse!r} looks rounded to fewer than {SIGNIFICANT_FIGURES} significant "
            f"figures. Answers count as right within {TOLERANCE:.1%} of the exact value: keep "
            f"at least {SIGNIFICANT_FIGURES} significant figures, or do not round (if this is "
            "the exact value, ignore this note)."
        )


#: What the exercises accept (socialmarketing.grading.verdicts marks within this tolerance).
TOLERANCE = 1e-3
SIGNIFICANT_FIGURES = 4


def _significant_figures(value: float) -> int:
    digits = f"{abs(value):.15g}".split("e")[0].replace(".", "").lstrip("0").rstrip("0")
    return len(digits)


def _numbers(answer: Any) -> list[float]:
    if isinstance(answer, bool):
        return []
    if isinstance(answer, (int, float)) or (
        hasattr(answer, "dtype") and not hasattr(answer, "index")
    ):
        try:
            return [float(answer)]
        except (TypeError, ValueError):
            return []
    if isinstance(answer, pd.Series):
        return [float(v) for v in pd.to_numeric(answer, errors="coerce").dropna()]
    if isinstance(answer, pd.DataFrame):
        return [v for column in answer for v in _numbers(answer[column])]
    if isinstance(answer, tuple):
        return [v for item in answer for v in _numbers(item)]
    return []


def _coarsely_rounded(answer: Any) -> float | None:
    """A number in the answer that looks rounded too coarsely (whole numbers never do)."""
    for value in _numbers(answer):
        rounded = math.isfinite(value) and not value.is_integer() and abs(value) < 1e3
        if rounded and _significant_figures(value) < SIGNIFICANT_FIGURES:
            return value
    return None


def expect(condition: bool, message: str) -> None:
    """Raise :class:`CheckFailed` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_number(
    answer: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    whole: bool = False,
) -> float:
    """Check that ``answer`` is one finite number (optionally whole and between ``low`` and
    ``high``, inclusive) and return it as a float."""
    if isinstance(answer, pd.Series | pd.DataFrame):
        raise CheckFailed(
            f"{name} should be a single number, but it is a pandas {type(answer).__name__} "
            f"with {len(answer)} rows. Did you forget to pick one value or to sum?"
        )
    if isinstance(answer, bool) or (
        not isinstance(answer, int | float) and not hasattr(answer, "__float__")
    ):
        raise CheckFailed(f"{name} should be a number, but it is a {type(answer).__name__}.")
    value = float(answer)
    expect(math.isfinite(value), f"{name} should be a finite number, got {value}.")
    if whole:
        expect(value == round(value), f"{name} should be a whole number (a count), got {value}.")
    if low is not None:
        expect(value >= low, f"{name} should be at least {low}, got {value:g}.")
    if high is not None:
        expect(value <= high, f"{name} should be at most {high}, got {value:g}.")
    return value


def expect_close(answer: float, expected: float, name: str, *, rel: float = 1e-6) -> None:
    """Check that the number ``answer`` is within a relative ``rel`` of ``expected``.

    For visible checks against numbers the student can work out by hand (worked examples), not
    for the graded values, which only hidden tests know.
    """
    value = expect_number(answer, name)
    tolerance = rel * max(abs(expected), 1e-12)
    expect(
        abs(value - expected) <= tolerance,
        f"{name} should be {expected:g} for this example, got {value:g}.",
    )


def expect_series(
    answer: Any,
    name: str,
    *,
    index: Iterable[Any] | None = None,
    low: float | None = None,
    high: float | None = None,
) -> pd.Series:
    """Check that ``answer`` is a pandas Series of finite numbers (optionally with exactly the
    labels ``index``, in any order, and values between ``low`` and ``high``)."""
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        raise CheckFailed(
            f"{name} should be a Series, but it is a DataFrame with one column "
            f"({answer.columns[0]!r}). Select that column to get a Series."
        )
    expect(
        isinstance(answer, pd.Series),
        f"{name} should be a pandas Series, but it is a {type(answer).__name__}.",
    )
    if index is not None:
        wanted = [str(label) for label in index]
        got = [str(label) for label in answer.index]
        missing = [label for label in wanted if label not in got]
        extra = [label for label in got if label not in wanted]
        expect(
            not missing and not extra,
            f"{name} should have one row for each of {', '.join(wanted)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unexpected: {', '.join(extra)}" if extra else "")
            + ". Check what you grouped by.",
        )
        expect(
            len(got) == len(set(got)),
            f"{name} has repeated index labels; each label should appear once.",
        )
    values = pd.to_numeric(answer, errors="coerce")
    expect(
        values.notna().all(),
        f"{name} has missing or non-numeric values at {list(answer.index[values.isna()])[:5]}.",
    )
    expect(
        bool((values.abs() != float("inf")).all()),
        f"{name} has infinite values (a division by zero?).",
    )
    if low is not None:
        expect(bool((values >= low).all()), f"every value of {name} should be at least {low}.")
    if high is not None:
        expect(bool((values <= high).all()), f"every value of {name} should be at most {high}.")
    return answer


def expect_columns(answer: Any, name: str, columns: Iterable[str]) -> pd.DataFrame:
    """Check that ``answer`` is a DataFrame that has (at least) the given columns."""
    expect(
        isinstance(answer, pd.DataFrame),
        f"{name} should be a pandas DataFrame, but it is a {type(answer).__name__}.",
    )
    missing = [column for column in columns if column not in answer.columns]
    expect(
        not missing,
        f"{name} is missing the column(s) {', '.join(map(repr, missing))}; it has "
        f"{', '.join(map(repr, answer.columns))}.",
    )
    return answer


def expect_frame(
    answer: Any, name: str, columns: Iterable[str], *, rows: int | None = None
) -> pd.DataFrame:
    """Check that ``answer`` is a DataFrame with the given columns and (optionally) row count."""
    frame = expect_columns(answer, name, columns)
    if rows is not None:
        expect(len(frame) == rows, f"{name} should have {rows} rows, it has {len(frame)}.")
    return frame


def expect_answers(answer: Any, grade_id: str, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The answers of a part that has several, passed to ``check`` together as a tuple in the
    order of ``names``; explains a wrong call and an answer still left as ``...``."""
    call = f"check({grade_id!r}, ({', '.join(names)}))"
    expect(
        isinstance(answer, tuple) and len(answer) == len(names),
        f"{grade_id} checks {len(names)} answers together ({', '.join(names)}): run the test "
        f"cell as it is, {call}.",
    )
    for name, value in zip(names, answer, strict=True):
        expect(
            value is not ...,
            f"{name}: the answer is still `...`. Replace the `...` (and the "
            "`raise NotImplementedError()` line) with your code, run that cell, then this one.",
        )
    return answer
