"""Read the numbers a chart's Vega view computes, as a browser would, without a browser.

Shared by the chart tests. A probe names some views of a Vega-Lite spec, adds a text field that
joins the wanted data fields of every mark, compiles the spec to Vega once, and renders it with
vl-convert's scenegraph for any parameter (slider) values: the tests compare those numbers
with the Python models.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import vl_convert

PROBE = "__probe"
SEPARATOR = "\u241f"  # a character no chart text uses


def find_view(node: Any, name: str) -> dict | None:
    """The (unit or layer) view called ``name`` anywhere in a Vega-Lite spec."""
    if isinstance(node, dict):
        if node.get("name") == name and ("mark" in node or "layer" in node):
            return node
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = find_view(child, name)
        if found is not None:
            return found
    return None


def mark_items(node: Any, name: str, found: list[dict]) -> list[dict]:
    """All scenegraph items of the mark group called ``name``."""
    if isinstance(node, dict):
        if node.get("role") == "mark" and node.get("name") == name:
            found.extend(node["items"])
        for child in node.values():
            mark_items(child, name, found)
    elif isinstance(node, list):
        for child in node:
            mark_items(child, name, found)
    return found


def parse_value(text: str) -> float | str | None:
    """A field as Vega wrote it: a number (also "Infinity" and "NaN"), None or the text."""
    if text == "null":
        return None
    try:
        return float(text)
    except ValueError:
        return text


class ChartProbe:
    """Numbers Vega computes for some views of a chart, for any parameter values.

    ``probes`` maps a key to ``(view name, layer index or None, field names)``; the layer index
    picks one layer of a layered view. :meth:`read` sets parameter values, as a reader moving
    the sliders would, renders, and returns for each key the wanted fields of every mark.
    """

    def __init__(self, spec: dict, probes: dict[str, tuple[str, int | None, list[str]]]) -> None:
        spec = copy.deepcopy(spec)
        self.fields = {}
        for number, (key, (view, layer, fields)) in enumerate(probes.items()):
            unit = find_view(spec, view)
            assert unit is not None, f"the chart has no view called {view!r}"
            if layer is not None and "layer" in unit:
                unit = unit["layer"][layer]
            name = f"{PROBE}{number}"
            unit["name"] = name
            joined = f" + '{SEPARATOR}' + ".join(f"datum[{json.dumps(field)}]" for field in fields)
            unit.setdefault("transform", []).append({"calculate": f"'' + {joined}", "as": PROBE})
            unit.setdefault("encoding", {})["description"] = {"field": PROBE, "type": "nominal"}
            self.fields[key] = (f"{name}_marks", fields)
        self.vega = vl_convert.vegalite_to_vega(spec)

    def read(self, params: dict[str, Any] | None = None) -> dict[str, list[dict[str, Any]]]:
        vega = copy.deepcopy(self.vega)
        signals = {signal["name"]: signal for signal in vega.get("signals", [])}
        for name, value in (params or {}).items():
            assert name in signals and "value" in signals[name], f"no parameter {name!r}"
            signals[name]["value"] = value
        scenegraph = vl_convert.vega_to_scenegraph(vega)
        return {
            key: [
                dict(
                    zip(fields, map(parse_value, item["description"].split(SEPARATOR)), strict=True)
                )
                for item in mark_items(scenegraph, mark, [])
            ]
            for key, (mark, fields) in self.fields.items()
        }


def params_by_name(spec: dict) -> dict[str, dict]:
    return {param["name"]: param for param in spec.get("params", [])}


def bound_params(spec: dict) -> dict[str, dict]:
    """The parameters a reader changes with a control on the page."""
    return {name: p for name, p in params_by_name(spec).items() if "bind" in p}
