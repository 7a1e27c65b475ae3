"""What every lab notebook gives a learner working alone (the labs run in the learner
environment in tests/test_learner_path.py and in JupyterLab in tests/test_lab_browser.py).

Each lab links back to its chapter on the published site (the address comes from
``_config.yml``, the one place it is written), tells a Binder user how long a session lasts and
how to keep their work, imports the course package behind a guard that says how to get it, and
follows every "Your turn" or "Try this" prompt with a folded hint and a folded answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
LABS = sorted((REPO / "notebooks").glob("*.ipynb"))
PROMPT = re.compile(r"\*\*Your turn[.:]?\*\*|^#+ Try this", re.MULTILINE)


def site_address() -> str:
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    address = config["html"]["baseurl"]
    assert address.endswith("/")
    return address


def markdown(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_there_are_lab_notebooks():
    assert len(LABS) >= 7


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_the_first_cell_links_to_the_chapter_and_explains_binder(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    chapter = REPO / "book" / f"{path.stem}.md"
    expected = f"{site_address()}book/{path.stem}.html" if chapter.exists() else site_address()
    assert f"]({expected})" in first.source, f"{path.name} does not link to {expected}"
    assert "Binder" in first.source and "Download" in first.source


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_the_course_import_is_guarded_with_a_message_that_says_how_to_get_it(path):
    notebook = nbformat.read(path, as_version=4)
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    # Run the cell where the package cannot be imported, as in an environment without it.
    namespace: dict = {}
    hidden = {"socialmarketing": None}  # a None entry in sys.modules makes the import fail
    import sys

    saved = {
        name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith("socialm")
    }
    sys.modules.update(hidden)
    try:
        with pytest.raises(ModuleNotFoundError) as raised:
            exec(compile(first_code.source, path.name, "exec"), namespace)
    finally:
        del sys.modules["socialmarketing"]
        sys.modules.update(saved)
    message = str(raised.value)
    assert "socialmarketing" in message and "pip install" in message and "Binder" in message


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_every_prompt_has_a_folded_hint_and_a_folded_answer(path):
    notebook = nbformat.read(path, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    prompts = hints = answers = 0
    for source in cells:
        prompts += len(PROMPT.findall(source))
        hints += source.count("<summary>Hint</summary>")
        answers += source.count("<summary>Answer</summary>")
    assert hints >= prompts and answers >= prompts, (
        f"{path.name}: {prompts} prompts, {hints} hints, {answers} answers"
    )
    assert "socialmarketing.analysis" not in markdown(notebook)  # the answer key is not theirs
