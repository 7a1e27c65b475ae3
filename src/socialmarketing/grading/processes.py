"""Local grading processes: a fork server that imports nbgrader once, and the workers it forks.

Importing nbgrader costs about a second of CPU, so starting every worker as a fresh Python
process would spend a second per worker before any grading starts (and again for each worker
that replaces a killed one). Instead the parent starts one fork server::

    python -m socialmarketing.grading.processes SOCKET

which imports nbgrader and then forks a worker for each line (a log file path) it reads on its
standard input. A worker makes itself the leader of a new session, sends what it and the
student's kernels print to that log, connects to the parent's Unix socket ``SOCKET``, says its
process id, and then grades one task per JSON line received
(:func:`socialmarketing.grading.worker.serve`) until the parent closes the connection.

The parent's side is :class:`ForkServer` (start it, ask it for workers, close it) and
:class:`WorkerProcess` (send a task and wait for its result with a time limit; stop the worker,
or kill it together with its kernels). The socket sits in the grading run's private work folder
(mode 0700), which student kernels cannot see.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from socialmarketing.grading.worker import failed_result, serve

__all__ = ["PROCESS_DIED", "ForkServer", "WorkerProcess"]

#: The error of a task whose worker ended before answering (the worker cannot be used again).
PROCESS_DIED = "the grading process died"

#: Seconds to wait for the fork server's first worker (it imports nbgrader first).
START_TIMEOUT = 120.0
#: Seconds to wait for a stopped worker to be gone.
EXIT_TIMEOUT = 10.0


class WorkerProcess:
    """The parent's handle on one forked worker."""

    def __init__(self, connection: socket.socket) -> None:
        self._socket = connection
        self._stream = connection.makefile("rwb")
        hello = self._stream.readline()
        if not hello:
            raise RuntimeError("a grading worker ended before it was ready")
        self.pid: int = json.loads(hello)["pid"]

    def grade(self, task: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Send one task and wait for its result; ``None`` if ``timeout`` seconds ran out."""
        self._stream.write((json.dumps(task) + "\n").encode())
        self._stream.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(self._socket, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        line = self._stream.readline()
        if not line:
            return failed_result(task.get("student"), PROCESS_DIED)
        return json.loads(line)

    def stop(self, kill: bool = False) -> None:
        """End the worker, at once (``kill``: with the kernel it runs) or after its current task.

        Returns when the worker has exited (its end of the connection closes only then), so the
        files it used can be removed. Safe to repeat.
        """
        if self._socket.fileno() == -1:
            return
        if kill:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_WR)  # the worker reads the end of its tasks
        with contextlib.suppress(OSError):
            while self._socket.recv(65536):
                pass
        self._stream.close()
        self._socket.close()
        # The connection closes as the worker exits; the fork server reaps it a moment later.
        deadline = time.monotonic() + EXIT_TIMEOUT
        while _is_running(self.pid) and time.monotonic() < deadline:
            time.sleep(0.01)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class ForkServer:
    """A process that has imported nbgrader and forks grading workers on request.

    ``folder`` must be private to this grading run: the socket is created there.
    """

    def __init__(self, folder: Path) -> None:
        self.address = str(folder / "workers.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.address)
        self._listener.listen()
        self._log_path = folder / "fork-server.log"
        self._log = open(self._log_path, "ab")  # noqa: SIM115 - closed in close()
        self._starting = threading.Lock()  # grading threads may replace workers at once
        self._process = subprocess.Popen(
            [sys.executable, "-m", "socialmarketing.grading.processes", self.address],
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )

    def start_worker(self, log_path: Path) -> WorkerProcess:
        """Fork one worker that logs to ``log_path``; wait until it is ready."""
        assert self._process.stdin is not None
        with self._starting:
            try:
                self._process.stdin.write(f"{log_path}\n".encode())
                self._process.stdin.flush()
            except BrokenPipeError:  # it has stopped
                raise self._failure() from None
            deadline = time.monotonic() + START_TIMEOUT
            self._listener.settimeout(1.0)
            while True:
                try:
                    connection, _ = self._listener.accept()
                    break
                except TimeoutError:
                    if self._process.poll() is not None or time.monotonic() > deadline:
                        raise self._failure() from None
        connection.settimeout(None)
        return WorkerProcess(connection)

    def _failure(self) -> RuntimeError:
        return RuntimeError(
            "the grading fork server could not start a worker; its log says:\n"
            + self._log_path.read_text(errors="replace")[-2000:]
        )

    def close(self) -> None:
        """Stop the fork server (workers it forked are stopped through their handles)."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        self._process.wait()
        self._listener.close()
        self._log.close()


def _run_worker(address: str, log_path: str) -> None:
    """In a freshly forked child: become a worker and serve the parent until it hangs up."""
    os.setsid()  # its own process group: the parent can kill it with its kernels
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # it waits for its kernels
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, sys.stdin.fileno())
    os.close(null)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, sys.stdout.fileno())
    os.dup2(log, sys.stderr.fileno())
    os.close(log)
    # Left open: it closes as the process exits, which is what the parent waits for.
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(address)
    stream = connection.makefile("rwb")
    stream.write((json.dumps({"pid": os.getpid()}) + "\n").encode())
    stream.flush()
    serve(stream)


def main(argv: list[str]) -> int:
    """The fork server: import nbgrader, then fork a worker for each log path read on stdin."""
    (address,) = argv
    from nbgrader.apps import NbGraderAPI  # noqa: F401 - imported once, for every worker

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped without waiting
    for line in sys.stdin:
        log_path = line.strip()
        if not log_path:
            continue
        if os.fork() == 0:  # the child never returns into this loop
            try:
                _run_worker(address, log_path)
            except BaseException:
                traceback.print_exc()  # into the worker's log, or the fork server's
                os._exit(1)
            os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
