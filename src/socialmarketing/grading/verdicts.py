"""Verdicts computed outside the student's kernel, from answers handed over as data.

nbgrader (like Otter-Grader) runs an assignment's hidden tests inside the student's own kernel,
where a student can replace ``assert_series_equal``, ``abs`` or the functions the tests call,
register a hook that rewrites later cells, or hand over an object whose ``==`` always says yes.
This course follows PrairieLearn's model instead: the student's kernel only *hands in* each
answer, as plain JSON data (:mod:`socialmarketing.answers`), and :class:`VerifyAnswers`, a step of
nbgrader's autograder that runs in the grader's process after the notebook has run,

1. reads the answers each graded cell handed in;
2. computes the expected value from the sample data, in the grader's process, with the
   reference answers of the assignment (the instructor's ``answer_key`` folder beside
   ``source/``, never released, never in the installable package);
3. compares them at the precision the part states (:class:`Number`, :class:`Labelled`, ...),
   with error carried forward: a part that builds on an earlier one is marked against the
   student's own earlier value, so one mistake costs once;
4. rewrites the cell's outputs so that nbgrader's own scoring sees exactly the verdict: the
   student's own errors, error output and printed numbers in that cell are kept as plain text
   (so feedback still shows them) but no longer count, and a wrong answer gets one error whose
   message says what is wrong in words, never the expected value.

The answer key of an assignment is a module of the ``answer_key`` package in the course folder,
named after the assignment (``answer_key/a03_viral_marketing.py``), with a dict ``PARTS``: grade
id -> :class:`Part`.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from nbformat import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from socialmarketing.answers import MIME_TYPE

__all__ = [
    "RELEASED_DATA",
    "Answers",
    "Columns",
    "Labelled",
    "LoadAnswerKey",
    "Names",
    "Number",
    "Part",
    "RecordReleasedData",
    "Tables",
    "Text",
    "Verdict",
    "VerifyAnswers",
    "autograde_steps",
    "decode",
    "load_answer_key",
    "release_steps",
]

#: The ``ename`` of the error a wrong answer gets (nbgrader scores a cell with an error as 0).
WRONG = "WrongAnswer"


# --- answers as data ------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    return None


def decode(envelope: Mapping[str, Any]) -> Any:
    """The value of a handed-in answer, rebuilt from data in this process (never code).

    Series and DataFrames come back with text labels; numbers as floats; anything the kernel
    could not encode as a ``dict`` with a ``kind`` of ``missing``, ``unsupported``, ...
    """
    kind = envelope.get("kind")
    if kind == "series":
        index = [as_label(item) for item in envelope.get("index", [])]
        values = [_number(v) if _number(v) is not None else v for v in envelope.get("values", [])]
        return pd.Series(values, index=index, dtype=object)
    if kind == "frame":
        columns = [as_label(c) for c in envelope.get("columns", [])]
        rows = [
            [_number(v) if _number(v) is not None else v for v in row] for row in envelope["data"]
        ]
        index = [as_label(item) for item in envelope.get("index", [])]
        return pd.DataFrame(rows, index=index, columns=columns, dtype=object)
    if kind == "number":
        return _number(envelope.get("value"))
    if kind == "bool":
        return bool(envelope.get("value"))
    if kind == "text":
        return str(envelope.get("value"))
    if kind == "list":
        return [_number(v) if _number(v) is not None else v for v in envelope.get("values", [])]
    if kind == "mapping":
        return dict(zip(envelope.get("keys", []), envelope.get("values", []), strict=False))
    if kind == "none":
        return None
    return {"kind": kind or "unknown", **{k: v for k, v in envelope.items() if k != "kind"}}


# --- comparisons ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Right or wrong, and what is wrong in words (never the expected value)."""

    right: bool
    message: str = ""


