"""Checks on the repository as a whole: lint, Binder's environment, committed notebooks."""

import json
import subprocess
import sys
import tomllib

import pytest

LOCK = "binder/requirements.txt"
BASE_PINS = "binder/repo2docker-base.txt"


def pinned(path) -> dict[str, tuple[str, list[str]]]:
    """A pip lock file's pins: canonical name -> (version, the lines that say why it is there)."""
    from packaging.utils import canonicalize_name

    pins: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            package, version = line.split("==")
            name = canonicalize_name(package.split("[")[0])
            pins[name] = (version.strip(), [])
        elif name and line.strip().startswith("#"):
            pins[name][1].append(line.strip("# ").strip())
    return pins


def learner_requirements(pyproject: dict) -> list:
    from packaging.requirements import Requirement

    project = pyproject["project"]
    return [
        Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["lab"]]
    ]


def test_the_learner_lock_is_current_with_pyproject(repo):
    from packaging.utils import canonicalize_name

    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    pins = pinned(repo / LOCK)
    fix = f"; run `make lock` to recompile {LOCK} from pyproject.toml"
    wanted = {canonicalize_name(r.name): r for r in learner_requirements(pyproject)}
    for name, requirement in wanted.items():
        assert name in pins, f"{name} is a learner dependency but not in the lock{fix}"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"the lock pins {name}=={pins[name][0]}, outside pyproject's {requirement}{fix}"
        )
    declared_here = {
        name
        for name, (_, why) in pins.items()
        if any(reason.endswith("socialmarketing (pyproject.toml)") for reason in why)
    }
    assert declared_here == set(wanted), f"the lock's direct dependencies are stale{fix}"
    # Every course dependency is pinned exactly: nothing in the lock floats.
    assert all(version for version, _ in pins.values())


def test_the_lock_keeps_binders_own_base_pins(repo):
    base = pinned(repo / BASE_PINS)
    lock = pinned(repo / LOCK)
    assert {"jupyterlab", "jupyter-server", "notebook"} <= set(base)
    for name, (version, _) in base.items():
        if name in lock:
            assert lock[name][0] == version, f"the lock moves Binder's {name} off {version}"


def test_binder_environment_is_lean(repo):
    requirements = set(pinned(repo / LOCK))
    for tool in (
        "pytest",
        "playwright",
        "ruff",
        "jupyter-book",
        "hypothesis",
        "ndlib",
        "vl-convert-python",
        "myst-nb",
        "nbgrader",
    ):
        assert tool not in requirements, f"{tool} is a test, build or grading tool, not for Binder"
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


def config(repo) -> dict:
    import yaml

    return yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))


def test_every_link_to_the_course_repository_and_site_agrees_with_the_config(repo):
    # _config.yml is the one place the repository and the published site are named: a fork
    # changes them there, and this test then lists every link still pointing upstream.
    import re

    settings = config(repo)
    owner, name = settings["repository"]["url"].removeprefix("https://github.com/").split("/")
    site = settings["html"]["baseurl"]
    assert site == f"https://{owner}.github.io/{name}/"  # GitHub Pages, from the deploy workflow
    patterns = [
        re.compile(r"github\.com/([\w.-]+)/([\w.-]+)"),
        re.compile(r"mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)"),
        re.compile(r"([\w-]+)\.github\.io/([\w.-]+)"),
    ]
    files = [
        *tracked_files(repo, "*.md"),
        *tracked_files(repo, "*.ipynb"),
        repo / "pyproject.toml",
        repo / "_config.yml",
    ]
    wrong = []
    for path in files:
        if "exercises/source" in str(path):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for found in pattern.finditer(text):
                link_owner, link_name = found.group(1), found.group(2).removesuffix(".git")
                ours = link_owner == owner or link_name == name
                if ours and (link_owner, link_name) != (owner, name):
                    wrong.append(f"{path.relative_to(repo)}: {found.group(0)}")
    assert not wrong, wrong
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert f"mybinder.org/v2/gh/{owner}/{name}/" in readme  # the Binder badge
    assert site in readme  # the published book
