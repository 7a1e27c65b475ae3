"""Where the sample data is: one documented lookup order, shared by learners and the grader.

:func:`find_data` looks, in this order, for a folder that holds the sample data (every table's
CSV file):

1. the ``data_dir`` argument, when one is given;
2. the folder named by the environment variable ``SOCIALMARKETING_DATA``;
3. a ``data/`` folder beside the notebook (the working folder of the kernel: Jupyter starts a
   notebook's kernel in the notebook's own folder). A private course ships its own data with
   each released assignment this way;
4. the ``data/`` folder of the course repository the notebook sits in (found by walking up from
   the working folder, so ``notebooks/`` and ``book/`` find the repository's ``data/``), or of the
   repository that holds an editable install of the package;
5. the copy of the data that ships inside the installed package (``socialmarketing/sample_data``
   in the wheel; identical to the repository's ``data/``, which a test checks).

Steps 1 and 2 are explicit choices: a folder named there that does not exist or lacks a table is
an error, never silently skipped. Steps 3 and 4 take a folder only if it holds every table; a
``data/`` folder beside the notebook that holds some of the tables but not all gets a warning
naming the missing files before the search moves on.

:class:`DataSource` says which folder was used, how it was found and a short fingerprint of its
contents (the same fingerprint for the same bytes, wherever they are), so a learner, an
instructor and the grader can tell at a glance whether they use the same data.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from socialmarketing.data.schema import TABLES

__all__ = ["DATA_ENV_VAR", "DataSource", "data_fingerprint", "find_data", "find_data_dir"]

DATA_ENV_VAR = "SOCIALMARKETING_DATA"

#: The package's own copy of the data (in a wheel: ``socialmarketing/sample_data``).
PACKAGED_DATA = Path(__file__).resolve().parents[1] / "sample_data"
#: The repository that holds the package, when it is installed in editable mode from a clone.
_PACKAGE_REPOSITORY = Path(__file__).resolve().parents[3]
_PROJECT_NAME_LINE = 'name = "socialmarketing"'

#: How each kind of folder was found, in the words :class:`DataSource` prints.
ORIGINS = {
    "argument": "the data_dir argument",
    "environment": f"the environment variable {DATA_ENV_VAR}",
    "beside notebook": "the data/ folder beside this notebook",
    "repository": "the data/ folder of the course repository",
    "package": "the copy inside the installed course package",
}


def _table_files() -> list[str]:
    return [table.file_name for table in TABLES.values()]


def _missing_files(folder: Path) -> list[str]:
    return [name for name in _table_files() if not (folder / name).is_file()]


def data_fingerprint(folder: str | Path) -> str:
    """A 12-character fingerprint of the sample data in ``folder`` (SHA-256 of every table file).

    Files are taken in table order; a missing file counts as empty, so a folder missing a table
    has a different fingerprint from a complete one.
    """
    digest = hashlib.sha256()
    for name in _table_files():
        path = Path(folder) / name
        digest.update(name.encode())
        digest.update(b"\0")
        if path.is_file():
            with path.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class DataSource:
    """The sample data folder in use, how it was found (a key of :data:`ORIGINS`), and its
    fingerprint. ``print(data.source())`` says all three in one line."""

    folder: Path
    origin: str

    @property
    def fingerprint(self) -> str:
        return data_fingerprint(self.folder)

    def __str__(self) -> str:
        return (
            f"Moonbrew sample data from {self.folder} ({ORIGINS[self.origin]}), "
            f"fingerprint {self.fingerprint}"
        )


def _is_course_repository(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    try:
        return _PROJECT_NAME_LINE in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def _repository_candidates(start: Path) -> list[Path]:
    """``data/`` of the course repository holding ``start``, then of the package's repository."""
    found = []
    for folder in [start, *start.parents]:
        if _is_course_repository(folder):
            found.append(folder / "data")
            break
    if _holds_this_package(_PACKAGE_REPOSITORY):
        found.append(_PACKAGE_REPOSITORY / "data")
    return found


def _holds_this_package(folder: Path) -> bool:
    """Whether ``folder`` is the clone this package is installed from (an editable install)."""
    return (folder / "src" / "socialmarketing").resolve() == Path(__file__).resolve().parents[1]


def _explicit(folder: Path, what: str, fix: str) -> Path:
    if not folder.is_dir():
        raise FileNotFoundError(f"{what} is {str(folder)!r}, but that folder does not exist. {fix}")
    missing = _missing_files(folder)
    if len(missing) == len(_table_files()):
        raise FileNotFoundError(
            f"{what} is {str(folder)!r}, but that folder holds none of the sample data's files "
            f"(such as {missing[0]}). {fix}"
        )
    return folder


def find_data(data_dir: str | Path | None = None, *, start: str | Path | None = None) -> DataSource:
    """Return the sample data folder to use and how it was found (see the module docstring).

    ``start`` is the notebook's folder (default: the working folder, where Jupyter starts a
    notebook's kernel); the grader passes the folder of the notebook it grades. Raises
    ``FileNotFoundError`` naming every place that was looked at and the fix, if no folder holds
    the data.
    """
    make_it = "`socialmarketing data generate --out DIR` writes the sample data into DIR"
    if data_dir is not None:
        folder = _explicit(
            Path(data_dir),
            "the data_dir argument",
            f"Pass the folder that holds {_table_files()[0]} and the other tables ({make_it}), "
            "or leave data_dir out to use the course's own copy.",
        )
        return DataSource(folder, "argument")
    from_env = os.environ.get(DATA_ENV_VAR)
    if from_env:
        folder = _explicit(
            Path(from_env),
            f"the environment variable {DATA_ENV_VAR}",
            f"Point it at the folder that holds the sample data ({make_it}), or remove it to use "
            f"the course's own copy: in a notebook run `%env {DATA_ENV_VAR}=` or "
            f"`import os; del os.environ[{DATA_ENV_VAR!r}]`.",
        )
        return DataSource(folder, "environment")

    looked: list[str] = []
    here = Path(start) if start is not None else Path.cwd()
    beside = here / "data"
    missing = _missing_files(beside)
    if not missing:
        origin = "repository" if _is_course_repository(here) else "beside notebook"
        return DataSource(beside, origin)
    looked.append(str(beside))
    if beside.is_dir() and len(missing) < len(_table_files()):
        warnings.warn(
            f"the data/ folder beside this notebook ({beside}) lacks {', '.join(missing)}; "
            "it is not used",
            stacklevel=3,
        )
    for candidate in _repository_candidates(here):
        if candidate == beside:
            continue
        if not _missing_files(candidate):
            return DataSource(candidate, "repository")
        looked.append(str(candidate))
    if not _missing_files(PACKAGED_DATA):
        return DataSource(PACKAGED_DATA, "package")
    looked.append(str(PACKAGED_DATA))
    raise FileNotFoundError(
        "no sample data found. Looked for every table's file (such as accounts.csv) in: "
        + "; ".join(looked)
        + f". Fix: reinstall the course package (`pip install .` in the course folder puts a copy "
        f"of the data inside it), or {make_it} and set the environment variable {DATA_ENV_VAR} "
        "to that folder (or pass data_dir=...)."
    )


def find_data_dir(data_dir: str | Path | None = None) -> Path:
    """The folder of :func:`find_data` (kept for code that only needs the path)."""
    return find_data(data_dir).folder
