"""A private copy of the course, graded on sample data of the instructor's own.

The course repository is public: its solutions, answer key and sample data can be read by
anyone, students included. :func:`make_private_course` (``socialmarketing private-course``) makes
a copy of the nbgrader course that keeps working while no published number is right any more:

1. it generates the sample data with the instructor's own seed (a secret number: the same seed
   gives the same data, byte for byte);
2. it checks that every finding the written answers' rubrics take for granted holds in the new
   data (``answer_key/effects.py``), and writes nothing if one does not (try another seed);
3. it copies the course (configuration, guide, assignment sources, answer key; never students'
   work or the gradebook) and puts the new data into every assignment's folder as ``data/``.

``nbgrader generate_assignment`` then releases each assignment *with* its data, students'
notebooks load it from beside the notebook (the first place the course package looks), and the
grader, which computes every expected value from the data beside the notebook it grades, checks
their answers against exactly that data. Each handed-in answer also carries the fingerprint of
the data the student's notebook used, and a graded cell says so when it differs from the
grader's.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

__all__ = ["COPIED", "make_private_course"]

#: What of the course folder is copied: everything else (release/, submitted/, autograded/,
#: feedback/, gradebook.db, reports/) belongs to one class and stays behind.
COPIED = ("nbgrader_config.py", "README.md", ".gitignore", "source", "answer_key")


def _effects_missing(course: Path, data_folder: Path) -> list[str]:
    from socialmarketing.grading.verdicts import Tables, import_answer_key_module

    if not (course / "answer_key" / "effects.py").is_file():
        return []
    effects = import_answer_key_module(course, "effects")
    return effects.missing_effects(Tables(data_folder))


def make_private_course(course: str | Path, out: str | Path, seed: int) -> dict[str, object]:
    """Copy the nbgrader ``course`` to ``out`` with data generated from ``seed`` beside every
    assignment; return what was made (folder, assignments, data fingerprint).

    Raises ``FileNotFoundError`` for a folder that is not a course, ``FileExistsError`` if
    ``out`` exists and is not empty (nothing is overwritten), and ``ValueError`` if a finding a
    rubric relies on does not hold in the new data (nothing is written then).
    """
    from socialmarketing.data import data_fingerprint, generate
    from socialmarketing.validation import check_count

    seed = check_count("seed", seed)
    course, out = Path(course).resolve(), Path(out).resolve()
    for needed in ("nbgrader_config.py", "source", "answer_key"):
        if not (course / needed).exists():
            raise FileNotFoundError(
                f"{course} is not the course folder (it has no {needed}); run this from "
                "exercises/ or pass --course DIR"
            )
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} already exists and is not empty: choose a new folder")
    if out.is_relative_to(course):
        raise ValueError(f"make the private course outside the course folder, not in {out}")
    assignments = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="sm-private-data-") as scratch:
        data_folder = Path(scratch) / "data"
        generate(data_folder, seed=seed)
        missing = _effects_missing(course, data_folder)
        if missing:
            raise ValueError(
                f"with seed {seed}, findings the written answers' rubrics rely on do not hold: "
                + "; ".join(missing)
                + ". Nothing was written: try another seed."
            )
        out.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            source = course / name
            if source.is_dir():
                shutil.copytree(
                    source, out / name, ignore=shutil.ignore_patterns("__pycache__", "data")
                )
            elif source.is_file():
                shutil.copy2(source, out / name)
        for assignment in assignments:
            shutil.copytree(data_folder, out / "source" / assignment / "data")
        fingerprint = data_fingerprint(data_folder)
    return {"folder": out, "assignments": assignments, "seed": seed, "fingerprint": fingerprint}
