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
def site(built_site):
    return built_site


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
    shutil.copytree(repo / "book" / "references", book / "book" / "references")
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


def chapter_pages(repo: Path) -> list[str]:
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    return [
        entry["file"]
        for part in toc["parts"]
        if part.get("caption") == "Chapters"
        for entry in part["chapters"]
    ]


def chart_specs(html: str) -> list[dict]:
    """The Vega-Lite specs that the page queues for the chart script."""
    pushed = re.findall(r'q\.push\(\["sm-chart-[\w-]+",(\{.*?\}),\{"actions"', html, re.S)
    return [json.loads(text.replace("<\\/", "</")) for text in pushed]


def bound_params(spec: dict) -> list[str]:
    """Names of the parameters bound to an input element, anywhere in a (compound) spec."""
    found = []
    if isinstance(spec, dict):
        for param in spec.get("params", []):
            if isinstance(param, dict) and "bind" in param:
                found.append(param["name"])
        for value in spec.values():
            found += bound_params(value)
    elif isinstance(spec, list):
        for item in spec:
            found += bound_params(item)
    return found


def test_chapters_are_numbered_once_in_order(repo, site):
    for number, page in enumerate(chapter_pages(repo), start=1):
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        assert re.match(rf"{number}\. [A-Z]", title), f"{page}: page title {title!r}"


def test_every_chapter_shows_an_interactive_chart_and_practice_with_hidden_solutions(repo, site):
    for page in chapter_pages(repo):
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        specs = chart_specs(html)
        assert specs, f"{page}: no course chart on the page"
        assert any(bound_params(spec) for spec in specs), f"{page}: no chart has a bound control"
        assert "socialmarketing-charts" in html, f"{page}: the chart script is not loaded"
        assert html.count('class="exercise admonition') >= 3, f"{page}: < 3 practice questions"
        assert "dropdown" in html and "solution" in html, f"{page}: solutions are not hideable"


def test_glossary_page_lists_terms_with_their_chinese_names(site):
    html = (site / "book" / "glossary.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-[^"]+"', html)
    assert len(terms) >= 60
    assert "病毒营销" in html


def test_every_internal_link_and_anchor_resolves(site):
    """Links between pages, to files on the site and to #anchors all lead somewhere."""
    ids_cache: dict[Path, set[str]] = {}

    def ids(page: Path) -> set[str]:
        if page not in ids_cache:
            text = page.read_text(encoding="utf-8", errors="replace")
            ids_cache[page] = set(re.findall(r'\b(?:id|name)\s*=\s*["\']([^"\']+)["\']', text))
        return ids_cache[page]

    broken = []
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        for href in re.findall(r'<a\b[^>]*\bhref\s*=\s*["\']([^"\']*)["\']', text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith("//"):
                continue  # an external link (checked by nobody: the build is offline)
            target, _, anchor = href.partition("#")
            target = target.split("?")[0]
            path = (page.parent / target).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site)} -> {href} (no such file)")
            elif anchor and path.suffix == ".html" and anchor not in ids(path):
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert len(pages) >= 9
    assert not broken, broken[:20]


def test_each_chapters_launch_button_opens_its_lab_notebook_on_binder(repo, site):
    settings = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    owner_repo = settings["repository"]["url"].removeprefix("https://github.com/")
    branch = settings["repository"]["branch"]
    for chapter in sorted((repo / "book").glob("0*.md")):
        html = (site / "book" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        launches = re.findall(r'href="(https://mybinder\.org/[^"]+urlpath=[^"]+)"', html)
        expected = (
            f"https://mybinder.org/v2/gh/{owner_repo}/{branch}"
            f"?urlpath=lab/tree/notebooks/{chapter.stem}.ipynb"
        )
        assert launches == [expected], f"{chapter.name}: {launches}"
        assert (repo / "notebooks" / f"{chapter.stem}.ipynb").is_file()
    # No placeholder hub: a JupyterHub button appears only when an instructor sets a real one.
    assert not settings["launch_buttons"]["jupyterhub_url"]
    for page in site.rglob("*.html"):
        assert "hub/user-redirect" not in page.read_text(encoding="utf-8"), page.name
