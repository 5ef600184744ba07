"""The HTML audit report in a real headless Chromium (issue 18 acceptance).

Renders examples/acme, examples/violations and a generated 1,000-card repository, opens
each page, and checks: no console error, the counts shown equal the JSON report's, the
graph pans, zooms and filters from the keyboard, and axe-core (from npm) finds no serious
or critical accessibility violation. Screenshots go to ``$SYNTHGOV_ARTIFACTS/html-report``
(CI keeps them) or to a temporary folder. The load time of the 1,000-card page is measured
by bench/html_report.py, not asserted here; its size is.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import Browser, axe_core_js
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_repo  # noqa: E402

MAX_BYTES = 5_000_000  # "under 5 MB"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = os.environ.get("SYNTHGOV_ARTIFACTS")
    folder = Path(base) / "html-report" if base else tmp_path_factory.mktemp("html-report")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """name -> (HTML file, JSON report) for the three repositories."""
    out_dir = tmp_path_factory.mktemp("pages")
    big = tmp_path_factory.mktemp("big") / "repo"
    generate_repo(big, 1000)
    repos = {
        "acme": ROOT / "examples" / "acme",
        "violations": ROOT / "examples" / "violations",
        "generated-1000": big,
    }
    found = {}
    for name, repo in repos.items():
        target = out_dir / f"{name}.html"
        proc = run_cli("report", "--no-cache", "--output", str(target), cwd=repo, timeout=300)
        assert proc.returncode == 0, proc.stderr
        data = json.loads(
            run_cli("check", "--format", "json", "--no-cache", cwd=repo, timeout=300).stdout
        )
        found[name] = (target, data)
    return found


@pytest.fixture(scope="module")
def axe(tmp_path_factory: pytest.TempPathFactory) -> str:
    return axe_core_js(tmp_path_factory.mktemp("axe"))


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    with Browser(tmp_path / "profile") as instance:
        yield instance


SHOWN = """(() => {
  const out = {};
  document.querySelectorAll('[data-count]').forEach(n => {
    out[n.getAttribute('data-count')] = n.textContent; });
  out.finding_items = document.querySelectorAll('li.finding').length;
  out.graph_nodes = document.querySelectorAll('#graph-svg [data-k]').length;
  out.datasets_listed = document.querySelectorAll('section.dataset').length;
  return out; })()"""


@pytest.mark.parametrize("name", ["acme", "violations", "generated-1000"])
def test_page_loads_without_errors_and_shows_the_json_counts(
    name: str, pages: dict, browser: Browser, artifacts: Path
) -> None:
    path, data = pages[name]
    assert path.stat().st_size < MAX_BYTES, f"{name}: {path.stat().st_size:,} bytes"
    browser.open(path.as_uri())
    assert browser.console_errors() == []
    shown = browser.evaluate(SHOWN)
    for key in ("errors", "warnings", "infos", "waived", "files", "documents"):
        assert shown[key] == f"{data['summary'][key]:,}", key
    assert shown["finding_items"] == len(data["findings"])
    assert shown["graph_nodes"] > 0
    assert shown["datasets_listed"] == int(shown["datasets"].replace(",", ""))
    browser.screenshot(artifacts / f"{name}-overview.png")
    browser.evaluate("document.getElementById('lineage').scrollIntoView()")
    browser.screenshot(artifacts / f"{name}-lineage.png")
    assert (artifacts / f"{name}-lineage.png").stat().st_size > 10_000


@pytest.mark.parametrize("name", ["acme", "violations"])
def test_no_serious_accessibility_violations(
    name: str, pages: dict, browser: Browser, axe: str
) -> None:
    # the 1,000-card page repeats the same templates; axe takes minutes over its DOM
    path, _ = pages[name]
    browser.open(path.as_uri())
    browser.evaluate(axe + ";0")
    violations = browser.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map("
        "n => n.target.join(' '))})))",
        timeout=300,
    )
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert serious == [], json.dumps(serious, indent=1)
    assert browser.console_errors() == []


VIEWBOX = "document.getElementById('graph-svg').getAttribute('viewBox')"


def test_graph_pans_zooms_and_filters_from_the_keyboard(
    pages: dict, browser: Browser, artifacts: Path
) -> None:
    path, _ = pages["violations"]
    browser.open(path.as_uri())
    browser.evaluate("document.getElementById('graph-frame').focus()")
    start = browser.evaluate(VIEWBOX)
    browser.key("+", "Equal", "+")
    zoomed = browser.evaluate(VIEWBOX)
    assert zoomed != start
    assert float(zoomed.split()[2]) < float(start.split()[2])  # narrower: zoomed in
    browser.key("ArrowRight")
    panned = browser.evaluate(VIEWBOX)
    assert float(panned.split()[0]) > float(zoomed.split()[0])
    browser.key("0", "Digit0", "0")
    assert browser.evaluate(VIEWBOX) == start
    # the filter: type a dataset id and press Enter
    browser.evaluate("document.getElementById('graph-filter').focus()")
    for char in "support-intents-synth-v1":
        browser.key(char, "", char)
    browser.key("Enter")
    status = browser.evaluate("document.getElementById('graph-status').textContent")
    assert status.startswith("Showing ") and "support-intents-synth-v1" in status, status
    kept = int(status.split()[1])
    total = browser.evaluate("document.querySelectorAll('#graph-svg [data-k]').length")
    dimmed = browser.evaluate("document.querySelectorAll('#graph-svg [data-k].dim').length")
    assert 1 < kept < total and kept + dimmed == total
    browser.evaluate("document.getElementById('lineage').scrollIntoView()")
    browser.screenshot(artifacts / "violations-lineage-filtered.png")
    # Tab reaches the dataset links in the graph; Enter follows one to its section
    browser.evaluate("document.querySelector('#graph-svg a').focus()")
    focused = browser.evaluate("document.activeElement.getAttribute('href')")
    browser.key("Enter")
    assert browser.evaluate("location.hash") == focused
    assert browser.console_errors() == []


def test_graph_zooms_with_the_wheel_and_pans_by_dragging(pages: dict, browser: Browser) -> None:
    path, _ = pages["acme"]
    browser.open(path.as_uri())
    box = browser.evaluate(
        "(() => { const f = document.getElementById('graph-frame'); f.scrollIntoView();"
        " const r = f.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()"
    )
    # an empty spot of the frame (a drag that starts on a link follows the link instead)
    x, y = box[0] + 8, box[1] + 8

    def mouse(kind: str, **extra: object) -> None:
        params = {"type": kind, "x": x, "y": y, "button": "left", **extra}
        browser.call("Input.dispatchMouseEvent", params, session=True)

    start = [float(v) for v in browser.evaluate(VIEWBOX).split()]
    mouse("mouseWheel", deltaX=0, deltaY=-120, button="none")
    zoomed = [float(v) for v in browser.evaluate(VIEWBOX).split()]
    assert zoomed[2] < start[2]
    mouse("mousePressed", clickCount=1)
    x += 120
    mouse("mouseMoved")
    mouse("mouseReleased", clickCount=1)
    dragged = [float(v) for v in browser.evaluate(VIEWBOX).split()]
    assert dragged[0] < zoomed[0] and dragged[2] == zoomed[2]  # moved right: view goes left
    assert browser.console_errors() == []


def test_print_layout_puts_each_dataset_on_its_own_page(pages: dict, browser: Browser) -> None:
    path, _ = pages["acme"]
    browser.open(path.as_uri())
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    breaks = browser.evaluate(
        "[...document.querySelectorAll('section.dataset')].map("
        "s => getComputedStyle(s).breakBefore)"
    )
    assert breaks and set(breaks) == {"page"}
    hidden = browser.evaluate("getComputedStyle(document.querySelector('nav.toc')).display")
    assert hidden == "none"
    pdf = browser.call("Page.printToPDF", {}, session=True)["data"]
    assert len(pdf) > 10_000
