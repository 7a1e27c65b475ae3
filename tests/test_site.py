"""The book's Sphinx extension, on a two-page Sphinx project built in a temporary folder."""

import os
import re

import pytest
from sphinx.cmd.build import build_main

from socialmarketing.assets import CHART_SCRIPT_NAME
from socialmarketing.charts import SITE_BUILD_ENV
from socialmarketing.site import LAZY_SCRIPT_ID, LAZY_SCRIPT_TYPE

CHART_PAGE = """\
Chart page
==========

.. raw:: html

   <div id="c1" data-socialmarketing-chart="1"></div>

Some maths: :math:`K = s \\times c \\times v`.
"""

PLAIN_PAGE = """\
Plain page
==========

No chart here.
"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    source = tmp_path_factory.mktemp("site")
    (source / "conf.py").write_text(
        "extensions = ['sphinx.ext.mathjax', 'socialmarketing.site']\n", encoding="utf-8"
    )
    (source / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n   chart\n   plain\n", encoding="utf-8"
    )
    (source / "chart.rst").write_text(CHART_PAGE, encoding="utf-8")
    (source / "plain.rst").write_text(PLAIN_PAGE, encoding="utf-8")
    out = source / "_build" / "html"
    previous = os.environ.pop(SITE_BUILD_ENV, None)
    try:
        status = build_main(["-q", "-W", "-b", "html", str(source), str(out)])
        marked = os.environ.get(SITE_BUILD_ENV)
    finally:
        os.environ.pop(SITE_BUILD_ENV, None)
        if previous is not None:
            os.environ[SITE_BUILD_ENV] = previous
    assert status == 0
    return out, marked


def test_chart_script_only_on_pages_with_charts_and_loaded_lazily(built_site):
    out, _ = built_site
    chart_html = (out / "chart.html").read_text(encoding="utf-8")
    plain_html = (out / "plain.html").read_text(encoding="utf-8")
    tag = re.search(rf"<script[^>]*{re.escape(CHART_SCRIPT_NAME)}[^>]*>", chart_html)
    # Not run by the browser as written: the loader starts it when a chart nears the screen
    # (the browser tests check that it does).
    assert tag and f'type="{LAZY_SCRIPT_TYPE}"' in tag.group(0)
    assert f'id="{LAZY_SCRIPT_ID}"' in tag.group(0)
    assert f'getElementById("{LAZY_SCRIPT_ID}")' in chart_html
    assert CHART_SCRIPT_NAME not in plain_html
    assert LAZY_SCRIPT_ID not in plain_html
    assert (out / "_static" / CHART_SCRIPT_NAME).stat().st_size > 500_000


def test_mathjax_is_served_locally(built_site):
    out, _ = built_site
    chart_html = (out / "chart.html").read_text(encoding="utf-8")
    assert re.search(r'<script[^>]*src="_static/mathjax/tex-chtml\.js', chart_html)
    assert (out / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_kernels_are_told_to_render_for_the_site(built_site):
    _, marked = built_site
    assert marked == "1"
