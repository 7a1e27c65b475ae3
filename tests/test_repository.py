"""Checks on the repository as a whole: lint, Binder's environment, committed notebooks."""

import json
import subprocess
import sys
import tomllib

import pytest

BINDER_HEADER = """\
# Binder's environment: the course's runtime dependencies plus the `lab` extra, exactly as
# pyproject.toml declares them (tests/test_repository.py checks that they agree; on a mismatch
# it prints the text to put here). binder/postBuild installs the package itself.
"""


def binder_requirements(pyproject: dict) -> str:
    project = pyproject["project"]
    lines = [*project["dependencies"], *project["optional-dependencies"]["lab"]]
    return BINDER_HEADER + "\n".join(lines) + "\n"


def test_binder_requirements_are_derived_from_pyproject(repo):
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    expected = binder_requirements(pyproject)
    actual = (repo / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert actual == expected, (
        "binder/requirements.txt disagrees with pyproject.toml; it should read:\n" + expected
    )


def test_binder_environment_is_lean(repo):
    requirements = (repo / "binder" / "requirements.txt").read_text(encoding="utf-8").lower()
    for tool in ("pytest", "playwright", "ruff", "jupyter-book", "hypothesis", "ndlib"):
        assert tool not in requirements, f"{tool} is a test or build tool, not for Binder"
    post_build = (repo / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir --no-deps ." in post_build


def test_ruff_lint_is_clean(repo):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=repo, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean(repo):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def tracked_files(repo, pattern):
    result = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", pattern],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return [repo / line for line in result.stdout.splitlines() if (repo / line).exists()]


def test_committed_notebooks_have_no_outputs(repo):
    for path in tracked_files(repo, "*.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        with_output = [i for i, cell in enumerate(notebook["cells"]) if cell.get("outputs")] + [
            i for i, cell in enumerate(notebook["cells"]) if cell.get("execution_count")
        ]
        assert not with_output, f"{path.relative_to(repo)}: cells {with_output} hold outputs"


@pytest.mark.parametrize("limit_mb", [5])
def test_no_large_files(repo, limit_mb):
    big = [
        str(p.relative_to(repo))
        for p in tracked_files(repo, "*")
        if p.is_file() and p.stat().st_size > limit_mb * 2**20
    ]
    assert not big, f"files over {limit_mb} MB: {big}"
