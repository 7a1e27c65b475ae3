"""The book builds strictly from clean, loads nothing from third parties, leaks no exercises."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

JUPYTER_BOOK = [str(Path(sys.executable).with_name("jupyter-book"))]
LOADING_TAG = re.compile(r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*>", re.I)
URL_ATTRIBUTE = re.compile(r'\b(src|href|data)\s*=\s*["\']([^"\']+)["\']', re.I)
EXTERNAL = re.compile(r"^(https?:)?//", re.I)
# <link rel=...> values that only name a page (navigation), rather than load something.
NAVIGATION_RELS = {"canonical", "prev", "next", "index", "search", "alternate", "author"}


def build(source: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*JUPYTER_BOOK, "build", str(source), "--path-output", str(output), "-n", "-W"],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def site(repo, tmp_path_factory):
    output = tmp_path_factory.mktemp("book")
    result = build(repo, output)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    return output / "_build" / "html"


def toc_files(entry: dict) -> list[str]:
    """Every file named in a _toc.yml entry (root, parts, chapters, sections), recursively."""
    found = [entry[key] for key in ("root", "file") if key in entry]
    for key in ("parts", "chapters", "sections"):
        for child in entry.get(key, []):
            found.extend(toc_files(child))
    return found


def external_loads(html: str) -> list[str]:
    loads = []
    for tag in LOADING_TAG.finditer(html):
        text = tag.group(0)
        rel = re.search(r'\brel\s*=\s*["\']([^"\']+)["\']', text, re.I)
        navigation = rel and set(rel.group(1).split()) <= NAVIGATION_RELS
        if text.lower().startswith("<link") and navigation:
            continue
        for _, url in URL_ATTRIBUTE.findall(text):
            if EXTERNAL.match(url):
                loads.append(text)
    loads += re.findall(r"@import\s+url\(\s*['\"]?(?:https?:)?//[^)]*\)", html)
    return loads


def test_every_page_in_the_toc_is_built(repo, site):
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    for page in toc_files(toc):
        stem = re.sub(r"\.(md|ipynb)$", "", page)
        assert (site / f"{stem}.html").exists(), f"{page} is in _toc.yml but was not built"


def test_no_page_loads_anything_from_third_party_servers(site):
    offenders = {}
    for page in site.rglob("*.html"):
        loads = external_loads(page.read_text(encoding="utf-8"))
        if loads:
            offenders[str(page.relative_to(site))] = loads[:3]
    for sheet in site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        remote = re.findall(r"(?:url\(|@import\s+)['\"]?(?:https?:)?//[^)'\";]*", text)
        if remote:
            offenders[str(sheet.relative_to(site))] = remote[:3]
    assert not offenders, offenders


def test_external_load_detector_catches_what_it_should():
    assert external_loads('<script src="https://cdn.jsdelivr.net/npm/vega@6"></script>')
    assert external_loads('<link rel="stylesheet" href="//fonts.example.com/a.css">')
    assert not external_loads('<a href="https://mybinder.org">Binder</a>')
    assert not external_loads('<script src="_static/socialmarketing-charts.js"></script>')


def distinctive_lines(folder: Path) -> set[str]:
    """Lines of code and prose from the nbgrader sources, long enough to be unmistakable."""
    lines: set[str] = set()
    for path in folder.rglob("*"):
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells)
        elif path.suffix in {".py", ".md"}:
            text = path.read_text(encoding="utf-8")
        else:
            continue
        lines |= {line.strip() for line in text.splitlines() if len(line.strip()) >= 40}
    return lines


def test_nothing_from_exercises_reaches_the_site(repo, site):
    assert not list(site.rglob("exercises*")), "a page from exercises/ was published"
    sources = repo / "exercises"
    lines = distinctive_lines(sources) if sources.exists() else set()
    published = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    leaked = sorted(line for line in lines if line in published)
    assert not leaked, leaked[:5]


def test_pages_stay_small(site):
    heavy = {
        str(p.relative_to(site)): p.stat().st_size
        for p in site.rglob("*.html")
        if p.stat().st_size > 1_000_000
    }
    assert not heavy, f"pages over 1 MB of HTML: {heavy}"


def test_a_page_that_raises_fails_the_build_naming_page_and_cell(repo, tmp_path):
    book = tmp_path / "broken"
    (book / "book").mkdir(parents=True)
    shutil.copy(repo / "_config.yml", book / "_config.yml")
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/broken_page\n", encoding="utf-8")
    shutil.copy(repo / "book" / "references.bib", book / "book" / "references.bib")
    (book / "book" / "broken_page.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n# Broken\n\n"
        "```{code-cell} ipython3\nengagement_rate = 12 / 0\n```\n",
        encoding="utf-8",
    )
    result = build(book, tmp_path / "out")
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "broken_page" in log
    assert "engagement_rate = 12 / 0" in log
    assert "ZeroDivisionError" in log
