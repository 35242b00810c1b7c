"""Notebooks executed headless by nbclient on the Chorus kernel, outputs checked; and the
committed notebooks checked against the pattern catalogue (shared/tools/pattern-coverage)."""
import functools
import glob
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import KERNEL_NAME, ROOT

NOTEBOOKS = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "notebooks", "[0-9][0-9]-*.ipynb"))
                   if not p.endswith(".draft.ipynb"))
COVERAGE_TOOL = os.path.join(os.path.dirname(ROOT), "shared", "tools", "pattern-coverage")


@functools.lru_cache(maxsize=None)
def execute(name, timeout=300):
    path = os.path.join(ROOT, "notebooks", name)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=timeout,
                   resources={"metadata": {"path": os.path.dirname(path)}}).execute()
    return nb


def outputs_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.append(out["data"].get("text/plain", ""))
        elif out["output_type"] == "error":
            parts.append(out["ename"] + ": " + out["evalue"])
    return "".join(parts)


def test_there_are_notebooks():
    assert "00-quickstart.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_errors(name):
    nb = execute(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for c in code:
        errors = [o for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert not errors, name + ": " + c.source[:200] + "\n" + outputs_text(c)
        if name == "00-quickstart.ipynb":
            assert c.get("outputs"), "cell without output: " + c.source


def test_quickstart_outputs():
    nb = execute("00-quickstart.ipynb")
    text = "\n".join(outputs_text(c) for c in nb.cells if c.cell_type == "code")
    assert "sandbox" in text.lower()          # %client with nothing configured says it started the sandbox
    assert "Echo:" in text                     # the sandbox's deterministic answer streamed by %%prompt
    assert "200" in text                       # the 200-row fan-out


@pytest.mark.skipif(not os.path.exists(COVERAGE_TOOL), reason="shared/tools/pattern-coverage is not beside the project")
def test_pattern_coverage_of_the_committed_notebooks():
    run = subprocess.run([sys.executable, COVERAGE_TOOL, ROOT], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_outputs_read_well_untrusted(name):
    """As they come from git, notebooks are not trusted: their front end strips SVG out of HTML and
    keeps its text. So no committed HTML output holds an SVG, and every chart has a PNG beside its
    SVG for the front ends that drop SVG."""
    nb = nbformat.read(os.path.join(ROOT, "notebooks", name), as_version=4)
    for c in nb.cells:
        for out in c.get("outputs", []):
            data = out.get("data", {})
            assert "<svg" not in data.get("text/html", ""), name + ": SVG inside HTML under " + c.source[:60]
            if "image/svg+xml" in data:
                assert "image/png" in data, name + ": a chart without its PNG under " + c.source[:60]
