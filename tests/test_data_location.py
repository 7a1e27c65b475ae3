"""Tests of the sample data's lookup order (socialmarketing.data.location).

Each test builds its own folders in a temporary directory and works from there, so the order is
seen as a learner meets it: a ``data/`` folder beside the notebook, a course repository around
the notebook, the package's own copy; and explicit choices that are wrong get a clear error.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from socialmarketing import data
from socialmarketing.data import DATA_ENV_VAR, TABLES, location

REPO = Path(__file__).resolve().parents[1]
FILES = [table.file_name for table in TABLES.values()]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)


def copy_data(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(REPO / "data" / name, target / name)
    return target


def course_repository(folder: Path) -> Path:
    """A folder that looks like a clone of the course: its pyproject and its data/."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text('[project]\nname = "socialmarketing"\n')
    copy_data(folder / "data")
    (folder / "notebooks").mkdir()
    return folder


def test_a_data_folder_beside_the_notebook_comes_first(tmp_path, monkeypatch):
    course_repository(tmp_path / "clone")
    beside = copy_data(tmp_path / "clone" / "notebooks" / "data")
    monkeypatch.chdir(tmp_path / "clone" / "notebooks")
    found = data.source()
    assert found.folder == beside and found.origin == "beside notebook"


def test_from_notebooks_or_book_the_repositorys_data_is_found(tmp_path, monkeypatch):
    clone = course_repository(tmp_path / "clone")
    (clone / "book").mkdir()
    for start in (clone / "notebooks", clone / "book", clone):
        monkeypatch.chdir(start)
        found = data.source()
        assert found.folder == clone / "data" and found.origin == "repository", start


def test_outside_any_clone_the_packaged_copy_is_used(tmp_path, monkeypatch):
    packaged = copy_data(tmp_path / "site-packages" / "socialmarketing" / "sample_data")
    monkeypatch.setattr(location, "PACKAGED_DATA", packaged)
    monkeypatch.setattr(location, "_PACKAGE_REPOSITORY", tmp_path / "not-a-clone")
    monkeypatch.chdir(tmp_path)
    found = data.source()
    assert (found.folder, found.origin) == (packaged, "package")
    assert "the copy inside the installed course package" in str(found)
    pd.testing.assert_frame_equal(data.load("campaigns"), data.load("campaigns", REPO / "data"))


def test_an_incomplete_data_folder_beside_the_notebook_is_skipped_with_a_warning(
    tmp_path, monkeypatch
):
    clone = course_repository(tmp_path / "clone")
    partial = clone / "notebooks" / "data"
    partial.mkdir()
    shutil.copyfile(REPO / "data" / "posts.csv", partial / "posts.csv")
    monkeypatch.chdir(clone / "notebooks")
    with pytest.warns(UserWarning, match=r"lacks .*accounts.csv.*; it is not used"):
        found = data.source()
    assert found.folder == clone / "data"


def test_an_unrelated_data_folder_beside_the_notebook_is_ignored(tmp_path, monkeypatch):
    clone = course_repository(tmp_path / "clone")
    (clone / "notebooks" / "data").mkdir()
    (clone / "notebooks" / "data" / "my_survey.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(clone / "notebooks")
    assert data.source().folder == clone / "data"


def test_the_environment_variable_wins_and_a_wrong_one_says_how_to_fix_it(tmp_path, monkeypatch):
    chosen = copy_data(tmp_path / "mine")
    monkeypatch.chdir(course_repository(tmp_path / "clone"))
    monkeypatch.setenv(DATA_ENV_VAR, str(chosen))
    assert data.source().folder == chosen and data.source().origin == "environment"
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="does not exist") as raised:
        data.load("posts")
    assert f"%env {DATA_ENV_VAR}=" in str(raised.value)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match="holds none of the sample data"):
        data.load("posts")


def test_a_wrong_data_dir_argument_is_an_error_not_a_fallback(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"data_dir argument .* does not exist"):
        data.load("posts", tmp_path / "missing")


def test_with_no_data_anywhere_the_error_lists_where_it_looked_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(location, "PACKAGED_DATA", tmp_path / "no-package-data")
    monkeypatch.setattr(location, "_PACKAGE_REPOSITORY", tmp_path / "not-a-clone")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as raised:
        data.load("posts")
    message = str(raised.value)
    assert str(tmp_path / "data") in message and str(tmp_path / "no-package-data") in message
    assert "pip install ." in message and "socialmarketing data generate --out DIR" in message


def test_the_fingerprint_is_a_hash_of_the_table_files_wherever_they_are(tmp_path):
    digest = hashlib.sha256()
    for name in FILES:  # computed here independently: name, NUL, bytes, NUL, file by file
        digest.update(name.encode() + b"\0" + (REPO / "data" / name).read_bytes() + b"\0")
    expected = digest.hexdigest()[:12]
    assert data.data_fingerprint(REPO / "data") == expected
    copy = copy_data(tmp_path / "copy")
    assert data.data_fingerprint(copy) == expected
    with (copy / "orders.csv").open("a") as stream:
        stream.write("\n")
    assert data.data_fingerprint(copy) != expected
