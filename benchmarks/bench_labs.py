"""The learner environment as Binder builds it: its size, and every lab's time and memory in it.

    .venv/bin/python benchmarks/bench_labs.py [--keep DIR] [NOTEBOOK ...]

Builds the learner environment from binder/ alone, as the learner-path tests do
(tests/learner_env.py: Binder's base versions, the lock file, binder/postBuild), then prints

* the size of its site-packages: Binder's base alone (JupyterLab, Jupyter Server, Notebook,
  ipywidgets), everything, and what the course adds, package by package for the largest;
* for each lab, run top to bottom in a fresh kernel from notebooks/ (as JupyterLab does), the
  seconds from the first cell to the last output and the kernel's peak resident memory.

Targets from the course's brief: at most 10 s per lab and 1 GB of kernel memory (Binder gives
about 2 GB); at most 620 MB in all. Numbers vary with the machine's load; this is a script that
prints numbers, not a test. ``--keep DIR`` reuses a learner environment kept in DIR.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import learner_env  # noqa: E402 - the tests' builder, shared so both measure the same thing


def megabytes(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def distribution_sizes(site_packages: Path) -> dict[str, float]:
    """Megabytes per installed distribution, from each one's RECORD."""
    sizes = {}
    for record in site_packages.glob("*.dist-info/RECORD"):
        total = 0
        for line in record.read_text(encoding="utf-8").splitlines():
            name = line.split(",")[0]
            path = (site_packages / name).resolve()
            if path.is_file():
                total += path.stat().st_size
        sizes[record.parent.name.split("-")[0]] = total / 2**20
    return sizes


def base_only_size(root: Path) -> float:
    """Size of Binder's base environment alone (a separate venv with just its pins)."""
    env = root / "base-only"
    if not (env / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run(
            [
                str(env / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-r",
                str(REPO / "binder" / "repo2docker-base.txt"),
            ],
            check=True,
        )
    (site,) = (env / "lib").glob("python3*/site-packages")
    return megabytes(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names in notebooks/ (default: all)")
    parser.add_argument("--keep", type=Path, help="folder to keep the environment in")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-labs-"))
    learner = learner_env.build(root)
    (site,) = (root / "env" / "lib").glob("python3*/site-packages")

    base, full = base_only_size(root), megabytes(site)
    print(f"site-packages: Binder's base alone {base:.0f} MB; learner environment {full:.0f} MB;")
    print(f"  the course's increment over the base {full - base:.0f} MB, of which:")
    sizes = distribution_sizes(site)
    base_names = set(distribution_sizes(next((root / "base-only" / "lib").glob("*/site-packages"))))
    added = sorted(((v, k) for k, v in sizes.items() if k not in base_names), reverse=True)
    for size, name in added[:8]:
        print(f"    {name:<24} {size:6.1f} MB")
    rest = sum(size for size, _ in added[8:])
    print(f"    {'(the other ' + str(len(added) - 8) + ')':<24} {rest:6.1f} MB")
    print(
        f"  socialmarketing itself (code, data, chart library): {sizes['socialmarketing']:.1f} MB"
    )

    labs = [learner.repository / "notebooks" / n for n in args.notebooks] or sorted(
        (learner.repository / "notebooks").glob("*.ipynb")
    )
    result = subprocess.run(
        [
            str(learner.python),
            str(REPO / "tests" / "notebook_runner.py"),
            "--cwd",
            str(learner.repository / "notebooks"),
            *map(str, labs),
        ],
        env=learner.environ(),
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"\n{'lab (Run All in a fresh kernel)':<34} {'seconds':>8} {'peak MB':>8}  error")
    for line in result.stdout.splitlines():
        report = json.loads(line)
        error = report["error"]["message"].splitlines()[-1] if report["error"] else ""
        name = Path(report["notebook"]).stem
        print(f"{name:<34} {report['seconds']:>8.1f} {report['peak_mb']:>8}  {error}")


if __name__ == "__main__":
    main()
