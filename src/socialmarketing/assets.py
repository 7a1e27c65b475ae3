"""Offline JavaScript for the published site and for live notebooks.

Altair charts need Vega, Vega-Lite and Vega-Embed in the browser. Altair's own templates fetch
them from a CDN, which the course must not do (the site loads nothing from third-party servers,
and Binder or a classroom may be offline). This module builds one script from the JavaScript
bundle that ``vl-convert-python`` ships, pinned to the versions the installed Altair expects,
and copies MathJax from the ``django-static-mathjax`` wheel (it has no Django dependency). The
bundle ships inside the package (``static/vega-bundle.js``), so learners' kernels and the site
build draw charts without ``vl-convert-python``; :func:`write_vega_bundle` rebuilds it.

The chart script defines ``window.vega``, ``window.vegaLite`` and ``window.vegaEmbed`` and then
draws every chart that :mod:`socialmarketing.charts` queued on ``window.smChartQueue``. It can be
loaded with ``defer`` (the site does) or inline (live notebooks do), in any order with the charts.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import shutil
from importlib.metadata import version
from pathlib import Path

CHART_SCRIPT_NAME = "socialmarketing-charts.js"
MATHJAX_FOLDER = "mathjax"
MATHJAX_ENTRY = f"{MATHJAX_FOLDER}/tex-chtml.js"

_EXPORT_GLOBALS = "window.vega = vega; window.vegaLite = vegaLite; window.vegaEmbed = vegaEmbed;"

# Draws every queued chart; later charts call window.smChartsReady() themselves.
_DRAW_QUEUE = """
(function () {
  function drawQueued() {
    var queue = window.smChartQueue || (window.smChartQueue = []);
    while (queue.length) {
      var item = queue.shift();
      var target = document.getElementById(item[0]);
      if (!target) { continue; }
      target.smSpec = item[1];  // kept on the element for readers' tools and the tests
      window.vegaEmbed(target, item[1], item[2]).then(function () {
        target.style.minHeight = "";  // the space kept for the chart is no longer needed
      }).catch(function (error) {
        target.textContent = "This chart could not be drawn: " + error.message;
        console.error(error);
      });
    }
  }
  window.smChartsReady = drawQueued;
  drawQueued();
})();
"""


#: The Vega libraries shipped inside the package (package data), built by :func:`build_vega_bundle`.
BUNDLE_PATH = Path(__file__).resolve().parent / "static" / "vega-bundle.js"
_VERSIONS_LINE = re.compile(r"^/\* socialmarketing vega-bundle (\{.*\}) \*/$", re.MULTILINE)


@functools.cache
def vega_bundle() -> str:
    """Return Vega, Vega-Lite and Vega-Embed as one classic script that sets window globals.

    The script ships with the package (``static/vega-bundle.js``), so neither the site build nor
    a learner's kernel needs ``vl-convert-python``; its first line records the versions inside.
    """
    if not BUNDLE_PATH.is_file():
        raise FileNotFoundError(
            f"the chart library {BUNDLE_PATH} is missing from the course package; reinstall it "
            "(pip install .) or rebuild the file with `socialmarketing assets --refresh-bundle`"
        )
    return BUNDLE_PATH.read_text(encoding="utf-8")


def build_vega_bundle() -> str:
    """Build the text of ``static/vega-bundle.js`` with ``vl-convert-python`` (a test dependency).

    The bundle comes from ``vl_convert.javascript_bundle`` for the Vega-Lite minor version the
    installed Altair uses (pyproject.toml pins Altair's minor version); it is wrapped in a
    function so its top-level names cannot collide with other scripts on the page. The first
    line records the versions inside it, read back by :func:`bundled_versions`.
    """
    import altair as alt
    import vl_convert

    minor = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    bundle = vl_convert.javascript_bundle(_EXPORT_GLOBALS, vl_version=minor)
    versions = {
        "vega": vl_convert.get_vega_version(),
        "vega-lite": alt.VEGALITE_VERSION,
        "vega-embed": vl_convert.get_vega_embed_version(),
        "built-by": f"vl-convert-python {version('vl-convert-python')}",
    }
    if f'"{versions["vega"]}"' not in bundle or f'"{versions["vega-lite"]}"' not in bundle:
        raise RuntimeError(f"the bundle vl-convert built does not hold the versions {versions}")
    header = f"/* socialmarketing vega-bundle {json.dumps(versions)} */\n"
    return header + "(function () {\n" + bundle + "\n})();\n"


def write_vega_bundle() -> Path:
    """Rebuild ``static/vega-bundle.js`` in the source tree (after an Altair upgrade)."""
    BUNDLE_PATH.parent.mkdir(parents=True, exist_ok=True)
    BUNDLE_PATH.write_text(build_vega_bundle(), encoding="utf-8")
    vega_bundle.cache_clear()
    return BUNDLE_PATH


def chart_script() -> str:
    """Return the full chart script: the Vega bundle followed by the chart-queue drawer."""
    return vega_bundle() + _DRAW_QUEUE


def bundled_versions() -> dict[str, str]:
    """Return the versions of Vega, Vega-Lite and Vega-Embed inside the shipped bundle.

    Read from the bundle's first line (written by :func:`build_vega_bundle`). A test compares
    them with Altair's ``VEGA_VERSION``, ``VEGALITE_VERSION`` and ``VEGAEMBED_VERSION``.
    """
    found = _VERSIONS_LINE.search(vega_bundle().split("\n", 1)[0])
    if not found:
        raise ValueError(f"{BUNDLE_PATH} does not start with its versions line")
    return json.loads(found.group(1))


def mathjax_source() -> Path:
    """Return the folder holding MathJax 3's ``es5`` build from the django-static-mathjax wheel."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or spec.submodule_search_locations is None:
        raise FileNotFoundError(
            "MathJax is not installed: install the book extra, pip install 'socialmarketing[book]'"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    if not (folder / "tex-chtml.js").exists():
        raise FileNotFoundError(f"MathJax's tex-chtml.js is missing from {folder}")
    return folder


def write_site_assets(out_dir: str | Path) -> list[Path]:
    """Write the chart script and MathJax (CommonHTML output with its web fonts) to ``out_dir``.

    Returns the paths written. Files are only rewritten when their content changed, so Sphinx's
    incremental builds stay incremental.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"the assets folder {out} is a file; give a folder to write into")
    out.mkdir(parents=True, exist_ok=True)
    written = []

    script_path = out / CHART_SCRIPT_NAME
    script = chart_script()
    if not script_path.exists() or script_path.read_text(encoding="utf-8") != script:
        script_path.write_text(script, encoding="utf-8")
    written.append(script_path)

    source = mathjax_source()
    target = out / MATHJAX_FOLDER
    wanted = [source / "tex-chtml.js", *sorted((source / "output/chtml/fonts/woff-v2").glob("*"))]
    for file in wanted:
        destination = target / file.relative_to(source)
        if not destination.exists() or destination.stat().st_size != file.stat().st_size:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
        written.append(destination)
    return written
