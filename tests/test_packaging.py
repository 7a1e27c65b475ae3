"""The course package as ``pip install`` delivers it: the wheel, installed outside any clone.

The wheel is built from a copy of the repository (tests/learner_env.py makes it) and installed,
with its declared dependencies at the lock file's versions, into an empty virtual environment in
a folder that is not a clone. There every table loads, from the data that ships in the package.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from socialmarketing.data import TABLES, data_fingerprint

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(learner, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."],
        cwd=learner.repository,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("socialmarketing-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, learner, tmp_path_factory) -> Path:
    """The wheel's Python: a fresh venv outside the clone, dependencies at the lock's versions."""
    root = tmp_path_factory.mktemp("pip-user")
    subprocess.run([sys._base_executable, "-m", "venv", str(root / "env")], check=True)
    python = root / "env" / "bin" / "python"
    result = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel),
            "-c",
            str(learner.repository / "binder" / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return python


def test_the_wheel_carries_the_data_byte_for_byte_and_the_chart_library(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for table in TABLES.values():
            packaged = f"socialmarketing/sample_data/{table.file_name}"
            assert packaged in names, f"{table.file_name} is not in the wheel"
            assert archive.read(packaged) == (REPO / "data" / table.file_name).read_bytes()
        assert "socialmarketing/sample_data/README.md" in names  # the data sheet
        # The answer key stays on the instructor's side of the course (exercises/answer_key).
        assert not [n for n in names if "answer_key" in n or "/analysis/" in n]
        key_functions = ("def cpa_by_channel", "def aisas_viral_coefficient", "PARTS = {")
        for member in names:
            if member.endswith(".py"):
                text = archive.read(member).decode()
                assert not any(f in text for f in key_functions), member
        bundle = archive.read("socialmarketing/static/vega-bundle.js")
        assert bundle == (REPO / "src/socialmarketing/static/vega-bundle.js").read_bytes()


def test_every_package_folder_is_declared_so_none_is_left_out_of_the_wheel():
    declared = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(init.parent.relative_to(REPO / "src").parts)
        for init in (REPO / "src").rglob("__init__.py")
    }
    assert on_disk | {"socialmarketing.sample_data"} == declared


def test_installed_from_the_wheel_outside_a_clone_every_table_loads(installed, tmp_path):
    probe = subprocess.run(
        [
            str(installed),
            "-c",
            "import json, socialmarketing.charts, socialmarketing.widgets; "
            "from socialmarketing import data; s = data.source(); tables = data.load_all(); "
            "print(json.dumps({'origin': s.origin, 'fingerprint': s.fingerprint, "
            "'rows': {n: len(t) for n, t in tables.items()}}))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": str(installed.parent), "HOME": str(tmp_path)},
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout)
    assert found["origin"] == "package"
    assert found["fingerprint"] == data_fingerprint(REPO / "data")
    for name, table in TABLES.items():
        with (REPO / "data" / table.file_name).open(encoding="utf-8", newline="") as stream:
            records = sum(1 for _ in csv.reader(stream)) - 1  # every record but the header
        assert found["rows"][name] == records, name
