"""nbgrader's Execute step with a cap on how much output one cell may produce.

nbgrader trims long outputs only *after* a notebook has run (its LimitOutput step), so a
submission that prints in a loop fills the grader's memory first. This subclass counts the bytes
each cell prints while it runs; past ``max_output_bytes`` it keeps nothing more from that cell
(except errors, which decide the grade) and adds one line saying how much was dropped.
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

__all__ = ["LimitedExecute", "autograde_preprocessors"]


class LimitedExecute(Execute):
    """Execute a notebook, keeping at most ``max_output_bytes`` of output per cell."""

    max_output_bytes = Integer(
        1_000_000, help="Bytes of output kept per cell; the rest is dropped with a note."
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        self._kept_bytes = 0
        self._dropped_bytes = 0
        result = super().preprocess_cell(cell, resources, index)
        if self._dropped_bytes:
            note = (
                f"[output limit: this cell printed more than {self.max_output_bytes:,} bytes; "
                f"{self._dropped_bytes:,} bytes were dropped]\n"
            )
            cell.outputs.append(new_output("stream", name="stderr", text=note))
        return result

    def output(
        self,
        outs: list[NotebookNode],
        msg: dict[str, Any],
        display_id: str | None,
        cell_index: int,
    ) -> NotebookNode | None:
        size = _message_size(msg)
        # Errors are always kept: nbgrader grades a test cell by whether it has one.
        if msg["msg_type"] != "error" and self._kept_bytes + size > self.max_output_bytes:
            self._dropped_bytes += size
            return None
        self._kept_bytes += size
        return super().output(outs, msg, display_id, cell_index)


def _message_size(msg: dict[str, Any]) -> int:
    """Bytes of text an output message carries (stream text or every display format)."""
    content = msg.get("content", {})
    if "text" in content:
        return len(str(content["text"]).encode())
    data = content.get("data", {})
    traceback = content.get("traceback", [])
    return sum(len(str(value).encode()) for value in data.values()) + sum(
        len(line.encode()) for line in traceback
    )


def autograde_preprocessors() -> list[type]:
    """nbgrader's autograde steps, in nbgrader's order, with :class:`LimitedExecute` for Execute
    and the course's verdicts (:class:`~socialmarketing.grading.verdicts.VerifyAnswers`) next."""
    from socialmarketing.grading.verdicts import autograde_steps

    return autograde_steps(execute=LimitedExecute)
