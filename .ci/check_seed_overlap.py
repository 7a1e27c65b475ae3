"""Fail if any course file shares a run of 12 or more words with the source articles.

The course was written from machine-translated source articles that are not part of the
project; every sentence must be our own. Usage:

    python3 .ci/check_seed_overlap.py SEEDS_DIR PATH [PATH ...]

SEEDS_DIR holds the articles as .txt files; each PATH is a file or a folder searched for
.md, .ipynb, .py, .txt, .yml and .bib files. Words are compared case-insensitively, ignoring
punctuation. Prints each shared run with its file and exits 1 if there is any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RUN = 12
SUFFIXES = {".md", ".ipynb", ".py", ".txt", ".yml", ".yaml", ".bib"}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    seeds = Path(argv[0])
    seed_runs: set[tuple[str, ...]] = set()
    for article in sorted(seeds.glob("*.txt")):
        seed_runs |= runs(words(article.read_text(encoding="utf-8", errors="replace")))
    if not seed_runs:
        print(f"no source articles found in {seeds}", file=sys.stderr)
        return 2
    files: list[Path] = []
    for name in argv[1:]:
        path = Path(name)
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.suffix in SUFFIXES)
    found = 0
    for file in files:
        shared = runs(words(file.read_text(encoding="utf-8", errors="replace"))) & seed_runs
        for run in sorted(shared):
            print(f"{file}: shares 12 words with a source article: {' '.join(run)}")
        found += len(shared)
    print(f"checked {len(files)} files against {len(seed_runs)} source runs: {found} shared")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
