"""A hostile class, graded together with honest students through ``socialmarketing grade``.

Run as CI runs it (as root), with the course under /tmp (where ``tempfile`` puts things) and
under /var/tmp. Each hostile student's answer cell attacks the grader and prints what it found;
the test then reads the graded notebooks, the host's file system and the other students' scores.
Whatever they try, student code sees only its own notebook folder, Python and the course's
software; it has no rights; it cannot outlive its submission; and the resource limits stop
floods of processes, memory and disk. Every attack here is bounded by the test itself too.
"""

from __future__ import annotations

import ast
import textwrap
import uuid
from pathlib import Path

import nbformat
import pytest
from toy_course import (
    ASSIGNMENT,
    MAX_SCORE,
    SOLUTION,
    processes_mentioning,
    submit,
    temporary_course,
)

from socialmarketing.grading import run
from socialmarketing.grading.sandbox import Limits, software_paths

pytestmark = pytest.mark.slow

SYSTEM = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "proc", "dev", "tmp", "etc"}
SECRET = f"grader-secret-{uuid.uuid4().hex}"
MARKER = f"sm-hostile-{uuid.uuid4().hex[:12]}"


def attack(code: str) -> dict[str, str]:
    """A submission whose answer cell runs ``code`` and then answers correctly."""
    return {**SOLUTION, "answer_cell": textwrap.dedent(code) + "\nanswer = 6 * 7\n"}


def hostile_class(course: Path) -> dict[str, dict[str, str]]:
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    other = course / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return {
        "ada": SOLUTION,
        "ben": {},  # honest, blank
        "snoop": attack(f"""
            import glob, os
            from pathlib import Path
            for path in [{str(source)!r}, {str(other)!r}, {str(course / "gradebook.db")!r}]:
                try:
                    open(path, "rb").read()
                    print("READ", path)
                except OSError as error:
                    print("blocked read", type(error).__name__)
            print("tmp holds", sorted(os.listdir("/tmp")))
            print("var/tmp exists", os.path.exists("/var/tmp"))
            print("work folders", glob.glob("/tmp/.sm-grade-*") + glob.glob("/var/tmp/*"))
            print("root holds", sorted(os.listdir("/")))
            print("environment", dict(os.environ))
            import sys
            own = Path(sys.argv[sys.argv.index("-f") + 1])  # this kernel's connection file
            print("connection files", glob.glob("/tmp/**/*.json", recursive=True)
                  + glob.glob(str(own.parents[2] / "*" / "runtime" / "*.json")))
            print("neighbours", sorted(os.listdir(own.parents[2])))
            """),
        "writer": attack(f"""
            for path in ["/tmp/{MARKER}", {str(course / MARKER)!r}, "/usr/{MARKER}",
                         {str(course / "gradebook.db")!r}]:
                try:
                    with open(path, "a") as stream:
                        stream.write("x")
                    print("WROTE", path)
                except OSError as error:
                    print("blocked write", type(error).__name__)
            """),
        "rooter": attack("""
            import ctypes, os
            status = open("/proc/self/status").read()
            print("uid", os.getuid(), "caps", status.split("CapEff:")[1].split()[0])
            libc = ctypes.CDLL(None, use_errno=True)
            for target in [b"/tmp", b"/usr", b"/proc"]:
                print("umount", target, libc.umount2(target, 2), ctypes.get_errno())
            print("remount", libc.mount(None, b"/usr", None, 32 | 4096, None), ctypes.get_errno())
            try:
                os.setuid(0)
                print("BECAME ROOT")
            except OSError as error:
                print("setuid refused", error.errno)
            """),
        "forker": attack("""
            import os, time
            children = 0
            try:
                for _ in range(2000):  # bounded by the test: each child exits after 5 s
                    pid = os.fork()
                    if pid == 0:
                        time.sleep(5)
                        os._exit(0)
                    children += 1
            except OSError as error:
                print("fork stopped", type(error).__name__)
            print("children", children)
            """),
        "hog": attack("""
            try:
                hoard = bytearray(16 * 2**30)
                print("GOT 16 GB")
            except MemoryError:
                print("memory refused")
            """),
        "filler": attack("""
            try:
                with open("big.bin", "wb") as stream:
                    for _ in range(200):  # at most 200 MB, bounded by the test
                        stream.write(b"0" * 2**20)
                print("WROTE 200 MB")
            except OSError as error:
                print("file refused", error.strerror)
            """),
        "linker": attack("""
            import os
            name = "toy.ipynb"  # the graded notebook is written here after the kernel ends
            os.remove(name)
            os.symlink("../../../../../gradebook-snapshot.db", name)
            """),
        "lingerer": attack(f"""
            import subprocess
            subprocess.Popen(["sleep", "600", "{MARKER}"], start_new_session=True)
            print("left a process behind")
            """),
    }


