"""The self-learner's path: the labs as Binder builds their environment, from any folder.

The learner environment (tests/learner_env.py) is what ``binder/`` alone describes: Binder's
base, the lock file, then ``binder/postBuild`` (the package installed non-editable). None of the
developers' tools are in it. Here every lab runs top to bottom in it, from ``notebooks/`` (where
JupyterLab starts a lab's kernel) and from the repository root; a lab and the book's chapters,
downloaded as notebooks, also run from a folder outside any clone, on the data that ships inside
the package. JupyterLab itself, from the same environment, is driven in tests/test_lab_browser.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from socialmarketing.data import data_fingerprint

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).with_name("notebook_runner.py")
LABS = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
CHAPTERS = sorted(p.name for p in (REPO / "book").glob("0*.md"))


def start_runner(learner, notebooks: list[Path], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(learner.python), str(RUNNER), "--cwd", str(cwd), *map(str, notebooks)],
        env=learner.environ(),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> list[dict]:
    stdout, stderr = process.communicate(timeout=1200)
    assert process.returncode == 0, stderr[-4000:]
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def downloads(learner) -> Path:
    """A learner's own folder outside the clone: a downloaded lab and every chapter as .ipynb,
    converted as the site's "Download .ipynb" does (jupytext, from the MyST source)."""
    import jupytext

    folder = learner.root / "downloads"
    folder.mkdir(exist_ok=True)
    (folder / "00_getting_started.ipynb").write_bytes(
        (learner.repository / "notebooks" / "00_getting_started.ipynb").read_bytes()
    )
    for name in CHAPTERS:
        page = jupytext.read(learner.repository / "book" / name)
        jupytext.write(page, folder / name.replace(".md", ".ipynb"), fmt="ipynb")
    return folder


@pytest.fixture(scope="module")
def runs(learner, downloads) -> dict[str, list[dict]]:
    """Every lab from notebooks/ and from the repository root, and the downloads from their own
    folder: three runners at once (the machine has two cores; kernels mostly wait on each other)."""
    labs = [learner.repository / "notebooks" / name for name in LABS]
    downloaded = sorted(downloads.glob("*.ipynb"))
    processes = {
        "notebooks": start_runner(learner, labs, learner.repository / "notebooks"),
        "root": start_runner(learner, labs, learner.repository),
        "downloads": start_runner(learner, downloaded, downloads),
    }
    return {where: finish(process) for where, process in processes.items()}


def test_the_learner_environment_is_what_binder_lists_and_nothing_more(learner):
    probe = learner.run(
        "python",
        "-c",
        "import importlib.util as u, json, socialmarketing as s; print(json.dumps({'file': "
        "s.__file__, 'missing': [m for m in ('vl_convert', 'myst_nb', 'nbgrader', "
        "'jupyter_book', 'pytest', 'playwright', 'answer_key') if u.find_spec(m) is None]"
        " + [m for m in ('analysis',) if u.find_spec('socialmarketing.' + m) is None]}))",
        cwd=learner.home,
    )
    found = json.loads(probe.stdout)
    # Installed non-editable, into the environment itself, as binder/postBuild does.
    assert Path(found["file"]).is_relative_to(learner.root / "env")
    # Neither build, test nor grading tools, nor the exercises' answer key.
    assert len(found["missing"]) == 8, f"not for learners, yet installed: {found}"


@pytest.mark.parametrize("where", ["notebooks", "root"])
def test_every_lab_runs_without_an_error_from_notebooks_and_from_the_root(runs, where):
    reports = runs[where]
    assert sorted(Path(r["notebook"]).name for r in reports) == LABS
    for report in reports:
        name = Path(report["notebook"]).name
        assert report["error"] is None, f"{name} from {where}: {report['error']}"
        assert not report["error_outputs"], f"{name} from {where}: {report['error_outputs']}"


def test_a_downloaded_lab_and_every_downloaded_chapter_run_outside_any_clone(runs):
    reports = runs["downloads"]
    assert len(reports) == 1 + len(CHAPTERS)
    for report in reports:
        name = Path(report["notebook"]).name
        assert report["error"] is None, f"downloaded {name}: {report['error']}"


def test_outside_a_clone_the_data_is_the_packaged_copy_identical_to_the_repositorys(learner):
    probe = learner.run(
        "python",
        "-c",
        "from socialmarketing import data; s = data.source(); print(s.origin, s.fingerprint); "
        "print(sum(len(t) for t in data.load_all().values()))",
        cwd=learner.home,
    )
    (origin_line, rows) = probe.stdout.split("\n")[:2]
    origin, fingerprint = origin_line.split()
    assert origin == "package"
    assert fingerprint == data_fingerprint(REPO / "data")
    assert int(rows) > 100_000


def test_a_wrong_data_folder_gets_one_clear_message_naming_the_fix(learner):
    result = subprocess.run(
        [str(learner.python), "-c", "from socialmarketing import data; data.load('posts')"],
        cwd=learner.home,
        env=learner.environ(SOCIALMARKETING_DATA=str(learner.home / "no-such-folder")),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("FileNotFoundError: the environment variable SOCIALMARKETING_DATA")
    assert "does not exist" in last_line and "%env SOCIALMARKETING_DATA=" in last_line
