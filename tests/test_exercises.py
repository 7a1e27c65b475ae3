"""The graded exercises work end to end, for every assignment in exercises/source/.

In a temporary copy of the course, for each assignment: ``nbgrader generate_assignment`` hides
the solutions and the hidden tests; the source notebook passes ``nbgrader validate`` and the
released one fails it; autograding gives the instructor's solution full automatic marks, the
untouched release 0 and a plausible wrong answer something in between; with data generated from
another seed the solution still gets full marks while answers frozen from the default data lose
marks (so the hidden tests really read the data). Structural checks: points add up, each
assignment has 4 to 8 graded parts in all (automatically graded parts and at least one manually
graded answer with its rubric), part headings are numbered in order and show the points, grade
ids are unique across the course, every automatically graded part has a self-check and every
self-check a part.

Finally the broken submissions of a class (not a notebook, a deleted or edited test cell, a
renamed file, an endless loop, megabytes of output, a crashing kernel) are graded with
``socialmarketing.grading.run.grade_assignment`` on assignment 01; the others are graded fully
and grades from an earlier run are kept.

Each student's submission is made from the source or the released notebook by changing answer
cells only, as a student would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from socialmarketing.grading import run
from socialmarketing.grading.verdicts import load_answer_key
from socialmarketing.selfcheck import grade_ids

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXERCISES = REPO / "exercises"
ASSIGNMENTS = sorted(
    folder.name
    for folder in (EXERCISES / "source").iterdir()
    if (folder / f"{folder.name}.ipynb").is_file()
)
BIN = Path(sys.executable).parent
#: nbgrader runs the `alembic` command of its environment when it creates a gradebook.
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
ENV.pop("SOCIALMARKETING_DATA", None)
OTHER_SEED = 7

#: A typical mistake per assignment: (grade id of the part, code of its answer cell). For an
#: assignment not listed, the first graded part's answer is multiplied by 100 (percentages
#: instead of shares, or a unit slip).
MISTAKES = {
    "01_traditional_vs_social": (
        "cpa_by_channel",
        'cpa_by_channel = channel_totals["conversions"] / channel_totals["spend"]',
    ),
}

#: The visible self-check that opens a test cell: ``check("grade_id", variable)``, or for a part
#: with several answers ``check("grade_id", (first, second))`` (possibly over several lines).
CHECK_LINE = re.compile(
    r"""^check\(\s*["'](?P<grade_id>\w+)["']\s*,\s*"""
    r"""(?P<answer>\w+|\(\s*\w+(?:\s*,\s*\w+)+\s*,?\s*\))\s*,?\s*\)"""
)
#: A part's heading: ``## Part 3: Cost per click (2 points)``, ``(written, 3 points)``.
PART_HEADING = re.compile(
    r"^## Part (?P<number>\d+): .+ \((?:written, )?(?P<points>\d+(?:\.\d+)?) points?\)$", re.M
)


# ---------------------------------------------------------------------------------------------
# Reading the notebooks
# ---------------------------------------------------------------------------------------------


def nbgrader_fields(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


@dataclass
class Part:
    """One automatically graded part: its test cell and the answer cells before it, which
    assign the part's variables (most parts have one; a part with two answers has two cells)."""

    grade_id: str
    points: float
    variables: list[str]
    test_index: int
    answer_indexes: list[int]
    #: For each variable, the answer cell that assigns it.
    answer_of: dict[str, int]


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def source_notebook(name: str) -> nbformat.NotebookNode:
    return read_notebook(EXERCISES / "source" / name / f"{name}.ipynb")


def graded_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Indexes of every graded cell: automatic test cells and manually graded answers."""
    return [i for i, cell in enumerate(notebook.cells) if nbgrader_fields(cell).get("grade")]


def auto_parts(notebook: nbformat.NotebookNode) -> list[Part]:
    """The automatically graded parts, in order (code cells that are graded, not answers).

    A part's answer cells are the answer code cells after the previous graded cell; its
    variables are those its test cell passes to ``check``."""
    parts, previous = [], -1
    for index, cell in enumerate(notebook.cells):
        fields = nbgrader_fields(cell)
        if not fields.get("grade"):
            continue
        start, previous = previous + 1, index
        if cell.cell_type != "code" or fields.get("solution"):
            continue
        match = CHECK_LINE.match(visible(cell.source))
        variables = re.findall(r"\w+", match["answer"]) if match else []
        answers = [
            i
            for i in range(start, index)
            if notebook.cells[i].cell_type == "code"
            and nbgrader_fields(notebook.cells[i]).get("solution")
        ]
        answer_of = {}
        for variable in variables:
            assigning = re.compile(rf"^{variable}\s*=[^=]", re.M)
            found = [i for i in answers if assigning.search(notebook.cells[i].source)]
            answer_of[variable] = (found or answers or [index])[-1]
        parts.append(
            Part(fields["grade_id"], float(fields["points"]), variables, index, answers, answer_of)
        )
    return parts


HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.S)


def visible(source: str) -> str:
    """A test cell as students see it: without its hidden region."""
    return HIDDEN_REGION.sub("", source).strip()


def manual_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Indexes of the manually graded answer cells (graded and answer at once)."""
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if nbgrader_fields(cell).get("grade") and nbgrader_fields(cell).get("solution")
    ]


def marked_regions(text: str, begin: str, end: str) -> list[str]:
    """The lines strictly between ``### BEGIN x`` and ``### END x`` markers."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def telltale_lines(notebook: nbformat.NotebookNode, begin: str, end: str) -> list[str]:
    """Lines inside the marked regions that appear nowhere else in the notebook, long enough
    to be recognised (a lone bracket is no evidence of a leak)."""
    inside, outside = [], set()
    for cell in notebook.cells:
        region = marked_regions(cell.source, begin, end)
        inside += [line.strip() for line in region]
        region_set = set(region)
        outside |= {
            line.strip()
            for line in cell.source.splitlines()
            if line not in region_set and line.strip() not in (begin, end)
        }
    return sorted({line for line in inside if len(line) >= 12 and line not in outside})


# ---------------------------------------------------------------------------------------------
# Running nbgrader
# ---------------------------------------------------------------------------------------------


def nbgrader(course: Path, *args: str, env: dict | None = None, check: bool = True):
    result = subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course,
        env=env or ENV,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check:
        assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stderr[-5000:]}"
    return result


def submit(course: Path, name: str, student: str, notebook: nbformat.NotebookNode) -> Path:
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def with_answers(notebook: nbformat.NotebookNode, answers: dict[int, str]):
    """A copy of ``notebook`` with the code of some cells (by index) replaced."""
    changed = nbformat.from_dict(json.loads(nbformat.writes(notebook)))
    for index, code in answers.items():
        changed.cells[index].source = code
    return changed


def solved(source: nbformat.NotebookNode, release: nbformat.NotebookNode):
    """The released notebook with every answer cell filled in with the instructor's solution
    (the source cell without its BEGIN/END SOLUTION lines): what a perfect student submits."""
    assert [nbgrader_fields(c).get("grade_id") for c in source.cells] == [
        nbgrader_fields(c).get("grade_id") for c in release.cells
    ]
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    answers = {
        index: "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
        for index, cell in enumerate(source.cells)
        if nbgrader_fields(cell).get("solution")
    }
    return with_answers(release, answers)


def scores(course: Path, name: str) -> dict[str, dict]:
    """Per student: total score, max score and each part's automatic score, from the gradebook."""
    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(name):
            parts = {
                grade.name: grade.auto_score
                for notebook in submission.notebooks
                for grade in notebook.grades
            }
            found[submission.student.id] = {
                "score": submission.score,
                "max_score": submission.max_score,
                "parts": parts,
            }
    return found


# ---------------------------------------------------------------------------------------------
# Fixtures: one course copy, each assignment generated and graded once
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_seed_data(tmp_path_factory) -> Path:
    """The sample data made with another seed (course scale), once."""
    folder = tmp_path_factory.mktemp(f"seed{OTHER_SEED}")
    command = [str(BIN / "socialmarketing"), "data", "generate", "--out", str(folder)]
    subprocess.run([*command, "--seed", str(OTHER_SEED)], check=True, capture_output=True, env=ENV)
    return folder


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course: its config and source/ only (no students, no gradebook)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(EXERCISES / "nbgrader_config.py", root)
    shutil.copytree(EXERCISES / "source", root / "source")
    shutil.copytree(EXERCISES / "answer_key", root / "answer_key")
    return root


@dataclass
class Generated:
    name: str
    course: Path
    source: nbformat.NotebookNode
    release: nbformat.NotebookNode
    release_text: str


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def generated(request, course) -> Generated:
    name = request.param
    nbgrader(course, "generate_assignment", name, "--force")
    path = course / "release" / name / f"{name}.ipynb"
    return Generated(name, course, source_notebook(name), read_notebook(path), path.read_text())


@dataclass
class Graded:
    name: str
    scores: dict[str, dict]
    max_score: float
    wrong_part: str


def frozen_answers(parts: list[Part], values: Path) -> tuple[dict[int, str], dict[int, str]]:
    """Answer cells that save each part's variables (recorder) or load them back (frozen)."""
    by_cell: dict[int, list[str]] = {}
    for part in parts:
        for answer_index in part.answer_indexes:
            by_cell.setdefault(answer_index, [])
        for variable, answer_index in part.answer_of.items():
            by_cell[answer_index].append(variable)
    save, load = {}, {}
    for index, variables in by_cell.items():
        save[index] = "\nimport pickle as _pickle\n" + "".join(
            f"with open({str(values / v)!r}, 'wb') as _file:\n    _pickle.dump({v}, _file)\n"
            for v in variables
        )
        load[index] = "import pickle as _pickle\n" + "".join(
            f"with open({str(values / v)!r}, 'rb') as _file:\n    {v} = _pickle.load(_file)\n"
            for v in variables
        )
    return save, load


@pytest.fixture(scope="module")
def graded(generated, other_seed_data, tmp_path_factory) -> Graded:
    """Autograde, on the default data: the solution (which also saves its answers), the
    untouched release and a wrong answer; then, on the other seed's data, the solution and a
    submission whose answers are frozen to the default data's values."""
    name, course, source = generated.name, generated.course, generated.source
    perfect = solved(source, generated.release)
    parts = auto_parts(source)
    values = tmp_path_factory.mktemp(f"answers-{name}")
    save, load = frozen_answers(parts, values)

    solution_with_saving = {i: perfect.cells[i].source + code for i, code in save.items()}
    submit(course, name, "solution", with_answers(perfect, solution_with_saving))
    submit(course, name, "untouched", generated.release)
    wrong_part, wrong_code = MISTAKES.get(name, (parts[0].grade_id, None))
    part = next(p for p in parts if p.grade_id == wrong_part)
    variable = part.variables[0]
    wrong_cell = part.answer_of[variable]
    if wrong_code is None:
        scaled = f"{variable} = {variable} * 100"
        wrong_code = f"{perfect.cells[wrong_cell].source}\n{scaled}"
    submit(course, name, "wrong", with_answers(perfect, {wrong_cell: wrong_code}))
    nbgrader(course, "autograde", name, "--create")

    submit(course, name, f"seed{OTHER_SEED}_solution", perfect)
    submit(course, name, f"seed{OTHER_SEED}_frozen", with_answers(perfect, load))
    other = {**ENV, "SOCIALMARKETING_DATA": str(other_seed_data)}
    nbgrader(course, "autograde", name, "--create", f"--student=seed{OTHER_SEED}_*", env=other)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        max_score = gradebook.find_assignment(name).max_score
    return Graded(name, scores(course, name), max_score, wrong_part)


# ---------------------------------------------------------------------------------------------
# The design rules every assignment follows (read from the source notebooks)
# ---------------------------------------------------------------------------------------------


def test_there_are_assignments():
    assert "01_traditional_vs_social" in ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_assignment_has_4_to_8_graded_parts_a_written_part_and_round_points(name):
    notebook = source_notebook(name)
    parts = auto_parts(notebook)
    manual = manual_cells(notebook)
    graded = graded_cells(notebook)
    # Every graded cell is one part: an automatic test cell or a manually graded answer.
    assert sorted([p.test_index for p in parts] + manual) == graded
    assert 4 <= len(graded) <= 8, [nbgrader_fields(notebook.cells[i])["grade_id"] for i in graded]
    assert parts, "no automatically graded part"
    assert manual, "no manually graded answer"
    total = sum(p.points for p in parts) + sum(
        float(nbgrader_fields(notebook.cells[i])["points"]) for i in manual
    )
    assert total % 5 == 0, f"{name} has {total:g} points, not a round total"
    for index in manual:
        assert notebook.cells[index].cell_type == "markdown"
        rubric = notebook.cells[index - 1]
        assert nbgrader_fields(rubric).get("locked"), "the rubric cell must be read-only"
        assert "How this is marked" in rubric.source
        points = float(nbgrader_fields(notebook.cells[index])["points"])
        listed = [float(n) for n in re.findall(r"\*\*(\d+(?:\.\d+)?) points?\*\*", rubric.source)]
        assert sum(listed) == points, (
            f"the rubric above {nbgrader_fields(notebook.cells[index])['grade_id']} lists "
            f"{listed} points, the cell is worth {points:g}"
        )


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_part_headings_are_numbered_in_order_and_show_the_points(name):
    notebook = source_notebook(name)
    graded = graded_cells(notebook)
    headings = [
        (index, match)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown"
        for match in PART_HEADING.finditer(cell.source)
    ]
    assert [int(match["number"]) for _, match in headings] == list(range(1, len(graded) + 1))
    # Each heading comes before its part's graded cell and after the previous part's.
    starts = [index for index, _ in headings] + [len(notebook.cells)]
    for (index, match), end, cell_index in zip(headings, starts[1:], graded, strict=True):
        assert index < cell_index < end, f"part {match['number']} is not followed by its cell"
        points = float(nbgrader_fields(notebook.cells[cell_index])["points"])
        assert float(match["points"]) == points, (
            f"part {match['number']} says {match['points']} points, its cell is worth {points:g}"
        )


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_notebook_opens_with_read_only_intro_and_set_up_and_has_no_outputs(name):
    notebook = source_notebook(name)
    intro, setup = notebook.cells[0], notebook.cells[1]
    assert intro.cell_type == "markdown" and nbgrader_fields(intro).get("locked")
    assert setup.cell_type == "code" and nbgrader_fields(setup).get("locked")
    assert "from socialmarketing.selfcheck import check" in setup.source
    assert "data.load(" in notebook_text(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "commit without outputs"


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_each_test_cell_hands_its_answers_in_then_runs_its_visible_self_check(name):
    # The hidden part only hands the answers in, as data: the verdict is the grader's, computed
    # outside the student's kernel from the answer key (socialmarketing.grading.verdicts).
    notebook = source_notebook(name)
    registered = set(grade_ids())
    key = load_answer_key(EXERCISES, name)
    parts = auto_parts(notebook)
    assert {part.grade_id for part in parts} == set(key), "every part has an answer-key entry"
    for part in parts:
        cell = notebook.cells[part.test_index]
        match = CHECK_LINE.match(visible(cell.source))
        assert match and match["grade_id"] == part.grade_id, (
            f"test cell {part.grade_id} must show check({part.grade_id!r}, <variable>) "
            f"or, for a part with several answers, check({part.grade_id!r}, (<a>, <b>))"
        )
        assert part.answer_indexes, f"{part.grade_id} has no answer cell"
        for variable, index in part.answer_of.items():
            assert re.search(rf"^{variable}\s*=[^=]", notebook.cells[index].source, re.M), (
                f"no answer cell of {part.grade_id} assigns {variable}"
            )
        assert part.grade_id in registered, f"no self-check registered for {part.grade_id}"
        names = key[part.grade_id].names or (part.grade_id,)
        assert list(names) == part.variables, f"{part.grade_id} hands in other variables"
        call = ", ".join(f'"{n}"' for n in names)
        hidden = "\n".join(
            marked_regions(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
        )
        handed_in = f'__import__("socialmarketing.answers").answers.hand_in({call})'
        assert re.sub(r"[\s,]", "", hidden) == re.sub(r"[\s,]", "", handed_in)
        assert cell.source.startswith("### BEGIN HIDDEN TESTS")  # handed in before the check
        for index in part.answer_indexes:
            answer = notebook.cells[index]
            assert "### BEGIN SOLUTION" in answer.source and "### END SOLUTION" in answer.source


def test_every_self_check_belongs_to_an_automatically_graded_part():
    # The reverse of "every part has a self-check": no check is left for a part that is gone.
    in_notebooks = {
        part.grade_id for name in ASSIGNMENTS for part in auto_parts(source_notebook(name))
    }
    assert set(grade_ids()) == in_notebooks


def test_grade_ids_are_unique_across_the_course():
    seen: dict[str, str] = {}
    for name in ASSIGNMENTS:
        for cell in source_notebook(name).cells:
            grade_id = nbgrader_fields(cell).get("grade_id")
            if grade_id is None:
                continue
            assert grade_id not in seen, f"{grade_id} is used in {seen[grade_id]} and {name}"
            seen[grade_id] = name


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_notebook_is_ruff_clean(name):
    folder = str(EXERCISES / "source" / name)
    for command in (["check", folder], ["format", "--check", folder]):
        result = subprocess.run(
            [str(BIN / "ruff"), *command], capture_output=True, text=True, cwd=REPO
        )
        assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# nbgrader: generate, validate, autograde (one course copy, each assignment once)
# ---------------------------------------------------------------------------------------------


def test_release_has_no_solution_code_and_no_hidden_tests(generated):
    solution_lines = telltale_lines(generated.source, "### BEGIN SOLUTION", "### END SOLUTION")
    hidden_lines = telltale_lines(
        generated.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
    )
    assert solution_lines and hidden_lines
    release = {line.strip() for line in notebook_text(generated.release).splitlines()}
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in generated.release_text
    assert [line for line in solution_lines if line in release] == []
    assert [line for line in hidden_lines if line in release] == []
    stubs = [
        cell
        for cell in generated.release.cells
        if cell.cell_type == "code" and nbgrader_fields(cell).get("solution")
    ]
    assert stubs and all("raise NotImplementedError()" in cell.source for cell in stubs)


def test_source_passes_validate_and_release_fails_it(generated):
    name, course = generated.name, generated.course
    source = nbgrader(course, "validate", f"source/{name}/{name}.ipynb", check=False)
    assert "Success! Your notebook passes all the tests." in source.stdout, source.stdout[-3000:]
    release = nbgrader(course, "validate", f"release/{name}/{name}.ipynb", check=False)
    assert "failed" in release.stdout and "Success!" not in release.stdout


def test_points_in_the_cells_add_up_to_the_gradebook_max_score(generated, graded):
    notebook = generated.source
    total = sum(p.points for p in auto_parts(notebook)) + sum(
        float(nbgrader_fields(notebook.cells[i])["points"]) for i in manual_cells(notebook)
    )
    assert graded.max_score == total
    assert graded.scores["solution"]["max_score"] == total


def test_solution_gets_full_automatic_marks(generated, graded):
    auto = {p.grade_id: p.points for p in auto_parts(generated.source)}
    got = graded.scores["solution"]["parts"]
    assert {grade_id: got[grade_id] for grade_id in auto} == auto
    manual = [
        nbgrader_fields(generated.source.cells[i])["grade_id"]
        for i in manual_cells(generated.source)
    ]
    assert all(got[grade_id] is None for grade_id in manual)  # left for the human grader


def test_untouched_release_gets_no_automatic_marks(graded):
    assert graded.scores["untouched"]["score"] == 0


def test_a_plausible_wrong_answer_gets_partial_marks(generated, graded):
    wrong = graded.scores["wrong"]
    auto_total = sum(p.points for p in auto_parts(generated.source))
    assert 0 < wrong["score"] < auto_total
    assert wrong["parts"][graded.wrong_part] == 0
    parts = auto_parts(generated.source)
    before = [p for p in parts][: [p.grade_id for p in parts].index(graded.wrong_part)]
    assert all(wrong["parts"][p.grade_id] == p.points for p in before)


def test_with_another_seed_the_solution_still_gets_full_marks(generated, graded):
    auto = {p.grade_id: p.points for p in auto_parts(generated.source)}
    got = graded.scores[f"seed{OTHER_SEED}_solution"]["parts"]
    assert {grade_id: got[grade_id] for grade_id in auto} == auto


def test_hidden_tests_depend_on_the_data(generated, graded):
    # Answers frozen to the default data's values lose marks on the other seed's data.
    auto_total = sum(p.points for p in auto_parts(generated.source))
    assert graded.scores["solution"]["score"] == auto_total  # the frozen values were right
    assert graded.scores[f"seed{OTHER_SEED}_frozen"]["score"] < auto_total


# ---------------------------------------------------------------------------------------------
# Broken submissions in one class, graded with `socialmarketing grade` (assignment 01)
# ---------------------------------------------------------------------------------------------

A01 = "01_traditional_vs_social"
#: The part of assignment 01 with two answers (paid_search_roas, paid_search_next_week).
A01_PAID_SEARCH = "paid_search_roas_and_next_week"


@pytest.fixture
def grading_course():
    """A fresh course with assignment 01 generated, in /var/tmp (see test_grading_run.py)."""
    root = Path(tempfile.mkdtemp(prefix="sm-exercises-", dir="/var/tmp"))
    try:
        course = root / "course"
        (course / "source").mkdir(parents=True)
        shutil.copy(EXERCISES / "nbgrader_config.py", course)
        shutil.copytree(EXERCISES / "source" / A01, course / "source" / A01)
        shutil.copytree(EXERCISES / "answer_key", course / "answer_key")
        nbgrader(course, "generate_assignment", A01, "--force")
        yield course
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_broken_submissions_get_a_clear_status_and_the_others_are_graded(grading_course):
    course = grading_course
    source = source_notebook(A01)
    release = read_notebook(course / "release" / A01 / f"{A01}.ipynb")
    perfect = solved(source, release)
    parts = {p.grade_id: p for p in auto_parts(source)}
    full = sum(p.points for p in parts.values())
    # The answer cell of each variable, and the test cell of each part.
    answer = {v: index for part in parts.values() for v, index in part.answer_of.items()}
    test = {grade_id: part.test_index for grade_id, part in parts.items()}
    inverted_cpa = MISTAKES[A01][1]

    # A first run: two good submissions are graded.
    submit(course, A01, "solution", perfect)
    submit(course, A01, "later_garbled", perfect)
    first = run.grade_assignment(A01, course, workers=2, cell_timeout=30, submission_timeout=300)
    assert [r.status for r in first.results] == ["graded", "graded"], first.table()

    # The class: one resubmission turned into garbage, and every kind of broken submission.
    (course / "submitted" / "later_garbled" / A01 / f"{A01}.ipynb").write_text(
        '{"cells": [', encoding="utf-8"
    )
    submit(course, A01, "wrong", with_answers(perfect, {answer["cpa_by_channel"]: inverted_cpa}))
    submit(course, A01, "not_json", perfect).write_text("this is not a notebook", "utf-8")
    deleted = with_answers(perfect, {})
    del deleted.cells[test[A01_PAID_SEARCH]]
    submit(course, A01, "deleted_test", deleted)
    edited = {answer["cpa_by_channel"]: inverted_cpa, test["cpa_by_channel"]: "pass"}
    submit(course, A01, "edited_test", with_answers(perfect, edited))
    submit(course, A01, "renamed", perfect).rename(
        course / "submitted" / "renamed" / A01 / "my_assignment.ipynb"
    )
    loop = "while True:\n    pass"
    submit(course, A01, "endless_loop", with_answers(perfect, {answer["paid_search_roas"]: loop}))
    flood = perfect.cells[answer["ctr_by_channel"]].source + '\nprint(("x" * 99 + "\\n") * 50_000)'
    submit(course, A01, "floods", with_answers(perfect, {answer["ctr_by_channel"]: flood}))
    crash = "import os\nos._exit(1)"
    submit(course, A01, "crashes", with_answers(perfect, {answer["cpc_by_channel"]: crash}))

    outcome = run.grade_assignment(
        A01,
        course,
        workers=2,
        cell_timeout=10,
        submission_timeout=300,
        max_output_bytes=100_000,
    )
    results = {r.student: r for r in outcome.results}
    table = outcome.table()

    def graded_with(student: str, score: float) -> None:
        assert results[student].status == "graded", table
        assert results[student].score == score, table

    graded_with("solution", full)
    graded_with("wrong", full - parts["cpa_by_channel"].points)
    # nbgrader scores a deleted test cell 0; the summary names it.
    graded_with("deleted_test", full - parts[A01_PAID_SEARCH].points)
    assert f"deleted from the notebook, scored 0: {A01_PAID_SEARCH}" in " ".join(
        results["deleted_test"].notes
    )
    # An edited test cell is put back from the gradebook before grading: editing it gains
    # nothing (the wrong CPA still scores 0) and the graded notebook shows the original test.
    graded_with("edited_test", full - parts["cpa_by_channel"].points)
    autograded = read_notebook(course / "autograded" / "edited_test" / A01 / f"{A01}.ipynb")
    (restored,) = [
        c for c in autograded.cells if nbgrader_fields(c).get("grade_id") == "cpa_by_channel"
    ]
    assert visible(restored.source) == 'check("cpa_by_channel", cpa_by_channel)'
    assert "BEGIN HIDDEN TESTS" in restored.source
    # The endless loop (in the first answer cell of the two-answer part) is stopped after the
    # cell time limit; only its part is lost, the answer cell after it still runs.
    graded_with("endless_loop", full - parts[A01_PAID_SEARCH].points)
    assert "time limit" in " ".join(results["endless_loop"].notes)
    # Megabytes of output are cut; the answers still count.
    graded_with("floods", full)
    assert "output limit" in " ".join(results["floods"].notes)
    floods = course / "autograded" / "floods" / A01 / f"{A01}.ipynb"
    assert floods.stat().st_size < 1_000_000
    # Submissions that cannot be graded at all: a clear reason, nothing recorded for them.
    assert results["not_json"].status == "failed"
    assert "not a valid notebook" in results["not_json"].reason
    assert results["renamed"].status == "failed"
    assert f"{A01}.ipynb is missing" in results["renamed"].reason
    assert "my_assignment.ipynb" in results["renamed"].reason
    assert results["crashes"].status == "failed"
    assert "kernel crashed" in results["crashes"].reason
    assert results["later_garbled"].status == "failed"
    assert "not a valid notebook" in results["later_garbled"].reason
    assert "6 graded, 4 failed, 0 timed out" in table

    # The gradebook: everyone graded has the new score; the garbled resubmission keeps the
    # grade of the first run; the others that failed have no grade at all.
    in_gradebook = scores(course, A01)
    for student, result in results.items():
        if result.status == "graded":
            assert in_gradebook[student]["score"] == result.score
    assert in_gradebook["later_garbled"]["score"] == full
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in ("not_json", "renamed", "crashes"):
            with pytest.raises(MissingEntry):
                gradebook.find_submission(A01, student)
