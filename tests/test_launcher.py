"""The `chorus` launcher from a plain shell whose first java is too old (Debian 12: java 17 on
PATH, a JDK 21+ beside it): it runs on the JDK install.sh remembered, and says clearly when it
finds none."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

DIST = os.environ.get("CHORUS_DIST", os.path.join(ROOT, "kernel", "target", "chorus"))
JDK = os.environ.get("CHORUS_JAVA_HOME")

OLD_JAVA = """#!/bin/sh
# a java 17 as far as the launcher can tell
echo '    java.specification.version = 17' >&2
echo 'openjdk version "17.0.15" 2025-04-15' >&2
exit 0
"""


@pytest.fixture
def install(tmp_path):
    """A copy of the built distribution, and a folder whose java is a 17."""
    if not JDK:
        pytest.skip("CHORUS_JAVA_HOME (set by test.sh) names the JDK to remember")
    dest = tmp_path / "chorus"
    shutil.copytree(os.path.join(DIST, "bin"), dest / "bin")
    os.symlink(os.path.join(DIST, "lib"), dest / "lib")
    old = tmp_path / "old-jdk" / "bin"
    old.mkdir(parents=True)
    (old / "java").write_text(OLD_JAVA)
    (old / "java").chmod(0o755)
    return dest, old


def launch(dest, old, *args, **env_extra):
    env = {"PATH": f"{old}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    env.update(env_extra)
    return subprocess.run([str(dest / "bin" / "chorus"), *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_without_a_remembered_jdk_an_old_java_first_is_one_clear_line(install):
    dest, old = install
    run = launch(dest, old, "--help")
    assert run.returncode == 1
    assert run.stderr.strip() == (f"chorus: no Java 21 or newer found ({old}/java is Java 17); "
                                  "set CHORUS_JAVA to one, or run install.sh again")


def test_the_jdk_install_sh_remembered_wins_over_an_old_java_first_on_path(install):
    dest, old = install
    (dest / "jdk").write_text(JDK + "\n")
    run = launch(dest, old, "--help")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Usage: chorus COMMAND")
    # an old JAVA_HOME does not win over it either
    run = launch(dest, old, "--help", JAVA_HOME=str(old.parent))
    assert run.returncode == 0, run.stderr


def test_an_explicit_chorus_java_that_is_too_old_is_refused(install):
    dest, old = install
    (dest / "jdk").write_text(JDK + "\n")
    run = launch(dest, old, "--help", CHORUS_JAVA=str(old / "java"))
    assert run.returncode == 1
    assert run.stderr.strip() == f"chorus: CHORUS_JAVA={old}/java is Java 17; Chorus needs Java 21 or newer"
