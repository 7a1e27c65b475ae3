"""Cheating in the kernel gains nothing, and fair answers are marked fairly (assignment 03).

One class, graded together with ``socialmarketing grade`` (sandboxed, as root in CI, the course
under /var/tmp; tests/test_grading_hostile.py grades one under /tmp) and again with plain
``nbgrader autograde`` on a copy: both must give every student exactly the same scores, and the
scores the rules say. The students:

* ``honest`` solves every part; ``blank`` hands in the release untouched;
* ``patcher`` gives wrong answers and patches what hidden tests used to rely on in the kernel
  (``assert_series_equal``, ``abs``, ``check``, the course package's functions);
* ``transformer`` answers part 1 and then registers an input transformer and a pre-run hook
  that rewrite every later cell to ``pass``;
* ``liar`` hands in objects whose ``==`` always says yes, for two parts;
* ``collider`` is honest but uses the names that used to collide with the hidden tests;
* ``fine_rounder`` rounds every number to 4 significant figures (within the stated 0.1 %);
  ``coarse_rounder`` rounds part 2 to one decimal (outside it);
* ``slipper`` gets part 4 wrong and computes parts 5 and 6 correctly from that wrong value
  (error carried forward: the slip costs part 4 only).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from socialmarketing.grading import run

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
NAME = "03_viral_marketing"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
POINTS = {
    "reposts_per_post_by_type": 3,
    "share_posts_depth_two_plus": 2,
    "repost_probability_by_type": 3,
    "attention_to_action_by_funnel": 2,
    "aisas_viral_coefficient": 3,
    "aisas_customers_with_sharing": 2,
}
FULL = sum(POINTS.values())
SERIES = ("reposts_per_post_by_type", "repost_probability_by_type", "attention_to_action_by_funnel")

PATCHES = """
import builtins
import pandas.testing
import socialmarketing.selfcheck
from socialmarketing import funnel as _funnel
pandas.testing.assert_series_equal = lambda *args, **kwargs: None
builtins.abs = lambda value: 0
socialmarketing.selfcheck.check = lambda *args, **kwargs: None
check = lambda *args, **kwargs: None
_funnel.viral_coefficient = lambda *args, **kwargs: 0.5
"""
TRANSFORMER = """
_shell = get_ipython()
_shell.input_transformers_post.append(lambda lines: ["pass\\n"])
_shell.events.register("pre_run_cell", lambda info: None)
"""
LIAR = """
class Liar(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__
"""
COLLISIONS = (
    "data = 'mine'\nchannels = answer = engagement = expected = table = channel = split = 1\n"
)


def answer_cells(notebook) -> dict[str, int]:
    """grade id of each answer cell -> its index."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }


def solution_code(source, grade_id: str) -> str:
    cell = source.cells[answer_cells(source)[grade_id]]
    return re.sub(r"### (BEGIN|END) SOLUTION\n?", "", cell.source).strip()


def submission(source, release, changes: dict[str, str] | None) -> nbformat.NotebookNode:
    """The release with every answer cell solved, then ``changes`` (grade id -> code appended
    to that answer cell); ``None``: the untouched release."""
    notebook = nbformat.from_dict(release)
    if changes is None:
        return notebook
    for grade_id, index in answer_cells(release).items():
        if grade_id.endswith("_answer"):
            notebook.cells[index].source = solution_code(source, grade_id)
            notebook.cells[index].source += "\n" + changes.get(grade_id, "")
    return notebook


def rounded(variable: str, code: str) -> str:
    if variable in SERIES:
        return f"{variable} = {variable}.apply(lambda v: float({code}))"
    return f"{variable} = (lambda v: float({code}))({variable})"


def students() -> dict[str, dict[str, str] | None]:
    first = "reposts_per_post_by_type_answer"
    every = {f"{v}_answer": f"{v} = {v} * 1.5" for v in POINTS}
    return {
        "honest": {},
        "blank": None,
        "patcher": {**every, first: PATCHES + every[first]},
        "transformer": {first: TRANSFORMER},
        "liar": {
            first: LIAR,
            "share_posts_depth_two_plus_answer": "share_posts_depth_two_plus = Liar(0.0)",
            "aisas_viral_coefficient_answer": "aisas_viral_coefficient = Liar(0.0)",
        },
        "collider": {first: COLLISIONS},
        "fine_rounder": {f"{v}_answer": rounded(v, 'f"{v:.4g}"') for v in POINTS},
        "coarse_rounder": {
            "share_posts_depth_two_plus_answer": rounded(
                "share_posts_depth_two_plus", "round(v, 1)"
            )
        },
        "slipper": {
            "attention_to_action_by_funnel_answer": 'attention_to_action_by_funnel["AISAS"] *= 2'
        },
    }


EXPECTED = {
    "honest": FULL,
    "blank": 0,
    "patcher": 0,
    "transformer": 0,
    # ...and part 6, computed from its K of 0: error carried forward takes only a K between 0
    # and 1 (a K of 0 would make part 6 trivial), so part 6 is marked against the reference K.
    "liar": FULL
    - POINTS["share_posts_depth_two_plus"]
    - POINTS["aisas_viral_coefficient"]
    - POINTS["aisas_customers_with_sharing"],
    "collider": FULL,
    "fine_rounder": FULL,
    "coarse_rounder": FULL - POINTS["share_posts_depth_two_plus"],
    "slipper": FULL - POINTS["attention_to_action_by_funnel"],
}


def automatic_scores(course: Path) -> dict[str, dict[str, float]]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            submission.student.id: {
                grade.name: grade.auto_score
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.name in POINTS
            }
            for submission in gradebook.assignment_submissions(NAME)
        }


