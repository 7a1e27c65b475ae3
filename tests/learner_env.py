"""The learner's environment, built the way Binder (repo2docker) builds it, for the tests.

repo2docker starts from its own base environment (JupyterLab, Jupyter Server, the Notebook
interface, ipywidgets: ``binder/repo2docker-base.txt`` lists its pins), installs
``binder/requirements.txt`` into it with pip, then runs ``binder/postBuild`` in the repository,
which installs the course package non-editable. Docker is not available here, so this module does
the same in a fresh virtual environment, from a copy of the repository (its tracked and new
files, none of the developers' build output), with a home folder of its own and nothing of the
developers' ``.venv`` on any path. No extra beyond what ``binder/`` lists is installed.

The tests then run the labs, JupyterLab and the package exactly as a self-learner gets them.
Building takes about a minute with pip's cache warm; set ``SOCIALMARKETING_LEARNER_ENV`` to a
folder to keep the virtual environment between test sessions while working on these tests (the
repository copy and the package are always made afresh; CI never sets it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KEEP_ENV_VAR = "SOCIALMARKETING_LEARNER_ENV"
#: Variables of the developers' shell that must not reach the learner's processes.
_DEVELOPER_VARIABLES = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SOCIALMARKETING_DATA")


@dataclass(frozen=True)
class LearnerEnvironment:
    """A built learner environment: its folder, the repository copy (Binder's home) and tools."""

    root: Path
    repository: Path

    @property
    def bin(self) -> Path:
        return self.root / "env" / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def home(self) -> Path:
        return self.root / "home"

    def environ(self, **extra: str) -> dict[str, str]:
        """Environment variables for a learner's process: the env's bin first, a home of its
        own (no user-level Jupyter settings or kernels), nothing of the developers' venv."""
        environ = {k: v for k, v in os.environ.items() if k not in _DEVELOPER_VARIABLES}
        environ = {k: v for k, v in environ.items() if not k.startswith("JUPYTER")}
        path = [p for p in environ.get("PATH", "").split(os.pathsep) if ".venv" not in p]
        environ.update(
            PATH=os.pathsep.join([str(self.bin), *path]),
            HOME=str(self.home),
            PYTHONNOUSERSITE="1",
            **extra,
        )
        return environ

    def run(
        self, *command: str | Path, cwd: Path, timeout: float = 900, **extra: str
    ) -> subprocess.CompletedProcess:
        """Run a command as the learner would; raise with its output if it fails."""
        result = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=self.environ(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(map(str, command))} failed in {cwd} "
                f"(exit {result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result


def copy_repository(target: Path) -> Path:
    """Copy the repository's tracked and new (not ignored) files, as a fresh clone would have."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def _pip(python: Path, *arguments: str | Path, cwd: Path) -> None:
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + [str(a) for a in arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise AssertionError(f"pip install {arguments} failed:\n{result.stderr[-4000:]}")


def _base_python() -> str:
    """The interpreter the developers' venv was made from (Python 3.11+, outside any venv)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def build(root: Path) -> LearnerEnvironment:
    """Build (or refresh) the learner environment in ``root``; see the module docstring."""
    root.mkdir(parents=True, exist_ok=True)
    repository = root / "repository"
    if repository.exists():
        shutil.rmtree(repository)
    copy_repository(repository)
    learner = LearnerEnvironment(root, repository)
    learner.home.mkdir(exist_ok=True)

    binder = repository / "binder"
    inputs = b"".join(
        (binder / n).read_bytes() for n in ("repo2docker-base.txt", "requirements.txt")
    )
    stamp = root / "env" / ".binder-inputs"
    wanted = hashlib.sha256(inputs).hexdigest()
    if not (stamp.is_file() and stamp.read_text() == wanted):
        if (root / "env").exists():
            shutil.rmtree(root / "env")
        subprocess.run([_base_python(), "-m", "venv", str(root / "env")], check=True)
        _pip(learner.python, "-r", binder / "repo2docker-base.txt", cwd=repository)  # the base
        _pip(learner.python, "-r", binder / "requirements.txt", cwd=repository)
        stamp.write_text(wanted)
    # repo2docker runs postBuild from the repository with the environment on PATH.
    learner.run("bash", binder / "postBuild", cwd=repository)
    return learner
