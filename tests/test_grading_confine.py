"""The limits launcher (socialmarketing.grading.confine): each limit holds for the program it
starts and everything that program starts, and a control group is cleaned up afterwards.

Each test starts a small Python program through the launcher and reads what it could do. Every
flood is bounded by the test itself as well (a few hundred processes at most, each gone in
seconds; a few hundred megabytes at most).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from socialmarketing.grading import confine

LIMITS = ["--memory", str(2**30), "--processes", "40", "--file-size", str(2**20),
          "--open-files", "64"]  # fmt: skip


def launch(code: str, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "socialmarketing.grading.confine", *LIMITS, *extra, "--",
         sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )  # fmt: skip


def test_memory_file_size_and_open_files_are_limited():
    result = launch("""
        import resource
        try:
            bytearray(2 * 2**30)
            print("memory unlimited")
        except MemoryError:
            print("memory refused")
        try:
            with open("/dev/null", "rb"):
                handles = [open("/dev/null", "rb") for _ in range(200)]
            print("files unlimited")
        except OSError as error:
            print("files refused", error.strerror)
        print(resource.getrlimit(resource.RLIMIT_FSIZE)[0])
        """)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["memory refused", "files refused Too many open files", str(2**20)]


def test_a_file_past_the_size_limit_cannot_be_written(tmp_path):
    target = tmp_path / "big.bin"
    result = launch(f"""
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        try:
            with open({str(target)!r}, "wb") as stream:
                stream.write(b"0" * 3 * 2**20)
            print("written")
        except OSError as error:
            print("refused", error.strerror)
        """)
    assert result.stdout.strip() == "refused File too large", result.stderr
    assert target.stat().st_size <= 2**20


@pytest.mark.skipif(os.getuid() != 0, reason="a control group needs root here (CI runs as root)")
def test_a_fork_storm_is_stopped_by_the_control_group_and_nothing_outlives_it():
    name = f"sm-test-{uuid.uuid4().hex[:8]}"
    result = launch(
        """
        import os, time
        children = 0
        try:
            for _ in range(400):  # bounded: each child exits after 20 s
                if os.fork() == 0:
                    os.close(1)  # let the test read the parent's output without waiting
                    os.close(2)
                    time.sleep(20)
                    os._exit(0)
                children += 1
        except OSError:
            pass
        print(children)
        """,
        "--cgroup",
        name,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) < 40  # the program itself counts as one
    folders = confine.group_folders(name)
    assert folders and any(folder.is_dir() for _, folder in folders)
    confine.release_group(name)  # the children are still sleeping: they are ended
    assert not any(folder.exists() for _, folder in folders)


def test_the_error_output_goes_to_the_log(tmp_path):
    log = tmp_path / "kernel.log"
    result = launch("import sys; sys.stderr.write('bwrap: cannot do it\\n')", "--log", str(log))
    assert result.returncode == 0
    assert log.read_text() == "bwrap: cannot do it\n"


def test_without_a_program_it_says_so():
    result = subprocess.run(
        [sys.executable, "-m", "socialmarketing.grading.confine", *LIMITS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "no program to run" in result.stderr
