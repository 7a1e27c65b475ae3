"""Altair charts for the course: one set-up function, then one builder per teaching chart.

Call :func:`setup` once at the top of a page or notebook (the book does it in a hidden cell). It
enables the course theme (readable sizes, a colour-blind-safe palette) and a renderer that draws
charts from JavaScript served by the course itself, never from a CDN:

* on the published site, each chart queues itself and the page loads the chart script once,
  deferred (the book's Sphinx extension :mod:`socialmarketing.site` adds it to pages with charts);
* in a live kernel (JupyterLab, Binder), the first chart of the session carries the script inline.

Builders are thin: they take model output (DataFrames from the model modules) and return an
``alt.Chart``; they hold no marketing maths of their own. Charts whose parameters a reader changes
on the static page use Altair parameters bound to sliders or dropdowns.
"""

from __future__ import annotations

import html
import itertools
import json
import os
from typing import Any

import altair as alt

__all__ = ["PALETTE", "SITE_BUILD_ENV", "chart_html", "setup"]

#: Set (to "1") by the book's Sphinx extension so kernels executing book pages render for the site.
SITE_BUILD_ENV = "SOCIALMARKETING_SITE_BUILD"

#: Okabe-Ito colours: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

_THEME = "socialmarketing"
_RENDERER = "socialmarketing"
_EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
_ids = itertools.count(1)
_script_sent_to_kernel = False


@alt.theme.register(_THEME, enable=False)
def _course_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "title": {"fontSize": 16, "anchor": "start", "offset": 12, "subtitleFontSize": 13},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "range": {"category": PALETTE},
        }
    }


def _in_site_build() -> bool:
    return os.environ.get(SITE_BUILD_ENV) == "1"


def chart_html(spec: dict[str, Any], *, inline_script: bool = False) -> str:
    """Return the HTML that draws ``spec`` (a Vega-Lite dict) with the course's offline script.

    The chart's ``description`` becomes the figure's accessible name and the text shown where
    JavaScript is off. With ``inline_script`` the Vega libraries travel inside the HTML.
    """
    chart_id = f"sm-chart-{os.getpid()}-{next(_ids)}"
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    description = spec.get("description") or (str(title) if title else "Interactive chart")
    label = html.escape(str(description), quote=True)
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    options = json.dumps(_EMBED_OPTIONS)
    parts = [
        f'<div id="{chart_id}" class="sm-chart" data-socialmarketing-chart="1" '
        f'role="figure" aria-label="{label}"><noscript>{label}</noscript></div>'
    ]
    if inline_script:
        from socialmarketing.assets import chart_script

        parts.append(f"<script>{chart_script()}</script>")
    parts.append(
        "<script>(function(){var q=window.smChartQueue=window.smChartQueue||[];"
        f'q.push(["{chart_id}",{payload},{options}]);'
        "if(window.smChartsReady){window.smChartsReady();}})();</script>"
    )
    return "".join(parts)


def _render(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    global _script_sent_to_kernel
    inline = not _in_site_build() and not _script_sent_to_kernel
    _script_sent_to_kernel = _script_sent_to_kernel or inline
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return {
        "text/html": chart_html(spec, inline_script=inline),
        "text/plain": f"<Chart: {title or spec.get('description', 'untitled')}>",
    }


alt.renderers.register(_RENDERER, _render)


def setup() -> None:
    """Enable the course theme and the offline renderer for every Altair chart shown after it."""
    alt.theme.enable(_THEME)
    alt.renderers.enable(_RENDERER)
    alt.data_transformers.disable_max_rows()


# --- chart builders -------------------------------------------------------------------------
# (one function per teaching chart below this line; each returns an alt.Chart with a title and a
#  description, and takes model output, never raw maths)
