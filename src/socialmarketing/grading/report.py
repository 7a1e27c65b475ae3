"""Item analysis of a graded assignment, a grade distribution chart and a CSV grade export.

After grading, an instructor wants to know which parts were hard, which parts told strong and
weak students apart, and what went wrong most often. For each graded part (nbgrader grade cell):

* **mean score** in points, and **difficulty**: the mean score as a share of the part's points
  (classical test theory's *p*-value: 0.9 is an easy part, 0.3 a hard one);
* **discrimination**: the corrected item-total correlation, the Pearson correlation between the
  part's score and the student's total score *without that part* (above about 0.3 the part
  separates strong from weak students well; near 0 or negative it measures something else, or
  its test is faulty); undefined (NaN) when every student scored the same;
* the most common **failure messages** (the last line of the error in the part's test cell).

:func:`write_report` writes ``reports/<assignment>/item-analysis.html`` (tables and an Altair
histogram of total scores that works offline) and ``grades.csv`` (one row per student: id,
score, maximum, percentage, whether the total is still provisional, then each part's score) for
import into a learning platform. The page also lists the submissions that could not be graded,
grouped by reason (from the logs ``socialmarketing grade`` keeps), and how many written answers
still await grading by hand: until they are graded, a student's total is marked provisional and
the part is left empty in ``grades.csv`` (not exported as 0).
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import altair as alt
import nbformat
import numpy as np
import pandas as pd

from socialmarketing.validation import check_columns

__all__ = [
    "failed_submissions",
    "failure_messages",
    "grade_export",
    "gradebook_scores",
    "item_analysis",
    "write_report",
]


def item_analysis(scores: pd.DataFrame, max_points: pd.Series) -> pd.DataFrame:
    """Per-part statistics from a table of scores.

    Parameters
    ----------
    scores
        One row per student, one column per part, points scored (NaN counts as 0).
    max_points
        Points available per part (indexed like ``scores``' columns).

    Returns one row per part: ``max_points``, ``mean_score`` (points), ``difficulty`` (mean
    share of the points, 0 to 1) and ``discrimination`` (corrected item-total correlation,
    -1 to 1, NaN when undefined).
    """
    missing = [part for part in scores.columns if part not in max_points.index]
    if missing:
        raise ValueError(f"max_points has no entry for the part(s) {', '.join(missing)}")
    if (max_points[scores.columns] <= 0).any():
        raise ValueError("every part must be worth more than 0 points")
    points = scores.fillna(0.0).astype(float)
    total = points.sum(axis=1)
    rows = []
    for part in points.columns:
        item = points[part]
        rest = total - item
        if len(item) > 1 and item.std() > 0 and rest.std() > 0:
            discrimination = float(np.corrcoef(item, rest)[0, 1])
        else:
            discrimination = float("nan")
        rows.append(
            {
                "part": part,
                "max_points": float(max_points[part]),
                "mean_score": float(item.mean()),
                "difficulty": float(item.mean() / max_points[part]),
                "discrimination": discrimination,
            }
        )
    return pd.DataFrame(rows).set_index("part")


def gradebook_scores(course: str | Path, assignment: str) -> tuple[pd.DataFrame, pd.Series]:
    """Scores from the course gradebook: (students × parts in points, points per part).

    Only parts that earn points (grade cells) are included; a part's score is its manual score
    when a grader entered one, otherwise the automatic score.
    """
    from nbgrader.api import Gradebook, MissingEntry

    db = Path(course).resolve() / "gradebook.db"
    if not db.is_file():
        raise FileNotFoundError(f"there is no gradebook at {db}")
    with Gradebook(f"sqlite:///{db}") as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(f"the gradebook has no assignment {assignment!r}") from None
        parts = {
            cell.name: float(cell.max_score) for nb in found.notebooks for cell in nb.grade_cells
        }
        rows = {}
        for submission in found.submissions:
            rows[submission.student.id] = {
                grade.name: grade.score for nb in submission.notebooks for grade in nb.grades
            }
    scores = pd.DataFrame.from_dict(rows, orient="index", columns=list(parts)).sort_index()
    scores.index.name = "student_id"
    return scores.astype(float), pd.Series(parts, name="max_points")


def failure_messages(course: str | Path, assignment: str, top: int = 3) -> dict[str, list]:
    """The most common error lines in each part's test cell, from the autograded notebooks.

    Returns ``{grade_id: [(message, count), ...]}`` with at most ``top`` messages per part.
    """
    counts: dict[str, Counter] = {}
    folder = Path(course).resolve() / "autograded"
    for path in sorted(folder.glob(f"*/{assignment}/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not meta.get("grade") or cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    first = message.strip().splitlines()[0][:200]
                    counts.setdefault(meta["grade_id"], Counter())[first] += 1
    return {part: counter.most_common(top) for part, counter in counts.items()}


def grade_export(scores: pd.DataFrame, max_points: pd.Series, assignment: str) -> pd.DataFrame:
    """One row per student for a learning platform: id, assignment, score, max, percent, whether
    the total is provisional (a part, such as a written answer, is not graded yet), parts.

    A part not graded yet stays empty, never 0; the total counts the graded parts only."""
    check_columns("scores", scores, list(max_points.index))
    points = scores.fillna(0.0)
    total = float(max_points.sum())
    export = pd.DataFrame(
        {
            "student_id": scores.index.astype(str),
            "assignment": assignment,
            "score": points.sum(axis=1).to_numpy(),
            "max_score": total,
        }
    )
    export["percent"] = (100 * export["score"] / total).round(1) if total else 0.0
    export["provisional"] = np.where(scores.isna().any(axis=1).to_numpy(), "yes", "no")
    for part in max_points.index:
        export[part] = scores[part].to_numpy()
    return export


def failed_submissions(course: str | Path, assignment: str) -> pd.DataFrame:
    """The submissions ``socialmarketing grade`` could not grade, with the reason it gave."""
    from socialmarketing.grading.run import LOG_FOLDER

    folder = Path(course).resolve() / LOG_FOLDER / assignment
    rows = []
    for log in sorted(folder.glob("*.log")):
        first = log.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        student, _, reason = first.partition(": ")
        rows.append({"student_id": student or log.stem, "reason": reason, "log": str(log)})
    return pd.DataFrame(rows, columns=["student_id", "reason", "log"])


def _distribution_chart(export: pd.DataFrame, assignment: str) -> alt.Chart:
    return (
        alt.Chart(export[["score"]], title=f"Total scores, {assignment}")
        .mark_bar()
        .encode(
            x=alt.X("score:Q", bin=alt.Bin(maxbins=20), title="Total score (points)"),
            y=alt.Y("count():Q", title="Students"),
            tooltip=[alt.Tooltip("count():Q", title="Students")],
        )
        .properties(
            width=480,
            height=240,
            description=f"Histogram of the total scores of {len(export)} students",
        )
    )


def write_report(course: str | Path, assignment: str, out: str | Path | None = None) -> Path:
    """Write the item-analysis HTML page and ``grades.csv``; return the report folder."""
    from socialmarketing.charts import chart_html

    course = Path(course).resolve()
    scores, max_points = gradebook_scores(course, assignment)
    if scores.empty:
        raise ValueError(f"no graded submissions of {assignment} in {course / 'gradebook.db'}")
    folder = Path(out) if out else course / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    export = grade_export(scores, max_points, assignment)
    export.to_csv(folder / "grades.csv", index=False)
    analysis = item_analysis(scores, max_points)
    messages = failure_messages(course, assignment)
    analysis["most common failures"] = [
        "; ".join(f"{m} ({n}×)" for m, n in messages.get(part, [])) for part in analysis.index
    ]
    table = analysis.to_html(float_format=lambda x: f"{x:.2f}", na_rep="n/a", escape=True)
    chart = chart_html(_distribution_chart(export, assignment).to_dict(), inline_script=True)
    failed = failed_submissions(course, assignment)
    if failed.empty:
        failures = "<p>Every submission was graded.</p>"
    else:
        by_reason = failed.groupby("reason")["student_id"].agg(lambda s: ", ".join(sorted(s)))
        items = "".join(
            f"<li>{html.escape(reason)}: {html.escape(students)}</li>"
            for reason, students in by_reason.items()
        )
        failures = (
            f"<p>{len(failed)} submission{'s' if len(failed) > 1 else ''} could not be graded "
            "(the logs are in "
            f"<code>{html.escape(str(Path(failed['log'].iloc[0]).parent))}</code>):</p>"
            f"<ul>{items}</ul>"
        )
    pending = scores.isna()
    waiting = int(pending.to_numpy().sum())
    manual = (
        f"<p>{waiting} answers in {int(pending.any(axis=1).sum())} submissions still await "
        "grading by hand (in formgrader): those students' totals are provisional in "
        "grades.csv, and the answers are left empty there, not counted as 0.</p>"
        if waiting
        else "<p>Every answer is graded: the totals are final.</p>"
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Item analysis: {html.escape(assignment)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3em .6em}}</style>
</head><body><main>
<h1>Item analysis: {html.escape(assignment)}</h1>
<p>{len(scores)} graded submissions; mean total {export["score"].mean():.2f} of
{float(max_points.sum()):g} points. Difficulty is the mean share of a part's points; discrimination
is the correlation between a part's score and the rest of the total.</p>
{table}
<h2>Still to do</h2>
{manual}
<h2>Submissions that could not be graded</h2>
{failures}
<h2>Grade distribution</h2>
{chart}
</main></body></html>
"""
    (folder / "item-analysis.html").write_text(page, encoding="utf-8")
    return folder
