"""Charts in a live kernel (JupyterLab, Binder): a small widget that draws a Vega-Lite spec.

JupyterLab 4's own Vega renderer only takes Vega-Lite 5 (Altair 6 writes version 6), and Altair's
``jupyter`` renderer loads its JavaScript from a CDN; neither works for the course. Instead each
chart is a :class:`LiveChart`, an `anywidget <https://anywidget.dev>`_ widget whose front end
draws ``spec`` with the Vega libraries that ship inside this package (``static/vega-bundle.js``).

The libraries (about 0.9 MB) travel once per kernel, in one hidden :class:`VegaLibrary` widget
that every chart refers to; the browser runs them once per page. Because they live in a widget of
the kernel rather than in the first chart's output, every chart draws again after a browser
reload, in a second tab or after a reconnect: JupyterLab restores the kernel's widgets, and each
chart fetches the libraries from the library widget if the page has not got them yet. Changing
``chart.spec`` redraws the chart in place (the course's model widgets do this when a slider
moves).
"""

from __future__ import annotations

from typing import Any

import anywidget
import ipywidgets
import traitlets

from socialmarketing.assets import vega_bundle

__all__ = ["LiveChart", "VegaLibrary", "live_chart", "vega_library"]

#: CSS class of every chart element, on the site and in notebooks.
CHART_CLASS = "sm-chart"

_ESM = """
const PREFIX = "IPY_MODEL_";

function loadLibrary(model) {
  if (window.vegaEmbed) { return Promise.resolve(); }
  if (!window.smVegaLibraryLoading) {
    window.smVegaLibraryLoading = (async () => {
      const reference = model.get("library");
      const library = await model.widget_manager.get_model(reference.slice(PREFIX.length));
      const bytes = library.get("bundle");
      const view = bytes instanceof DataView
        ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : new Uint8Array(bytes.buffer || bytes);
      const script = document.createElement("script");
      script.textContent = new TextDecoder().decode(view);
      document.head.appendChild(script);  // runs at once: defines window.vegaEmbed
    })().catch((error) => { window.smVegaLibraryLoading = null; throw error; });
  }
  return window.smVegaLibraryLoading;
}

export default {
  async render({ model, el }) {
    el.classList.add("CHART_CLASS");
    el.setAttribute("role", "figure");
    const target = document.createElement("div");
    el.appendChild(target);
    let view = null;
    let drawing = Promise.resolve();
    const draw = () => {
      drawing = drawing.then(async () => {
        el.setAttribute("aria-label", model.get("description"));
        try {
          await loadLibrary(model);
          const result = await window.vegaEmbed(
            target, model.get("spec"), { actions: false, renderer: "svg" }
          );
          if (view) { view.finalize(); }
          view = result.view;
          el.smSpec = model.get("spec");  // kept on the element for readers' tools and tests
        } catch (error) {
          target.textContent = "This chart could not be drawn: " + error.message;
          console.error(error);
        }
      });
      return drawing;
    };
    model.on("change:spec", draw);
    await draw();
    return () => { if (view) { view.finalize(); } };
  },
};
""".replace("CHART_CLASS", CHART_CLASS)


class VegaLibrary(ipywidgets.Widget):
    """Vega, Vega-Lite and Vega-Embed as bytes, held once per kernel for every chart to use.

    It has no view: it is never displayed, only referred to by :class:`LiveChart`.
    """

    bundle = traitlets.Bytes().tag(sync=True)


class LiveChart(anywidget.AnyWidget):
    """A Vega-Lite chart in a live notebook. Set :attr:`spec` to redraw it.

    ``description`` (from the spec's own description or title) is the chart's accessible name.
    """

    _esm = _ESM
    spec = traitlets.Dict().tag(sync=True)
    description = traitlets.Unicode("Chart").tag(sync=True)
    library = traitlets.Instance(VegaLibrary).tag(sync=True, **ipywidgets.widget_serialization)

    def __init__(self, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(
            spec=spec, description=_description(spec), library=vega_library(), **kwargs
        )

    @traitlets.observe("spec")
    def _describe(self, change: dict[str, Any]) -> None:
        self.description = _description(change["new"])

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # anywidget returns (data, metadata)
            bundle = bundle[0]
        if bundle is None:  # outside a kernel: nothing to show
            return None
        return {**bundle, "text/plain": f"<Chart: {self.description}>"}


def _description(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(spec.get("description") or title or "Interactive chart")


_library: VegaLibrary | None = None


def vega_library() -> VegaLibrary:
    """The kernel's one :class:`VegaLibrary` (made on first use)."""
    global _library
    if _library is None or _library.comm is None:  # none yet, or closed
        _library = VegaLibrary(bundle=vega_bundle().encode("utf-8"))
    return _library


def live_chart(spec: dict[str, Any], **_metadata: Any) -> dict[str, Any]:
    """Altair renderer for live kernels: the spec drawn by a new :class:`LiveChart`."""
    return LiveChart(spec)._repr_mimebundle_() or {"text/plain": f"<Chart: {_description(spec)}>"}
