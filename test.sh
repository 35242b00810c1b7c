#!/usr/bin/env bash
# Runs every Chorus test on this machine: installs what the tests need (Debian packages for
# Jupyter and its test tools, Maven artifacts), builds, runs the JVM tests, then drives the
# built kernel with Jupyter's own clients (jupyter_client, jupyter_kernel_test, nbclient).
# Touches nothing of the user's own install: the kernelspec goes to a temporary prefix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"

find_jdk
ensure_maven
ensure_jupyter
ensure_fonts
if command -v apt-get >/dev/null 2>&1; then
  # The browser test (tests/test_browser.py) drives Jupyter Notebook in headless Chromium, with the
  # fonts Chromium recommends (Liberation: the metrics of Arial and Helvetica, which Jupyter's styles
  # ask for and desktops have). With DejaVu Sans alone, wider, an untrusted notebook's result table
  # no longer fits the page and its text columns wrap to three lines.
  apt_install python3-jupyter-kernel-test python3-pytest chromium chromium-driver python3-selenium fonts-liberation
fi

say "building and running the JVM tests"
build verify

say "Jupyter protocol and notebook tests against the built kernel"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DIST="$CHORUS_ROOT/kernel/target/chorus"
CHORUS_JAVA="$CHORUS_JAVA_HOME/bin/java" "$DIST/bin/chorus" kernelspec install \
  --prefix "$WORK/prefix" --java "$CHORUS_JAVA_HOME/bin/java" >/dev/null
export JUPYTER_PATH="$WORK/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$WORK/data" JUPYTER_RUNTIME_DIR="$WORK/runtime" IPYTHONDIR="$WORK/ipython"
# After the kernelspec (its class-data archive stays in the user's cache): the kernels' response
# cache is this run's own, so no test sees answers of another run.
export XDG_CACHE_HOME="$WORK/cache"
export CHORUS_ROOT CHORUS_DIST="$DIST" CHORUS_JAVA_HOME
export CHORUS_SCREENSHOTS="${CHORUS_SCREENSHOTS:-$CHORUS_ROOT/target/screenshots}"
(cd "$CHORUS_ROOT" && "$CHORUS_PYTHON" -m pytest -q -p no:cacheprovider --durations=12 tests)
