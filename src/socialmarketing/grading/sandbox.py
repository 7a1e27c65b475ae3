"""Run a student's kernel in a sandbox: no network, and only its own folder on disk.

Autograding runs code that students wrote. nbgrader starts that code in an ordinary Jupyter
kernel with all the rights of the instructor who runs it: it could read the solutions in
``source/``, the other students' submissions and the gradebook, or talk to the network. Here the
kernel process is started inside a bubblewrap sandbox (``bwrap``, Debian package ``bubblewrap``,
built on Linux namespaces):

* the whole file system is visible **read-only** (so Python, the course package and the sample
  data work as usual), except
* the course folder and the grading work folder are hidden behind empty in-memory folders
  (read-only where possible), and ``/tmp`` is a fresh empty one;
* the notebook's own folder and the kernel's socket folder are the only writable places;
* the network namespace is new and empty (no network at all), and so is the process namespace:
  the kernel sees no other processes and dies with its parent.

The kernel talks to the grader over Unix sockets (``ipc`` transport) in a per-submission folder
with an absolute path, so parallel graders never compete for TCP ports.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode

__all__ = ["SandboxedKernelManager", "bwrap_command", "isolation_problem", "software_paths"]


@functools.cache
def isolation_problem() -> str | None:
    """Why kernels cannot be sandboxed on this machine, or ``None`` if they can."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return (
            "bubblewrap (bwrap) is not installed, so student code would run with your rights, "
            "network access and read access to the solutions. Install it with "
            "`apt-get install bubblewrap`"
        )
    probe = [*bwrap_command(hidden=[], writable=[], workdir="/", software=[]), "true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap is installed but could not start a sandbox: {error}"
    if result.returncode != 0:
        return (
            "bubblewrap is installed but could not start a sandbox (user namespaces may be "
            f"disabled on this machine): {result.stderr.strip() or result.returncode}"
        )
    return None


def software_paths() -> list[str]:
    """The folders a grading kernel needs to read: Python, the course package, the sample data."""
    import socialmarketing
    from socialmarketing.data import find_data_dir

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    folders.add(str(Path(socialmarketing.__file__).resolve().parents[1]))
    with contextlib.suppress(FileNotFoundError):  # no data: the kernel reports it itself
        folders.add(str(find_data_dir().resolve()))
    return sorted(folder for folder in folders if Path(folder).is_dir())


def bwrap_command(
    hidden: list[str], writable: list[str], workdir: str, software: list[str] | None = None
) -> list[str]:
    """The ``bwrap`` command line (without the program to run) for one sandbox.

    ``hidden`` folders are replaced by empty in-memory folders (read-only unless a writable
    folder lies inside); ``writable`` folders (which may lie inside hidden ones) are mounted back
    read-write; the program starts in ``workdir``. ``software`` lists the folders the program
    must be able to read (default: :func:`software_paths`).
    """
    command = [
        shutil.which("bwrap") or "bwrap",
        "--die-with-parent",
        "--new-session",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        # ipykernel watches the process that started it through JPY_PARENT_PID; that number
        # means nothing in the new process namespace (--die-with-parent does the job instead).
        "--unsetenv",
        "JPY_PARENT_PID",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
    ]
    # Python, the course package and the sample data may live under /tmp (a fresh clone in
    # CI, say): show those folders again, read-only, on top of the fresh /tmp.
    for folder in software_paths() if software is None else software:
        if Path(folder).is_relative_to("/tmp"):
            command += ["--ro-bind", folder, folder]
    for folder in hidden:
        command += ["--tmpfs", str(folder)]
    for folder in writable:
        command += ["--bind", str(folder), str(folder)]
    for folder in hidden:
        # Read-only too, unless a writable folder is mounted inside it (the kernel's own
        # folder in the private course copy): remounting over a mount inside fails. Writes to
        # such a hidden folder land in memory and vanish with the sandbox.
        inside = [w for w in writable if Path(w).is_relative_to(folder) and str(w) != str(folder)]
        if not inside:
            command += ["--remount-ro", str(folder)]
    command += ["--chdir", str(workdir)]
    return command


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside a bubblewrap sandbox.

    Configure (traitlets) ``hidden_paths`` with the folders the kernel must not see (the course
    folder, the grading work folder) and ``writable_paths`` with the folders it may write to (the
    notebook's folder); the folder of the connection file and sockets is always writable.
    ``software_paths`` may be given by a parent that has already found them (it saves each
    grading process the import of the data package).
    """

    hidden_paths = List(Unicode(), help="Folders the kernel must not see.").tag(config=True)
    writable_paths = List(Unicode(), help="Folders the kernel may write to.").tag(config=True)
    software_paths = List(
        Unicode(),
        allow_none=True,
        default_value=None,
        help="Folders the kernel must read (Python, the package, the data); default: found here.",
    ).tag(config=True)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # The process Jupyter starts is bwrap, which does not pass SIGINT on to the kernel:
        # interrupt (after a cell's time limit) with a message on the control channel instead.
        assert self.kernel_spec is not None
        self.kernel_spec.interrupt_mode = "message"
        command = super().format_kernel_cmd(extra_arguments)
        socket_folder = str(Path(self.connection_file).resolve().parent)
        writable = [*self.writable_paths, socket_folder]
        if self.transport == "ipc":
            writable.append(str(Path(self.ip).resolve().parent))
        workdir = self.writable_paths[0] if self.writable_paths else socket_folder
        unique = list(dict.fromkeys(os.path.realpath(p) for p in writable))
        hidden = [os.path.realpath(p) for p in self.hidden_paths]
        return [*bwrap_command(hidden, unique, workdir, self.software_paths), *command]
