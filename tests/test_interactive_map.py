"""The interactive map names the councils, keys its shading, dashes existing partnerships, marks
estimates, resets its filter, and works on a 390 px phone (headless Chromium)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from sharedopt.report import write_outputs
from test_report_browser import CHROMIUM, PipeDevTools

FIXTURES = Path(__file__).parent / "fixtures" / "report_mini"
EXISTING = [{"name": "Tees shared legal", "service": "Legal services", "members": ["E06900001", "E06900004"],
             "status": "kept"}]
PHONE = 390


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    authorities = gpd.read_file(FIXTURES / "authorities.geojson").set_index("code")
    candidates = pd.read_csv(FIXTURES / "candidates.csv")
    summary = json.loads((FIXTURES / "summary.json").read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("imap") / "out"
    paths = write_outputs(out, formats={"html"}, authorities=authorities, candidates=candidates,
                          portfolio=candidates[candidates["chosen"]], shares=pd.read_csv(FIXTURES / "shares.csv"),
                          summary={**summary, "existing_partnerships": EXISTING})
    return paths["report.html"]


def _svg(report: Path) -> str:
    html = report.read_text(encoding="utf-8")
    return re.search(r'<svg id="imap-svg".*?</svg>', html, re.S).group(0)


def test_council_names_are_svg_text_escaped(report):
    names = re.findall(r'<text class="name"[^>]*>(.*?)</text>', _svg(report))
    assert sorted(names) == sorted(["Tees &amp; Wear Borough", "&lt;b&gt;Bold&lt;/b&gt; District", "Northmoor",
                                    "Westdale", "Riverside &amp; Vale"])


def test_existing_partnership_is_a_dashed_outline(report):
    dashed = re.findall(r'<path class="existing"[^>]*stroke-dasharray="[^"]+"', _svg(report))
    assert len(dashed) == 1


def test_estimated_mark_and_legend(report):
    html = report.read_text(encoding="utf-8")
    assert "ESTIMATED: Revenues &amp; benefits unit costs (fixture)" in _svg(report)
    legend = re.search(r'<div id="imap-legend">(.*?)</div>', html, re.S).group(1)
    assert "pooled-spend share" in legend and "in no chosen partnership" in legend and "existing partnership" in legend
    assert len(re.findall(r'class="key"', legend)) == 7  # five steps, grey, dashed


def test_tooltip_names_the_share_rule_never_a_saving(report):
    labels = re.findall(r'data-label="([^"]*)"', _svg(report))
    assert labels and all("saving" not in label for label in labels)
    assert any(label.startswith("NPV share £") and label.endswith("(pooled-spend share)") for label in labels)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (needs Debian's chromium package)")
def test_phone_width_map_shows_and_money_columns_reachable_and_reset_works(tmp_path, report):
    cdp = PipeDevTools(tmp_path / "profile")
    try:
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime"):
            cdp.call(f"{domain}.enable", session=session)
        cdp.call("Emulation.setDeviceMetricsOverride",
                 {"width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": True}, session=session)
        cdp.call("Page.navigate", {"url": report.as_uri()}, session=session)
        cdp.wait(lambda m: m.get("method") == "Page.loadEventFired")

        def evaluate(expression: str):
            return cdp.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                            session=session)["result"]["value"]

        box = evaluate("document.getElementById('imap-svg').getBoundingClientRect().toJSON()")
        page_width = evaluate("document.documentElement.scrollWidth")
        last = evaluate("(function(){var t=document.getElementById('alternatives');t.scrollLeft=t.scrollWidth;"
                        "var c=t.querySelector('thead th:last-child').getBoundingClientRect();"
                        "return [c.left, c.right];})()")
        reset = evaluate("(function(){var f=document.getElementById('service-filter');"
                         "f.value=f.options[1].value;f.dispatchEvent(new Event('change'));"
                         "var off=document.querySelectorAll('#imap path.la.off').length;"
                         "document.getElementById('service-reset').click();"
                         "return [off, f.value, document.querySelectorAll('#imap path.la.off').length];})()")
    finally:
        cdp.close()
    assert box["width"] > 300 and box["height"] > 100, box  # the map fills the phone's width
    assert page_width <= PHONE  # nothing pushes the page sideways ...
    assert 0 <= last[0] and last[1] <= PHONE, last  # ... and the last money column scrolls into view
    assert reset[0] > 0 and reset[1:] == ["", 0]


def test_static_map_caption_is_true_to_the_colouring(report):
    html = report.read_text(encoding="utf-8")
    caption = re.search(r'<section aria-labelledby="map-heading">.*?<figcaption>(.*?)</figcaption>', html, re.S).group(1)
    assert "coloured by service" not in caption  # the map colours partnerships, one colour each
    assert "outlined in its own colour" in caption and "pooled-spend share" in caption


def test_kent_names_its_districts_not_the_county_drawn_under_them():
    from sharedopt.config.schema import load_config
    from sharedopt.pipeline.steps import load_inputs
    from sharedopt.report.html.interactive_map import interactive_map

    authorities = load_inputs(load_config(Path(__file__).resolve().parents[1] / "configs" / "kent.toml")).authorities
    empty = pd.DataFrame(columns=["candidate_id", "members", "services"])
    parts = interactive_map(authorities, empty, pd.DataFrame(columns=["candidate_id", "member"]), {})
    texts = re.findall(r'<text class="name" x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)"[^>]*>(.*?)</text>',
                       str(parts["svg"]))
    names = {t[3] for t in texts}
    districts = {str(n) for n in authorities["name"] if n != "Kent"}
    assert "Kent" not in names and names <= districts and len(names) >= len(districts) - 2
    boxes = [(float(x) - 0.29 * float(s) * len(n), float(y) - 0.6 * float(s), float(x) + 0.29 * float(s) * len(n),
              float(y) + 0.6 * float(s)) for x, y, s, n in texts]
    for i, a in enumerate(boxes):  # no two names on top of each other
        assert not any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for b in boxes[i + 1:])


def test_council_fills_are_opaque_so_a_district_shows_its_own_shade_over_its_county():
    from sharedopt.report.html.interactive_layers import shade

    fills = [shade(v, 100.0) for v in (10.0, 50.0, 100.0)]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", f) for f in fills), fills
    assert len(set(fills)) == 3 and shade(0.0, 100.0) == "#e3e3e3"
