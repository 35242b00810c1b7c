#!/usr/bin/env bash
# Installs Chorus for this user: finds a JDK 21+, installs Jupyter when missing, builds,
# installs the "Java (Chorus)" kernelspec and the `chorus` command, and runs the quickstart
# notebook headless. Idempotent: run it again after a pull to update.
#   ./install.sh --uninstall   removes what it installed: the kernelspec, the `chorus` command,
#                              the installed files and Chorus's cache folder (class-data archives)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"

DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
DEST="${CHORUS_HOME:-$DATA_HOME/chorus}"
BIN_DIR="$HOME/.local/bin"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/chorus"
KERNELSPEC_DIR="${JUPYTER_DATA_DIR:-$DATA_HOME/jupyter}/kernels/chorus"

case "${1:-}" in
  "") ;;
  --uninstall)
    say "removing Chorus"
    for path in "$KERNELSPEC_DIR" "$DEST" "$CACHE_DIR"; do
      if [ -e "$path" ]; then rm -rf "$path" && echo "  removed $path"; fi
    done
    if [ -L "$BIN_DIR/chorus" ] || [ -e "$BIN_DIR/chorus" ]; then rm -f "$BIN_DIR/chorus" && echo "  removed $BIN_DIR/chorus"; fi
    echo "Chorus is uninstalled (Jupyter and the JDK stay)."
    exit 0 ;;
  *) die "unknown option $1 (usage: ./install.sh [--uninstall])" ;;
esac

find_jdk
ensure_maven
ensure_jupyter
ensure_fonts

say "building Chorus"
build -q -DskipTests package

say "installing into $DEST"
DIST="$CHORUS_ROOT/kernel/target/chorus"
[ -x "$DIST/bin/chorus" ] || die "the build did not produce $DIST/bin/chorus"
mkdir -p "$DEST" "$BIN_DIR"
rm -rf "$DEST/lib.new" && cp -r "$DIST/lib" "$DEST/lib.new"
rm -rf "$DEST/lib" && mv "$DEST/lib.new" "$DEST/lib"
mkdir -p "$DEST/bin" && cp "$DIST/bin/chorus" "$DEST/bin/chorus" && chmod +x "$DEST/bin/chorus"
# The launcher runs on this JDK from any shell, whatever java comes first on its PATH.
echo "$CHORUS_JAVA_HOME" > "$DEST/jdk"
ln -sf "$DEST/bin/chorus" "$BIN_DIR/chorus"

say "installing the kernelspec 'chorus' (Java (Chorus))"
CHORUS_JAVA="$CHORUS_JAVA_HOME/bin/java" "$DEST/bin/chorus" kernelspec install --user --java "$CHORUS_JAVA_HOME/bin/java"

say "running notebooks/00-quickstart.ipynb headless, against the embedded sandbox"
OUT_DIR="$DEST/executed"
mkdir -p "$OUT_DIR"
# The check of the install sends nothing to a paid endpoint, whatever this shell has set, and keeps
# its sandbox answers out of the user's response cache.
QUICK_CACHE="$(mktemp -d)"
( cd "$CHORUS_ROOT/notebooks" \
  && env -u EVOLUTION_KEY_ID -u EVOLUTION_SECRET -u EVOLUTION_BASE_URL -u EVOLUTION_TOKEN_URL \
       -u OPENAI_API_KEY -u OPENAI_BASE_URL -u CHORUS_MODEL XDG_CACHE_HOME="$QUICK_CACHE" \
     "$CHORUS_PYTHON" -m jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=chorus --ExecutePreprocessor.timeout=300 \
    --output-dir "$OUT_DIR" 00-quickstart.ipynb >/dev/null 2>"$OUT_DIR/nbconvert.log" ) \
  || { rm -rf "$QUICK_CACHE"; cat "$OUT_DIR/nbconvert.log" >&2; die "the quickstart notebook failed (log above)"; }
rm -rf "$QUICK_CACHE"

cat <<MSG

Chorus is installed.
  executed quickstart:  $OUT_DIR/00-quickstart.ipynb
  command line:         $BIN_DIR/chorus  (chorus run NOTEBOOK.ipynb, chorus sandbox, chorus --help; runs on $CHORUS_JAVA_HOME)
  open Jupyter:         jupyter notebook $CHORUS_ROOT/notebooks
                        then pick the kernel "Java (Chorus)".
MSG
case ":$PATH:" in *":$BIN_DIR:"*) ;; *) echo "  add $BIN_DIR to PATH to type chorus alone." ;; esac
