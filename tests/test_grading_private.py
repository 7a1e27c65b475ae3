"""``socialmarketing private-course``: the exercises on data of the instructor's own seed.

The private course ships its data beside every assignment: released with it, loaded by the
students' notebooks from there, and used by the grader for the expected values. A solution then
earns full marks, while answers copied from the public data do not.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from socialmarketing import cli
from socialmarketing.data import TABLES, data_fingerprint
from socialmarketing.grading import private

REPO = Path(__file__).resolve().parents[1]
EXERCISES = REPO / "exercises"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
ENV.pop("SOCIALMARKETING_DATA", None)
NAME = "03_viral_marketing"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("private") / "course"
    assert cli.main(["private-course", str(out), "--seed", "7", "--course", str(EXERCISES)]) == 0
    return out


def test_every_assignment_gets_the_new_data_and_no_class_files(course):
    fingerprints = set()
    for folder in sorted((course / "source").iterdir()):
        data = folder / "data"
        assert all((data / t.file_name).is_file() for t in TABLES.values()), folder.name
        fingerprints.add(data_fingerprint(data))
    assert len(fingerprints) == 1 and fingerprints != {data_fingerprint(REPO / "data")}
    assert (course / "answer_key" / "a03_viral_marketing.py").is_file()
    assert not (course / "gradebook.db").exists() and not (course / "submitted").exists()


@pytest.mark.slow
def test_released_with_its_data_and_graded_against_it(course):
    def nbgrader(*args):
        result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=ENV,
                                capture_output=True, text=True)  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]

    nbgrader("generate_assignment", NAME, "--force")
    assert (course / "release" / NAME / "data" / "posts.csv").is_file()
    # The release recorded which data it went out with; grading checks it.
    released = json.loads((course / "released-data.json").read_text())
    assert released[NAME] == data_fingerprint(course / "source" / NAME / "data")
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", 4)
    release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", 4)
    solved = nbformat.from_dict(release)
    copied = nbformat.from_dict(release)
    public = REPO / "data"
    for index, cell in enumerate(source.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            code = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", cell.source)
            solved.cells[index].source = code
            copied.cells[index].source = code
    # "copied": the same code run on the public data (answers copied from last year's class);
    # the set-up cell is read-only (nbgrader puts it back), so the first answer reloads.
    tables = ("accounts", "posts", "reposts", "funnel_events")
    reload = "".join(f"{n} = data.load({n!r}, data_dir={str(public)!r})\n" for n in tables)
    first = next(
        i for i, c in enumerate(source.cells) if c.metadata.get("nbgrader", {}).get("solution")
    )
    copied.cells[first].source = reload + copied.cells[first].source
    for student, notebook in (("solver", solved), ("copier", copied)):
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{NAME}.ipynb")
    nbgrader("autograde", NAME, "--create")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s.student.id: s.score for s in gradebook.assignment_submissions(NAME)}
    assert scores["solver"] == 15  # every automatic point (the written part waits for a human)
    assert scores["copier"] < 15


def test_bad_input_writes_nothing(tmp_path, monkeypatch):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        private.make_private_course(EXERCISES, taken, 7)
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    with pytest.raises(FileNotFoundError, match="not the course folder"):
        private.make_private_course(tmp_path, tmp_path / "new", 7)
    monkeypatch.setattr(private, "_effects_missing", lambda course, data: ["03: K is below 1"])
    with pytest.raises(ValueError, match=r"K is below 1.*try another seed"):
        private.make_private_course(EXERCISES, tmp_path / "new", 7)
    assert not (tmp_path / "new").exists()
    assert cli.main(["private-course", str(taken), "--seed", "7", "--course", str(EXERCISES)]) == 2
