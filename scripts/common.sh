# Shared by install.sh and test.sh: finding a JDK 21+, installing Jupyter, building.
# Sourced, not executed.

CHORUS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHORUS_PYTHON="${CHORUS_PYTHON:-/usr/bin/python3}"

say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# java_major JAVA_BIN -> prints the feature version (17, 21, 25, ...) or nothing
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# Sets CHORUS_JAVA_HOME to a JDK 21+ (with javac and jshell): $JAVA_HOME first, then
# /usr/lib/jvm/*, then the java on PATH. Stops with what to install when there is none.
find_jdk() {
  local candidates=() dir major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for dir in /usr/lib/jvm/*; do [ -d "$dir" ] && candidates+=("$dir"); done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for dir in "${candidates[@]}"; do
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] && [ -e "$dir/jmods" -o -e "$dir/lib/modules" ] || continue
    major="$(java_major "$dir/bin/java")"
    [ -n "$major" ] || continue
    # $JAVA_HOME wins when it is new enough; otherwise the newest JDK found.
    if [ "$major" -ge 21 ] && [ "$dir" = "${JAVA_HOME:-}" ]; then best="$dir"; best_major="$major"; break; fi
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$dir"; best_major="$major"; fi
  done
  if [ -z "$best" ]; then
    die "Chorus needs a JDK 21 or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm/*, PATH).
  Install one, e.g. 'sudo apt-get install openjdk-21-jdk' (or Temurin 21/25), or set JAVA_HOME to it."
  fi
  CHORUS_JAVA_HOME="$best"
  CHORUS_JAVA_MAJOR="$best_major"
  export JAVA_HOME="$best"
  # Maven's own libraries (Guava, Guice) use sun.misc.Unsafe, which JDK 24+ warns about on every build.
  if [ "$best_major" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe-memory-access*) ;; *)
      export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
  say "JDK $best_major at $best"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"; fi
}

APT_UPDATED=""
# apt_install PKG... installs the Debian packages that are missing.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs Jupyter (notebook, client, nbclient, nbconvert) when it is missing.
ensure_jupyter() {
  if "$CHORUS_PYTHON" -c 'import jupyter_client, nbclient, nbconvert, notebook' >/dev/null 2>&1 \
       && command -v jupyter >/dev/null 2>&1; then
    return 0
  fi
  if command -v apt-get >/dev/null 2>&1; then
    apt_install jupyter-notebook jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel
  else
    say "installing Jupyter with pip (no apt-get here)"
    python3 -m pip install --user notebook jupyter_client nbclient nbconvert || die "could not install Jupyter with pip"
    CHORUS_PYTHON="$(command -v python3)"
  fi
}

# Charts are drawn as PNG in the kernel's JVM (Java2D): it needs fontconfig and a font.
ensure_fonts() {
  if command -v apt-get >/dev/null 2>&1; then
    apt_install fontconfig fonts-dejavu-core
  elif ! command -v fc-list >/dev/null 2>&1; then
    say "no fontconfig here: charts will show as SVG only (install fontconfig and a font for their PNG)"
  fi
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1; then apt_install maven
  else die "Maven is missing: install Apache Maven 3.8 or newer"; fi
}

# build [extra maven args...]: the whole reactor with the JDK found by find_jdk.
build() {
  (cd "$CHORUS_ROOT" && mvn -B -ntp "$@")
}
