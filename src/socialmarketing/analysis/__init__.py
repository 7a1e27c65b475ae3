"""Analyses of the sample data that the chapters teach and the exercises grade.

Each module answers one family of questions on the tables of :mod:`socialmarketing.data` with
plain pandas; they are the reference solutions the hidden tests of the graded exercises compare
students' answers with, so they are written to be read.
"""
