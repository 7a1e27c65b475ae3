"""nbgrader's Execute step with a cap on each cell's output."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

from socialmarketing.grading.execute import LimitedExecute, _message_size, autograde_preprocessors


def test_message_size_counts_the_bytes_of_text_displays_and_tracebacks():
    assert _message_size({"content": {"name": "stdout", "text": "héllo"}}) == 6  # é is 2 bytes
    display = {"content": {"data": {"text/plain": "ab", "text/html": "<b>"}, "metadata": {}}}
    assert _message_size(display) == 5
    assert _message_size({"content": {"ename": "E", "traceback": ["abc", "de"]}}) == 5
    assert _message_size({"content": {}}) == 0


def test_the_autograde_steps_are_nbgraders_with_execute_replaced_and_verdicts_after_it():
    from socialmarketing.grading.verdicts import LoadAnswerKey, VerifyAnswers

    nbgrader_steps = Autograde.class_traits()["autograde_preprocessors"].default()
    ours = autograde_preprocessors()
    assert len(ours) == len(nbgrader_steps) + 2 and ours.count(LimitedExecute) == 1
    assert ours[ours.index(LimitedExecute) + 1] is VerifyAnswers
    assert ours[ours.index(LimitedExecute) - 1] is LoadAnswerKey
    without_verdicts = [step for step in ours if step not in (LoadAnswerKey, VerifyAnswers)]
    for step, original in zip(without_verdicts, nbgrader_steps, strict=True):
        assert step is (LimitedExecute if original is Execute else original)
    assert issubclass(LimitedExecute, Execute)


def run_cells(*sources: str, max_output_bytes: int) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    executor = LimitedExecute(max_output_bytes=max_output_bytes, timeout=60)
    executed, _ = executor.preprocess(notebook, {})
    return executed


@pytest.mark.slow
def test_output_past_the_cap_is_dropped_with_a_note_but_errors_are_kept():
    # Each print is one stream message of 400 bytes (399 x's and the newline); a cap of 1,000
    # keeps two of them, drops the third and says so. A flush after each print sends them
    # one message at a time.
    printing = "for _ in range(3):\n    print('x' * 399, flush=True)"
    failing = "print('y' * 2000, flush=True)\nraise ValueError('wrong answer')"
    quiet = "print('ok')"
    executed = run_cells(printing, failing, quiet, max_output_bytes=1000)

    first = executed.cells[0].outputs
    kept = "".join(o.text for o in first if o.get("name") == "stdout")
    assert kept == ("x" * 399 + "\n") * 2
    assert first[-1].name == "stderr"
    assert "more than 1,000 bytes; 400 bytes were dropped" in first[-1].text

    second = executed.cells[1].outputs
    assert not any("y" * 2000 in str(o.get("text", "")) for o in second)
    errors = [o for o in second if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "ValueError"  # the error decides the grade

    assert [o.text for o in executed.cells[2].outputs] == ["ok\n"]  # each cell has its own cap
