"""socialmarketing.answers: answers become plain JSON data, whatever the object.

The grader rebuilds them with socialmarketing.grading.verdicts.decode (tests/test_grading_
verdicts.py); here: what the student's kernel hands over.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from socialmarketing import answers
from socialmarketing.answers import MISSING, encode


def test_numbers_of_every_kind_become_floats_and_non_finite_ones_text():
    assert encode(3) == {"kind": "number", "value": 3.0}
    assert encode(np.float64(0.25)) == {"kind": "number", "value": 0.25}
    assert encode(np.int64(7)) == {"kind": "number", "value": 7.0}
    assert encode(float("nan")) == {"kind": "number", "value": "nan"}
    assert encode(True) == {"kind": "bool", "value": True}
    assert encode(np.array(2.5)) == {"kind": "number", "value": 2.5}


def test_series_frames_lists_and_text_keep_labels_and_values():
    series = pd.Series([0.5, np.nan], index=pd.CategoricalIndex(["news", "giveaway"]))
    assert encode(series) == {
        "kind": "series",
        "index": ["news", "giveaway"],
        "values": [0.5, "nan"],
        "dtype": "float64",
    }
    frame = pd.DataFrame({"a": [1, 2]}, index=["x", "y"])
    assert encode(frame) == {
        "kind": "frame",
        "index": ["x", "y"],
        "columns": ["a"],
        "data": [[1.0], [2.0]],
    }
    assert encode([1, "b"]) == {"kind": "list", "values": [1.0, "b"]}
    assert encode("KOL posts") == {"kind": "text", "value": "KOL posts"}
    assert encode(MISSING) == {"kind": "missing"}
    assert encode(None) == {"kind": "none", "value": None}


def test_anything_else_is_named_not_run():
    class Liar:
        def __eq__(self, other):  # an object that says it equals everything
            return True

    assert encode(Liar()) == {"kind": "unsupported", "type": "Liar"}
    assert encode(pd.Series(range(answers.MAX_VALUES + 1)))["kind"] == "too large"


def test_every_encoding_is_plain_json():
    for value in (1, np.float32(1.5), pd.Series([1.0]), pd.DataFrame({"a": [1]}), [np.nan], {}):
        assert json.loads(json.dumps(encode(value))) == encode(value)


def test_hand_in_shows_one_output_with_the_named_variables(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))

    shell = type("Shell", (), {})()
    shell.user_ns = {"share": 0.5}
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    answers.hand_in("share", "undefined_one")
    (output,) = shown
    payload = output[answers.MIME_TYPE]
    assert payload["answers"] == {
        "share": {"kind": "number", "value": 0.5},
        "undefined_one": {"kind": "missing"},
    }
    assert len(payload["data"]) == 12  # the fingerprint of the data the notebook loads
    assert "share" in output["text/plain"]


@pytest.mark.parametrize("value", [object(), pd.Timestamp("2026-01-01")])
def test_odd_objects_never_raise(value):
    assert "kind" in answers._safe_encode(value)
