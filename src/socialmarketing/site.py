"""Sphinx extension for the course book: offline chart and maths scripts, page by page.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. It

* tells kernels that execute book pages to render charts for the site (an environment
  variable read by :func:`socialmarketing.charts.setup`; kernels inherit it);
* writes the Vega chart script and MathJax into a folder inside the build directory and adds
  it to ``html_static_path`` (not the book's ``_static`` folder: Jupyter Book adds every ``.js``
  found there to every page);
* points Sphinx's ``mathjax_path`` at the local MathJax copy and sets the theme's colour mode
  (the charts are drawn for a light background);
* adds the chart script only to pages that contain a chart, and loads it only when a chart
  comes near the screen: the Vega libraries are large, and parsing them on every page load
  would hold up the page for readers who have not yet scrolled to a chart;
* points each chapter's launch buttons (Binder, and JupyterHub when an instructor set one) at the
  chapter's lab notebook in ``notebooks/``, where a learner runs the code with live widgets,
  instead of the chapter's MyST source (which JupyterLab would open as a text file, or as a
  notebook needing the book's own tools); pages without a lab get no launch buttons;
* drops the live-code (Thebe) scripts that Jupyter Book adds to every page even with Thebe
  turned off: they declare the same constant twice (a JavaScript error on every page) and name
  a third-party server. Live code runs on Binder or JupyterHub instead (the launch buttons).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from socialmarketing.assets import CHART_SCRIPT_NAME, MATHJAX_ENTRY, write_site_assets
from socialmarketing.charts import SITE_BUILD_ENV

CHART_MARKER = 'data-socialmarketing-chart="1"'
# The chart script's tag has a type browsers do not run (nor download); the loader below
# starts it when the first chart is within a screen or so of the viewport.
LAZY_SCRIPT_TYPE = "text/x-socialmarketing-lazy"
LAZY_SCRIPT_ID = "sm-chart-library"
CHART_LOADER = """(function () {
  function load() {
    if (window.smChartLibraryRequested) { return; }
    window.smChartLibraryRequested = true;
    var script = document.createElement("script");
    script.src = document.getElementById("LIBRARY_ID").src;
    document.head.appendChild(script);
  }
  function watch() {
    var charts = document.querySelectorAll(".sm-chart");
    if (!charts.length) { return; }
    if (!("IntersectionObserver" in window)) { load(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        load();
      }
    }, {rootMargin: "100% 0px"});
    charts.forEach(function (chart) { observer.observe(chart); });
  }
  window.addEventListener("beforeprint", load);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();""".replace("LIBRARY_ID", LAZY_SCRIPT_ID)


def _mark_site_build(app: Any, config: Any) -> None:
    os.environ[SITE_BUILD_ENV] = "1"
    config.mathjax_path = MATHJAX_ENTRY
    # Without a default colour mode the theme logs an error in every page's console.
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")
    config.html_context = context


def _write_assets(app: Any) -> None:
    if app.builder.format != "html":
        return
    folder = Path(app.doctreedir).parent / "socialmarketing-assets"
    written = write_site_assets(folder)
    # An incremental build does not always copy a changed static file again: put the current
    # chart script and MathJax in place ourselves, so a rebuild never serves stale ones.
    static = Path(app.outdir) / "_static"
    for path in written:
        copy = static / path.relative_to(folder)
        if not copy.is_file() or copy.read_bytes() != path.read_bytes():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    if str(folder) not in app.config.html_static_path:
        app.config.html_static_path.append(str(folder))


def _add_chart_script(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    body = context.get("body") or ""
    if CHART_MARKER in body:
        app.add_js_file(CHART_SCRIPT_NAME, type=LAZY_SCRIPT_TYPE, id=LAZY_SCRIPT_ID)
        app.add_js_file(None, body=CHART_LOADER)


LAB_FOLDER = "notebooks"
LAUNCH_GROUP = "launch-buttons"


def lab_notebook(pagename: str, repository: Path) -> str | None:
    """The lab notebook of a book page (``book/03_viral_marketing`` -> ``notebooks/03_viral_
    marketing.ipynb``), relative to the repository root, or None if the page has none."""
    name = f"{LAB_FOLDER}/{Path(pagename).name}.ipynb"
    return name if (repository / name).is_file() else None


def _launch_lab_notebooks(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    buttons = context.get("header_buttons") or []
    groups = [b for b in buttons if b.get("label") == LAUNCH_GROUP]
    if not groups:
        return
    source = app.env.doc2path(pagename)
    page_in_repository = Path(source).relative_to(app.srcdir).as_posix()
    lab = lab_notebook(pagename, Path(app.srcdir))
    if lab is None:
        buttons[:] = [b for b in buttons if b.get("label") != LAUNCH_GROUP]
        return
    for group in groups:
        for button in group["buttons"]:
            url = button.get("url", "")
            # Binder's link names the page as it is; JupyterHub's carries it URL-encoded.
            new = url.replace(page_in_repository, lab).replace(
                quote(page_in_repository, safe=""), quote(lab, safe="")
            )
            # The theme writes the path from the repository root as "./book/..." (the book's
            # root is the repository's); JupyterLab wants it without the "./".
            new = new.replace(f"/./{lab}", f"/{lab}").replace(
                quote(f"/./{lab}", safe=""), quote(f"/{lab}", safe="")
            )
            if new == url:
                raise ValueError(f"could not point the launch button {url!r} at {lab}")
            button["url"] = new


def _is_thebe(asset: Any) -> bool:
    name = str(getattr(asset, "filename", None) or "")
    inline = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name.lower() or "THEBE_JS_URL" in inline


def _drop_thebe(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def _fix_citation_roles(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Make the bibliography a valid list for screen readers.

    Docutils writes the citations as ``role="list"`` holding ``role="doc-biblioentry"``
    entries, but a list may only hold list items (axe-core rule aria-required-children,
    critical), and the ``doc-biblioentry`` role is deprecated: each entry becomes a list item.
    """
    body = context.get("body")
    if body and 'class="citation-list"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    app.connect("config-inited", _mark_site_build)
    app.connect("builder-inited", _write_assets)
    app.connect("html-page-context", _add_chart_script)
    app.connect("html-page-context", _launch_lab_notebooks, priority=800)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _fix_citation_roles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