def _what(value: Any) -> str:
    if isinstance(value, dict) and "kind" in value:
        return {
            "missing": "nothing: the variable is not defined (did its cell run?)",
            "too large": "a very large object",
            "unreadable": "an object that could not be read",
        }.get(value["kind"], f"a {value.get('type', value['kind'])}")
    if isinstance(value, pd.Series):
        return "a pandas Series"
    if isinstance(value, pd.DataFrame):
        return "a pandas DataFrame"
    if isinstance(value, bool):
        return "True or False"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def as_label(value: Any) -> str:
    """A label as text, the same for 3, 3.0 and "3" (labels of week numbers, say)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return str(int(number)) if number.is_integer() and value.strip() != "" else value
    return str(value)


def _close(answer: float, expected: float, rtol: float, atol: float) -> bool:
    if math.isnan(expected):
        return math.isnan(answer)
    if math.isinf(expected):  # a cost per customer with no customer, say
        return answer == expected
    return abs(answer - expected) <= max(atol, rtol * abs(expected))


def _off_by(answer: float, expected: float) -> str:
    """A hint for a classic slip, in words, without the expected value."""
    if expected == 0 or answer == 0 or math.isnan(answer) or math.isnan(expected):
        return ""
    ratio = answer / expected
    for factor, words in (
        (100, "100 times too large (a percentage where a share between 0 and 1 is asked?)"),
        (0.01, "100 times too small (a share where a percentage is asked?)"),
        (1000, "1,000 times too large (units?)"),
        (0.001, "1,000 times too small (units?)"),
        (-1, "right in size but with the wrong sign"),
    ):
        if abs(ratio - factor) <= 1e-3 * abs(factor):
            return f": it is {words}"
    if abs(answer * expected - 1) < 1e-3 and abs(expected) != 1:
        return ": it looks inverted (the ratio the other way round?)"
    return ""


@dataclass(frozen=True)
class Number:
    """One number, right within ``rtol`` (relative) or ``atol`` (absolute), whichever is wider.

    ``precision`` is the wording the task uses for it ("within 0.1 %").
    """

    rtol: float = 1e-3
    atol: float = 1e-9
    name: str = "the answer"

    def compare(self, answer: Any, expected: Any) -> Verdict:
        if isinstance(answer, list) and len(answer) == 1:
            answer = answer[0]
        if isinstance(answer, pd.Series) and len(answer) == 1:
            answer = answer.iloc[0]
        value = _number(answer) if not isinstance(answer, float) else answer
        if value is None:
            return Verdict(False, f"{self.name} should be one number, but it is {_what(answer)}")
        if _close(value, float(expected), self.rtol, self.atol):
            return Verdict(True)
        return Verdict(False, f"{self.name} is not right yet{_off_by(value, float(expected))}")


@dataclass(frozen=True)
class Text:
    """One piece of text (or label), compared without regard to case and outer spaces."""

    name: str = "the answer"

    def compare(self, answer: Any, expected: Any) -> Verdict:
        if isinstance(answer, list) and len(answer) == 1:
            answer = answer[0]
        if not isinstance(answer, str):
            return Verdict(False, f"{self.name} should be text, but it is {_what(answer)}")
        if answer.strip().lower() == str(expected).strip().lower():
            return Verdict(True)
        return Verdict(False, f"{self.name} is not the right one yet")


@dataclass(frozen=True)
class Labelled:
    """Numbers by label: a pandas Series (or a one-column table) indexed by ``label`` names.

    Labels are compared as text, in any order; each value within ``rtol``/``atol``.
    """

    label: str = "label"
    rtol: float = 1e-3
    atol: float = 1e-9
    name: str = "the answer"

    def compare(self, answer: Any, expected: Any) -> Verdict:
        expected = pd.Series(expected)
        expected.index = expected.index.map(as_label)
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if isinstance(answer, Mapping) and "kind" not in answer:
            answer = pd.Series(dict(answer))
        if not isinstance(answer, pd.Series):
            return Verdict(
                False,
                f"{self.name} should be a pandas Series indexed by {self.label}, "
                f"but it is {_what(answer)}",
            )
        answer = answer.copy()
        answer.index = answer.index.map(as_label)
        if answer.index.duplicated().any():
            twice = answer.index[answer.index.duplicated()][0]
            return Verdict(False, f"{self.name} has the {self.label} {twice!r} more than once")
        missing = [label for label in expected.index if label not in answer.index]
        extra = [label for label in answer.index if label not in expected.index]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks the {self.label} {', '.join(map(repr, missing))}")
            if extra:
                parts.append(f"has unexpected labels {', '.join(map(repr, extra[:5]))}")
            return Verdict(False, f"{self.name} {' and '.join(parts)}")
        wrong = []
        for label in expected.index:
            value = (
                _number(answer[label]) if not isinstance(answer[label], float) else answer[label]
            )
            if value is None:
                return Verdict(
                    False, f"{self.name}: the value for {label!r} is {_what(answer[label])}"
                )
            if not _close(value, float(expected[label]), self.rtol, self.atol):
                wrong.append((label, value))
        if not wrong:
            return Verdict(True)
        label, value = wrong[0]
        slip = _off_by(value, float(expected[label]))
        if len(wrong) == len(expected) and slip:
            return Verdict(False, f"{self.name}: every value is off{slip}")
        names = ", ".join(repr(label) for label, _ in wrong[:5])
        return Verdict(
            False,
            f"{self.name}: {len(wrong)} of {len(expected)} values are not right yet ({names})",
        )


@dataclass(frozen=True)
class Columns:
    """A table (pandas DataFrame) indexed by ``label``: each of ``columns`` is compared as a
    :class:`Labelled` Series. Columns beyond these are ignored, as the old hidden test did."""

    label: str
    columns: tuple[str, ...]
    rtol: float = 1e-3
    name: str = "the answer"

    def compare(self, answer: Any, expected: Any) -> Verdict:
        if not isinstance(answer, pd.DataFrame):
            kind = "a pandas Series" if isinstance(answer, pd.Series) else "not a table"
            return Verdict(
                False,
                f"{self.name} should be a pandas DataFrame with one row per {self.label}, "
                f"but it is {kind}",
            )
        missing = [column for column in self.columns if column not in answer.columns]
        if missing:
            return Verdict(
                False, f"{self.name} lacks the column(s) {', '.join(map(repr, missing))}"
            )
        for column in self.columns:
            part = Labelled(self.label, rtol=self.rtol, name=f"{self.name} (column {column!r})")
            verdict = part.compare(answer[column], expected[column])
            if not verdict.right:
                return verdict
        return Verdict(True)


@dataclass(frozen=True)
class Names:
    """A list of names (text), compared as a set: any order, case and outer spaces ignored."""

    what: str = "names"
    name: str = "the answer"

    def compare(self, answer: Any, expected: Any) -> Verdict:
        if not isinstance(answer, list) or not all(isinstance(item, str) for item in answer):
            return Verdict(False, f"{self.name} should be a list of {self.what} (text)")
        given = [item.strip().lower() for item in answer]
        if len(set(given)) < len(given):
            return Verdict(False, f"{self.name} names a {self.what[:-1]} more than once")
        if set(given) == {str(item).strip().lower() for item in expected}:
            return Verdict(True)
        return Verdict(False, f"{self.name} is not the right set of {self.what} yet")


# --- answer keys ----------------------------------------------------------------------------


class Tables(Mapping):
    """The sample data tables, loaded once each, from one data folder (the grader's)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            from socialmarketing.data import load

            self._loaded[name] = load(name, self.folder, check_references=False)
        return self._loaded[name].copy(deep=False)  # the answer key reads, never writes

    def __iter__(self):
        from socialmarketing.data import TABLES

        return iter(TABLES)

    def __len__(self) -> int:
        from socialmarketing.data import TABLES

        return len(TABLES)


class Answers:
    """The student's handed-in answers of the notebook so far, for error carried forward."""

    def __init__(self, values: dict[str, Any], expected: Callable[[str], Any]) -> None:
        self._values = values
        self._expected = expected

    def own(
        self, name: str, usable: Callable[[Any], bool] | None = None, default: Any = None
    ) -> Any:
        """The student's own answer ``name`` if it was handed in and is usable (a number by
        default), else ``default`` if given, else the reference value: a later part is then
        marked on its own merits. Within one part (several answers), pass the reference value
        as ``default``: the part's own reference cannot be asked for while it is being made."""
        value = self._values.get(name)
        ok = usable or (lambda v: isinstance(v, float) and math.isfinite(v) and v != 0)
        if value is not None and not isinstance(value, dict) and ok(value):
            return value
        if default is not None:
            return default
        return self._expected(name)


@dataclass(frozen=True)
class Part:
    """How one graded part is marked.

    ``expected(tables, answers)`` computes the reference value from the data (``answers`` gives
    the student's own earlier answers for error carried forward); ``compare`` is a
    :class:`Number`, :class:`Labelled` or :class:`Text`; ``names`` are the notebook variables
    the part hands in (default: the grade id), with one ``compare`` each when there are several.
    """

    expected: Callable[[Tables, Answers], Any]
    compare: Any
    names: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


_KEYS: dict[tuple[str, str], dict[str, Part]] = {}


def answer_key_module(assignment: str) -> str:
    """The module of an assignment's answer key: its name, with an ``a`` before a leading digit
    (``03_viral_marketing`` -> ``a03_viral_marketing``) so that it can be imported."""
    return f"a{assignment}" if assignment[:1].isdigit() else assignment


def import_answer_key_module(folder: str | Path, module: str) -> Any:
    """Import ``answer_key.<module>`` from the course ``folder``, whatever other course's answer
    key this process has imported before (its modules are put back afterwards)."""
    folder = str(Path(folder).resolve())
    if not (Path(folder) / "answer_key" / f"{module}.py").is_file():
        raise FileNotFoundError(f"{Path(folder) / 'answer_key' / (module + '.py')} is missing")
    others = {
        n: m for n, m in sys.modules.items() if n == "answer_key" or n.startswith("answer_key.")
    }
    for name in others:
        del sys.modules[name]
    sys.path.insert(0, folder)
    try:
        return importlib.import_module(f"answer_key.{module}")
    finally:
        sys.path.remove(folder)
        for name in [n for n in sys.modules if n == "answer_key" or n.startswith("answer_key.")]:
            del sys.modules[name]
        sys.modules.update(others)


def load_answer_key(folder: str | Path, assignment: str) -> dict[str, Part]:
    """The ``PARTS`` of the assignment's module in ``answer_key/`` of the course ``folder``."""
    cache_key = (str(Path(folder).resolve()), assignment)
    if cache_key not in _KEYS:
        try:
            module = import_answer_key_module(folder, answer_key_module(assignment))
        except FileNotFoundError as error:
            raise FileNotFoundError(f"no answer key for {assignment}: {error}") from None
        _KEYS[cache_key] = dict(module.PARTS)
    return _KEYS[cache_key]


_TABLES: dict[str, Tables] = {}
_FINGERPRINTS: dict[tuple, str] = {}


def _fingerprint(folder: Path) -> str:
    """The data folder's fingerprint, worked out once per process while its files stay the same."""
    from socialmarketing.data.location import data_fingerprint

    state = tuple(
        (path.name, path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(Path(folder).glob("*.csv"))
    )
    key = (str(folder), state)
    if key not in _FINGERPRINTS:
        _FINGERPRINTS[key] = data_fingerprint(folder)
    return _FINGERPRINTS[key]


def _tables(folder: Path) -> Tables:
    if str(folder) not in _TABLES:
        _TABLES[str(folder)] = Tables(folder)
    return _TABLES[str(folder)]


# --- the autograder step --------------------------------------------------------------------


def remove_links(folder: Path, log: Any = None) -> list[str]:
    """Remove every symbolic link the student's code left in the notebook's folder.

    nbgrader writes the graded notebook (and sets permissions) in that folder after the kernel
    has run, following links: a notebook replaced by a link to ``../../gradebook.db`` would make
    the grader overwrite a file of its own. Returns the names removed."""
    removed = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_symlink():
            path.unlink()
            removed.append(str(path.relative_to(folder)))
    if removed and log is not None:
        log.warning("removed links left by the student's code: %s", ", ".join(removed))
    return removed


def _text_output(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _error_output(message: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": WRONG, "evalue": message, "traceback": [
        f"{WRONG}: {message}"
    ]}  # fmt: skip


def handed_in(cell: Any) -> tuple[dict[str, Any], str | None, int]:
    """The answers a cell handed in (name -> envelope), the data fingerprint the kernel
    reported, and how many answer outputs the cell had."""
    answers: dict[str, Any] = {}
    fingerprint = None
    count = 0
    for output in cell.get("outputs", []):
        data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
        payload = data.get(MIME_TYPE)
        if payload is None:
            continue
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                continue
        count += 1
        for name, envelope in dict(payload.get("answers", {})).items():
            if name in answers and answers[name] != envelope:
                answers[name] = {"kind": "handed in twice, differently"}
            else:
                answers.setdefault(name, envelope)
        fingerprint = payload.get("data") or fingerprint
    return answers, fingerprint, count


#: The course's record of the data each assignment was released with (written at release).
RELEASED_DATA = "released-data.json"


def _released_data(course: Path) -> dict[str, str]:
    try:
        return dict(json.loads((course / RELEASED_DATA).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


class RecordReleasedData(NbGraderPreprocessor):
    """nbgrader generate_assignment step: record the fingerprint of the data the assignment is
    released with (the data its notebook finds from its source folder: its own ``data/`` in a
    private course) in ``released-data.json`` in the course folder. :class:`VerifyAnswers`
    checks it when grading, so a class is never graded on other data than it was given."""

    def preprocess(self, nb, resources):
        from socialmarketing.data.location import find_data

        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        assignment = resources.get("nbgrader", {}).get("assignment") or folder.name
        course = folder.parents[1]  # source/<assignment>/
        record = _released_data(course)
        record[assignment] = find_data(start=folder).fingerprint
        (course / RELEASED_DATA).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        return nb, resources


class LoadAnswerKey(NbGraderPreprocessor):
    """nbgrader autograde step before Execute: load the assignment's answer key into the grading
    process before any student code runs, so that code cannot change what this process grades
    with. (Plain ``nbgrader autograde`` runs student code unsandboxed, with the instructor's
    rights over every file; ``socialmarketing grade`` hides the course from it.)"""

    course_folder = Unicode("", help="The course folder that holds answer_key/.").tag(config=True)

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        assignment = resources.get("nbgrader", {}).get("assignment") or folder.name
        course = Path(self.course_folder) if self.course_folder else folder.parents[2]
        with contextlib.suppress(FileNotFoundError):
            load_answer_key(course, assignment)
        return nb, resources


class VerifyAnswers(NbGraderPreprocessor):
    """nbgrader autograde step: mark each graded part from its handed-in answers, here.

    Register it right after nbgrader's Execute step (``exercises/nbgrader_config.py`` does, for
    ``nbgrader autograde``; ``socialmarketing grade`` does too). ``course_folder`` is the course
    whose ``answer_key`` package holds the reference answers; the assignment is the notebook's
    folder name, as nbgrader lays it out.
    """

    course_folder = Unicode("", help="The course folder that holds answer_key/.").tag(config=True)

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        assignment = resources.get("nbgrader", {}).get("assignment") or folder.name
        course = Path(self.course_folder) if self.course_folder else folder.parents[2]
        remove_links(folder, self.log)
        try:
            parts = load_answer_key(course, assignment)
        except FileNotFoundError:
            return nb, resources  # an assignment without handed-in answers: nbgrader as usual
        from socialmarketing.data.location import find_data

        source = find_data(start=folder)
        tables = _tables(source.folder)
        graders_data = _fingerprint(source.folder)
        released = _released_data(course).get(assignment)
        mismatch = None
        if released and released != graders_data:
            mismatch = (
                f"(note for the instructor: {assignment} was released with sample data "
                f"{released} but is graded with {graders_data}: grade with the data it "
                "was released with, e.g. by setting SOCIALMARKETING_DATA)\n"
            )
            self.log.warning(mismatch.strip("()\n"))
        values: dict[str, Any] = {}
        expected_cache: dict[str, Any] = {}

        making: set[str] = set()
        reference_cache: dict[str, Any] = {}

        def part_of(name: str) -> tuple[str, Part, tuple[str, ...]]:
            """The grade id and part that hand in ``name``, and that part's answer names."""
            grade_id = next((g for g, p in parts.items() if name in (p.names or (g,))), name)
            return grade_id, parts[grade_id], parts[grade_id].names or (grade_id,)

        def remember(cache: dict[str, Any], names: tuple[str, ...], result: Any) -> None:
            for n, r in zip(names, result if len(names) > 1 else (result,), strict=True):
                cache[n] = r

        def reference(name: str) -> Any:
            """The value from the data alone, with no answer of the student's."""
            if name not in reference_cache:
                _, part, names = part_of(name)
                remember(reference_cache, names, part.expected(tables, Answers({}, reference)))
            return reference_cache[name]

        def expected(name: str) -> Any:
            if name not in expected_cache:
                part_name, part, names = part_of(name)
                if part_name in making:
                    raise RecursionError(
                        f"the answer key of {part_name} asks for its own reference value: pass "
                        "it to answers.own(..., default=...) instead"
                    )
                making.add(part_name)
                try:
                    result = part.expected(tables, Answers(values, expected))
                except RecursionError:
                    raise
                except Exception:
                    # The student's own earlier answer is outside what the computation takes
                    # (a share of 5.4, a K of 1 or more): mark this part on its own merits.
                    found = [reference(n) for n in names]
                    result = tuple(found) if len(names) > 1 else found[0]
                finally:
                    making.discard(part_name)
                remember(expected_cache, names, result)
            return expected_cache[name]

        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if cell.cell_type != "code" or grade_id not in parts:
                continue
            part = parts[grade_id]
            envelopes, fingerprint, _ = handed_in(cell)
            names = part.names or (grade_id,)
            for name in names:  # the student's own values, for this part and later ones
                values[name] = decode(envelopes.get(name, {"kind": "missing"}))
            compares = part.compare if isinstance(part.compare, tuple) else (part.compare,)
            if len(compares) == 1:
                compares = compares * len(names)
            messages = []
            for name, compare in zip(names, compares, strict=True):
                envelope = envelopes.get(name, {"kind": "missing"})
                if envelope.get("kind") == "missing":
                    messages.append(
                        f"`{name}` was not handed in: it is not defined (did the cell that "
                        "computes it run without an error?)"
                    )
                    continue
                answer = decode(envelope)
                verdict = compare.compare(answer, expected(name))
                if not verdict.right:
                    messages.append(verdict.message.replace("the answer", f"`{name}`", 1))
            kept = []
            for output in cell.get("outputs", []):
                kind = output.get("output_type")
                if kind == "error":
                    kept.append(_text_output(f"(your cell raised {output.get('ename')}: "
                                             f"{output.get('evalue')})\n"))  # fmt: skip
                elif kind == "stream":
                    kept.append(_text_output(output.get("text", "")))
                elif kind in ("display_data", "execute_result"):
                    data = output.get("data", {})
                    if MIME_TYPE in data:
                        continue
                    text = data.get("text/plain")
                    if text:
                        kept.append(_text_output(f"{text}\n"))
            if fingerprint and fingerprint != graders_data:
                kept.append(_text_output(
                    f"(note: this notebook used sample data with fingerprint {fingerprint}; it "
                    f"was marked against the course's data, fingerprint {graders_data})\n"
                ))  # fmt: skip
            if mismatch:
                kept.append(_text_output(mismatch))
            if messages:
                kept.append(_error_output("; ".join(messages)))
            cell.outputs = [from_dict(output) for output in kept]
        return nb, resources


def release_steps() -> list[type]:
    """nbgrader's generate_assignment steps with :class:`RecordReleasedData` at the end
    (``exercises/nbgrader_config.py`` sets ``c.GenerateAssignment.preprocessors`` to these)."""
    from nbgrader.converters import GenerateAssignment

    steps = GenerateAssignment.class_traits()["preprocessors"].default()
    return [*[s for s in steps if s is not RecordReleasedData], RecordReleasedData]


def autograde_steps(execute: type | None = None) -> list[type]:
    """nbgrader's autograde steps, in nbgrader's order, with :class:`VerifyAnswers` right after
    the Execute step (which ``execute`` replaces, if given). ``exercises/nbgrader_config.py``
    sets ``c.Autograde.autograde_preprocessors = autograde_steps()`` for ``nbgrader autograde``.
    """
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        if step is Execute:
            steps += [LoadAnswerKey, execute or Execute, VerifyAnswers]
        elif step not in (LoadAnswerKey, VerifyAnswers):
            steps.append(step)
    return steps
