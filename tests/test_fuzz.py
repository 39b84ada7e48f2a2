"""libFuzzer targets (every tests/fuzz/fuzz-*.c), each run for a fixed time.

The targets are built with clang, libFuzzer, ASan and UBSan by
`configure --enable-fuzzing`.  Each runs for VG_FUZZ_SECONDS (default 60)
on a copy of its committed seed corpus (tests/fuzz/corpus/TARGET), so the
committed corpus never grows; any crash, leak, sanitizer report or timeout
fails the test; the reproducer stays in the test's temporary directory
(pytest keeps the last few) and its first bytes are printed in hex.

Environment:
  VG_BUILD_FUZZ    fuzzing build tree (default: _build-h5-fuzz in the
                   source tree)
  VG_FUZZ_SECONDS  seconds per target (default 60)
"""

import os
import pathlib
import shutil
import subprocess

import pytest

SRCDIR = pathlib.Path(__file__).resolve().parent.parent
CORPUS = SRCDIR / "tests" / "fuzz" / "corpus"
# Extra libFuzzer options per target; every tests/fuzz/fuzz-*.c is a
# target, and those not listed here get DEFAULT_OPTIONS.
OPTIONS = {
    "fuzz-ofp-decode": ["-max_len=16384"],
    "fuzz-ofp-roundtrip": ["-max_len=16384"],
    "fuzz-ofp-parse": ["-max_len=2048",
                       f"-dict={SRCDIR / 'tests' / 'fuzz' / 'flows.dict'}"],
}
DEFAULT_OPTIONS = ["-max_len=16384"]
TARGETS = sorted({p.stem for p in (SRCDIR / "tests" / "fuzz").glob("fuzz-*.c")}
                 | set(OPTIONS))


def _build_dir():
    d = pathlib.Path(os.environ.get("VG_BUILD_FUZZ", "_build-h5-fuzz"))
    return d if d.is_absolute() else SRCDIR / d


def _seconds():
    return int(os.environ.get("VG_FUZZ_SECONDS", "60"))


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz(target, tmp_path):
    binary = _build_dir() / "tests" / "fuzz" / target
    if not os.access(binary, os.X_OK):
        pytest.fail(f"{binary} is not built (configure with CC=clang "
                    "--enable-fuzzing, or set VG_BUILD_FUZZ)")
    seeds = CORPUS / target
    n_seeds = len(list(seeds.iterdir())) if seeds.is_dir() else 0
    assert n_seeds > 0, f"no seed corpus in {seeds}"

    work = tmp_path / "corpus"
    shutil.copytree(seeds, work)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()

    seconds = _seconds()
    cmd = [str(binary),
           f"-max_total_time={seconds}",
           "-rss_limit_mb=2048",
           "-malloc_limit_mb=1024",
           "-timeout=10",
           "-print_final_stats=1",
           f"-artifact_prefix={artifacts}/",
           *OPTIONS.get(target, DEFAULT_OPTIONS),
           str(work)]
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=seconds + 300)
    log = p.stdout + p.stderr
    (tmp_path / "fuzz.log").write_text(log)

    crashes = sorted(artifacts.iterdir())
    details = ""
    for c in crashes[:3]:
        data = c.read_bytes()
        details += f"\n{c.name} ({len(data)} bytes): {data[:512].hex()}"
    bad_lines = [line for line in log.splitlines()
                 if "ERROR: " in line or "runtime error:" in line
                 or "SUMMARY: " in line]
    assert p.returncode == 0 and not crashes and not bad_lines, \
        (f"{target} failed (exit {p.returncode}):\n"
         + "\n".join(bad_lines[:20]) + details
         + "\n--- last lines of the log ---\n"
         + "\n".join(log.splitlines()[-40:]))
    assert "Done " in log, f"{target} did not finish its run:\n{log[-3000:]}"
