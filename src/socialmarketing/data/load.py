"""Load the sample data as typed pandas DataFrames, checking every file against the schema.

``load("posts")`` reads ``posts.csv`` from the data folder and returns it with the right types:
whole numbers as ``int64`` (``Int64`` where a value may be missing), money as ``float64``,
yes/no columns as ``bool``, fixed lists of values as categoricals (ordered where the order
means something, such as city tiers and funnel stages), times as ``datetime64``.

Before returning, the file is checked: it must exist, have every column of the schema (a
misspelled column gets a "did you mean" hint), hold values of the right type in every column,
only allowed category values, no duplicate rows for the table's key, and every reference to
another table (for example ``reposts.post_id``) must point to a row that exists. A problem
raises ``FileNotFoundError`` or ``ValueError`` with a message that names the file, the column
and the problem, and shows a bad value and its line.

The data folder is found as :mod:`socialmarketing.data.location` documents: the ``data_dir``
argument, the environment variable ``SOCIALMARKETING_DATA``, a ``data/`` folder beside the
notebook, the course repository's ``data/``, then the copy inside the installed package.
``source()`` says which folder that is, how it was found and its fingerprint.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from socialmarketing.data.location import find_data, find_data_dir
from socialmarketing.data.schema import TABLES, Column, Table
from socialmarketing.validation import check_choice

__all__ = ["load", "load_all", "source"]

_TRUE_FALSE = {"true": True, "false": False}


def _line(position: int) -> int:
    """File line of a data row (the header is line 1, the first row line 2)."""
    return int(position) + 2


def _complain(table: Table, column: Column, problem: str, text: pd.Series, bad: np.ndarray):
    """Raise a ValueError naming the file, the column, the problem and the first bad value."""
    positions = np.flatnonzero(bad)
    first = positions[0]
    more = f" ({len(positions)} rows have this problem)" if len(positions) > 1 else ""
    raise ValueError(
        f"{table.file_name}, column {column.name!r}: {problem}, "
        f"got {text.iloc[first]!r} on line {_line(first)}{more}"
    )


def _convert(table: Table, column: Column, text: pd.Series) -> pd.Series:
    """Turn one column of text into its typed form, or raise a clear ValueError."""
    empty = (text == "").to_numpy()
    if empty.any() and not column.nullable:
        _complain(table, column, "a value is missing (this column may not be empty)", text, empty)
    kind = column.kind
    if kind in ("int", "float"):
        numbers = pd.to_numeric(text.where(~empty, None), errors="coerce").astype(float)
        values = numbers.to_numpy()
        not_number = ~empty & ~np.isfinite(values)
        if not_number.any():
            _complain(
                table, column, f"expected a number ({column.allowed_values()})", text, not_number
            )
        if kind == "float":
            return pd.Series(values, name=column.name)
        fractional = ~empty & (np.round(values) != values)
        if fractional.any():
            _complain(table, column, "expected a whole number", text, fractional)
        if column.minimum is not None:
            low = ~empty & (values < column.minimum)
            if low.any():
                _complain(table, column, f"values must be {column.minimum} or more", text, low)
        if column.maximum is not None:
            high = ~empty & (values > column.maximum)
            if high.any():
                _complain(table, column, f"values must be {column.maximum} or less", text, high)
        if column.nullable:
            return pd.Series(
                pd.array(np.where(empty, None, values), dtype="Int64"), name=column.name
            )
        return pd.Series(values.astype(np.int64), name=column.name)
    if kind == "bool":
        mapped = text.str.lower().map(_TRUE_FALSE)
        bad = mapped.isna().to_numpy()
        if bad.any():
            _complain(table, column, "expected True or False", text, bad)
        return mapped.astype(bool).rename(column.name)
    if kind == "category":
        categories = list(column.categories)
        values = text
        if all(isinstance(c, int) for c in categories):
            numbers = pd.to_numeric(text, errors="coerce")
            values = numbers.where(numbers.isin(categories))
            bad = values.isna().to_numpy()
        else:
            bad = ~text.isin(categories).to_numpy()
        if bad.any():
            allowed = ", ".join(str(c) for c in categories)
            _complain(table, column, f"unknown value (allowed: {allowed})", text, bad)
        if all(isinstance(c, int) for c in categories):
            values = values.astype(np.int64)
        return pd.Series(
            pd.Categorical(values, categories=categories, ordered=column.ordered), name=column.name
        )
    if kind == "tags":
        allowed = set(column.categories)
        tags = text.str.split(";")
        bad = tags.map(lambda items: not items or any(t not in allowed for t in items)).to_numpy()
        if bad.any():
            listed = ", ".join(str(c) for c in column.categories)
            _complain(
                table, column, f"unknown tag (allowed, separated by ';': {listed})", text, bad
            )
        return text.astype(object).rename(column.name)
    if kind in ("datetime", "date"):
        pattern = "%Y-%m-%d %H:%M:%S" if kind == "datetime" else "%Y-%m-%d"
        times = pd.to_datetime(text.where(~empty, None), format=pattern, errors="coerce")
        bad = ~empty & times.isna().to_numpy()
        if bad.any():
            _complain(
                table, column, f"expected a {kind} written {column.allowed_values()}", text, bad
            )
        return times.rename(column.name)
    return text.where(~empty, None).astype(object).rename(column.name)


def _read_text(table: Table, folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table's CSV file with every value as text (empty fields as empty text)."""
    path = folder / table.file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"{table.file_name} is missing from the data folder {str(folder)!r}; "
            "regenerate the data with `socialmarketing data generate --out DIR`"
        )
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, usecols=columns)
    except pd.errors.ParserError as error:
        raise ValueError(f"{table.file_name} is not a well-formed CSV file: {error}") from None


