"""Run a student's kernel in a sealed sandbox: it sees only what it needs, and has no rights.

Autograding runs code that students wrote. nbgrader starts that code in an ordinary Jupyter
kernel with all the rights of the instructor who runs it (often root, in a container). Here the
kernel is started inside a bubblewrap sandbox (``bwrap``, Debian package ``bubblewrap``, built on
Linux namespaces), through :mod:`.confine`, which first puts it under resource limits:

* **It sees almost nothing.** The sandbox's file system starts empty. Only the system's programs
  and libraries (``/usr`` and its links), a few harmless files of ``/etc``, Python, the course
  package and the sample data are shown, read-only; then the notebook's own folder and the
  submission's runtime folder (its connection file and sockets), read-write. The real ``/tmp``,
  ``$TMPDIR``, home folders, the course (solutions, other submissions, the gradebook) and the
  grading work folder do not exist inside, wherever they live (``/tmp``, ``/var/tmp``, a home
  folder); ``/tmp`` is a fresh empty one.
* **It has no rights.** A new user namespace maps the kernel to the unprivileged user ``nobody``
  with every capability dropped, even when the instructor is root: it cannot unmount or remount
  anything, and the read-only folders stay read-only.
* **It is alone.** New network (none at all), process, IPC and host-name namespaces: the kernel
  sees no other process and no network, and dies with the grading process that started it.
* **Its environment is clean.** Only a short list of variables reaches it (``PATH``, ``HOME``,
  locale, the sample data's folder and OpenBLAS settings), never the grader's own.
* **It is bounded** (:class:`Limits`, applied by :mod:`.confine`): memory, number of processes,
  size of any file it writes and number of open files.

:func:`isolation_problem` runs a probe sandbox once and says, in a sentence, why kernels cannot
be sandboxed on this machine (for example inside a Docker container whose default security
profile forbids user namespaces), or ``None``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Dict, List, Unicode

__all__ = [
    "PASSED_VARIABLES",
    "Limits",
    "SandboxedKernelManager",
    "bwrap_command",
    "isolation_problem",
    "software_paths",
]

#: The user the kernel runs as inside its user namespace: ``nobody``.
NOBODY = 65534
#: Variables of the grader's environment passed on to the kernel (all others are dropped).
PASSED_VARIABLES = ("SOCIALMARKETING_DATA", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")
#: Size of the sandbox's own /tmp.
TMP_BYTES = 256 * 2**20
#: What ``/etc`` shows inside: what programs need to start, nothing secret.
_ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "nsswitch.conf",
    "host.conf",
    "hosts",
    "passwd",
    "group",
    "alternatives",
    "ssl/certs",
    "ca-certificates",
    "fonts",
    "mime.types",
    "matplotlibrc",
)
_SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission's kernel and everything it starts.

    ``memory_bytes`` caps each process's address space (and, where a memory cgroup is
    available, all of them together); ``max_processes`` the processes and threads alive at
    once; ``max_file_bytes`` the size of any one file written; ``max_open_files`` the files and
    sockets open at once in one process.
    """

    memory_bytes: int = 3 * 2**30
    max_processes: int = 256
    max_file_bytes: int = 64 * 2**20
    max_open_files: int = 1024

    def to_config(self) -> dict[str, int]:
        return asdict(self)


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
    probe = [*bwrap_command(writable=[], workdir="/tmp"), sys.executable, "-c", "pass"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap is installed but could not start a sandbox: {error}"
    if result.returncode != 0:
        return (
            "bubblewrap is installed but could not start a sandbox: "
            f"{result.stderr.strip() or f'exit status {result.returncode}'}. It needs user "
            "namespaces; inside a Docker container, start the container with "
            "`--security-opt seccomp=unconfined --security-opt apparmor=unconfined` (see the "
            "instructor guide)"
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
    # A Python found through a link (a venv's python -> the base interpreter).
    folders.add(str(Path(sys.executable).resolve().parents[1]))
    return sorted(_outermost(folder for folder in folders if Path(folder).is_dir()))


def _outermost(folders) -> list[str]:
    """The folders, without those inside another one of them."""
    kept: list[Path] = []
    for folder in sorted({Path(f) for f in folders}, key=lambda p: len(p.parts)):
        if not any(folder.is_relative_to(other) for other in kept):
            kept.append(folder)
    return [str(folder) for folder in kept]


def _system_binds() -> list[str]:
    arguments: list[str] = []
    for name in _SYSTEM_FOLDERS:
        path = Path(name)
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            arguments += ["--ro-bind", name, name]
    for name in _ETC_FILES:
        path = Path("/etc") / name
        if path.exists():
            arguments += ["--ro-bind", str(path), str(path)]
    return arguments


def kernel_environment(
    environ: dict[str, str] | None = None, python_bin: str | None = None
) -> dict[str, str]:
    """The only environment variables a sandboxed kernel gets."""
    environ = os.environ if environ is None else environ
    python_bin = python_bin or str(Path(sys.executable).parent)
    chosen = {
        "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in PASSED_VARIABLES:
        if environ.get(name):
            chosen[name] = environ[name]
    return chosen


def bwrap_command(
    writable: list[str],
    workdir: str | Path,
    software: list[str] | None = None,
    hidden: list[str] | None = None,
    environment: dict[str, str] | None = None,
) -> list[str]:
    """The ``bwrap`` command line (without the program to run) for one sandbox.

    ``writable`` folders are the only ones the program can change; ``software`` lists the
    folders it must read (default: :func:`software_paths`); ``hidden`` folders that happen to lie
    inside a software folder are covered by empty ones; the program starts in ``workdir`` with
    ``environment`` (default: :func:`kernel_environment`) and nothing else.
    """
    command = [
        shutil.which("bwrap") or "bwrap",
        "--unshare-user",
        "--uid",
        str(NOBODY),
        "--gid",
        str(NOBODY),
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ]
    for name, value in (environment or kernel_environment()).items():
        command += ["--setenv", name, value]
    # A fresh /tmp of its own, capped (a tmpfs takes memory, outside the process limits).
    command += [*_system_binds(), "--proc", "/proc", "--dev", "/dev"]
    command += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    software = software_paths() if software is None else software
    for folder in software:
        command += ["--ro-bind", folder, folder]
    for folder in hidden or []:
        if any(Path(folder).is_relative_to(s) for s in software):
            command += ["--tmpfs", str(folder)]
    for folder in writable:
        command += ["--bind", str(folder), str(folder)]
    command += ["--chdir", str(workdir)]
    return command


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside the sandbox, under resource limits.

    Configure (traitlets) ``writable_paths`` with the folders the kernel may write to (the
    notebook's folder first: the kernel starts there), ``hidden_paths`` with folders that must
    stay out of sight even if a software folder holds them (the course folder, the grading work
    folder), ``limits`` (see :class:`Limits`) and ``cgroup_name`` (a name for the submission's
    control group, where the machine lets the grader make one). The folder of the connection
    file and sockets is always writable.
    """

    hidden_paths = List(Unicode(), help="Folders the kernel must not see.").tag(config=True)
    writable_paths = List(Unicode(), help="Folders the kernel may write to.").tag(config=True)
    software_paths = List(
        Unicode(),
        allow_none=True,
        default_value=None,
        help="Folders the kernel must read (Python, the package, the data); default: found here.",
    ).tag(config=True)
    limits = Dict(help="Resource limits (fields of Limits).").tag(config=True)
    cgroup_name = Unicode("", help="Name of the submission's control group, if any.").tag(
        config=True
    )
    log_file = Unicode("", help="File for the sandbox's and kernel's error output.").tag(
        config=True
    )

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # The process Jupyter starts is not the kernel itself and does not pass SIGINT on:
        # interrupt (after a cell's time limit) with a message on the control channel instead.
        assert self.kernel_spec is not None
        self.kernel_spec.interrupt_mode = "message"
        command = super().format_kernel_cmd(extra_arguments)
        socket_folder = str(Path(self.connection_file).resolve().parent)
        if Path(socket_folder) in (Path(tempfile.gettempdir()).resolve(), Path("/tmp")):
            # jupyter_client's default: a file in the shared temp folder, which would then be
            # writable from inside (and with it every other kernel's connection file).
            raise ValueError(
                "the kernel's connection file must be in the submission's own runtime folder, "
                f"not in {socket_folder}: configure connection_file"
            )
        writable = [*self.writable_paths, socket_folder]
        if self.transport == "ipc":
            writable.append(str(Path(self.ip).resolve().parent))
        workdir = self.writable_paths[0] if self.writable_paths else socket_folder
        unique = list(dict.fromkeys(os.path.realpath(p) for p in writable))
        hidden = [os.path.realpath(p) for p in self.hidden_paths]
        sandbox = bwrap_command(unique, workdir, self.software_paths, hidden)
        limits = Limits(**self.limits)
        confine = [
            sys.executable,
            "-m",
            "socialmarketing.grading.confine",
            "--memory",
            str(limits.memory_bytes),
            "--processes",
            str(limits.max_processes),
            "--file-size",
            str(limits.max_file_bytes),
            "--open-files",
            str(limits.max_open_files),
        ]
        if self.cgroup_name:
            confine += ["--cgroup", self.cgroup_name]
        if self.log_file:
            confine += ["--log", self.log_file]
        return [*confine, "--", *sandbox, *command]
