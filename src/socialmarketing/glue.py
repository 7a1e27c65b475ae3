"""``glue`` for the book's pages, so that a chapter also runs as a plain notebook.

The book's pages glue numbers from executed code into their prose (``{glue:text}`` roles), with
MyST-NB's ``glue``. A reader who downloads a chapter as a notebook and runs it in the learner
environment (Binder, ``pip install``) has no MyST-NB. Pages therefore import ``glue`` from here:
MyST-NB's own function when it is installed (the site build, a developer's environment), and
otherwise a stand-in that simply shows the value when asked to (``display=True``, the default)
and keeps quiet when not, as MyST-NB's does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def _display_only(name: str, variable: Any, display: bool = True) -> None:
    """Show ``variable`` if ``display`` is true (``name`` only matters to the book's build)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"a glue name must be a non-empty string, got {name!r}")
    if display:
        from IPython.display import display as show

        show(variable)


try:
    from myst_nb import glue
except ImportError:  # the learner environment: no book tools
    glue = _display_only