def _check_header(table: Table, present: list[str]) -> None:
    """Raise a ValueError for a missing or unexpected column, suggesting the closest name."""
    expected = table.column_names
    extra = [c for c in present if c not in expected]
    for name in expected:
        if name not in present:
            close = difflib.get_close_matches(name, extra or present, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}? It should be called {name!r}." if close else ""
            raise ValueError(
                f"{table.file_name} has no column {name!r}.{hint} "
                f"Expected columns: {', '.join(expected)}"
            )
    if extra:
        raise ValueError(
            f"{table.file_name} has an unexpected column {extra[0]!r}. "
            f"Expected columns: {', '.join(expected)}"
        )


def _check_key(table: Table, frame: pd.DataFrame) -> None:
    """Raise a ValueError if two rows share the table's key."""
    duplicated = frame.duplicated(list(table.key)).to_numpy()
    if duplicated.any():
        first = np.flatnonzero(duplicated)[0]
        shown = ", ".join(f"{k}={frame[k].iloc[first]}" for k in table.key)
        what = "column" if len(table.key) == 1 else "columns"
        raise ValueError(
            f"{table.file_name}, {what} {', '.join(map(repr, table.key))}: each row must be "
            f"unique, but {shown} appears twice (again on line {_line(first)})"
        )


def _key_values(folder: Path, table_name: str, column_name: str, cache: dict) -> np.ndarray:
    """The values of a referenced column, read once (from ``cache`` when already loaded)."""
    if table_name in cache:
        return cache[table_name][column_name].dropna().to_numpy(dtype=np.int64)
    table = TABLES[table_name]
    try:
        text = _read_text(table, folder, columns=[column_name])
    except ValueError:  # the column is missing: read the header to say which name is wrong
        _check_header(table, list(_read_text(table, folder).columns))
        raise
    return _convert(table, table.column(column_name), text[column_name]).dropna().to_numpy(np.int64)


def _check_references(table: Table, frame: pd.DataFrame, folder: Path, cache: dict) -> None:
    """Raise a ValueError if a value points to a row that does not exist in another table."""
    for column in table.columns:
        if column.references is None:
            continue
        other, other_column = column.references
        if other == table.name:
            known = frame[other_column].dropna().to_numpy(dtype=np.int64)
        else:
            known = _key_values(folder, other, other_column, cache)
        values = frame[column.name]
        present = values.notna().to_numpy()
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        broken = present & ~np.isin(numbers, known)
        if broken.any():
            first = np.flatnonzero(broken)[0]
            count = int(broken.sum())
            more = f" ({count} rows have this problem)" if count > 1 else ""
            raise ValueError(
                f"{table.file_name}, column {column.name!r}: value {int(numbers[first])} on line "
                f"{_line(first)} is not a {other_column} in {other}.csv (a broken reference){more}"
            )


def _load(name: str, folder: Path, cache: dict, check_references: bool) -> pd.DataFrame:
    table = TABLES[name]
    text = _read_text(table, folder)
    _check_header(table, list(text.columns))
    frame = pd.DataFrame({c.name: _convert(table, c, text[c.name]) for c in table.columns})
    _check_key(table, frame)
    if check_references:
        _check_references(table, frame, folder, cache)
    return frame


def load(
    table: str, data_dir: str | Path | None = None, *, check_references: bool = True
) -> pd.DataFrame:
    """Return one table of the sample data (e.g. ``"orders"``) as a typed, checked DataFrame.

    ``data_dir`` is the folder with the CSV files (default: see :func:`source`).
    With ``check_references=False`` the references to other tables are not checked (faster;
    the other files are then not read).
    """
    name = check_choice("table", table, TABLES)
    return _load(name, find_data_dir(data_dir), {}, check_references)


def load_all(
    data_dir: str | Path | None = None, *, check_references: bool = True
) -> dict[str, pd.DataFrame]:
    """Return every table of the sample data, by name, each typed and checked as in :func:`load`."""
    folder = find_data_dir(data_dir)
    loaded: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        loaded[name] = _load(name, folder, loaded, check_references)
    return loaded


def source(data_dir: str | Path | None = None):
    """Which sample data :func:`load` reads: its folder, how it was found and its fingerprint.

    ``print(data.source())`` gives one line, for example ``Moonbrew sample data from
    /home/jovyan/data (the data/ folder of the course repository), fingerprint 3f2a9c1d04be``.
    """
    return find_data(data_dir)