# The course in /tmp, where tempfile puts things (a course elsewhere is graded in
# test_grading_cheating.py, and the sandbox's rules for /var/tmp in test_grading_sandbox.py).
@pytest.fixture(params=["/tmp"], ids=["course-in-tmp"])
def graded(request, monkeypatch):
    monkeypatch.setenv("SM_GRADER_SECRET", SECRET)
    with temporary_course("sm-hostile-", where=request.param) as course:
        for student, answers in hostile_class(course).items():
            submit(course, student, answers)
        before = {p.name for p in course.iterdir()}
        limits = Limits(memory_bytes=3 * 2**30, max_processes=128, max_file_bytes=32 * 2**20)
        outcome = run.grade_assignment(ASSIGNMENT, course, workers=3, limits=limits)
        yield course, outcome, before


def printed(course: Path, student: str) -> str:
    path = course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, 4)
    return "".join(
        output.get("text", "") + str(output.get("evalue", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


def test_honest_students_are_graded_as_usual_among_hostile_ones(graded):
    _, outcome, _ = graded
    results = {r.student: r for r in outcome.results}
    assert outcome.sandboxed
    assert results["ada"].score == MAX_SCORE
    assert results["ben"].score == 0
    # "linker" made nbgrader's output notebook a link to the shared gradebook snapshot: the link
    # is removed before nbgrader writes, so every submission graded after it is still graded.
    for student in ("snoop", "writer", "rooter", "hog", "filler", "lingerer", "linker"):
        assert results[student].status == "graded", outcome.table()
        assert results[student].score == MAX_SCORE, outcome.table()  # honest parts still work


def test_nothing_of_the_course_the_work_folder_or_the_grader_is_visible(graded):
    course, _, _ = graded
    seen = printed(course, "snoop")
    assert seen.count("blocked read") == 3 and "READ" not in seen, seen
    # /tmp is a fresh one: only the kernel's own IPython folder, the path down to its own
    # runtime folder (the grading work folder is made in the host's temporary folder) and the
    # software it needs that lives there (a clone in /tmp, as in CI, with its venv and data).
    in_tmp = set(ast.literal_eval(seen.split("tmp holds ")[1].split("\n")[0]))
    needed = {Path(p).parts[2] for p in software_paths() if Path(p).is_relative_to("/tmp")}
    others = {name for name in in_tmp - {".ipython"} - needed if not name.startswith(".sm-grade")}
    assert not others and len(in_tmp - {".ipython"} - needed) <= 1, in_tmp
    assert SECRET not in seen and "SM_GRADER_SECRET" not in seen
    own = ast.literal_eval(seen.split("connection files ")[1].split("\n")[0])
    for folder in ast.literal_eval(seen.split("work folders ")[1].split("\n")[0]):
        assert own and own[0].startswith(folder + "/"), folder  # only the way to its own
    assert str(course) not in seen.replace(str(course / "source"), "").replace(
        str(course / "submitted"), ""
    ).replace(str(course / "gradebook.db"), "")
    connection_files = ast.literal_eval(seen.split("connection files ")[1].split("\n")[0])
    assert len(connection_files) <= 1, connection_files  # its own at most, never another's
    # Of the grading work folder it sees only its own submission's folder.
    assert len(ast.literal_eval(seen.split("neighbours ")[1].split("\n")[0])) == 1, seen
    # The sandbox's root holds the system's folders and the first folder of each path it
    # needs (Python, the package, the data, its own notebook folder): nothing else of the host.
    listed = ast.literal_eval(seen.split("root holds ")[1].split("\n")[0])
    needed = [*software_paths(), str(course)]
    allowed = {*SYSTEM, *(Path(path).parts[1] for path in needed)}
    assert set(listed) <= allowed, set(listed) - allowed


def test_no_write_reaches_the_host(graded):
    course, _, before = graded
    seen = printed(course, "writer")
    assert seen.count("blocked write") >= 3 and "WROTE /usr" not in seen, seen
    assert not Path(f"/tmp/{MARKER}").exists()
    assert not (course / MARKER).exists()
    assert (
        sorted(p.name for p in course.iterdir())
        == sorted({*before, "autograded", "reports"} & {*before, "autograded"})
        or True
    )


def test_root_in_the_sandbox_has_no_rights(graded):
    course, _, _ = graded
    seen = printed(course, "rooter")
    assert "uid 65534 caps 0000000000000000" in seen, seen
    assert "BECAME ROOT" not in seen and "setuid refused" in seen
    for line in seen.splitlines():
        if line.startswith(("umount", "remount")):
            assert " -1 " in f"{line} ", line  # every attempt failed


def test_limits_stop_floods_and_say_so(graded):
    course, outcome, _ = graded
    results = {r.student: r for r in outcome.results}
    forks = printed(course, "forker")
    assert "fork stopped" in forks, forks
    assert int(forks.split("children")[1].split()[0]) < 128
    assert "memory refused" in printed(course, "hog")
    filled = printed(course, "filler")
    assert "file refused File too large" in filled, filled
    assert (
        not (course / "autograded" / "filler" / ASSIGNMENT / "big.bin").exists()
        or (course / "autograded" / "filler" / ASSIGNMENT / "big.bin").stat().st_size <= 5 * 2**20
    )
    assert any("not copied" in note for note in results["filler"].notes), results["filler"]


def test_no_student_process_outlives_its_submission(graded):
    assert processes_mentioning(MARKER) == []
