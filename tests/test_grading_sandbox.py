"""The bubblewrap sandbox: only what the kernel needs exists inside, it has no rights, no
network, no view of other processes, and none of the grader's environment.

These tests run a program in the sandbox directly; tests/test_grading_hostile.py attacks it
through ``socialmarketing grade`` as a class of students would.
"""

from __future__ import annotations

import json
import os
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


def run_inside(folders: Path, code: str, **kwargs) -> subprocess.CompletedProcess:
    command = bwrap_command(
        writable=[str(folders / "work")], workdir=folders / "work", hidden=[str(folders / "course")]
    )
    return subprocess.run(
        [*command, sys.executable, "-c", code], capture_output=True, text=True, timeout=60, **kwargs
    )


def test_the_course_does_not_exist_inside_and_cannot_be_written(folders):
    result = run_inside(
        folders,
        "import os, pathlib\n"
        f"print(os.path.exists({str(folders / 'course')!r}))\n"
        "try:\n"
        f"    pathlib.Path({str(folders / 'course' / 'x')!r}).write_text('x')\n"
        "    print('wrote')\n"
        "except OSError as error:\n"
        "    print('refused', type(error).__name__)\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False", "refused FileNotFoundError"]
    assert (folders / "course" / "source" / "solution.txt").read_text() == "the answer is 42"
    assert not (folders / "course" / "x").exists()


def test_a_hidden_folder_inside_a_software_folder_is_covered(folders):
    # A course kept inside a folder the kernel must read (say, beside the package) stays hidden.
    command = bwrap_command(
        writable=[str(folders / "work")],
        workdir=folders / "work",
        software=[*sandbox.software_paths(), str(folders)],
        hidden=[str(folders / "course")],
    )
    code = f"import os\nprint(os.listdir({str(folders / 'course')!r}))"
    result = subprocess.run(
        [*command, sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_kernel_runs_as_nobody_without_capabilities(folders):
    code = (
        "import os\n"
        "status = open('/proc/self/status').read()\n"
        "print(os.getuid(), os.getgid(), status.split('CapEff:')[1].split()[0])"
    )
    result = run_inside(folders, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["65534", "65534", "0000000000000000"]


def test_only_a_short_list_of_variables_reaches_the_kernel(folders):
    environment = {**os.environ, "SM_SECRET_TOKEN": "abc123", "SOCIALMARKETING_DATA": "/srv/d"}
    command = bwrap_command(
        writable=[str(folders / "work")],
        workdir=folders / "work",
        environment=sandbox.kernel_environment(environment),
    )
    code = "import os, json\nprint(json.dumps(dict(os.environ)))"
    result = subprocess.run(
        [*command, sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert "SM_SECRET_TOKEN" not in seen and "abc123" not in result.stdout
    assert seen["SOCIALMARKETING_DATA"] == "/srv/d" and seen["HOME"] == "/tmp"
    # (PWD: bwrap sets it to the working folder it starts the program in.)
    assert set(seen) <= {
        "PWD",
        "PATH",
        "HOME",
        "LANG",
        "PYTHONNOUSERSITE",
        "PYTHONDONTWRITEBYTECODE",
        *sandbox.PASSED_VARIABLES,
    }


def test_a_connection_file_in_the_shared_temp_folder_is_refused():
    manager = sandbox.SandboxedKernelManager(
        kernel_name="python3", connection_file=str(Path(tempfile.gettempdir()) / "k.json")
    )
    with pytest.raises(ValueError, match="runtime folder"):
        manager.format_kernel_cmd()


def test_the_kernel_starts_through_the_limits_launcher(tmp_path):
    manager = sandbox.SandboxedKernelManager(
        kernel_name="python3",
        connection_file=str(tmp_path / "runtime" / "kernel.json"),
        writable_paths=[str(tmp_path / "notebook")],
        limits={"memory_bytes": 2**31, "max_processes": 50},
        cgroup_name="sm-test",
        log_file=str(tmp_path / "runtime" / "kernel.log"),
    )
    command = manager.format_kernel_cmd()
    launcher = command[: command.index("--")]
    assert launcher[1:3] == ["-m", "socialmarketing.grading.confine"]
    assert launcher[launcher.index("--memory") + 1] == str(2**31)
    assert launcher[launcher.index("--processes") + 1] == "50"
    assert launcher[launcher.index("--cgroup") + 1] == "sm-test"
    assert command[command.index("--") + 1].endswith("bwrap")
    assert "ipykernel_launcher" in " ".join(command[-6:])


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
