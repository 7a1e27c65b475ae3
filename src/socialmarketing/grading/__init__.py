"""Grading a class at scale, on top of nbgrader's own autograder and gradebook.

* :mod:`.run` — ``socialmarketing grade``: parallel, sandboxed autograding with progress;
* :mod:`.worker` — one grading process (private course copy, nbgrader's autograder);
* :mod:`.sandbox` — the bubblewrap sandbox student kernels run in;
* :mod:`.execute` — nbgrader's Execute step with an output cap per cell;
* :mod:`.merge` — copying one student's grades into the course gradebook;
* :mod:`.feedback` — ``socialmarketing feedback``: feedback without hidden tests;
* :mod:`.report` — ``socialmarketing report``: item analysis and a CSV grade export.
"""
