"""Golden vectors: libofp's encodings judged by Open vSwitch.

tests/golden/vectors (built in the plain build tree) encodes every message
kind, OXM field, action, instruction and more through the libofp API, checks
encode -> decode -> encode byte identity itself, and prints "NAME HEX" lines.
Each vector is one test here: `ovs-ofctl ofp-print HEX` runs live and its
text must equal tests/golden/expected/NAME.txt exactly (a trailing newline
aside).  Text that shows Open vSwitch rejecting our bytes ("***") fails
even if it matches.

Environment:
  VG_BUILD_PLAIN     plain build tree (default: _build-h5 in the source tree)
  VG_GOLDEN_UPDATE=1 write the expected files from the live output instead
                     of comparing (then read every changed file!)
"""

import os
import pathlib
import subprocess

import pytest

SRCDIR = pathlib.Path(__file__).resolve().parent.parent
EXPECTED = SRCDIR / "tests" / "golden" / "expected"
MIN_VECTORS = 100
UPDATE = os.environ.get("VG_GOLDEN_UPDATE") == "1"


def _build_dir():
    d = pathlib.Path(os.environ.get("VG_BUILD_PLAIN", "_build-h5"))
    return d if d.is_absolute() else SRCDIR / d


VECTORS = _build_dir() / "tests" / "golden" / "vectors"


def _run_vectors():
    """Runs the generator once.  Returns (rc, {name: hex}, {name: [why]},
    stderr), or None if it is not built."""
    if not os.access(VECTORS, os.X_OK):
        return None
    p = subprocess.run([str(VECTORS)], capture_output=True, text=True,
                       timeout=120)
    vectors = {}
    for line in p.stdout.splitlines():
        name, _, hexstr = line.partition(" ")
        vectors[name] = hexstr
    failures = {}
    for line in p.stderr.splitlines():
        parts = line.split(": ", 2)
        if len(parts) == 3 and parts[0] == "vectors":
            failures.setdefault(parts[1], []).append(parts[2])
    return p.returncode, vectors, failures, p.stderr


RESULT = _run_vectors()
GENERATED = RESULT[1] if RESULT else {}
FAILURES = RESULT[2] if RESULT else {}
NAMES = sorted(set(GENERATED) | set(FAILURES)
               | {p.stem for p in EXPECTED.glob("*.txt")})


def _require_built():
    if RESULT is None:
        pytest.fail(f"{VECTORS} is not built (make -C {_build_dir()}; "
                    "or set VG_BUILD_PLAIN)")


def test_vectors_all_round_trip():
    """The generator itself succeeded: every vector encoded, and encode ->
    decode -> encode was byte-identical for every one."""
    _require_built()
    rc, vectors, failures, stderr = RESULT
    assert rc == 0 and not failures, stderr
    assert len(vectors) >= MIN_VECTORS, \
        f"only {len(vectors)} vectors, want >= {MIN_VECTORS}"
    assert len(set(vectors)) == len(vectors)


def _ofp_print(hexstr):
    p = subprocess.run(["ovs-ofctl", "ofp-print", hexstr],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, f"ovs-ofctl ofp-print failed: {p.stderr}"
    assert not p.stderr, f"ovs-ofctl ofp-print complained: {p.stderr}"
    return p.stdout


@pytest.mark.parametrize("name", NAMES)
def test_golden(name):
    _require_built()
    assert name in GENERATED, \
        (f"vector {name} is not generated: "
         f"{FAILURES.get(name) or 'remove ' + str(EXPECTED / name) + '.txt'}")
    hexstr = GENERATED[name]
    text = _ofp_print(hexstr)
    path = EXPECTED / f"{name}.txt"

    if UPDATE:
        EXPECTED.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    assert path.exists(), \
        f"no {path}: run with VG_GOLDEN_UPDATE=1 and review the output"
    expected = path.read_text()

    # Open vSwitch marks bytes it could not make sense of with "***"
    # ("***decode error***", "(***truncated***)", "***N leftover bytes***").
    assert "***" not in text, \
        f"ovs-ofctl rejects vector {name} ({hexstr}):\n{text}"
    assert text.rstrip("\n") == expected.rstrip("\n"), \
        (f"vector {name}: ovs-ofctl ofp-print {hexstr}\n"
         f"--- expected ({path})\n{expected}\n--- got\n{text}")
    assert name not in FAILURES, \
        f"vector {name} failed in the generator: {FAILURES[name]}"
