"""Input checks shared by every model, with messages a student understands.

Each function returns the value it checked (as a float or int), so callers can write
``budget = check_nonnegative("budget", budget)`` at the top of a public function and
work with clean numbers from then on. Every failure raises :class:`ValueError` whose
message names the argument, says what was expected and shows what was given, e.g.
``budget must be 0 or more, got -5``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "check_choice",
    "check_columns",
    "check_count",
    "check_nonnegative",
    "check_positive",
    "check_rate",
    "check_rates",
    "check_table",
]


def _as_finite_float(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number >= 0."""
    number = _as_finite_float(name, value)
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, got {value!r}")
    return number


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number > 0."""
    number = _as_finite_float(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be more than 0, got {value!r}")
    return number


def check_rate(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a probability (a share between 0 and 1)."""
    number = _as_finite_float(name, value)
    if not 0.0 <= number <= 1.0:
        hint = " (write 5% as 0.05)" if 1.0 < number <= 100.0 else ""
        raise ValueError(f"{name} must be between 0 and 1{hint}, got {value!r}")
    return number


def check_rates(name: str, values: Iterable[object]) -> list[float]:
    """Check every item of ``values`` with :func:`check_rate`; name the bad item."""
    return [check_rate(f"{name}[{i}]", v) for i, v in enumerate(values)]


def check_count(name: str, value: object, *, minimum: int = 0) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, got {value!r}")
    return int(value)


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; list the choices otherwise."""
    options = list(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return str(value)


def check_columns(table: str, frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise if ``frame`` (called ``table`` in the message) lacks any of ``columns``."""
    have = list(frame.columns)
    missing = [c for c in columns if c not in have]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        plural = "s" if len(missing) > 1 else ""
        present = ", ".join(map(str, have))
        raise ValueError(f"{table} table is missing column{plural} {listed} (it has: {present})")


def check_table(name: str, table: object, columns: Iterable[str]) -> pd.DataFrame:
    """``table`` if it is a non-empty DataFrame with ``columns``; a clear ValueError otherwise.

    ``name`` is the table's name in the sample data (the message says how to load it).
    """
    import pandas as pd  # only here: the other checks do not need pandas loaded

    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"{name} must be a pandas DataFrame (load it with data.load({name!r})), "
            f"got {type(table).__name__}"
        )
    check_columns(name, table, columns)
    if len(table) == 0:
        raise ValueError(f"{name} table is empty: it needs at least one row")
    return table
