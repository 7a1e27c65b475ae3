"""Start a program under resource limits: the launcher of every sandboxed grading kernel.

    python -m socialmarketing.grading.confine --memory BYTES --processes N --file-size BYTES
        --open-files N [--cgroup NAME] [--log FILE] -- PROGRAM [ARGUMENTS ...]

It sets the limits on itself, then replaces itself with the program (``exec``), which inherits
them, as does everything the program starts:

* ``--memory``: the address space of each process (``RLIMIT_AS``); past it an allocation fails
  and Python raises ``MemoryError``;
* ``--file-size``: the size of any file written (``RLIMIT_FSIZE``; past it: ``File too large``);
* ``--open-files``: open files and sockets per process (``RLIMIT_NOFILE``);
* ``--processes``: processes and threads alive at once. ``RLIMIT_NPROC`` counts every process of
  the user and is not enforced for root, who often grades (in a container), so where the machine
  lets the grader make a control group (root, or a delegated cgroup v2 subtree), the program runs
  in a new group ``NAME`` with ``pids.max`` (and ``memory.max``/``memory.limit_in_bytes`` for
  the total memory) set; :func:`release_group` ends every process left in it and removes it.
  Elsewhere ``RLIMIT_NPROC`` is set to the user's current count plus ``--processes``.

``--log`` sends the program's error output (the sandbox's own messages among them) to a file,
so that the grader can say why a kernel did not start. The grading process uses only
:func:`release_group`; this module runs as the launcher.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import time
from pathlib import Path

__all__ = ["group_folders", "main", "release_group"]

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_group(controller: str) -> Path | None:
    """This process's folder in the hierarchy of ``controller`` ("" for cgroup v2), if any."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller == "" and controllers == "" and line.startswith("0::"):
            base = CGROUP_ROOT
        elif controller and controller in controllers.split(","):
            base = CGROUP_ROOT / controller
        else:
            continue
        folder = base / path.lstrip("/")
        if folder.is_dir():
            return folder
    return None


def group_folders(name: str) -> list[tuple[str, Path]]:
    """Where the group ``name`` lives (or would), per kind: ("v2", path), ("pids", path), ..."""
    found = []
    unified = _own_group("")
    if unified is not None and (unified / "cgroup.controllers").exists():
        found.append(("v2", unified.parent / name if _is_leaf_busy(unified) else unified / name))
    for controller in ("pids", "memory"):
        folder = _own_group(controller)
        if folder is not None:
            found.append((controller, folder / name))
    return found


def _is_leaf_busy(folder: Path) -> bool:
    """cgroup v2 lets a group with processes have no children that use controllers."""
    try:
        return bool((folder / "cgroup.procs").read_text().strip()) and folder != CGROUP_ROOT
    except OSError:
        return True


def _write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


def _join_group(name: str, processes: int, memory: int) -> bool:
    """Put this process in a new control group with the limits; whether the pids limit holds."""
    limited = False
    for kind, folder in group_folders(name):
        try:
            folder.mkdir(exist_ok=True)
        except OSError:
            continue
        if kind == "v2":
            _write(folder.parent / "cgroup.subtree_control", "+pids +memory")
            ok = _write(folder / "pids.max", str(processes))
            _write(folder / "memory.max", str(memory))
        elif kind == "pids":
            ok = _write(folder / "pids.max", str(processes))
        else:
            ok = _write(folder / "memory.limit_in_bytes", str(memory))
        if _write(folder / "cgroup.procs", str(os.getpid())) and ok and kind in ("v2", "pids"):
            limited = True
    return limited


def release_group(name: str, grace: float = 2.0) -> None:
    """End every process left in the group ``name`` and remove it (nothing to do if none)."""
    for _, folder in group_folders(name):
        if not folder.is_dir():
            continue
        deadline = time.monotonic() + grace
        while True:
            try:
                pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
            except OSError:
                pids = []
            if not pids:
                break
            if not _write(folder / "cgroup.kill", "1"):
                for pid in pids:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            folder.rmdir()


def _user_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                count += entry.stat().st_uid == uid
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=int, required=True)
    parser.add_argument("--processes", type=int, required=True)
    parser.add_argument("--file-size", type=int, required=True)
    parser.add_argument("--open-files", type=int, required=True)
    parser.add_argument("--cgroup", default="")
    parser.add_argument("--log", help="file to append the program's error output to")
    parser.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    program = args.program[1:] if args.program[:1] == ["--"] else args.program
    if not program:
        parser.error("no program to run")

    if args.log:  # the sandbox's and the kernel's own messages: why a kernel could not start
        stream = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(stream, 2)
        os.close(stream)
    grouped = bool(args.cgroup) and _join_group(args.cgroup, args.processes, args.memory)
    resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (args.open_files, args.open_files))
    if not grouped and os.getuid() != 0:
        allowed = _user_processes() + args.processes
        resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))
    os.execvp(program[0], program)


if __name__ == "__main__":
    main()
