"""Hand answers in for grading, as data: what a graded notebook's hidden step calls.

When an exercise notebook is graded, each graded part's cell ends with a call, hidden from
students, such as::

    __import__("socialmarketing.answers").answers.hand_in("reposts_per_post_by_type")

It reads the variable of that name from the notebook and shows it as one output of a special
type (``application/vnd.socialmarketing.answers+json``), encoded as plain JSON data: numbers,
text, lists, pandas Series and DataFrames as their labels and values. Nothing else happens in
the student's kernel: the grader (:mod:`socialmarketing.grading.verdicts`) reads that output in
its own process, outside the kernel, and compares the values with the reference answers there.
Whatever code a notebook runs, it can change only the values it hands in, never the verdict.

The call uses no name of the notebook but the answer's own (``__import__`` is a built-in), so it
cannot collide with a student's variables, and it works even if the variable is missing (it
hands in "missing").
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["MIME_TYPE", "MISSING", "encode", "hand_in"]

#: The output type that carries handed-in answers.
MIME_TYPE = "application/vnd.socialmarketing.answers+json"
#: Most values one answer may carry (a longer answer is handed in as "too large").
MAX_VALUES = 10_000


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Stands for a variable that the notebook did not define.
MISSING = _Missing()


def _scalar(value: Any) -> Any:
    """A JSON-safe plain scalar: numbers as floats (non-finite ones as text), text, None."""
    if value is None or isinstance(value, (str, bool)):
        return value
    try:
        import numpy as np

        if isinstance(value, np.generic):
            value = value.item()
    except ImportError:  # pragma: no cover - numpy comes with pandas
        pass
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else repr(number)
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
    except ImportError:  # pragma: no cover
        pass
    return {"unsupported": type(value).__name__}


def encode(value: Any) -> dict[str, Any]:
    """The answer as plain data: a dict with its ``kind`` and its contents."""
    if value is MISSING:
        return {"kind": "missing"}
    try:
        import numpy as np
        import pandas as pd

        if isinstance(value, pd.Series):
            if len(value) > MAX_VALUES:
                return {"kind": "too large", "size": len(value)}
            return {
                "kind": "series",
                "index": [_scalar(label) for label in value.index],
                "values": [_scalar(v) for v in value.tolist()],
                "dtype": str(value.dtype),
            }
        if isinstance(value, pd.DataFrame):
            if value.size > MAX_VALUES:
                return {"kind": "too large", "size": int(value.size)}
            return {
                "kind": "frame",
                "index": [_scalar(label) for label in value.index],
                "columns": [_scalar(label) for label in value.columns],
                "data": [[_scalar(v) for v in row] for row in value.itertuples(index=False)],
            }
        if isinstance(value, np.ndarray):
            if value.size > MAX_VALUES:
                return {"kind": "too large", "size": int(value.size)}
            if value.ndim == 0:
                return encode(value.item())
            return {"kind": "list", "values": [_scalar(v) for v in value.ravel().tolist()]}
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    if isinstance(value, (str, numbers.Real)) or value is None or hasattr(value, "item"):
        scalar = _scalar(value)
        if isinstance(scalar, dict):
            return {"kind": "unsupported", "type": type(value).__name__}
        kind = "text" if isinstance(value, str) else "none" if value is None else "number"
        return {"kind": kind, "value": scalar}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_VALUES:
            return {"kind": "too large", "size": len(value)}
        return {"kind": "list", "values": [_scalar(v) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_VALUES:
            return {"kind": "too large", "size": len(value)}
        return {
            "kind": "mapping",
            "keys": [_scalar(k) for k in value],
            "values": [_scalar(v) for v in value.values()],
        }
    return {"kind": "unsupported", "type": type(value).__name__}


def _safe_encode(value: Any) -> dict[str, Any]:
    try:
        return encode(value)
    except Exception as error:  # an object that cannot even be read: say so, as data
        return {"kind": "unreadable", "type": type(value).__name__, "error": str(error)[:200]}


_FINGERPRINTS: dict[str, str] = {}


def _data_fingerprint() -> str | None:
    """The fingerprint of the data this notebook loads (worked out once per kernel)."""
    try:
        from socialmarketing.data.location import find_data

        folder = find_data().folder
        if str(folder) not in _FINGERPRINTS:
            _FINGERPRINTS[str(folder)] = find_data().fingerprint
        return _FINGERPRINTS[str(folder)]
    except Exception:  # no data: the grader says what it used
        return None


def hand_in(*names: str) -> None:
    """Show the named variables of the notebook as one answers output (see the module doc)."""
    from IPython import get_ipython
    from IPython.display import display

    shell = get_ipython()
    namespace = shell.user_ns if shell is not None else {}
    answers = {name: _safe_encode(namespace.get(name, MISSING)) for name in names}
    display(
        {
            MIME_TYPE: {"answers": answers, "data": _data_fingerprint()},
            "text/plain": f"(handed in for grading: {', '.join(names)})",
        },
        raw=True,
    )
