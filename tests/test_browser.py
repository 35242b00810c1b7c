"""What a user sees: the quickstart run in Jupyter Notebook under headless Chromium, and the
committed quickstart opened as it comes from git (not trusted). Screenshots go to
CHORUS_SCREENSHOTS (default: target/screenshots under the project root) for a person to look at."""
import os
import re
import shutil

import pytest

import browser
from conftest import ROOT

pytestmark = pytest.mark.skipif(browser.available() is not None, reason=str(browser.available()))

QUICKSTART = os.path.join(ROOT, "notebooks", "00-quickstart.ipynb")
SHOTS = os.environ.get("CHORUS_SCREENSHOTS", os.path.join(ROOT, "target", "screenshots"))
# Text of a chart's bars (SVG tooltips) leaking into the page when the SVG is stripped.
LEAK = re.compile(r"rows? \d+(–\d+)?: (ok|failed|timed_out|cancelled)")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(QUICKSTART, folder / "run.ipynb")
    shutil.copy(QUICKSTART, folder / "committed.ipynb")
    os.makedirs(SHOTS, exist_ok=True)
    server = browser.NotebookServer(str(folder), str(folder / "server.log"))
    driver = None
    try:
        driver = browser.chromium()
        yield driver, server
    finally:
        if driver is not None:
            driver.quit()
        server.close()


def screenshots(driver, name, cells):
    """A screenshot of the page with each fan-out and chart cell at the top."""
    for c in cells:
        if c["source"].startswith("%%fanout") or c["svgs"] or c["pngs"]:
            driver.execute_script("Jupyter.notebook.get_cell(%d).element[0].scrollIntoView();" % c["index"])
            driver.save_screenshot(os.path.join(SHOTS, "%s-cell%02d.png" % (name, c["index"])))


def fanout_cell(cells):
    """The quickstart's fan-out over the 200-row table."""
    found = [c for c in cells if c["source"].startswith("%%fanout --over rows")]
    assert len(found) == 1, [c["source"][:40] for c in cells]
    return found[0]


def assert_reads_well(cell, chart):
    """One progress display, the summary, the chart drawn as a chart, no chart text leaking,
    result rows one or two lines high with room for the text columns, and no scroll box."""
    assert len(cell["progress"]) == 1, cell["progress"]
    assert "200/200" in cell["progress"][0] and "█" in cell["progress"][0], cell["progress"]
    assert cell["summaries"] == 1
    if chart == "svg":
        assert any(w >= 600 and h >= 200 for w, h in cell["svgs"]), cell["svgs"]
    else:
        assert not cell["svgs"], "an untrusted notebook shows no SVG"
        assert any(w >= 600 and h >= 200 and natural >= 1000 for w, h, natural in cell["pngs"]), cell["pngs"]
    assert not LEAK.search(cell["text"]), LEAK.search(cell["text"]).group(0)
    assert not cell["scrolled"], "the fan-out's output is folded into a scroll box"
    [table] = cell["tables"]
    line = table["lineHeight"]
    assert line and 10 <= line <= 30, table
    # Two lines and the cell's padding (a third line would add a whole line more).
    assert max(table["rowHeights"]) <= 2.5 * line + 12, (table["rowHeights"], line)
    widths = dict(table["headers"])
    for text_column in ("prompt", "answer"):
        assert widths[text_column] > 1.5 * widths["latency_ms"], widths


def test_the_quickstart_run_in_a_browser(page):
    driver, server = page
    browser.open_notebook(driver, server, "run.ipynb")
    seen = []

    def watch(cells):
        c = fanout_cell(cells)
        if c["prompt"] == "*" or c["progress"]:
            seen.append(list(c["progress"]))

    cells = browser.run_all(driver, watch=watch)
    screenshots(driver, "run", cells)
    assert all(len(p) <= 1 for p in seen), "a second progress display appeared: %s" % seen
    assert len({p[0] for p in seen if p}) >= 2, "the progress display was not updated in place: %s" % seen
    assert_reads_well(fanout_cell(cells), chart="svg")
    twin = [c for c in cells if "Chorus.fanout(" in c["source"]][0]
    assert not twin["progress"] and not twin["svgs"] and not twin["pngs"], "the Java twin displays nothing"
    timeline = [c for c in cells if "Chorus.timeline(" in c["source"]][0]
    assert len(timeline["svgs"]) == 1 and timeline["svgs"][0][0] >= 600, timeline["svgs"]


def test_the_committed_quickstart_opened_untrusted(page):
    driver, server = page
    browser.open_notebook(driver, server, "committed.ipynb")
    assert browser.trusted(driver) is False
    cells = browser.cells(driver)
    screenshots(driver, "committed", cells)
    assert_reads_well(fanout_cell(cells), chart="png")
    for c in cells:
        assert not LEAK.search(c["text"]), (c["source"][:40], LEAK.search(c["text"]).group(0))
