"""Every chapter has the parts a learner relies on, and the glossary and the chapters agree.

These tests read the MyST sources (fast); tests/test_book.py checks the built site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
CHAPTERS = [
    entry["file"]
    for part in TOC["parts"]
    if part.get("caption") == "Chapters"
    for entry in part["chapters"]
]
GLOSSARY_FRAGMENTS = sorted((REPO / "book" / "_glossary").glob("ch*.md"))
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
CJK = re.compile(r"[\u4e00-\u9fff]")


def source(page: str) -> str:
    return (REPO / f"{page}.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a level-2 heading, up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def term_groups(text: str) -> list[list[str]]:
    """The terms of every ``{glossary}`` block: synonyms on consecutive lines form one group."""
    groups: list[list[str]] = []
    for block in re.findall(r"```\{glossary\}[^\n]*\n(.*?)^```", text, re.M | re.S):
        current: list[str] = []
        for line in block.splitlines():
            if line.startswith(":"):  # a directive option such as :sorted:
                continue
            if line.strip() and not line[0].isspace():
                current.append(line.strip())
            elif current:
                groups.append(current)
                current = []
        if current:
            groups.append(current)
    return groups


def defined_terms() -> dict[str, Path]:
    terms: dict[str, Path] = {}
    for fragment in GLOSSARY_FRAGMENTS:
        for group in term_groups(fragment.read_text(encoding="utf-8")):
            for term in group:
                assert term.lower() not in terms, (
                    f"{term!r} is defined in {fragment.name} and in {terms[term.lower()].name}"
                )
                terms[term.lower()] = fragment
    return terms


def referenced_terms(text: str) -> set[str]:
    found = set()
    for target in TERM_ROLE.findall(text):
        explicit = re.search(r"<([^>]+)>\s*$", target)
        found.add((explicit.group(1) if explicit else target).strip().lower())
    return found


def test_there_are_six_chapters_in_the_toc():
    assert len(CHAPTERS) == 6
    for page in CHAPTERS:
        assert (REPO / f"{page}.md").is_file(), f"{page} is in _toc.yml but has no .md file"


def test_term_group_parser_on_a_hand_example():
    text = (
        "```{glossary}\nviral coefficient\nK-factor\n  **病毒系数**. Text. (Chapter 3)\n\n"
        "CPC\n  **每次点击成本**. Text.\n```\n"
    )
    assert term_groups(text) == [["viral coefficient", "K-factor"], ["CPC"]]
    assert referenced_terms("a {term}`CPC` and {term}`the K <K-factor>` b") == {"cpc", "k-factor"}


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_a_title_and_learning_objectives(page):
    text = source(page)
    title = re.search(r"^# (.+)$", text, re.M)
    assert title, f"{page}: no title"
    # The table of contents numbers the chapters; a number in the title itself would double it.
    assert not re.match(r"\d", title.group(1)), f"{page}: title {title.group(1)!r} has a number"
    bullets = re.findall(r"^\s*[-*] \S", section(text, "Learning objectives"), re.M)
    assert 4 <= len(bullets) <= 8, f"{page}: {len(bullets)} learning objectives"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_works_with_the_sample_data_and_a_course_chart(page):
    text = source(page)
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)^```", text, re.M | re.S)
    code = "\n".join(cells)
    assert "data.load(" in code, f"{page}: no worked example on the sample data"
    assert re.search(r"\bcharts\.setup\(\)", code), f"{page}: charts.setup() is not called"
    builders = re.findall(r"\b(\w+_chart)\(", code)
    assert builders, f"{page}: no chart from socialmarketing.charts"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_three_or_more_practice_questions_with_hidden_solutions(page):
    practice = section(source(page), "Practice questions")
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", practice)
    solutions = re.findall(r"```\{solution\} (\S+)\n((?::\w+:.*\n)*)", practice)
    assert len(exercises) >= 3, f"{page}: {len(exercises)} practice questions"
    solved = {label: options for label, options in solutions}
    for label in exercises:
        assert label in solved, f"{page}: exercise {label} has no solution"
        assert ":class: dropdown" in solved[label], f"{page}: solution {label} is not hideable"


def test_exercise_labels_are_unique_across_the_book():
    labels = [
        label
        for page in CHAPTERS
        for label in re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", source(page))
    ]
    assert len(labels) == len(set(labels)), sorted(x for x in labels if labels.count(x) > 1)


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_points_to_its_lab_notebook_and_exercise(page):
    slug = Path(page).name
    lab = section(source(page), "Lab notebook")
    assert f"notebooks/{slug}.ipynb" in lab or f"notebooks%2F{slug}.ipynb" in lab
    assert (REPO / "notebooks" / f"{slug}.ipynb").is_file(), f"no lab notebook for {page}"
    assert slug in lab.replace(f"notebooks/{slug}", "").replace(f"notebooks%2F{slug}", ""), (
        f"{page}: the lab section does not name the graded exercise {slug}"
    )


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_ends_with_summary_and_linked_key_terms(page):
    text = source(page)
    bullets = re.findall(r"^\s*[-*] \S", section(text, "Summary"), re.M)
    assert len(bullets) >= 4, f"{page}: summary has {len(bullets)} points"
    key_terms = referenced_terms(section(text, "Key terms"))
    assert len(key_terms) >= 5, f"{page}: only {len(key_terms)} key terms linked"
    assert "{cite" in text, f"{page}: cites no work from the bibliography"


def test_glossary_includes_every_fragment_and_every_entry_names_its_chinese_term():
    glossary = (REPO / "book" / "glossary.md").read_text(encoding="utf-8")
    for fragment in GLOSSARY_FRAGMENTS:
        assert f"_glossary/{fragment.name}" in glossary, f"glossary.md misses {fragment.name}"
        text = fragment.read_text(encoding="utf-8")
        for block in re.findall(r"```\{glossary\}[^\n]*\n(.*?)^```", text, re.M | re.S):
            definitions = re.split(r"\n(?=\S)", block.strip())
            for definition in definitions:
                body = "\n".join(line for line in definition.splitlines() if line[:1].isspace())
                if body:
                    assert CJK.search(body.split(".")[0]), (
                        f"{fragment.name}: the entry {definition.splitlines()[0]!r} should start "
                        "with its Chinese name"
                    )


def test_every_glossary_term_is_used_in_a_chapter_and_every_link_is_defined():
    terms = defined_terms()
    assert len(terms) >= 60, f"only {len(terms)} glossary terms"
    used = set().union(*(referenced_terms(source(page)) for page in CHAPTERS))
    groups = [
        group for fragment in GLOSSARY_FRAGMENTS for group in term_groups(fragment.read_text())
    ]
    unused = [group[0] for group in groups if not used & {t.lower() for t in group}]
    assert not unused, f"glossary terms no chapter links: {unused}"
    undefined = sorted(used - set(terms))
    assert not undefined, f"chapters link terms the glossary lacks: {undefined}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_lab_notebook_uses_a_course_widget_and_ends_with_try_this(page):
    slug = Path(page).name
    notebook = json.loads((REPO / "notebooks" / f"{slug}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(cell["source"]) for cell in notebook["cells"])
    assert re.search(r"\bwidget(s)?\b.*\w+_widget\(", text, re.S), f"{slug}: no course widget"
    last_heading = re.findall(r"^#+ (.+)$", text, re.M)[-1]
    assert "try this" in last_heading.lower(), f"{slug}: last section is {last_heading!r}"