@pytest.fixture(scope="module")
def graded():
    root = Path(tempfile.mkdtemp(prefix="sm-cheating-", dir="/var/tmp"))
    try:
        course = root / "course"
        (course / "source").mkdir(parents=True)
        shutil.copy(REPO / "exercises" / "nbgrader_config.py", course)
        shutil.copytree(REPO / "exercises" / "source" / NAME, course / "source" / NAME)
        shutil.copytree(REPO / "exercises" / "answer_key", course / "answer_key")
        nbgrader = [str(BIN / "nbgrader")]
        subprocess.run([*nbgrader, "generate_assignment", NAME, "--force"], cwd=course,
                       check=True, capture_output=True, env=ENV)  # fmt: skip
        source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", 4)
        release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", 4)
        for student, changes in students().items():
            folder = course / "submitted" / student / NAME
            folder.mkdir(parents=True)
            nbformat.write(submission(source, release, changes), folder / f"{NAME}.ipynb")
        plain = root / "plain"
        shutil.copytree(course, plain)

        outcome = run.grade_assignment(NAME, course, workers=3)
        serial = subprocess.run([*nbgrader, "autograde", NAME, "--create"], cwd=plain,
                                capture_output=True, text=True, env=ENV)  # fmt: skip
        assert serial.returncode == 0, serial.stderr[-3000:]
        yield course, outcome, automatic_scores(course), automatic_scores(plain)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_every_student_gets_what_the_rules_say(graded):
    _, outcome, ours, _ = graded
    assert outcome.sandboxed and outcome.count("graded") == len(EXPECTED), outcome.table()
    assert {student: sum(parts.values()) for student, parts in ours.items()} == EXPECTED


def test_plain_nbgrader_autograde_gives_the_same_scores_part_for_part(graded):
    _, _, ours, plain = graded
    assert plain == ours


def test_feedback_says_what_is_wrong_without_any_expected_value(graded):
    course, _, _, _ = graded
    from socialmarketing.data import find_data_dir
    from socialmarketing.grading.verdicts import Tables, load_answer_key

    key = load_answer_key(course, NAME)
    tables = Tables(find_data_dir())
    shown = {}
    for student in ("blank", "patcher", "coarse_rounder"):
        path = course / "autograded" / student / NAME / f"{NAME}.ipynb"
        shown[student] = "".join(
            str(output.get("text", "")) + str(output.get("evalue", ""))
            for cell in nbformat.read(path, 4).cells
            for output in cell.get("outputs", [])
        )
    assert "was not handed in" in shown["blank"]
    assert "is not right yet" in shown["coarse_rounder"]
    number = key["share_posts_depth_two_plus"].expected(tables, None)
    for text in shown.values():
        assert f"{number:.4g}" not in text and f"{number:.3f}" not in text
