"""libFuzzer targets (every tests/fuzz/fuzz-*.c), each run for a fixed time.

The targets are built with clang, libFuzzer, ASan and UBSan by
`configure --enable-fuzzing`.  Each runs for VG_FUZZ_SECONDS (default 60)
on a copy of its committed seed corpus (tests/fuzz/corpus/TARGET), so the
committed corpus never grows.  All targets run at the same time, sharing the
cores, so the module takes one run's wall time.  Any crash, leak, sanitizer
report or timeout fails the target's test; the reproducer stays in the test's
temporary directory (pytest keeps the last few) and its first bytes are
printed in hex.

Environment:
  VG_BUILD_FUZZ    fuzzing build tree (default: build/fuzz in the source
                   tree, as scripts/run-tests.sh makes it)
  VG_FUZZ_SECONDS  seconds per target (default 60)
"""

import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import BUILD_DIRS

SRCDIR = pathlib.Path(__file__).resolve().parent.parent
CORPUS = SRCDIR / "tests" / "fuzz" / "corpus"
# Extra libFuzzer options per target; every tests/fuzz/fuzz-*.c is a
# target, and those not listed here get DEFAULT_OPTIONS.
OPTIONS = {
    "fuzz-ofp-decode": ["-max_len=16384"],
    "fuzz-ofp-roundtrip": ["-max_len=16384"],
    "fuzz-ofp-parse": ["-max_len=2048",
                       f"-dict={SRCDIR / 'tests' / 'fuzz' / 'flows.dict'}"],
    # The per-MAC JSON parser refuses more than 4096 bytes at once.
    "fuzz-xspolicy": ["-max_len=4200",
                      f"-dict={SRCDIR / 'tests' / 'fuzz' / 'xspolicy.dict'}"],
}
DEFAULT_OPTIONS = ["-max_len=16384"]
TARGETS = sorted({p.stem for p in (SRCDIR / "tests" / "fuzz").glob("fuzz-*.c")}
                 | set(OPTIONS))


def _build_dir():
    return pathlib.Path(BUILD_DIRS["fuzz"])


def _seconds():
    return int(os.environ.get("VG_FUZZ_SECONDS", "60"))


class _Run:
    """One fuzzer process started by the 'runs' fixture."""

    def __init__(self, target, tmp):
        self.target = target
        self.tmp = tmp
        self.binary = _build_dir() / "tests" / "fuzz" / target
        self.seeds = CORPUS / target
        self.proc = None
        self.log = None
        self.artifacts = tmp / "artifacts"

    def start(self):
        if not os.access(self.binary, os.X_OK):
            return
        if not self.seeds.is_dir() or not any(self.seeds.iterdir()):
            return
        work = self.tmp / "corpus"
        shutil.copytree(self.seeds, work)
        self.artifacts.mkdir()
        cmd = [str(self.binary),
               f"-max_total_time={_seconds()}",
               "-rss_limit_mb=2048",
               "-malloc_limit_mb=1024",
               "-timeout=10",
               "-print_final_stats=1",
               f"-artifact_prefix={self.artifacts}/",
               *OPTIONS.get(self.target, DEFAULT_OPTIONS),
               str(work)]
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        self.log = open(self.tmp / "fuzz.log", "w+")
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)

    def wait(self):
        try:
            rc = self.proc.wait(timeout=_seconds() + 300)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.seek(0)
        text = self.log.read()
        self.log.close()
        return rc, text


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Starts every target at once: the wall time of the module is one
    run's, not the sum (each target still gets its full time budget, and
    the machine's cores are shared among them)."""
    started = {}
    for target in TARGETS:
        r = _Run(target, tmp_path_factory.mktemp(target))
        r.start()
        started[target] = r
    yield started
    for r in started.values():
        if r.proc and r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz(target, runs):
    r = runs[target]
    if not os.access(r.binary, os.X_OK):
        pytest.fail(f"{r.binary} is not built (configure with CC=clang "
                    "--enable-fuzzing, or set VG_BUILD_FUZZ)")
    assert r.proc, f"no seed corpus in {r.seeds}"
    rc, log = r.wait()

    crashes = sorted(r.artifacts.iterdir())
    details = ""
    for c in crashes[:3]:
        data = c.read_bytes()
        details += f"\n{c.name} ({len(data)} bytes): {data[:512].hex()}"
    bad_lines = [line for line in log.splitlines()
                 if "ERROR: " in line or "runtime error:" in line
                 or "SUMMARY: " in line]
    assert rc == 0 and not crashes and not bad_lines, \
        (f"{target} failed (exit {rc}):\n"
         + "\n".join(bad_lines[:20]) + details
         + "\n--- last lines of the log ---\n"
         + "\n".join(log.splitlines()[-40:]))
    assert "Done " in log, f"{target} did not finish its run:\n{log[-3000:]}"
