"""The ``socialmarketing`` command: one subcommand per verb.

Run ``socialmarketing --help`` for the list, and ``socialmarketing VERB --help`` for each verb.
Each verb lives in the module that owns the idea; this file only wires them to the command line
and turns a :class:`ValueError` or :class:`FileNotFoundError` into a one-line message and exit
status 2 instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from socialmarketing import __version__

DESCRIPTION = """\
Tools for the social media marketing course.

  socialmarketing assets --out DIR     write the site's offline chart script and MathJax
  socialmarketing data generate ...    regenerate the sample engagement data set
  socialmarketing grade ASSIGNMENT     autograde all submissions: parallel and sandboxed
  socialmarketing feedback ASSIGNMENT  write feedback without the hidden tests' code
  socialmarketing report ASSIGNMENT    item analysis, grade chart and a CSV grade export
  socialmarketing private-course OUT --seed N
                                       the exercises, on sample data of your own

The grading verbs run in an nbgrader course folder (exercises/), or take --course DIR.

Every verb explains itself with --help."""


def _add_assets(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "assets",
        help="write the offline JavaScript the static site needs (Vega and MathJax)",
        description=(
            "Write the scripts that let the published site show interactive Altair charts and "
            "typeset maths without loading anything from third-party servers: one chart script "
            "(Vega, Vega-Lite and Vega-Embed, the versions the installed Altair expects) and "
            "MathJax. The book build runs this for you."
        ),
    )
    parser.add_argument("--out", help="folder to write the scripts into")
    parser.add_argument(
        "--refresh-bundle",
        action="store_true",
        help=(
            "rebuild the package's static/vega-bundle.js for the installed Altair (maintainers, "
            "after an Altair upgrade; needs vl-convert-python, from the test extra)"
        ),
    )

    def run(args: argparse.Namespace) -> int:
        from socialmarketing import assets

        if not args.out and not args.refresh_bundle:
            parser.error("give --out DIR, --refresh-bundle, or both")
        if args.refresh_bundle:
            print(assets.write_vega_bundle())
        if args.out:
            for path in assets.write_site_assets(args.out):
                print(path)
        return 0

    parser.set_defaults(run=run)


def _add_data(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        help="regenerate the Moonbrew Tea sample data set (CSV files and data sheet)",
        description=(
            "The course's sample data: one season of marketing by Moonbrew Tea, a fictional "
            "bottled-tea brand, on a microblog and traditional online channels. The data/ "
            "folder of the repository is exactly what `socialmarketing data generate --out "
            "data/` writes, byte for byte; data/README.md describes every table and column."
        ),
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    generate = actions.add_parser(
        "generate",
        help="generate the data set into a folder",
        description=(
            "Generate every table of the sample data set from one seed and write the CSV\n"
            "files and the data sheet (README.md) into a folder. The same seed and scale\n"
            "always give the same files, byte for byte. The folder must be new, empty or\n"
            "hold a previous data set (nothing else is ever overwritten), and the files are\n"
            "only moved into place once all of them are written."
        ),
        epilog=(
            "examples:\n"
            "  socialmarketing data generate --out data/                 the committed data set\n"
            "  socialmarketing data generate --out /tmp/d --scale small  2,000 accounts, quick\n"
            "  socialmarketing data generate --out /tmp/d --seed 7       another season"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write the data into"
    )
    generate.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="random seed, a whole number (default: 20260302, the committed data set's seed)",
    )
    generate.add_argument(
        "--scale",
        choices=["small", "course", "large"],
        default="course",
        help="small: about 2,000 accounts; course: 20,000 (the default, as committed); "
        "large: 1,000,000 (about a minute, a few hundred MB)",
    )

    def run_generate(args: argparse.Namespace) -> int:
        from socialmarketing.data import DEFAULT_SEED, generate

        seed = DEFAULT_SEED if args.seed is None else args.seed
        paths = generate(args.out, seed=seed, scale=args.scale, progress=sys.stderr.isatty())
        for path in paths.values():
            print(path)
        return 0

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 1

    generate.set_defaults(run=run_generate)
    parser.set_defaults(run=show_help)


def _course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        default=".",
        metavar="DIR",
        help="the nbgrader course folder, with nbgrader_config.py (default: this folder)",
    )


def _course_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment name (a folder in source/)")
    _course_option(parser)


def _add_grade(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="autograde every submission of an assignment, in parallel and sandboxed",
        description=(
            "Autograde the notebooks in submitted/*/ASSIGNMENT/ into the course's gradebook.db "
            "with nbgrader's own autograder, several at once. Student code runs in a sandbox "
            "(bubblewrap) as an unprivileged user with no rights, even when you are root: no "
            "network, no view of the course (solutions, other submissions, gradebook), of the "
            "grading work folder or of your environment, and limits on memory, processes, file "
            "size and open files. A submission that cannot be graded gets a status and a "
            "reason, and its log is kept in reports/grading-logs/; the others are graded; "
            "grades already in the gradebook are kept."
        ),
    )
    _course_argument(parser)
    parser.add_argument("--student", action="append", help="only this student (repeatable)")
    parser.add_argument("--workers", type=int, help="submissions graded at once (default: auto)")
    parser.add_argument(
        "--cell-timeout", type=float, default=60, help="seconds a cell may run (default 60)"
    )
    parser.add_argument(
        "--submission-timeout",
        type=float,
        default=600,
        help="seconds a whole submission may take (default 600)",
    )
    parser.add_argument(
        "--max-output",
        type=int,
        default=1_000_000,
        metavar="BYTES",
        help="output kept per cell (default 1,000,000 bytes)",
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=3,
        metavar="GB",
        help="memory each process of a student's kernel may use (default 3 GB)",
    )
    parser.add_argument(
        "--max-processes",
        type=int,
        default=256,
        help="processes and threads a student's kernel may run at once (default 256)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786)",
    )
    parser.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even where student code cannot be sandboxed (it then runs as you)",
    )

    def run(args: argparse.Namespace) -> int:
        from socialmarketing.grading.run import (
            IsolationUnavailable,
            find_submissions,
            grade_assignment,
        )
        from socialmarketing.grading.sandbox import Limits, isolation_problem
        from socialmarketing.validation import check_positive

        check_positive("--memory-limit", args.memory_limit)
        check_positive("--max-processes", args.max_processes)
        limits = Limits(
            memory_bytes=int(args.memory_limit * 2**30), max_processes=args.max_processes
        )
        problem = isolation_problem()
        if problem and args.allow_unsandboxed:
            print(
                "WARNING: student code is NOT sandboxed: it runs with your rights, can use the "
                f"network and can read the solutions. Reason: {problem}",
                file=sys.stderr,
            )
        from pathlib import Path

        from tqdm import tqdm

        total = len(args.student or find_submissions(Path(args.course), args.assignment))
        bar = tqdm(total=total, unit="submission", desc=f"grading {args.assignment}")

        def advance(result) -> None:
            bar.set_postfix_str(f"{result.student}: {result.status}", refresh=False)
            bar.update()

        try:
            outcome = grade_assignment(
                args.assignment,
                args.course,
                students=args.student,
                workers=args.workers,
                cell_timeout=args.cell_timeout,
                submission_timeout=args.submission_timeout,
                max_output_bytes=args.max_output,
                allow_unsandboxed=args.allow_unsandboxed,
                scheduler=args.scheduler,
                on_result=advance,
                limits=limits,
            )
        except IsolationUnavailable as error:
            bar.close()
            print(f"socialmarketing: error: {error}", file=sys.stderr)
            return 3
        bar.close()
        print(outcome.table())
        return 0 if outcome.count("graded") == len(outcome.results) else 1

    parser.set_defaults(run=run)


def _add_feedback(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "feedback",
        help="write HTML feedback for graded students, without the hidden tests' code",
        description=(
            "Like `nbgrader generate_feedback`, but the hidden tests' code and the tracebacks "
            "that quote it are left out; scores, visible tests and messages stay. Writes "
            "feedback/STUDENT/ASSIGNMENT/*.html."
        ),
    )
    _course_argument(parser)
    parser.add_argument("--student", action="append", help="only this student (repeatable)")

    def run(args: argparse.Namespace) -> int:
        from socialmarketing.grading.feedback import generate_feedback

        outcome = generate_feedback(args.assignment, args.course, students=args.student)
        for student, worked in outcome.items():
            print(f"{student}: {'written' if worked else 'FAILED (see the log above)'}")
        return 0 if all(outcome.values()) else 1

    parser.set_defaults(run=run)


def _add_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="item analysis, grade distribution chart and a CSV grade export",
        description=(
            "Per graded part: mean score, difficulty, discrimination and the most common "
            "failure messages, with a histogram of total scores, as one offline HTML page; "
            "and grades.csv (student_id, assignment, score, max_score, percent, then each "
            "part) for a learning platform. Written to reports/ASSIGNMENT/ unless --out."
        ),
    )
    _course_argument(parser)
    parser.add_argument("--out", metavar="DIR", help="folder for the report")

    def run(args: argparse.Namespace) -> int:
        from socialmarketing.grading.report import write_report

        folder = write_report(args.course, args.assignment, args.out)
        print(folder / "item-analysis.html")
        print(folder / "grades.csv")
        return 0

    parser.set_defaults(run=run)


# Each entry adds one verb.
def _add_private_course(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "private-course",
        help="copy the graded exercises with sample data made from your own seed",
        description=(
            "The course repository is public, so its sample data and answers are too. This "
            "copies the nbgrader course (configuration, sources, answer key; no student work) "
            "to OUT and puts sample data generated from your own SEED beside every assignment, "
            "where students' notebooks and the grader both find it: published answers no longer "
            "match, and grading still works. It first checks that what the written answers' "
            "rubrics rely on holds in the new data."
        ),
    )
    parser.add_argument("out", help="new folder for the private course (must not exist yet)")
    parser.add_argument("--seed", type=int, required=True, help="your own secret whole number")
    _course_option(parser)

    def run(args: argparse.Namespace) -> int:
        from socialmarketing.grading.private import make_private_course

        made = make_private_course(args.course, args.out, args.seed)
        print(
            f"Private course in {made['folder']}: {len(made['assignments'])} assignments, each "
            f"with sample data from seed {made['seed']} (fingerprint {made['fingerprint']}) in "
            "source/<assignment>/data/.\nNext: cd into it and run nbgrader generate_assignment "
            "for each assignment; grade there with socialmarketing grade."
        )
        return 0

    parser.set_defaults(run=run)


VERBS = [_add_assets, _add_data, _add_grade, _add_feedback, _add_report, _add_private_course]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every verb registered."""
    parser = argparse.ArgumentParser(
        prog="socialmarketing",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="verbs", metavar="VERB")
    for add_verb in VERBS:
        add_verb(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``socialmarketing`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 1
    try:
        return int(args.run(args) or 0)
    except (ValueError, FileNotFoundError, FileExistsError) as error:
        print(f"socialmarketing: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
