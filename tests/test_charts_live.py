"""Tests for socialmarketing.charts.live: charts as widgets in a live kernel.

What a browser does with them (draws, survives a reload, redraws on a slider) is checked in
JupyterLab by tests/test_lab_browser.py; here: what the kernel sends.
"""

from __future__ import annotations

import ipywidgets

from socialmarketing import assets
from socialmarketing.charts import live

SPEC = {"description": "Posts per week", "mark": "bar", "data": {"values": [{"a": 1}]}}


def model_id(widget: ipywidgets.Widget) -> str:
    return widget._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]["model_id"]


def test_every_chart_refers_to_one_library_holding_the_shipped_bundle():
    first, second = live.LiveChart(SPEC), live.LiveChart({**SPEC, "description": "Other"})
    assert first.library is second.library is live.vega_library()
    assert first.library.bundle == assets.vega_bundle().encode("utf-8")
    # The library travels as a widget reference, not inside each chart's state.
    state = first.get_state()
    assert state["library"] == f"IPY_MODEL_{first.library.model_id}"
    assert "bundle" not in state and len(str(state)) < 10_000


def test_a_closed_library_is_replaced_for_the_next_chart():
    old = live.vega_library()
    old.close()
    chart = live.LiveChart(SPEC)
    assert chart.library is not old and chart.library.comm is not None


def test_the_description_follows_the_spec_and_names_the_chart():
    chart = live.LiveChart(SPEC)
    assert chart.description == "Posts per week"
    chart.spec = {"title": {"text": "Reach by week"}, "mark": "line"}
    assert chart.description == "Reach by week"
    chart.spec = {"mark": "line"}
    assert chart.description == "Interactive chart"
    assert live.LiveChart({"title": ["Two", "lines"]}).description == "Two lines"


def test_renderer_output_is_a_widget_view_with_a_readable_plain_text():
    bundle = live.live_chart(SPEC)
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] and bundle["text/plain"] == "<Chart: Posts per week>"


def test_the_front_end_code_loads_the_library_once_per_page_and_from_the_kernel_only():
    code = live.LiveChart._esm
    assert "window.smVegaLibraryLoading" in code  # one load per page, shared by every chart
    assert "widget_manager.get_model" in code  # from the library widget, through the kernel
    assert 'model.on("change:spec"' in code  # redrawn in place when the spec changes
    assert "http" not in code and "import(" not in code  # nothing fetched from anywhere


def test_the_library_widget_is_never_drawn_and_its_bundle_holds_altairs_vega_lite():
    library = live.vega_library()
    assert library._view_name is None  # a model only: referred to, never displayed
    import altair as alt

    assert f'"{alt.VEGALITE_VERSION}"'.encode() in library.bundle
