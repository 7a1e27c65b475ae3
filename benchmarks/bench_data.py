"""Benchmark the sample data generator and loader: seconds and peak memory per scale.

Run from the repository root:

    .venv/bin/python benchmarks/bench_data.py                 # small, course and large
    .venv/bin/python benchmarks/bench_data.py small course    # only these scales

Each measurement runs in a fresh Python process, so the peak resident memory (RSS) of one
scale does not hide another's. The large scale writes a few hundred MB into a temporary folder
(deleted afterwards). Targets for the large scale: at most 60 s and 4 GB on 2 cores.
This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb(who: int) -> float:
    """Peak resident memory in MB of this process (RUSAGE_SELF) or its finished children."""
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports kilobytes


def child(task: str, scale: str, folder: str) -> None:
    """Generate or load one scale and print the measurements as JSON (runs in a subprocess)."""
    from socialmarketing.data import generate, load_all

    start = time.perf_counter()
    if task == "generate":
        generate(folder, scale=scale)
        seconds = time.perf_counter() - start
        files = sorted(Path(folder).glob("*.csv"))
        rows = sum(path.read_bytes().count(b"\n") - 1 for path in files)
    else:
        tables = load_all(folder)
        seconds = time.perf_counter() - start
        rows = sum(len(frame) for frame in tables.values())
    size = sum(path.stat().st_size for path in Path(folder).iterdir())
    result = {
        "seconds": seconds,
        "peak_mb": _peak_mb(resource.RUSAGE_SELF),
        "helper_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "rows": rows,
        "megabytes": size / 1e6,
    }
    print(json.dumps(result))


def measure(task: str, scale: str, folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, scale, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(scales: list[str]) -> None:
    print(
        f"{'scale':<8} {'task':<9} {'seconds':>8} {'peak RSS MB':>12} {'helper MB':>10} "
        f"{'rows':>12} {'MB on disk':>11}"
    )
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "data"
            for task in ("generate", "load"):
                r = measure(task, scale, folder)
                print(
                    f"{scale:<8} {task:<9} {r['seconds']:>8.1f} {r['peak_mb']:>12.0f} "
                    f"{r['helper_peak_mb']:>10.0f} {r['rows']:>12,} {r['megabytes']:>11.1f}",
                    flush=True,
                )
    print("peak RSS = the main process; helper = the largest forked helper process (large scale")
    print("only: it runs half of the repost cascades, then writes half of the files). Helpers")
    print("share the main process's memory until they change it, so the sum overstates the total.")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        main(sys.argv[1:] or ["small", "course", "large"])
