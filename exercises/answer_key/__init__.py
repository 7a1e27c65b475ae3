"""The answer key of the graded exercises: instructors only, never released.

This package sits in the nbgrader course folder beside ``source/``. ``nbgrader
generate_assignment`` releases only ``source/<assignment>/``, the book's site excludes
``exercises/``, and the installable ``socialmarketing`` package does not contain it, so students
who install the course (Binder, ``pip``) cannot import it. Grading reads it in the grader's own
process, outside the students' kernels (:mod:`socialmarketing.grading.verdicts`).

* ``channels``, ``engagement``, ``customers``, ``journeys``, ``returns``: analyses of the sample
  data in plain pandas, the reference solutions, written to be read;
* ``a01_traditional_vs_social`` ... ``a06_strategy_measurement`` (one per assignment, named after
  it): ``PARTS``, how each graded part is marked: the expected value computed from the data, the
  precision accepted, and which earlier answers it builds on (error carried forward).

The course repository is public, so these files are public too: an instructor who needs answers
that students cannot look up makes a private course with data of their own (see the course's
exercises/README.md).
"""
