"""The bubblewrap sandbox: hidden folders are empty, writable ones work, no network."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from socialmarketing import data
from socialmarketing.grading import sandbox
from socialmarketing.grading.sandbox import bwrap_command, isolation_problem


def test_bubblewrap_works_here():
    # `make test` and CI install bubblewrap (Debian package); grading refuses to run without it.
    assert isolation_problem() is None, isolation_problem()


@pytest.fixture
def folders():
    # Outside /tmp, so that only the explicit rules (not the sandbox's fresh /tmp) hide them.
    root = Path(tempfile.mkdtemp(prefix="sm-sandbox-", dir="/var/tmp"))
    (root / "course" / "source").mkdir(parents=True)
    (root / "course" / "source" / "solution.txt").write_text("the answer is 42")
    (root / "work").mkdir()
    yield root
    subprocess.run(["rm", "-rf", str(root)], check=True)


def run_inside(folders: Path, code: str) -> subprocess.CompletedProcess:
    command = bwrap_command(
        hidden=[str(folders / "course")], writable=[str(folders / "work")], workdir=folders / "work"
    )
    return subprocess.run(
        [*command, sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )


def test_hidden_folder_is_empty_and_read_only_inside(folders):
    result = run_inside(
        folders,
        "import os, pathlib\n"
        f"print(sorted(os.listdir({str(folders / 'course')!r})))\n"
        "try:\n"
        f"    pathlib.Path({str(folders / 'course' / 'x')!r}).write_text('x')\n"
        "    print('wrote')\n"
        "except OSError as error:\n"
        "    print('refused', error.errno)\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "refused 30"]  # EROFS
    assert (folders / "course" / "source" / "solution.txt").read_text() == "the answer is 42"


def test_writable_folder_is_the_working_directory_and_persists(folders):
    result = run_inside(
        folders, "import os, pathlib\nprint(os.getcwd())\npathlib.Path('out.txt').write_text('hi')"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(folders / "work")
    assert (folders / "work" / "out.txt").read_text() == "hi"


def test_tmp_is_private_and_the_course_package_and_data_are_readable(folders):
    marker = Path(tempfile.mkdtemp()) / "outside.txt"
    marker.write_text("x")
    result = run_inside(
        folders,
        "import os\n"
        f"print(os.path.exists({str(marker)!r}))\n"
        "from socialmarketing import data\n"
        "print(len(data.load('campaigns')))\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "5"]


def test_no_network_even_to_this_machine(folders):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        result = run_inside(
            folders,
            "import socket\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
            "    print('connected')\n"
            "except OSError as error:\n"
            "    print(type(error).__name__)\n",
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ConnectionRefusedError"


def test_other_processes_are_invisible(folders):
    code = "import os\nprint(' '.join(p for p in os.listdir('/proc') if p.isdigit()))"
    result = run_inside(folders, code)
    assert result.returncode == 0, result.stderr
    pids = [int(p) for p in result.stdout.split()]
    assert pids and max(pids) < 10  # only the sandbox's own few processes, numbered from 1


def test_software_under_tmp_stays_readable_but_not_writable(folders, monkeypatch):
    # A fresh clone in /tmp (as in CI) keeps its venv, package and data there: the sandbox shows
    # them again, read-only, over its fresh /tmp; the rest of /tmp stays out of sight.
    software = Path(tempfile.mkdtemp(prefix="sm-venv-"))
    (software / "module.txt").write_text("code")
    neighbour = Path(tempfile.mkdtemp(prefix="sm-other-")) / "private.txt"
    neighbour.write_text("secret")
    real = sandbox.software_paths()  # this Python too: in CI it also lives under /tmp
    monkeypatch.setattr(sandbox, "software_paths", lambda: [*real, str(software)])
    result = run_inside(
        folders,
        "import os, pathlib\n"
        f"print(pathlib.Path({str(software / 'module.txt')!r}).read_text())\n"
        f"print(os.path.exists({str(neighbour)!r}))\n"
        "try:\n"
        f"    pathlib.Path({str(software / 'new.txt')!r}).write_text('x')\n"
        "    print('wrote')\n"
        "except OSError as error:\n"
        "    print('refused', error.errno)\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["code", "False", "refused 30"]


def test_software_paths_include_this_python_and_the_sample_data():
    paths = sandbox.software_paths()
    assert sys.prefix in paths
    assert str(data.find_data_dir().resolve()) in paths
