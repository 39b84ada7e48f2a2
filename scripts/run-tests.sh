#!/bin/bash
# vifguard's one test command: installs the dependencies, builds three trees
# and runs every test through pytest, whose summary is the last line.
#
#   sudo ./scripts/run-tests.sh [PYTEST ARGS...]
#
# PYTEST ARGS are passed on (e.g. -k captures, -x, tests/test_unit.py); without
# a test path among them, pytest runs everything under tests/.
#
# Phases (each timed):
#   1. scripts/install-deps.sh (apt; quick when everything is installed)
#   2. autoreconf -fi (when configure is missing or older than its inputs)
#   3. clang-format check of ofp/ src/ tests/ bench/ include/ (fails on any
#      diff; scripts/format.sh fixes the files in place)
#   4. VPATH builds under build/: plain (gcc, --enable-werror), asan
#      (--enable-sanitizers), fuzz (CC=clang --enable-fuzzing); `make` and the
#      check programs in each (not run by make: pytest runs them)
#   5. python3 -m pytest -v tests/ with VG_SRCDIR, VG_BUILD_PLAIN,
#      VG_BUILD_ASAN and VG_BUILD_FUZZ set
#
# Environment: VG_BUILD_ROOT (default: build/ in the source tree), JOBS
# (make -j, default 2); for development only, VG_SKIP_DEPS=1 and
# VG_SKIP_FORMAT=1 skip phases 1 and 3 (CI sets neither).  Exits non-zero on any
# failure, including pytest collecting no test at all.
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

if [ "$(id -u)" -ne 0 ]; then
    echo "run-tests.sh: must run as root (it installs packages, and the" \
         "integration tests create network namespaces and run Open vSwitch):" \
         "sudo $0" >&2
    exit 1
fi

# System tools first: a pyenv or virtualenv python3 lacks Debian's pytest.
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
PYTHON=/usr/bin/python3
JOBS=${JOBS:-2}
build_root=${VG_BUILD_ROOT:-$srcdir/build}
timings=()

now_ms() {
    local us=${EPOCHREALTIME/[.,]/}
    echo $((us / 1000))
}

phase_begin() {
    phase_name=$1
    phase_t0=$(now_ms)
    echo
    echo "=== run-tests: $phase_name"
}

phase_end() {
    local ms=$(($(now_ms) - phase_t0))
    local t
    t=$(printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)))
    timings+=("$(printf '%-24s %7ss' "$phase_name" "$t")")
    echo "=== run-tests: $phase_name done in ${t}s"
}

# 1. Dependencies.
phase_begin "install-deps"
if [ "${VG_SKIP_DEPS:-0}" = 1 ]; then
    echo "skipped (VG_SKIP_DEPS=1)"
else
    "$srcdir/scripts/install-deps.sh"
fi
phase_end

# 2. Autotools.
phase_begin "autoreconf"
stale=false
if [ ! -x configure ] || [ ! -f Makefile.in ]; then
    stale=true
else
    for f in configure.ac Makefile.am */automake.mk; do
        if [ "$f" -nt configure ] || [ "$f" -nt Makefile.in ]; then
            stale=true
        fi
    done
fi
if $stale; then
    autoreconf -fi
else
    echo "configure is up to date"
fi
phase_end

# 3. Formatting.
phase_begin "clang-format check"
mapfile -t sources < <(find ofp src tests bench include \
    \( -name '*.c' -o -name '*.h' \) -type f 2>/dev/null | sort)
unformatted=()
for f in "${sources[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        unformatted+=("$f")
    fi
done
if [ ${#unformatted[@]} -ne 0 ] && [ "${VG_SKIP_FORMAT:-0}" = 1 ]; then
    echo "VG_SKIP_FORMAT=1: ignoring ${#unformatted[@]} unformatted files:" \
         "${unformatted[*]}"
elif [ ${#unformatted[@]} -ne 0 ]; then
    echo "run-tests: these files differ from .clang-format:" >&2
    for f in "${unformatted[@]}"; do
        echo "  $f" >&2
    done
    clang-format --dry-run "${unformatted[@]}" 2>&1 | head -40 >&2 || true
    echo "run-tests: fix them with scripts/format.sh" >&2
    exit 1
fi
echo "${#sources[@]} files checked"
phase_end

# 4. Builds.  configure runs once per tree; later runs let make
# re-configure when configure.ac changes.
build_tree() {
    local name=$1
    shift
    local dir="$build_root/$name"
    phase_begin "build $name"
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ]; then
        (cd "$dir" && "$srcdir/configure" "$@" >configure.out 2>&1) || {
            cat "$dir/configure.out" >&2
            echo "run-tests: configure failed in $dir" >&2
            exit 1
        }
        tail -8 "$dir/configure.out"
    fi
    make -C "$dir" -j"$JOBS" all
    if [ "$name" != fuzz ]; then
        # The check programs, without running them: pytest does that.
        local progs
        progs=$(printf 'vg-print-check-programs:\n\t@echo $(check_PROGRAMS)\n' \
            | make -s -C "$dir" -f Makefile -f - vg-print-check-programs)
        if [ -n "$progs" ]; then
            # shellcheck disable=SC2086
            make -C "$dir" -j"$JOBS" $progs
        fi
    fi
    phase_end
}
build_tree plain CC=gcc --enable-werror
build_tree asan CC=gcc --enable-sanitizers
build_tree fuzz CC=clang --enable-fuzzing

# 5. Tests.
export VG_SRCDIR=$srcdir
export VG_BUILD_PLAIN=$build_root/plain
export VG_BUILD_ASAN=$build_root/asan
export VG_BUILD_FUZZ=$build_root/fuzz
export PYTHONDONTWRITEBYTECODE=1
phase_begin "pytest"
echo "phase timings so far:"
printf '  %s\n' "${timings[@]}"
echo "total so far: ${SECONDS}s"
# Arguments go to pytest; without a test path among them, run tests/.
paths=(tests/)
for arg in "$@"; do
    if [ "${arg#-}" = "$arg" ] && [ -e "${arg%%::*}" ]; then
        paths=()
    fi
done
rc=0
"$PYTHON" -m pytest -v -p no:cacheprovider --durations=15 "$@" "${paths[@]}" \
    || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run-tests: pytest collected no tests: that is a failure" >&2
fi
exit "$rc"
