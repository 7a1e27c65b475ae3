"""Write a table to CSV exactly as its schema says, so the same data always gives the same bytes.

Fixed column order (the schema's), rows sorted by the table's key (categories in their
schema order), money with exactly two decimals, times as ``YYYY-MM-DD HH:MM:SS``, ``True`` /
``False`` for yes/no columns, an empty field for a missing value, ``\\n`` line endings, UTF-8,
no index column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from socialmarketing.data.clock import to_datetime64
from socialmarketing.data.schema import Column, Table

__all__ = ["table_to_csv", "write_table"]


def _as_text_times(values: pd.Series, unit: str) -> np.ndarray:
    """Times (seconds since the season start, or datetime64) as text in the given unit."""
    array = values.to_numpy()
    if np.issubdtype(array.dtype, np.integer):
        array = to_datetime64(array)
    text = np.datetime_as_string(array.astype(f"datetime64[{unit}]"), unit=unit)
    return np.strings.replace(text, "T", " ") if unit == "s" else text


def _format_column(values: pd.Series, column: Column) -> pd.Series | np.ndarray:
    """Return the column's values ready for ``to_csv`` (text where the format matters)."""
    if column.kind == "float":
        pattern = f"{{:.{column.decimals}f}}"
        return values.astype(float).map(lambda x: pattern.format(x + 0.0))
    if column.kind == "bool":
        return np.where(values.to_numpy(dtype=bool), "True", "False")
    if column.kind == "datetime":
        return _as_text_times(values, "s")
    if column.kind == "date":
        return _as_text_times(values, "D")
    if column.kind == "int" and column.nullable:
        return values.astype("Int64")
    if column.kind == "int":
        return values.astype(np.int64)
    return values


def table_to_csv(frame: pd.DataFrame, table: Table) -> str:
    """Return ``frame`` as the CSV text of ``table`` (see the module docstring for the format).

    Raises ``ValueError`` if the frame's columns are not exactly the schema's columns.
    """
    expected = table.column_names
    if sorted(frame.columns) != sorted(expected):
        raise ValueError(
            f"{table.file_name}: the generator made columns {list(frame.columns)}, "
            f"but the schema lists {expected}"
        )
    sort_keys = {}
    for name in table.key:
        column = table.column(name)
        if column.kind == "category":
            sort_keys[name] = pd.Categorical(frame[name], categories=list(column.categories)).codes
        else:
            sort_keys[name] = frame[name].to_numpy()
    order = np.lexsort([sort_keys[name] for name in reversed(table.key)])
    ordered = frame.iloc[order].reset_index(drop=True)
    out = pd.DataFrame({c.name: _format_column(ordered[c.name], c) for c in table.columns})
    return out.to_csv(index=False, lineterminator="\n")


def write_table(frame: pd.DataFrame, table: Table, path: str | Path) -> Path:
    """Write ``frame`` as ``table``'s CSV file at ``path`` and return the path."""
    path = Path(path)
    path.write_bytes(table_to_csv(frame, table).encode("utf-8"))
    return path
