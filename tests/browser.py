"""A real front end for tests: Jupyter Notebook (Debian's jupyter-notebook) serving a folder,
driven by headless Chromium through Selenium (Debian's chromium, chromium-driver and
python3-selenium)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WINDOW = (1400, 1000)


def available():
    """Why a browser test cannot run here, or None."""
    try:
        import selenium  # noqa: F401
        import notebook  # noqa: F401
    except ImportError as e:
        return "no %s (Debian: python3-selenium, jupyter-notebook)" % e.name
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not os.access(exe, os.X_OK):
            return "no " + exe + " (Debian: chromium, chromium-driver)"
    return None


class NotebookServer:
    """`jupyter notebook` on a free loopback port, serving `folder`, no token, no browser."""

    def __init__(self, folder, log_path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", "--port=%d" % self.port,
             "--port-retries=0", "--NotebookApp.token=", "--NotebookApp.password=",
             "--allow-root", "--notebook-dir=" + folder],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/status", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("jupyter notebook did not start; see " + log_path)
                time.sleep(0.2)

    def shutdown_kernels(self):
        with urllib.request.urlopen(self.url + "/api/kernels", timeout=5) as r:
            kernels = json.load(r)
        for k in kernels:
            req = urllib.request.Request(self.url + "/api/kernels/" + k["id"], method="DELETE")
            urllib.request.urlopen(req, timeout=10).read()

    def close(self):
        try:
            self.shutdown_kernels()
        except OSError:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def chromium():
    """A headless Chromium of WINDOW's size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=%d,%d" % WINDOW, "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


# Runs in the page: what the notebook's code cells show, per cell.
CELLS_JS = """
return Jupyter.notebook.get_cells().map(function (c, i) {
  if (c.cell_type !== 'code') return null;
  var out = c.output_area.element[0];
  var rect = function (e) { var r = e.getBoundingClientRect(); return [r.width, r.height]; };
  var q = function (sel) { return Array.prototype.slice.call(out.querySelectorAll(sel)); };
  return {
    index: i,
    source: c.get_text(),
    prompt: c.input_prompt_number === undefined ? null : String(c.input_prompt_number),
    text: out.innerText,
    scrolled: out.classList.contains('output_scroll'),
    progress: q('.chorus-progress').map(function (e) { return e.innerText; }),
    summaries: q('.chorus-summary').length,
    svgs: q('svg').map(rect),
    pngs: q('img').filter(function (e) { return (e.getAttribute('src') || '').indexOf('data:image/png') === 0; })
      .map(function (e) { return [e.getBoundingClientRect().width, e.getBoundingClientRect().height, e.naturalWidth]; }),
    tables: q('.chorus-table table').map(function (t) {
      return {
        headers: Array.prototype.map.call(t.querySelectorAll('thead th'), function (th) {
          return [th.innerText, th.getBoundingClientRect().width]; }),
        rowHeights: Array.prototype.map.call(t.querySelectorAll('tbody tr:not(.chorus-more)'), function (tr) {
          return tr.getBoundingClientRect().height; }),
        lineHeight: (function () {
          var td = t.querySelector('tbody td[nowrap]');
          if (!td || !td.firstChild) return null;
          var range = document.createRange(); range.selectNodeContents(td);
          return range.getBoundingClientRect().height;
        })(),
        width: t.getBoundingClientRect().width
      };
    }),
  };
}).filter(function (c) { return c !== null; });
"""


def open_notebook(driver, server, name, timeout=60):
    """Opens a notebook and waits until its kernel is connected."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server.url + "/notebooks/" + name)
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        "return typeof Jupyter !== 'undefined' && Jupyter.notebook && Jupyter.notebook._fully_loaded"
        " && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected();"))


def cells(driver):
    return driver.execute_script(CELLS_JS)


def trusted(driver):
    return driver.execute_script("return Jupyter.notebook.trusted;")


def run_all(driver, timeout=180, watch=None, every=0.05):
    """Runs every cell as Run All does and waits for the last one. `watch(cells)` is called while
    they run, every `every` seconds, with what the page shows."""
    driver.execute_script("Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells();")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = cells(driver)
        if watch:
            watch(now)
        if all(c["prompt"] not in (None, "*", "null", "undefined") for c in now):
            return now
        time.sleep(every)
    raise TimeoutError("cells still running after %d s" % timeout)
