"""Notebooks executed headless by nbclient on the Chorus kernel, outputs checked."""
import os

import nbformat
from nbclient import NotebookClient

from conftest import KERNEL_NAME, ROOT


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


def test_quickstart_runs_without_errors():
    nb = execute("00-quickstart.ipynb")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for c in code:
        assert not any(o["output_type"] == "error" for o in c.get("outputs", [])), outputs_text(c)
        assert c.get("outputs"), "cell without output: " + c.source
