import re
from pathlib import Path

import altair as alt

from socialmarketing import assets


def test_bundled_versions_equal_what_altair_expects():
    # Altair's minor version is pinned in pyproject.toml; after an upgrade this fails until the
    # bundle is rebuilt with `socialmarketing assets --refresh-bundle`.
    versions = assets.bundled_versions()
    assert versions["vega-lite"] == alt.VEGALITE_VERSION
    # Altair pins Vega and Vega-Embed by major version ("6", "7"); the bundle must match it.
    assert versions["vega"].split(".")[0] == alt.VEGA_VERSION.split(".")[0]
    assert versions["vega-embed"].split(".")[0] == alt.VEGAEMBED_VERSION.split(".")[0]


def test_chart_script_defines_globals_in_its_own_scope_and_draws_the_queue():
    script = assets.chart_script()
    versions_line, body = script.split("\n", 1)
    assert versions_line.startswith("/* socialmarketing vega-bundle {")
    assert body.startswith("(function () {")
    for name in ("window.vega=", "window.vegaLite=", "window.vegaEmbed="):
        assert name in script.replace(" ", "")
    assert "window.smChartsReady = drawQueued" in script
    # Nothing in the bundle points the browser at a CDN.
    assert not re.search(r"https?://(cdn\.jsdelivr|unpkg|cdnjs)", script)


def test_write_site_assets_writes_script_and_mathjax_once(tmp_path):
    written = assets.write_site_assets(tmp_path)
    script = tmp_path / assets.CHART_SCRIPT_NAME
    entry = tmp_path / assets.MATHJAX_ENTRY
    assert script in written and entry in written
    assert script.read_text(encoding="utf-8") == assets.chart_script()
    fonts = list((tmp_path / "mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    assert len(fonts) > 10
    # A second call leaves unchanged files alone, so incremental Sphinx builds stay incremental.
    before = {p: p.stat().st_mtime_ns for p in written}
    assets.write_site_assets(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in written} == before


def test_the_shipped_bundle_is_what_vl_convert_builds_for_this_altair():
    # vl-convert is a test dependency only: learners' kernels and the site read the shipped file.
    assert assets.BUNDLE_PATH.read_text(encoding="utf-8") == assets.build_vega_bundle()


def test_the_bundle_ships_as_package_data():
    import tomllib

    from socialmarketing import __file__ as package_init

    pyproject = tomllib.loads((assets.BUNDLE_PATH.parents[3] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["socialmarketing"]
    relative = assets.BUNDLE_PATH.relative_to(Path(package_init).parent)
    assert any(relative.match(pattern) for pattern in patterns)
