"""Measure the course's set-up and build: prints a table of seconds and megabytes.

    .venv/bin/python benchmarks/bench_build.py [--skip-install]

1. `make book` from an empty checkout (a `git clone` of this repository into a temporary
   folder), split into install (creating .venv and installing) and build.
2. A strict clean build with execution, then a cached rebuild after editing one page.
3. The cost of `import altair` in a fresh interpreter with and without rfc3987-syntax (an optional
   jsonschema extra that builds a grammar at import time), measured in a scratch venv.
4. The size of site-packages for Binder's runtime environment (binder/requirements.txt).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(cmd: list[str] | str, cwd: Path, **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def import_seconds(python: Path, module: str, repeats: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(repeats):
        out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-install", action="store_true", help="skip steps 1, 3 and 4")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if not args.skip_install:
            clone = scratch / "clone"
            subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
            install = run(["make", ".venv/.installed-book"], clone)
            build = run(["make", "book"], clone)
            rows += [("make book from empty: install (s)", f"{install:.1f}")]
            rows += [("make book from empty: build (s)", f"{build:.1f}")]

        book = scratch / "book-build"
        build_book = [str(REPO / ".venv/bin/jupyter-book"), "build", str(REPO), "-n", "-W"]
        clean = run([*build_book, "--keep-going", "--path-output", str(book)], REPO)
        page = REPO / "book" / "index.md"
        original = page.read_text(encoding="utf-8")
        try:
            page.write_text(original + "\n<!-- benchmark edit -->\n", encoding="utf-8")
            cached = run([*build_book, "--keep-going", "--path-output", str(book)], REPO)
        finally:
            page.write_text(original, encoding="utf-8")
        rows += [("strict clean build with execution (s)", f"{clean:.1f}")]
        rows += [("cached rebuild after editing one page (s)", f"{cached:.1f}")]

        if not args.skip_install:
            env = scratch / "runtime"
            subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
            python = env / "bin" / "python"
            pip = [str(python), "-m", "pip", "install", "-q"]
            subprocess.run([*pip, "-r", str(REPO / "binder/requirements.txt")], check=True)
            subprocess.run([*pip, "--no-deps", str(REPO)], check=True, capture_output=True)
            with_grammar = import_seconds(python, "altair")
            subprocess.run(
                [str(python), "-m", "pip", "uninstall", "-q", "-y", "rfc3987-syntax"], check=True
            )
            without = import_seconds(python, "altair")
            charts = import_seconds(python, "socialmarketing.charts")
            site_packages = next(env.glob("lib/python3*/site-packages"))
            rows += [("import altair, rfc3987-syntax installed (s)", f"{with_grammar:.2f}")]
            rows += [("import altair, rfc3987-syntax removed (s)", f"{without:.2f}")]
            rows += [("import socialmarketing.charts, removed (s)", f"{charts:.2f}")]
            rows += [("Binder runtime site-packages (MB)", f"{folder_mb(site_packages):.0f}")]
            shutil.rmtree(env)

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>8}")


if __name__ == "__main__":
    main()
