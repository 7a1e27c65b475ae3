"""The published site in a real browser: pages load cleanly, charts render and respond to their
controls (also from the keyboard), nothing comes from third parties, search works, and axe-core
finds no serious accessibility problems."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from socialmarketing.assets import CHART_SCRIPT_NAME

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAPTERS = sorted(p.stem for p in Path(__file__).parents[1].glob("book/0*.md"))
AXE_SCRIPT = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
# What a chart shows, for comparing before and after a control moves: the accessible labels
# Vega gives each mark (they hold the data values) and the text drawn in the chart, tick labels
# included. Axes rescale, so shapes alone would not tell whether the data changed.
CHART_STATE = """(chart) => {
  const svg = chart.querySelector('svg');
  if (!svg) return null;
  // Axis descriptions are left out: Vega writes them when an axis is first drawn and does not
  // refresh them when the scale's domain changes; the tick labels below do show the new domain.
  const labels = [...svg.querySelectorAll('[aria-label]')]
    .filter(e => !e.closest('.role-axis'))
    .map(e => e.getAttribute('aria-label'));
  const texts = [...svg.querySelectorAll('text')].map(e => e.textContent);
  // Sorted: Vega reuses text elements, so their order in the page is not meaningful.
  return JSON.stringify([labels.sort(), texts.sort()]);
}"""


class PageVisit:
    """One page opened in a fresh browser context, with everything that went wrong recorded."""

    def __init__(self, browser, site_url: str, path: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda msg: self.errors.append(msg.text) if msg.type == "error" else None,
        )
        self.page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )

        self.requested: list[str] = []

        def only_this_site(route) -> None:
            if route.request.url.startswith(site_url + "/"):
                self.requested.append(route.request.url)
                route.continue_()
            else:
                self.external.append(route.request.url)
                route.abort()

        self.page.route("**/*", only_this_site)
        self.page.goto(f"{site_url}/{path}", wait_until="load")
        self.page.wait_for_load_state("networkidle")
        # Before any scrolling: was the chart library fetched, and how many screens down is
        # the first chart?
        self.library_before_scrolling = any(CHART_SCRIPT_NAME in url for url in self.requested)
        self.first_chart_screens = self.page.evaluate(
            "() => { const c = document.querySelector('.sm-chart');"
            " return c ? c.getBoundingClientRect().top / window.innerHeight : null; }"
        )

    def charts(self) -> list:
        return self.page.query_selector_all(".sm-chart")

    def wait_for_charts(self) -> None:
        """Scroll to the first chart (the chart library loads when one nears the screen) and
        wait until every chart on the page is drawn."""
        charts = self.charts()
        count = len(charts)
        if count:
            charts[0].scroll_into_view_if_needed()
            self.page.wait_for_function(
                f"document.querySelectorAll('.sm-chart svg').length >= {count}", timeout=30_000
            )

    def close(self) -> None:
        self.context.close()


def html_pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


def chart_pages(site: Path) -> list[str]:
    return [
        page
        for page in html_pages(site)
        if 'data-socialmarketing-chart="1"' in (site / page).read_text(encoding="utf-8")
    ]


@pytest.fixture(scope="module")
def visits(browser, site_url, built_site):
    """Every page of the site, opened once, charts drawn."""
    opened = {}
    for path in html_pages(built_site):
        visit = PageVisit(browser, site_url, path)
        visit.wait_for_charts()
        opened[path] = visit
    yield opened
    for visit in opened.values():
        visit.close()


def test_every_page_loads_without_errors_or_broken_requests(visits):
    problems = {
        path: visit.errors + visit.failed
        for path, visit in visits.items()
        if visit.errors or visit.failed
    }
    assert not problems, problems


def test_the_chart_library_waits_until_a_chart_nears_the_screen(visits):
    # The loader watches for charts within one screen of the viewport: a page whose first
    # chart is further down than that must not fetch the library before the reader scrolls.
    far = {path: v for path, v in visits.items() if (v.first_chart_screens or 0) > 2.5}
    near = {path: v for path, v in visits.items() if 0 <= (v.first_chart_screens or -1) < 1}
    assert far, "no page has its first chart far enough down to check lazy loading"
    assert not [path for path, v in far.items() if v.library_before_scrolling]
    assert all(v.library_before_scrolling for v in near.values())
    # ... and once the reader scrolls, it loads and draws every chart (the visits fixture
    # waited for that on each page).
    assert all(any(CHART_SCRIPT_NAME in url for url in v.requested) for v in far.values())


def test_no_request_leaves_the_site(visits):
    blocked = {path: visit.external for path, visit in visits.items() if visit.external}
    assert sum(len(urls) for urls in blocked.values()) == 0, blocked


def test_every_chart_renders(visits, built_site):
    pages = chart_pages(built_site)
    assert len(pages) >= 6, "fewer chart pages than chapters"
    for path in pages:
        visit = visits[path]
        charts = visit.charts()
        drawn = [chart.evaluate(CHART_STATE) for chart in charts]
        assert charts and all(drawn), f"{path}: {drawn.count(None)} of {len(charts)} not drawn"


# Draws the chart's own spec again, off screen, with every bound parameter set to what its
# control now shows, and returns that drawing's CHART_STATE.
FRESH_STATE = (
    """async (chart) => {
  const state = """
    + CHART_STATE
    + """;
  const spec = JSON.parse(JSON.stringify(chart.smSpec));
  for (const param of spec.params || []) {
    const bind = param.bind;
    if (!bind) continue;
    const inputs = [...chart.querySelectorAll(`.vega-bindings [name="${param.name}"]`)];
    if (bind.input === 'range') param.value = Number(inputs[0].value);
    else if (bind.input === 'checkbox') param.value = inputs[0].checked;
    else if (bind.input === 'select') param.value = bind.options[inputs[0].selectedIndex];
    else if (bind.input === 'radio') param.value = bind.options[inputs.findIndex(i => i.checked)];
  }
  const box = document.createElement('div');
  box.style.position = 'absolute';
  box.style.left = '-10000px';
  document.body.appendChild(box);
  try {
    await window.vegaEmbed(box, spec, {actions: false});
    return state(box);
  } finally {
    box.remove();
  }
}"""
)


def _differences(live: str, fresh: str) -> list[tuple[str, str]]:
    """The (live, fresh) pairs of labels and texts that differ, the first ten."""
    pairs = [
        (a, b)
        for live_part, fresh_part in zip(json.loads(live), json.loads(fresh), strict=True)
        for a, b in itertools.zip_longest(live_part, fresh_part)
        if a != b
    ]
    return pairs[:10]


def _change(control) -> Callable[[], None]:
    """Move a bound control to another value, as a reader would; return how to move it back."""
    kind = control.get_attribute("type") or control.evaluate("e => e.tagName.toLowerCase()")
    if kind == "range":
        original = control.input_value()
        low, high = float(control.get_attribute("min")), float(control.get_attribute("max"))
        value = float(original)
        target = low if value - low > high - value else high
        control.fill(f"{target:g}")
        return lambda: control.fill(original)
    if kind == "select":
        original = control.input_value()
        options = control.evaluate("e => [...e.options].map(o => o.value)")
        control.select_option(next(o for o in options if o != original))
        return lambda: control.select_option(original)
    if kind == "checkbox":
        control.click()
        return control.click
    if kind == "radio":
        checked = control.evaluate_handle(
            "e => e.closest('.vega-bind').querySelector('input[type=radio]:checked')"
        ).as_element()
        control.check()
        return checked.check
    raise AssertionError(f"unexpected bound control {kind}")


def test_every_bound_control_changes_its_charts_data(visits, built_site):
    checked = 0
    for path in chart_pages(built_site):
        visit = visits[path]
        for number, chart in enumerate(visit.charts()):
            controls = chart.query_selector_all(
                ".vega-bindings input[type=range], .vega-bindings select, "
                ".vega-bindings input[type=checkbox]"
            )
            radios = chart.query_selector_all(".vega-bindings input[type=radio]")
            for control in [*controls, *radios[1:2]]:
                before = chart.evaluate(CHART_STATE)
                undo = _change(control)
                visit.page.wait_for_timeout(150)
                after = chart.evaluate(CHART_STATE)
                name = control.evaluate(
                    "e => (e.closest('.vega-bind') || e).textContent.trim().slice(0, 60)"
                )
                assert after != before, f"{path}, chart {number + 1}: {name!r} changed nothing"
                # Every mark and text is up to date: the live chart shows exactly what the
                # same chart drawn afresh with the controls' current values shows.
                fresh = chart.evaluate(FRESH_STATE)
                assert after == fresh, (
                    f"{path}, chart {number + 1}: after moving {name!r} the chart shows stale "
                    f"numbers: {_differences(after, fresh)}"
                )
                undo()  # back to the start, so the next control acts on the page's own values
                visit.page.wait_for_timeout(150)
                checked += 1
    assert checked >= 6, f"only {checked} bound controls found on the site"


# The element that has the keyboard focus, if it is a chart control: its kind and its chart.
FOCUSED_CONTROL = """() => {
  const e = document.activeElement;
  const chart = e && e.closest('.vega-bindings') && e.closest('.sm-chart');
  if (!chart) return null;
  return {chart: chart.id, kind: e.tagName === 'SELECT' ? 'select' : e.type};
}"""
# How a keyboard user changes each kind of control, and the way back if that changed nothing
# (a slider that starts at its maximum, a list already on its last option).
KEYS = {
    "range": (["ArrowRight"] * 5, ["ArrowLeft"] * 10),
    "select": (["ArrowDown"], ["ArrowUp", "ArrowUp"]),
    "radio": (["ArrowRight"], ["ArrowLeft", "ArrowLeft"]),
    "checkbox": (["Space"], ["Space"]),
}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chart_works_from_the_keyboard_alone(browser, site_url, chapter):
    """Tab through the whole page; the first control reached in each chart, operated with the
    keyboard only, changes that chart. Every chart with controls must be reached."""
    path = f"book/{chapter}.html"
    visit = PageVisit(browser, site_url, path)
    try:
        visit.wait_for_charts()
        page = visit.page
        with_controls = set(
            page.eval_on_selector_all(
                ".sm-chart",
                "cs => cs.filter(c => c.querySelector('.vega-bindings')).map(c => c.id)",
            )
        )
        assert with_controls, f"{path}: no chart with controls"
        page.evaluate("() => window.scrollTo(0, 0)")
        page.keyboard.press("Tab")
        operated: dict[str, str] = {}
        tabs = page.evaluate("() => document.querySelectorAll('a, button, input, select').length")
        for _ in range(tabs + 20):
            focused = page.evaluate(FOCUSED_CONTROL)
            if focused and focused["chart"] not in operated and focused["kind"] in KEYS:
                chart = page.query_selector(f"#{focused['chart']}")
                before = chart.evaluate(CHART_STATE)
                forward, back = KEYS[focused["kind"]]
                for key in forward:
                    page.keyboard.press(key)
                page.wait_for_timeout(150)
                if chart.evaluate(CHART_STATE) == before:
                    for key in back:
                        page.keyboard.press(key)
                    page.wait_for_timeout(150)
                after = chart.evaluate(CHART_STATE)
                assert after != before, (
                    f"{path}: the keyboard on a {focused['kind']} control of chart "
                    f"{focused['chart']} changed nothing"
                )
                operated[focused["chart"]] = focused["kind"]
            if set(operated) >= with_controls:
                break
            page.keyboard.press("Tab")
        assert set(operated) >= with_controls, (
            f"{path}: Tab never reached the controls of {sorted(with_controls - set(operated))}"
        )
    finally:
        visit.close()


def test_search_finds_a_glossary_term(browser, site_url):
    visit = PageVisit(browser, site_url, "search.html?q=viral+coefficient")
    try:
        visit.page.wait_for_selector("#search-results li a", timeout=30_000)
        links = visit.page.eval_on_selector_all(
            "#search-results li a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert any("glossary" in link for link in links), links
        assert not visit.errors and not visit.external
    finally:
        visit.close()


def test_axe_finds_no_serious_or_critical_accessibility_problems(visits):
    found = {}
    for path, visit in visits.items():
        visit.page.add_script_tag(path=str(AXE_SCRIPT))
        result = visit.page.evaluate("async () => await axe.run(document)")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    assert not found, found
