"""Runs every C unit test program three ways: as built in the plain tree,
as built in the ASan+UBSan tree, and under valgrind (plain tree).

The list of programs is UNIT_TESTS in tests/automake.mk (every block's
"UNIT_TESTS =" and "UNIT_TESTS +=" lines), so a program that is listed but
was not built fails here rather than being silently skipped.  Each run must
exit 0 and print "N passed, 0 failed" with N > 0 (tests/unit/check.h).
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD_DIRS

AUTOMAKE_MK = os.path.join(BUILD_DIRS["srcdir"], "tests", "automake.mk")
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)
VALGRIND = ["valgrind", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--track-fds=no", "-q"]
TIMEOUT = {"plain": 300, "asan": 600, "valgrind": 1200}


def unit_tests():
    """Program paths (relative to a build tree) listed in UNIT_TESTS."""
    try:
        with open(AUTOMAKE_MK) as f:
            text = f.read().replace("\\\n", " ")
    except OSError:
        return []
    progs = []
    for m in re.finditer(r"^UNIT_TESTS\s*\+?=(.*)$", text, re.M):
        for word in m.group(1).split():
            if word.startswith("$(") or word.startswith("#"):
                break
            if word not in progs:
                progs.append(word)
    return progs


PROGRAMS = unit_tests()


def test_unit_tests_are_listed():
    assert PROGRAMS, "no UNIT_TESTS found in %s" % AUTOMAKE_MK


def run_program(mode, prog):
    tree = BUILD_DIRS["asan" if mode == "asan" else "plain"]
    path = os.path.join(tree, prog)
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (run scripts/run-tests.sh, or make check "
                    "TESTS= in %s)" % (path, tree), pytrace=False)
    cmd = [path]
    env = dict(os.environ)
    if mode == "valgrind":
        if shutil.which("valgrind") is None:
            pytest.fail("valgrind not found: run scripts/install-deps.sh",
                        pytrace=False)
        cmd = VALGRIND + cmd
    elif mode == "asan":
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           cwd=tree, timeout=TIMEOUT[mode])
    except subprocess.TimeoutExpired as e:
        pytest.fail("%s timed out after %ss\n%s" % (" ".join(cmd), e.timeout,
                                                   e.stdout or ""),
                    pytrace=False)
    output = "$ %s\nexit status %d\n--- stdout\n%s--- stderr\n%s" % (
        " ".join(cmd), p.returncode, p.stdout, p.stderr)
    summaries = SUMMARY.findall(p.stdout)
    assert p.returncode == 0, output
    assert summaries, "no 'N passed, N failed' line\n" + output
    passed, failed = (int(x) for x in summaries[-1])
    assert failed == 0 and passed > 0, output


@pytest.mark.parametrize("mode", ["plain", "asan", "valgrind"])
@pytest.mark.parametrize("prog", PROGRAMS,
                         ids=[os.path.basename(p) for p in PROGRAMS])
def test_unit(prog, mode):
    run_program(mode, prog)
