"""Fast, deterministic sorting and de-duplication of the generator's integer arrays and tables.

The generator sorts millions of rows at the large scale; numpy's ``lexsort`` on plain integer
arrays is much faster than sorting a DataFrame by several columns, and a sort followed by a
comparison of neighbours finds the distinct values faster than ``np.unique``. Both are stable,
so the same input always gives the same order (needed for byte-for-byte reproducible files).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["distinct", "sorted_by"]


def sorted_by(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return ``frame`` sorted by its whole-number ``columns`` (first column first), stably."""
    order = np.lexsort([frame[name].to_numpy() for name in reversed(columns)])
    return frame.take(order).reset_index(drop=True)


def distinct(values: np.ndarray) -> np.ndarray:
    """Return the distinct values of a whole-number array, sorted."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
