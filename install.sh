#!/usr/bin/env bash
# Installs Chorus for this user: finds a JDK 21+, installs Jupyter when missing, builds,
# installs the "Java (Chorus)" kernelspec and runs the quickstart notebook headless.
# Idempotent: run it again after a pull to update.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"

DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
DEST="${CHORUS_HOME:-$DATA_HOME/chorus}"
BIN_DIR="$HOME/.local/bin"

find_jdk
ensure_maven
ensure_jupyter

say "building Chorus"
build -q -DskipTests package

say "installing into $DEST"
DIST="$CHORUS_ROOT/kernel/target/chorus"
[ -x "$DIST/bin/chorus" ] || die "the build did not produce $DIST/bin/chorus"
mkdir -p "$DEST" "$BIN_DIR"
rm -rf "$DEST/lib.new" && cp -r "$DIST/lib" "$DEST/lib.new"
rm -rf "$DEST/lib" && mv "$DEST/lib.new" "$DEST/lib"
mkdir -p "$DEST/bin" && cp "$DIST/bin/chorus" "$DEST/bin/chorus" && chmod +x "$DEST/bin/chorus"
ln -sf "$DEST/bin/chorus" "$BIN_DIR/chorus"

say "installing the kernelspec 'chorus' (Java (Chorus))"
CHORUS_JAVA="$CHORUS_JAVA_HOME/bin/java" "$DEST/bin/chorus" kernelspec install --user --java "$CHORUS_JAVA_HOME/bin/java"

say "running notebooks/00-quickstart.ipynb headless"
OUT_DIR="$DEST/executed"
mkdir -p "$OUT_DIR"
( cd "$CHORUS_ROOT/notebooks" && "$CHORUS_PYTHON" -m jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=chorus --ExecutePreprocessor.timeout=300 \
    --output-dir "$OUT_DIR" 00-quickstart.ipynb >/dev/null 2>"$OUT_DIR/nbconvert.log" ) \
  || { cat "$OUT_DIR/nbconvert.log" >&2; die "the quickstart notebook failed (log above)"; }

cat <<MSG

Chorus is installed.
  executed quickstart:  $OUT_DIR/00-quickstart.ipynb
  command line:         $BIN_DIR/chorus  (chorus run NOTEBOOK.ipynb, chorus sandbox, chorus --help)
  open Jupyter:         jupyter notebook $CHORUS_ROOT/notebooks
                        then pick the kernel "Java (Chorus)".
MSG
