"""nbgrader settings of the socialmarketing course (this folder is the course root).

Run every nbgrader command from this folder (``cd exercises``): nbgrader reads this file from
the current folder. Values given on the command line win over this file, e.g.
``nbgrader autograde 01_traditional_vs_social --Execute.timeout=120``.
The recommended way to grade a whole class, ``socialmarketing grade``, reads this file too and
adds its own limits (see README.md).
"""

import os

c = get_config()  # noqa: F821 - nbgrader provides get_config when it reads this file

# The course: its id, and the folder that holds source/, release/, submitted/, autograded/,
# feedback/ and the gradebook. The root is this file's folder, so the gradebook is always
# exercises/gradebook.db, whichever folder Jupyter (or formgrader) was started in.
c.CourseDirectory.course_id = "socialmarketing"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# Files copied with an assignment or a submission: skip checkpoints and caches, and skip any
# file over 5 MB (a submission folder is a notebook, not a data dump; nbgrader logs a warning
# for every skipped file).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
c.CourseDirectory.max_file_size = 5_000  # kilobytes

# What students see in place of the instructor's solution: the usual nbgrader stubs.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# A solution region outside a cell marked as an answer cell is an error, not silently kept.
c.ClearSolutions.enforce_metadata = True

# Verdicts outside the student's kernel: the graded cells hand their answers in as data, and the
# step below (right after the notebook has run) compares them with the answer key in
# answer_key/, in nbgrader's own process, then lets nbgrader score the cells as usual. With it,
# nothing a student's code does in the kernel (patching pandas or the course package, hooks that
# rewrite cells, objects whose == lies) changes a grade. `socialmarketing grade` adds it too.
from socialmarketing.grading.verdicts import autograde_steps, release_steps  # noqa: E402

c.Autograde.autograde_preprocessors = autograde_steps()
c.VerifyAnswers.course_folder = c.LoadAnswerKey.course_folder = c.CourseDirectory.root
# At release, the fingerprint of the data each assignment goes out with is recorded in
# released-data.json; grading on other data then says so in every graded cell and in the log.
c.GenerateAssignment.preprocessors = release_steps()

# Running notebooks when validating and autograding.
# Each cell may run 60 s (every solution cell runs in well under 5 s); a cell past the limit is
# interrupted and shows CellTimeoutError, which fails that part only. nbgrader has no limit on
# a whole notebook: `socialmarketing grade --submission-timeout` adds one.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Starting a kernel may take a while on a busy grading machine.
c.Execute.startup_timeout = 120
# No retries: a notebook that fails fails the same way again, and retries hide kernel crashes.
c.Execute.execute_retries = 0

# Output kept in graded notebooks and feedback: nbgrader trims long outputs after running a
# notebook (a cell that prints megabytes still fills memory while it runs; the sandboxed
# `socialmarketing grade` caps output while cells run).
c.LimitOutput.max_lines = 200  # lines of printed output per cell
c.LimitOutput.max_traceback = 60  # lines of an error's traceback per cell
